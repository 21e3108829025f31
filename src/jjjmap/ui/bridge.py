"""The page's way back to Python: ``window.jjjBridge`` over QWebChannel.

qwebchannel.js comes from the Qt resources and is injected at document creation in the main
world, followed by BRIDGE_BOOT, which publishes the channel's "bridge" object.
"""
from __future__ import annotations

import logging
import math
from typing import Callable

from PySide6.QtCore import QFile, QIODevice, QObject, Signal, Slot

log = logging.getLogger(__name__)

MIN_ZOOM, MAX_ZOOM = 0.0, 24.0   # Leaflet's zoom levels that any basemap here can show

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
    rowsSelected = Signal(str, list)  # noqa: N815 - a hexagon's points (jjj-hexbin.js)
    timeChanged = Signal(dict)  # noqa: N815 - the time slider's state (jjj-time.js)
    # [(layer id, row)] under a click, top first, and the one chosen (jjj-pick.js)
    featuresPicked = Signal(list, int)  # noqa: N815


MAX_DRAWN_POSITIONS = 10_000   # clicks of one drawing; a page sending more is not ours
MAX_PICKED = 200   # features under one click; a page sending more is not ours


def _number(value) -> float | None:
    """A JSON number from the page as a float; None for anything else (null, which is what
    NaN and Infinity arrive as, text, booleans, lists)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _position(lat, lon) -> tuple[float, float] | None:
    """A position the page reported, or None if it is not one. Leaflet reports longitudes
    past +-180 when the map is panned round the world: they are wrapped back."""
    lat, lon = _number(lat), _number(lon)
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 3600:
        return None
    if abs(lon) > 180:
        lon = (lon + 180.0) % 360.0 - 180.0
    return lat, lon


class PageBridge(QObject):
    """The object the page sees as ``window.jjjBridge``.

    QWebChannel exposes slots by name and the page calls ``jjjBridge.featureClicked(...)``;
    a signal cannot share a slot's name, so this forwards to Bridge's signals. What the page
    sends is not trusted (script in it may not be ours): a value that is not a finite
    position, a zoom in range or a row of a known layer is dropped here.
    ``rows_of(layer_id)`` says how many rows a layer has (None: no such layer).
    """

    def __init__(self, bridge: Bridge, rows_of: Callable[[str], "int | None"] | None = None):
        super().__init__(bridge)
        self._bridge = bridge
        self._rows_of = rows_of

    # QVariant slots: the values arrive as the page sent them (typed slots would turn NaN,
    # which crosses as null, into 0.0, and a string into 0, before they could be checked)
    @Slot("QVariant", "QVariant")
    def featureClicked(self, layer_id, row) -> None:  # noqa: N802
        row = _number(row)
        if not isinstance(layer_id, str) or len(layer_id) > 200 or row is None \
                or not row.is_integer():
            return
        row = int(row)
        rows = self._rows_of(layer_id) if self._rows_of is not None else None
        if rows is None or not 0 <= row < rows:
            log.debug("bridge: click on an unknown feature ignored")
            return
        self._bridge.featureClicked.emit(layer_id, row)

    @Slot("QVariant", "QVariant")
    def featuresPicked(self, hits, index) -> None:  # noqa: N802
        """jjj-pick.js: every feature under a click as [layer id, row], top first, and which
        of them the user chose; dropped unless each is a row of a known layer (no repeats)
        and the index names one of them."""
        index = _number(index)
        if not isinstance(hits, list) or not 1 <= len(hits) <= MAX_PICKED or index is None \
                or not index.is_integer() or not 0 <= index < len(hits):
            log.debug("bridge: a pick that is not one ignored")
            return
        out: list[tuple[str, int]] = []
        for hit in hits:
            if not isinstance(hit, list) or len(hit) != 2:
                log.debug("bridge: a pick with a hit that is not one ignored")
                return
            layer_id, row = hit[0], _number(hit[1])
            n = self._rows_of(layer_id) if isinstance(layer_id, str) and len(layer_id) <= 200 \
                and self._rows_of is not None else None
            if n is None or row is None or not row.is_integer() or not 0 <= row < n \
                    or (layer_id, int(row)) in out:
                log.debug("bridge: a pick with a hit that is not one ignored")
                return
            out.append((layer_id, int(row)))
        self._bridge.featuresPicked.emit(out, int(index))

    @Slot("QVariant", "QVariant", "QVariant")
    def viewChanged(self, lat, lon, zoom) -> None:  # noqa: N802
        where, zoom = _position(lat, lon), _number(zoom)
        if where is None or zoom is None or not MIN_ZOOM <= zoom <= MAX_ZOOM:
            log.debug("bridge: a view that is not one ignored")
            return
        self._bridge.viewChanged.emit(where[0], where[1], zoom)

    @Slot("QVariant", "QVariant")
    def mouseMoved(self, lat, lon) -> None:  # noqa: N802
        where = _position(lat, lon)
        if where is not None:
            self._bridge.mouseMoved.emit(*where)

    @Slot()
    def mapReady(self) -> None:  # noqa: N802
        self._bridge.mapReady.emit()

    @Slot("QVariant", "QVariant")
    def shapeDrawn(self, kind, coords) -> None:  # noqa: N802
        """jjj-measure.js: a picked point, or a drawn line or polygon to keep as a layer, as
        [lon, lat] pairs; anything else (wrong kind, too many or non-finite positions) is
        dropped."""
        if kind not in ("point", "line", "polygon") or not isinstance(coords, list) \
                or not 1 <= len(coords) <= MAX_DRAWN_POSITIONS:
            log.debug("bridge: a drawing that is not one ignored")
            return
        cleaned = []
        for pair in coords:
            where = _position(pair[1], pair[0]) if isinstance(pair, list) and len(pair) == 2 \
                else None
            if where is None:
                log.debug("bridge: a drawing with a position that is not one ignored")
                return
            cleaned.append([where[1], where[0]])
        self._bridge.shapeDrawn.emit(kind, cleaned)


    @Slot("QVariant", "QVariant")
    def rowsSelected(self, layer_id, rows) -> None:  # noqa: N802
        """jjj-hexbin.js: the rows of a clicked hexagon's points, to select; dropped unless
        every one is a whole number naming a row of a known layer."""
        n = self._rows_of(layer_id) if isinstance(layer_id, str) and len(layer_id) <= 200 \
            and self._rows_of is not None else None
        if n is None or not isinstance(rows, list) or len(rows) > n:
            log.debug("bridge: a selection that is not one ignored")
            return
        out = []
        for row in rows:
            row = _number(row)
            if row is None or not row.is_integer() or not 0 <= row < n:
                log.debug("bridge: a selection with a row that is not one ignored")
                return
            out.append(int(row))
        self._bridge.rowsSelected.emit(layer_id, sorted(set(out)))

    @Slot("QVariant")
    def timeChanged(self, state) -> None:  # noqa: N802
        """jjj-time.js: the slider's range (period labels), step and mode, to keep in the
        layers' styles (projects, exports); anything else is dropped."""
        from jjjmap.model.style import TIME_MODES, TIME_STEPS, valid_time_label

        if not isinstance(state, dict):
            return
        step, mode, lo, hi = (state.get(k) for k in ("step", "mode", "from", "to"))
        if step not in TIME_STEPS or mode not in TIME_MODES \
                or not valid_time_label(lo) or not valid_time_label(hi):
            log.debug("bridge: a time slider state that is not one ignored")
            return
        self._bridge.timeChanged.emit({"step": step, "mode": mode, "from": lo, "to": hi})


def qwebchannel_js() -> str:
    f = QFile(":/qtwebchannel/qwebchannel.js")
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("qwebchannel.js is missing from the Qt resources")
    try:
        return bytes(f.readAll().data()).decode("utf-8")
    finally:
        f.close()
