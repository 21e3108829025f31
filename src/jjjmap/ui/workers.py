"""Background work: run a function on the thread pool, report back on the GUI thread.

Readers (pyogrio, pandas) cannot be interrupted mid-file, so Cancel means "forget it": the
task's result is dropped when it arrives and the user can carry on at once.
"""
from __future__ import annotations

import ctypes
import logging
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_pinned = threading.local()


def _pin_thread_state() -> None:
    """Keep this pooled thread's Python thread state for the thread's whole life.

    PySide makes and drops a thread state around each task on a pooled thread. pyproj keeps
    its PROJ context pointer in OS-thread storage but frees the context with the thread
    state's ``threading.local``, so the next task on that thread used a freed context and
    the process died (SIGSEGV in proj_create, e.g. exporting a layer twice). One extra,
    never released PyGILState_Ensure keeps the state, so the context stays valid.
    """
    if not getattr(_pinned, "done", False):
        ctypes.pythonapi.PyGILState_Ensure()
        _pinned.done = True


class _Signals(QObject):
    progress = Signal(int, str)      # percent (-1: unknown), message
    finished = Signal(object)        # the function's result
    failed = Signal(object)          # the exception


class Task(QRunnable):
    """``fn(*args, progress=callback, **kwargs)`` if ``wants_progress``, else ``fn(*args)``."""

    def __init__(self, fn: Callable[..., Any], *args: Any, wants_progress: bool = False,
                 **kwargs: Any):
        super().__init__()
        self.setAutoDelete(False)  # Python keeps the reference; Qt must not delete it
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.wants_progress = wants_progress
        self.signals = _Signals()
        self.cancelled = False
        self.done = False

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, percent: int, message: str = "") -> bool:
        """Called by the work; returns False once the user cancelled."""
        if not self.cancelled:
            self.signals.progress.emit(int(percent), message)
        return not self.cancelled

    @Slot()
    def run(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            _pin_thread_state()
        try:
            if self.wants_progress:
                result = self.fn(*self.args, progress=self._progress, **self.kwargs)
            else:
                result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            log.debug("task failed:\n%s", traceback.format_exc())
            self.done = True
            if not self.cancelled:
                self.signals.failed.emit(exc)
            return
        self.done = True
        if not self.cancelled:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Starts tasks and keeps them alive until they end; one pool for the window."""

    started = Signal(object)   # Task
    ended = Signal(object)     # Task (finished, failed or cancelled)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.pool.setExpiryTimeout(-1)   # the threads keep their (pinned) thread states
        self.active: list[Task] = []
        self._alive: list[Task] = []  # cancelled tasks still running keep a reference here

    def submit(self, task: Task, on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None]) -> Task:
        def finish(result):
            self._forget(task)
            on_done(result)

        def fail(exc):
            self._forget(task)
            on_error(exc)

        task.signals.finished.connect(finish)
        task.signals.failed.connect(fail)
        self._alive = [t for t in self._alive if not t.done]
        self._alive.append(task)
        self.active.append(task)
        self.started.emit(task)
        self.pool.start(task)
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
        return self.pool.waitForDone(msecs)
