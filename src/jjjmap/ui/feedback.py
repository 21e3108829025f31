"""How a helper of the main window tells the user what is going on, without holding the window.

``Feedback`` is what the file and layer actions (ui.files, ui.layeractions) are given; the
window gives them a ``StatusFeedback`` over its status bar, and a test can give them any object
with these methods (a list that records them).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, ContextManager, Iterator, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressBar, QPushButton, QStatusBar


class Feedback(Protocol):
    def message(self, text: str, timeout_ms: int = 0) -> None:
        """``text`` in the status line (for ``timeout_ms``, 0: until the next one); "" clears it."""

    def error(self, title: str, text: str) -> None:
        """A failure the user must read (a message box, or stderr in an unattended run)."""

    def can_ask(self) -> bool:
        """False in an unattended run (a screenshot): nobody answers a dialog there."""

    def busy(self) -> ContextManager[None]:
        """Around work done on this thread that the user waits for (a wait cursor)."""

    def working(self, active: bool) -> None:
        """Background work began (a progress bar and its Cancel button) or all of it ended;
        a new run starts with no count (a busy bar) until ``progress`` gives one."""

    def progress(self, percent: int) -> None:
        """How far the background work is, 0-100."""


class StatusFeedback:
    """``Feedback`` over the window's status bar, its progress bar and Cancel button
    (ui.statusbar.MapStatus); errors go to ``report`` (MainWindow.report_error), and
    ``unattended`` says whether the window runs without a user (MainWindow.quiet_errors)."""

    def __init__(self, bar: QStatusBar, progress_bar: QProgressBar, cancel_button: QPushButton,
                 report: Callable[[str, str], None], unattended: Callable[[], bool]):
        self._bar, self._progress, self._cancel = bar, progress_bar, cancel_button
        self._report, self._unattended = report, unattended

    def message(self, text: str, timeout_ms: int = 0) -> None:
        if text:
            self._bar.showMessage(text, timeout_ms)
        else:
            self._bar.clearMessage()

    def error(self, title: str, text: str) -> None:
        self._report(title, text)

    def can_ask(self) -> bool:
        return not self._unattended()

    @contextmanager
    def busy(self) -> Iterator[None]:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            yield
        finally:
            QApplication.restoreOverrideCursor()

    def working(self, active: bool) -> None:
        self._progress.setVisible(active)
        self._cancel.setVisible(active)
        if not active:
            self._progress.setRange(0, 0)

    def progress(self, percent: int) -> None:
        self._progress.setRange(0, 100)
        self._progress.setValue(percent)


__all__ = ["Feedback", "StatusFeedback"]
