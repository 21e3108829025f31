"""The page's measure, draw and pick tools (resources/web/jjj-measure.js), seen from the app.

The page measures by itself (live, on the ellipsoid); the app starts and clears it, and hears
back over the bridge (``shapeDrawn``) when the user keeps a drawing, which becomes a study-area
layer, or when a point was picked for rings. Coordinates arrive in WGS-84: the page converts
them back from a GCJ-02 basemap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

from PySide6.QtCore import QObject

from jjjmap.model import MapDocument

if TYPE_CHECKING:  # pragma: no cover
    from .layerpanel import LayerPanel
    from .mapview import MapView

MAX_VERTICES = 10000   # a drawing from the page is the user's clicks: more is not a drawing


class SpatialHost(Protocol):
    """What the tools need of their owner (ui.spatialtools.SpatialTools, which imports this
    module): a status message, rings at a point, an error reporter."""

    def say(self, text: str) -> None: ...

    def make_rings(self, place_text: str | None, distances: str = ...): ...

    def failed(self, title: str) -> Callable[[BaseException], None]: ...


class DrawTools(QObject):
    def __init__(self, spatial: SpatialHost, doc: MapDocument, layers: "LayerPanel",
                 map_view: "MapView"):
        super().__init__(spatial)
        self.spatial, self.doc, self.layers, self.map = spatial, doc, layers, map_view
        self._pending_rings: str | None = None   # distances for rings at the next map click
        self.map.bridge.shapeDrawn.connect(self.on_shape)

    def start_measure(self, mode: str) -> None:
        """``mode``: "line" or "polygon"."""
        mode = "polygon" if mode == "polygon" else "line"
        self.map.run_js(f"window.jjjMeasure && window.jjjMeasure.start('{mode}')")
        self.spatial.say(self.tr("Click on the map to add points; double-click to finish."))

    def clear_measure(self) -> None:
        self.map.run_js("window.jjjMeasure && window.jjjMeasure.clear()")

    def rings_at_next_click(self, distances: str = "30,50,100km") -> None:
        """The page reports the next click on the map (jjjMeasure.pick); rings go there."""
        self._pending_rings = distances
        self.map.run_js("window.jjjMeasure && window.jjjMeasure.pick()")
        self.spatial.say(self.tr("Click on the map where the rings should be centred."))

    def on_shape(self, kind: str, coords: list) -> None:
        """A picked point (rings), or the page's "keep as layer": WGS-84 [lon, lat] pairs."""
        if kind == "point":
            distances, self._pending_rings = self._pending_rings, None
            if distances is not None and coords:
                lon, lat = (float(v) for v in coords[0])
                self.spatial.make_rings(f"{lon:.6f},{lat:.6f}", distances)
            return
        self.keep(kind, coords)

    def keep(self, kind: str, coords: list):
        """The drawing as a layer (crossing edges repaired); None with a message if it is not
        a shape."""
        import shapely

        from jjjmap.analysis.errors import AnalysisError
        from jjjmap.analysis.rings import study_area_layer

        try:
            pts = [(float(x), float(y)) for x, y in coords][:MAX_VERTICES]
            if kind == "polygon":
                if len(pts) < 3:
                    raise AnalysisError(self.tr("A study area needs three points or more."))
                geom = shapely.Polygon(pts)
                name, name_zh = "Study area", "研究区"
            else:
                if len(pts) < 2:
                    raise AnalysisError(self.tr("A line needs two points or more."))
                geom = shapely.LineString(pts)
                name, name_zh = "Measured line", "量测线"
            n = sum(1 for lyr in self.doc.layers if lyr.title_en.startswith(name)) + 1
            layer = study_area_layer(geom, f"{name} {n}", f"{name_zh} {n}")
        except (AnalysisError, TypeError, ValueError) as exc:
            self.spatial.failed(self.tr("Keep the drawing"))(
                exc if isinstance(exc, AnalysisError) else AnalysisError(str(exc)))
            return None
        self.doc.add_layer(layer)
        self.layers.set_current(layer.id)
        self.spatial.say(self.tr("Added %1.").replace("%1", layer.title(self.doc.lang)))
        return layer


__all__ = ["DrawTools"]
