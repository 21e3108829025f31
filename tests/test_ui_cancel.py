"""Cancel stops a file read in fact (issue 20 item 11): the worker thread stops at the reader's
next checkpoint instead of reading the rest of the file. Counted work, not seconds."""
import threading

import pandas as pd
import pytest

pytest.importorskip("PySide6")


def test_cancel_frees_the_worker_thread(qtbot, tmp_path, monkeypatch):
    from jjjmap.io import tables
    from jjjmap.ui import files
    from jjjmap.ui.workers import Task, TaskRunner

    monkeypatch.setattr(tables, "CSV_CHUNK_ROWS", 1_000)
    p = tmp_path / "long.csv"
    p.write_text("name,lon,lat\n" + "invented,116.4,39.9\n" * 50_000)   # 50 chunks
    chunks, reading, go_on = [], threading.Event(), threading.Event()
    real = pd.io.parsers.TextFileReader.__next__

    def counted(self):
        chunks.append(1)
        if len(chunks) == 2:      # the read is under way: let the user press Cancel now
            reading.set()
            go_on.wait(60)
        return real(self)

    monkeypatch.setattr(pd.io.parsers.TextFileReader, "__next__", counted)
    runner = TaskRunner()
    outcome = []
    task = runner.submit(Task(files._open_layer, str(p), wants_progress=True),
                         outcome.append, outcome.append)
    assert reading.wait(120)
    runner.cancel(task)
    go_on.set()
    qtbot.waitUntil(lambda: runner.wait(0), timeout=120_000)   # the thread has ended
    assert len(chunks) == 2            # 48 of 50 chunks never parsed
    assert outcome == []               # nothing reported for a cancelled task
    runner.pool.shutdown(wait=True)


def test_a_task_ending_after_its_runner_was_deleted_tells_nobody(qtbot):
    import threading

    import shiboken6

    from jjjmap.ui.workers import Task, TaskRunner

    release, told = threading.Event(), []
    runner = TaskRunner()
    task = runner.submit(Task(release.wait, 10), told.append, told.append)
    shiboken6.delete(runner)            # the window that asked is gone
    with qtbot.waitSignal(task.signals.finished, timeout=10000):
        release.set()
    # the result reached the task's own signal, and neither callback ran on a dead runner
    # (before: "RuntimeError: Signal source has been deleted" in the Qt event loop)
    assert told == []
    assert runner is not None and not shiboken6.isValid(runner)
