"""The window's status bar: cursor position (always WGS-84), zoom, and a cancellable progress.

The page reports positions in its basemap's datum; over a GCJ-02 basemap they are shifted
back here, so the user reads the same coordinates whatever basemap is shown.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton

from .mapview import display_to_wgs84


class MapStatus(QObject):
    def __init__(self, window: QMainWindow, basemap: Callable[[], str],
                 cancel: Callable[[], None]):
        super().__init__(window)
        self._basemap = basemap           # the basemap of the page now shown
        self.cursor: tuple[float, float] | None = None   # WGS-84 lon, lat under the mouse
        self.zoom: float | None = None
        bar = window.statusBar()
        self.coord_label = QLabel(window)
        self.coord_label.setMinimumWidth(210)
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
