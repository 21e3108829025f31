"""The page's way back to Python: ``window.jjjBridge`` over QWebChannel.

qwebchannel.js comes from the Qt resources and is injected at document creation in the main
world, followed by BRIDGE_BOOT, which publishes the channel's "bridge" object.
"""
from __future__ import annotations

from PySide6.QtCore import QFile, QIODevice, QObject, Signal, Slot

BRIDGE_BOOT = """
(function () {
  function boot() {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      window.jjjBridge = channel.objects.bridge;
      // the page may have become ready before the channel existed
      if (window.jjj && window.jjj.ready) { window.jjjBridge.mapReady(); }
    });
  }
  if (typeof qt !== "undefined" && qt.webChannelTransport) { boot(); }
  else { document.addEventListener("DOMContentLoaded", boot); }
})();
"""


class Bridge(QObject):
    """What the page reports, as Qt signals for the window to connect to."""

    featureClicked = Signal(str, int)  # noqa: N815 (mirrors the JS names)
    viewChanged = Signal(float, float, float)  # noqa: N815
    mouseMoved = Signal(float, float)  # noqa: N815
    mapReady = Signal()  # noqa: N815
    shapeDrawn = Signal(str, list)  # noqa: N815 - "point" | "line" | "polygon", WGS-84 [lon, lat]s


class PageBridge(QObject):
    """The object the page sees as ``window.jjjBridge``.

    QWebChannel exposes slots by name and the page calls ``jjjBridge.featureClicked(...)``;
    a signal cannot share a slot's name, so this forwards to Bridge's signals.
    """

    def __init__(self, bridge: Bridge):
        super().__init__(bridge)
        self._bridge = bridge

    @Slot(str, int)
    def featureClicked(self, layer_id: str, row: int) -> None:  # noqa: N802
        self._bridge.featureClicked.emit(str(layer_id), int(row))

    @Slot(float, float, float)
    def viewChanged(self, lat: float, lon: float, zoom: float) -> None:  # noqa: N802
        self._bridge.viewChanged.emit(float(lat), float(lon), float(zoom))

    @Slot(float, float)
    def mouseMoved(self, lat: float, lon: float) -> None:  # noqa: N802
        self._bridge.mouseMoved.emit(float(lat), float(lon))

    @Slot()
    def mapReady(self) -> None:  # noqa: N802
        self._bridge.mapReady.emit()

    @Slot(str, list)
    def shapeDrawn(self, kind: str, coords: list) -> None:  # noqa: N802
        """jjj-measure.js: a picked point, or a drawn line or polygon to keep as a layer."""
        if kind in ("point", "line", "polygon") and isinstance(coords, list):
            self._bridge.shapeDrawn.emit(kind, coords)


def qwebchannel_js() -> str:
    f = QFile(":/qtwebchannel/qwebchannel.js")
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("qwebchannel.js is missing from the Qt resources")
    try:
        return bytes(f.readAll().data()).decode("utf-8")
    finally:
        f.close()
