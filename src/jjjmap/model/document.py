"""The map the user is looking at: ordered layers, basemap, view and selection.

A plain object with change events, in the manner of napari's layer list: Qt widgets observe and
edit it, tests and the CLI use it without a display.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable

from .events import Disconnect, Emitter
from .layer import Layer
from .style import Style

# Paul Tol's "bright" scheme (colour-blind safe), for the user's own layers in turn; chosen to
# stand apart from the built-in sector colours (Tol "muted").
CUSTOM_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB")

# What a change needs in the page: these only restyle or toggle what is drawn,
# every other change needs the layer re-rendered.
LIVE_CHANGES = frozenset({"visible", "opacity"})


@dataclass
class View:
    lat: float = 39.3
    lon: float = 116.4
    zoom: float = 7.0
    # (west, south, east, north) in WGS-84 that the map zooms out to show whole when the
    # window is too small for it at ``zoom``; None once the user has moved the map.
    fit: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class DocumentSnapshot:
    """The document as it was at one moment, taken on the GUI thread for work elsewhere (a
    render or a print page on a worker): the live document changes meanwhile. Reads like a
    MapDocument for the renderer. The layers are copies (their data, style, filter and meta
    are shared: the document replaces those on a change rather than editing them)."""

    title: str
    basemap: str
    lang: str
    view: View
    layers: tuple[Layer, ...]
    selection: tuple[str | None, tuple[int, ...]] = (None, ())

    def layer(self, layer_id: str) -> Layer:
        found = self.find(layer_id)
        if found is None:
            raise KeyError(layer_id)
        return found

    def find(self, layer_id: str | None) -> Layer | None:
        return next((lyr for lyr in self.layers if lyr.id == layer_id), None)


class DocumentEvents:
    """The events of a ``MapDocument``, one emitter each, with what its handlers receive."""

    # "what" of layer_changed: "visible", "opacity", "style", "data", "filter", "table" (the
    # attribute columns, same features: MapDocument.replace_table)
    def __init__(self) -> None:
        self.layer_added: Emitter[[Layer]] = Emitter("layer_added")
        self.layer_removed: Emitter[[Layer]] = Emitter("layer_removed")
        self.layers_reordered: Emitter[[list[str]]] = Emitter("layers_reordered")   # ids
        self.layer_changed: Emitter[[Layer, str]] = Emitter("layer_changed")   # layer, what
        self.basemap_changed: Emitter[[str]] = Emitter("basemap_changed")
        self.view_changed: Emitter[[View]] = Emitter("view_changed")
        # layer id (None: nothing selected) and its row indices
        self.selection_changed: Emitter[[str | None, tuple[int, ...]]] = \
            Emitter("selection_changed")
        self.language_changed: Emitter[[str]] = Emitter("language_changed")

    @property
    def emitters(self) -> tuple[Emitter, ...]:
        return tuple(e for e in vars(self).values() if isinstance(e, Emitter))

    def connect(self, handler: Callable[..., None]) -> Disconnect:
        """``handler(event_name, *payload)`` on every event (for an observer that only
        needs to know that something changed, e.g. the print preview, or a script)."""
        def bind(name: str) -> Callable[..., None]:
            return lambda *payload: handler(name, *payload)

        return self.observe(**{e.name: bind(e.name) for e in self.emitters})

    def observe(self, **handlers: Callable[..., None]) -> Disconnect:
        """Connect each handler to the event it is named for (``layer_added=self._on_add``);
        returns one function that disconnects them all (idempotent, as each is)."""
        emitters = {e.name: e for e in self.emitters}
        unknown = set(handlers) - set(emitters)
        if unknown:
            raise AttributeError(f"no such document event: {', '.join(sorted(unknown))}")
        disconnects = [emitters[name].connect(h) for name, h in handlers.items()]

        def disconnect() -> None:
            for d in disconnects:
                d()

        return disconnect


class MapDocument:
    def __init__(self, title: str = "Jing-Jin-Ji", basemap: str = "positron", lang: str = "en"):
        self.title = title
        self.basemap = basemap
        self.lang = lang
        self.view = View()
        self.layers: list[Layer] = []
        self.selection: tuple[str | None, tuple[int, ...]] = (None, ())
        self.events = DocumentEvents()   # doc.events.layer_added.connect(...)

    def snapshot(self, view: View | None = None) -> DocumentSnapshot:
        """The document now (at ``view`` if given), for a worker thread to read."""
        return DocumentSnapshot(self.title, self.basemap, self.lang,
                                dataclasses.replace(view or self.view),
                                tuple(copy.copy(lyr) for lyr in self.layers), self.selection)

    # -- layers -----------------------------------------------------------------------------
    def layer(self, layer_id: str) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(layer_id)

    def find(self, layer_id: str | None) -> Layer | None:
        """The layer with this id, or None (no id, or a layer removed meanwhile)."""
        return next((lyr for lyr in self.layers if lyr.id == layer_id), None)

    def add_layer(self, layer: Layer, index: int | None = None) -> Layer:
        if any(existing.id == layer.id for existing in self.layers):
            raise ValueError(f"layer id {layer.id!r} is already in the map")
        if layer.group == "custom" and layer.style == Style():
            # As in QGIS: each new layer of the user's gets its own colour, not all one blue.
            used = sum(1 for lyr in self.layers if lyr.group == "custom")
            colour = CUSTOM_COLOURS[used % len(CUSTOM_COLOURS)]
            layer.style = Style(color=colour)
        self.layers.insert(len(self.layers) if index is None else index, layer)
        self.events.layer_added.emit(layer)
        return layer

    def remove_layer(self, layer_id: str) -> Layer:
        layer = self.layer(layer_id)
        self.layers.remove(layer)
        if self.selection[0] == layer_id:
            self.select(None, ())
        self.events.layer_removed.emit(layer)
        return layer

    def move_layer(self, layer_id: str, index: int) -> None:
        layer = self.layer(layer_id)
        self.layers.remove(layer)
        self.layers.insert(max(0, min(index, len(self.layers))), layer)
        self.events.layers_reordered.emit([lyr.id for lyr in self.layers])

    def set_visible(self, layer_id: str, visible: bool) -> None:
        self._change(layer_id, "visible", bool(visible))

    def set_opacity(self, layer_id: str, opacity: float) -> None:
        self._change(layer_id, "opacity", max(0.0, min(1.0, float(opacity))))

    def set_style(self, layer_id: str, style) -> None:
        self._change(layer_id, "style", style)

    def set_filter(self, layer_id: str, column: str, allowed: list[Any] | None) -> None:
        layer = self.layer(layer_id)
        new = dict(layer.filter)
        if allowed is None:
            new.pop(column, None)
        else:
            new[column] = list(allowed)
        self._change(layer_id, "filter", new)

    def replace_data(self, layer_id: str, gdf) -> None:
        """New features for a layer: a GeoDataFrame or a PointData (``Layer.data``)."""
        layer = self.layer(layer_id)
        if layer.data is gdf:
            return
        layer.gdf = gdf
        self.events.layer_changed.emit(layer, "data")

    def replace_table(self, layer_id: str, data) -> None:
        """The same features with their whole attribute table (a large point file's columns
        read after its points were drawn, io.deferred): ``layer_changed(layer, "table")``,
        which a view that draws only the positions can leave be."""
        layer = self.layer(layer_id)
        if len(data) != layer.feature_count:
            raise ValueError(f"{len(data)} rows for the {layer.feature_count} features of "
                             f"{layer.title_en!r}")
        layer.gdf = data
        self.events.layer_changed.emit(layer, "table")

    def _change(self, layer_id: str, attr: str, value: Any, what: str | None = None) -> None:
        layer = self.layer(layer_id)
        if getattr(layer, attr) is value:
            return
        setattr(layer, attr, value)
        self.events.layer_changed.emit(layer, what or attr)

    def frame(self, layers) -> bool:
        """Point the view at ``layers`` when none of them overlaps the built-in region (a file
        for Chongqing or Tokyo would open off-screen and be missing from a PNG); True if the
        view changed. Layers inside the region leave the user's view alone."""
        new = _union_bounds(lyr.total_bounds for lyr in layers if lyr.feature_count)
        if new is None:
            return False
        region = _union_bounds(lyr.total_bounds for lyr in self.layers
                               if lyr.group != "custom" and lyr not in layers
                               and lyr.feature_count)
        if region is not None and _overlap(region, new):
            return False
        self.view = view_of(new)
        self.events.view_changed.emit(self.view)
        return True

    # -- map state --------------------------------------------------------------------------
    def set_basemap(self, name: str) -> None:
        if name != self.basemap:
            self.basemap = name
            self.events.basemap_changed.emit(name)

    def set_view(self, lat: float, lon: float, zoom: float) -> None:
        self.view = View(lat, lon, zoom)
        self.events.view_changed.emit(self.view)

    def select(self, layer_id: str | None, rows) -> None:
        sel = (layer_id, tuple(int(r) for r in rows))
        if sel != self.selection:
            self.selection = sel
            self.events.selection_changed.emit(*sel)

    def set_language(self, lang: str) -> None:
        if lang not in ("en", "zh"):
            raise ValueError(f"unsupported language {lang!r}")
        if lang != self.lang:
            self.lang = lang
            self.events.language_changed.emit(lang)


def _union_bounds(bounds) -> tuple[float, float, float, float] | None:
    out = None
    for w, s_, e, n in bounds:
        if not all(math.isfinite(v) for v in (w, s_, e, n)):
            continue
        out = (w, s_, e, n) if out is None else (min(out[0], w), min(out[1], s_),
                                                 max(out[2], e), max(out[3], n))
    return None if out is None else tuple(float(v) for v in out)


def _overlap(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def view_of(bounds) -> View:
    """A view centred on ``bounds`` that the page zooms out to show whole (View.fit), at
    about the zoom a 900-pixel map needs for them (so outlines are simplified for it)."""
    w, s_, e, n = bounds
    span = max(e - w, (n - s_) * 1.3)
    zoom = 12.0 if span <= 0 else max(3.0, min(15.0, math.floor(math.log2(360 * 900 / (256 * span)))))
    return View(lat=(s_ + n) / 2, lon=(w + e) / 2, zoom=zoom,
                fit=None if span <= 0 else (w, s_, e, n))
