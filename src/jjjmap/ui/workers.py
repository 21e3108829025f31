"""Background work: run a function on the thread pool, report back on the GUI thread.

Cancel drops the task's result and the user can carry on at once; work that polls its
``progress`` callback (which returns False once cancelled), such as opening a layer
(io.open_layer's checkpoints), also stops there and frees its thread.
"""
from __future__ import annotations

import concurrent.futures
import logging
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

# Plain Python threads, not QThreadPool: PySide makes and drops a Python thread state around
# each task on a Qt pool thread, and pyproj frees its per-thread PROJ context with that state
# while keeping the pointer, so the next task on the thread crashed (SIGSEGV in proj_create,
# e.g. exporting a layer twice). A Python thread keeps one thread state for its whole life.
MAX_WORKERS = 2


class _Signals(QObject):
    progress = Signal(int, str)      # percent (-1: unknown), message
    finished = Signal(object)        # the function's result
    failed = Signal(object)          # the exception


class Task:
    """``fn(*args, progress=callback, **kwargs)`` if ``wants_progress``, else ``fn(*args)``."""

    def __init__(self, fn: Callable[..., Any], *args: Any, wants_progress: bool = False,
                 **kwargs: Any):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.wants_progress = wants_progress
        self.signals = _Signals()
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, percent: int, message: str = "") -> bool:
        """Called by the work; returns False once the user cancelled."""
        if not self.cancelled:
            self.signals.progress.emit(int(percent), message)
        return not self.cancelled

    def run(self) -> None:
        try:
            if self.wants_progress:
                result = self.fn(*self.args, progress=self._progress, **self.kwargs)
            else:
                result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            log.debug("task failed:\n%s", traceback.format_exc())
            if not self.cancelled:
                self.signals.failed.emit(exc)
            return
        if not self.cancelled:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Starts tasks and keeps them alive until they end; one pool for the window."""

    started = Signal(object)   # Task
    ended = Signal(object)     # Task (finished, failed or cancelled)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = concurrent.futures.ThreadPoolExecutor(MAX_WORKERS, "jjjmap-task")
        self._futures: list[concurrent.futures.Future] = []
        self.active: list[Task] = []

    def submit(self, task: Task, on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None]) -> Task:
        # connected as plain callables, so they outlive the runner: a task that ends after
        # its window was closed (and the runner deleted) has nobody left to tell
        # a task cancelled after its thread had already sent the result (the signal waits in
        # the GUI thread's queue while the user clicks Cancel) is dropped here too
        def finish(result):
            if shiboken6.isValid(self) and not task.cancelled:
                self._forget(task)
                on_done(result)

        def fail(exc):
            if shiboken6.isValid(self) and not task.cancelled:
                self._forget(task)
                on_error(exc)

        task.signals.finished.connect(finish)
        task.signals.failed.connect(fail)
        self.active.append(task)
        self.started.emit(task)
        self._futures = [f for f in self._futures if not f.done()]
        self._futures.append(self.pool.submit(task.run))
        return task

    def cancel(self, task: Task) -> None:
        task.cancel()
        self._forget(task)

    def cancel_all(self) -> None:
        for task in list(self.active):
            self.cancel(task)

    def _forget(self, task: Task) -> None:
        if task in self.active:
            self.active.remove(task)
            self.ended.emit(task)

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for every task started so far; False if some are still running."""
        _, running = concurrent.futures.wait(self._futures, timeout=msecs / 1000)
        return not running
