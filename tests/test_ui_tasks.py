"""The task runner: a cancelled task's result is dropped even when its thread had already sent
it (the result waiting in the GUI thread's queue while the user clicked Cancel)."""
from PySide6.QtWidgets import QApplication

from jjjmap.ui.workers import Task, TaskRunner


def test_a_result_sent_before_cancel_is_dropped(qapp):
    runner = TaskRunner()
    done, failed = [], []
    task = runner.submit(Task(lambda: "read"), done.append, failed.append)
    assert runner.wait(10000)        # the thread has ended: its result is queued, not delivered
    assert done == [] and task in runner.active
    runner.cancel(task)              # the user's click, before the queue is run
    QApplication.sendPostedEvents()
    assert done == [] and failed == [] and task not in runner.active


def test_an_error_sent_before_cancel_is_dropped(qapp):
    runner = TaskRunner()
    done, failed = [], []

    def broken():
        raise OSError("disk gone")

    task = runner.submit(Task(broken), done.append, failed.append)
    assert runner.wait(10000)
    runner.cancel(task)
    QApplication.sendPostedEvents()
    assert done == [] and failed == []


def test_a_task_not_cancelled_delivers_its_result(qapp):
    runner = TaskRunner()
    done = []
    runner.submit(Task(lambda: 42), done.append, lambda exc: None)
    assert runner.wait(10000)
    QApplication.sendPostedEvents()
    assert done == [42] and runner.active == []
