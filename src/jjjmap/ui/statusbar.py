"""The window's status bar: cursor position (always WGS-84), zoom, and a cancellable progress.

The page reports positions in its basemap's datum; over a GCJ-02 basemap they are shifted
back here, so the user reads the same coordinates whatever basemap is shown.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton, QSizePolicy

from . import plaintext
from .mapview import display_to_wgs84


class MessageLabel(QLabel):
    """The status bar's message in its own box, cut short with "…" where it would run into
    the progress bar and the coordinates (QStatusBar paints a long message under them); the
    whole text is in the tooltip."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        # opaque: QStatusBar can paint the same message under it (seen in a screenshot
        # taken while a 2M-point layer's index was built: two texts over each other)
        self.setAutoFillBackground(True)

    def set_message(self, text: str) -> None:
        self.setText(text)
        self.setToolTip(plaintext.tooltip(text) if text else "")
        self.update()

    def shown_text(self) -> str:
        """The text as drawn: elided to the label's width."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             max(0, self.contentsRect().width()))

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft
                                                  | Qt.AlignmentFlag.AlignVCenter),
                         self.shown_text())


class MapStatus(QObject):
    def __init__(self, window: QMainWindow, basemap: Callable[[], str],
                 cancel: Callable[[], None]):
        super().__init__(window)
        self._basemap = basemap           # the basemap of the page now shown
        self.cursor: tuple[float, float] | None = None   # WGS-84 lon, lat under the mouse
        self.zoom: float | None = None
        bar = self._bar = window.statusBar()
        # first of the permanent widgets, stretching: QStatusBar then paints no message of
        # its own (its message area ends where the first permanent widget begins)
        self.message_label = MessageLabel(window)
        bar.addPermanentWidget(self.message_label, 1)
        bar.messageChanged.connect(self.message_label.set_message)
        self.coord_label = QLabel(window)
        self.coord_label.setTextFormat(Qt.TextFormat.PlainText)
        self.zoom_label = QLabel(window)
        self.progress = QProgressBar(window)
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton(window)
        self.cancel_button.clicked.connect(cancel)
        for w in (self.progress, self.cancel_button):
            w.hide()
            bar.addPermanentWidget(w)
        bar.addPermanentWidget(self.coord_label)
        bar.addPermanentWidget(self.zoom_label)
        window.installEventFilter(self)
        self.retranslate()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        # a passing message ("Map ready in 0.09 s") was written in the language just left
        self._bar.clearMessage()
        # wide enough for the longest position in this language: never cut, never moving
        widest = self.tr("lon %1, lat %2 (WGS-84)").replace("%1", "-180.00000").replace(
            "%2", "-90.00000")
        self.coord_label.setMinimumWidth(self.coord_label.fontMetrics().horizontalAdvance(
            widest) + 12)
        self._show_cursor()
        self.show_zoom(self.zoom)

    def show_cursor(self, lat: float, lon: float) -> None:
        """A position as the page reports it (in its basemap's datum)."""
        self.cursor = display_to_wgs84(self._basemap(), lon, lat)
        self._show_cursor()

    def _show_cursor(self) -> None:
        if self.cursor is None:
            self.coord_label.setText(self.tr("lon —, lat —"))
            return
        lon, lat = self.cursor
        self.coord_label.setText(self.tr("lon %1, lat %2 (WGS-84)")
                                 .replace("%1", f"{lon:.5f}").replace("%2", f"{lat:.5f}"))

    def show_zoom(self, zoom: float | None) -> None:
        self.zoom = zoom
        if zoom is None:
            self.zoom_label.setText(self.tr("zoom —"))
        else:
            self.zoom_label.setText(self.tr("zoom %1").replace("%1", f"{zoom:g}"))
