"""The page contract: one typed spec per render kind, and the registry that builds them.

Python hands the page one spec per layer (``jjj.addLayer(spec)``); the page picks the
``L.Layer`` class for ``spec.render`` from its registry (``window.JjjKinds``, jjj.js)
and that class reads the spec. Every field the page reads is named here, in full, with the
key it travels under (``wire``) when that differs: big layers send one feature record per
feature, so those records keep short keys (``_row``, ``_c``, ``_a`` ...; popups
``{t, s, r, u, n}``) and this module is the one place that says what they mean.

The registry (``BUILDERS``) maps a layer's render kind (``kind_of``: ``Layer.kind``, or a
user point layer's style renderer) to the function that builds its spec;
``render.page.layer_spec`` calls it and adds what every kind shares (id, title, visibility,
time slider, credit).

Adding a layer kind (say ``rings``) touches:

1. this module: a ``LayerSpec`` subclass with its ``render`` name and fields, and one line in
   ``BUILDERS`` pointing at its builder;
2. the builder, ``def rings_spec(layer, ctx: BuildContext) -> RingsSpec`` in a module of
   ``jjjmap.render``;
3. the page: one ``L.Layer`` subclass, ``new Kind(spec, ctx)``, in a file of its own in
   resources/web (listed in ``render.assets._ASSETS`` before jjj.js) that ends with
   ``window.JjjKinds.<render> = Kind``; it answers ``count()``, ``bounds(rows)``,
   ``highlight(rows, on)``, ``setFilter(keys)``, ``hitsAt(latlng)``, ``popupOf(row)`` and
   ``nameOf(row)``, and takes the map events it needs from ``getEvents()``
   (resources/web/jjj.js, "layer kinds"; jjj-markers.js is a small example);
4. a test: tests/test_render_specs.py (the spec and its registry line) and
   tests/test_kinds_browser.py (the class in the page) show the pattern.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field, fields
from typing import Any, Callable, ClassVar

from jjjmap.model import Layer, MapDocument


def _key(wire: str | None = None, *, omit_none: bool = False, records: bool = False,
         default: Any = None, factory: Callable[[], Any] | None = None) -> Any:
    """A spec field: ``wire`` the key the page reads (default: the field's name),
    ``omit_none`` leaves the key out when the value is None, ``records``: the value is a
    record of this module (or a list of them), turned into what the page reads too."""
    meta = {"wire": wire, "omit_none": omit_none, "records": records}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def _page_value(value: Any) -> Any:
    if isinstance(value, list):
        return [v.to_page() if isinstance(v, _Wire) else v for v in value]
    return value.to_page() if isinstance(value, _Wire) else value


class _Wire:
    """``to_page``: the dataclass as the page reads it (wire keys, nested records too)."""

    def to_page(self) -> dict:
        out: dict[str, Any] = {}
        render = getattr(type(self), "render", None)
        if render is not None:
            out["render"] = render
        for name, wire, omit_none, records in _plan(type(self)):
            value = getattr(self, name)
            if value is None:
                if not omit_none:
                    out[wire] = None
            else:
                out[wire] = _page_value(value) if records else value
        return out


_PLANS: dict[type, list[tuple[str, str, bool, bool]]] = {}


def _plan(cls: type) -> list[tuple[str, str, bool, bool]]:
    """(field, wire key, omit when None, holds records) per field of ``cls``: worked out
    once per class, since a layer turns tens of thousands of feature records into dicts."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = [(f.name, f.metadata.get("wire") or f.name,
                               bool(f.metadata.get("omit_none")),
                               bool(f.metadata.get("records"))) for f in fields(cls)]
    return plan


# -- records inside specs --------------------------------------------------------------------
@dataclass(slots=True)
class Popup(_Wire):
    """A popup the page builds with textContent (jjjUi.popup): short keys, one per feature."""

    title: str = _key("t", default="")
    subtitle: str | None = _key("s", omit_none=True)
    rows: list | None = _key("r", omit_none=True)          # [[name, value], ...]
    link: str | None = _key("u", omit_none=True)           # http(s) only (common.safe_url)
    note: str | None = _key("n", omit_none=True)


def popup(title: str, subtitle: str = "", rows: list[tuple[str, str]] | None = None,
          link: str | None = None, note: str = "") -> Popup:
    """A popup, its empty parts left out (a row whose value is "" too)."""
    return Popup(title=title, subtitle=subtitle or None,
                 rows=[[k, v] for k, v in rows if v != ""] if rows else None,
                 link=link or None, note=note or None)


@dataclass(slots=True)
class FeatureProperties(_Wire):
    """The properties of one GeoJSON feature (GeoJsonSpec.data): short keys, since a layer
    carries tens of thousands of them. Read by jjj.js, jjj-pick.js, jjj-labels.js and
    jjj-time.js."""

    row: int = _key("_row", default=0)                     # position in Layer.gdf
    tooltip: list | None = _key("_tt", omit_none=True)     # [first name, second name]
    colour_class: int | None = _key("_c", omit_none=True)  # index into the spec's colors
    popup: Popup | None = _key("_p", omit_none=True, records=True)   # ready (boundaries)
    label: str | None = _key("_lb", omit_none=True)        # the label's text
    label_point: list | None = _key("_lp", omit_none=True)  # [lat, lon] of the label
    label_radius: float | None = _key("_lr", omit_none=True)  # room around it, degrees
    label_area: float | None = _key("_la", omit_none=True)    # ranks labels: bigger first
    radius: float | None = _key("_r", omit_none=True)      # a point's radius, px
    attributes: list | None = _key("_a", omit_none=True)   # values of the spec's fields


def feature(geometry: dict | None, properties: FeatureProperties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties.to_page()}


@dataclass(slots=True)
class MarkerIcon(_Wire):
    shape: str = "circle"          # jjjUi.shapeSvg: circle, triangle, square, diamond, cross
    color: str = "#777"


@dataclass(slots=True)
class Marker(_Wire):
    """One marker of a built-in point layer (MarkersSpec.features)."""

    row: int = 0
    lat: float = 0.0
    lon: float = 0.0
    category: str = _key("cat", default="")     # compared with MarkersSpec.filter
    icon: MarkerIcon = _key(records=True, factory=MarkerIcon)
    tooltip: list = _key("tt", factory=list)
    popup: Popup = _key("p", records=True, factory=Popup)


@dataclass(slots=True)
class Flow(_Wire):
    """A line from an origin district to the institutions' point (MarkersSpec.flows)."""

    origin: list = _key("from", factory=list)            # [lat, lon]
    destination: list = _key("to", factory=list)         # [lat, lon]
    sourced: bool = True
    count: int = 0
    rows: list = _key(factory=list)                      # the rows it stands for
    label: str = ""
    label_template: str = _key("labelN", default="")    # "%n" replaced by the count shown


@dataclass(slots=True)
class TimeSpec(_Wire):
    """A layer's share of the time slider (render.timefilter.time_spec, jjj-time.js):
    dates by row, so a drawn feature finds its date through the row it carries."""

    column: str = _key("field", default="")
    label: str = ""                                # the column's display name
    days: str = ""                 # base64 Float32 per row: days since 1970-01-01, NaN: none
    count: int = _key("n", default=0)
    unit: str = "year"                             # year, month or day
    step: str = "year"
    mode: str = "cumulative"                       # or "window"
    span: list | None = None                       # [first, last] day of the dated rows
    shown_range: list | None = _key("range")       # the range the style last showed
    undated: int = 0                               # rows without a readable date
    ui: dict = _key(factory=dict)                  # the slider's words


# -- one spec per render kind ----------------------------------------------------------------
@dataclass(kw_only=True)
class LayerSpec(_Wire):
    """What every kind carries. ``render`` picks the page's class (window.JjjKinds)."""

    render: ClassVar[str]
    id: str = ""
    title: str = ""
    kind: str = ""                 # Layer.kind
    group: str = ""
    visible: bool = True
    opacity: float = 1.0
    legend: list = _key(factory=list)
    time: TimeSpec | None = _key(omit_none=True, records=True)   # render.timefilter
    credit: str | None = _key(omit_none=True)      # the licence, under the legend
    land: bool | None = _key(omit_none=True)       # paints the land when there are no tiles


@dataclass(kw_only=True)
class GeoJsonSpec(LayerSpec):
    """Lines and polygons (boundaries and users' layers) as GeoJSON: JjjGeoJsonLayer."""

    render: ClassVar[str] = "geojson"
    style: dict = _key(factory=dict)               # Leaflet path options
    colors: list | None = _key(omit_none=True)     # per FeatureProperties.colour_class
    data: dict = _key(factory=dict)                # FeatureCollection of FeatureProperties
    hover: bool = True                             # outline the feature under the mouse
    level: str | None = _key(omit_none=True)       # boundaries: province ... county
    styles: list | None = _key(omit_none=True)
    label_level: str | None = _key("labelLevel")   # boundaries: jjj-labels.js ranks by it
    packed: dict | None = _key(omit_none=True)     # {scale, geoms}: geometry.pack_polygons
    detail: dict | None = _key(omit_none=True)     # finer outlines: render.detail.page_spec
    fields: list | None = _key(omit_none=True)     # names of FeatureProperties.attributes
    tip_fields: list | None = _key("tipFields", omit_none=True)
    canvas: bool | None = _key(omit_none=True)     # thousands of paths: one canvas
    label_field: str | None = _key("labelField")


@dataclass(kw_only=True)
class PolyTilesSpec(LayerSpec):
    """A large user polygon layer (render.tiling.TILED_ABOVE features and up) drawn into
    256 px canvas tiles (JjjPolyTiles, jjj-polytiles.js): a pan draws only the new tiles.
    ``packed`` is pack_polygons' {scale, geoms}; the i-th geometry is row ``rows[i]``."""

    render: ClassVar[str] = "polytiles"
    style: dict = _key(factory=dict)               # Leaflet path options
    colors: list = _key(factory=list)
    colour_classes: list | None = _key("ci", omit_none=True)   # per feature: into colors
    rows: list = _key(factory=list)                # per feature: position in Layer.gdf
    packed: dict = _key(factory=dict)              # {scale, geoms}
    fields: list = _key(factory=list)
    tip_fields: list = _key("tipFields", factory=list)
    attributes: list = _key("attrs", factory=list)   # per field, per feature: text
    labels: list | None = _key("label", omit_none=True)   # per feature: text
    label_field: str | None = _key("labelField")
    detail: dict | None = _key(omit_none=True)     # finer outlines: render.detail.page_spec


@dataclass(kw_only=True)
class MarkersSpec(LayerSpec):
    """The built-in point sets, clustered (Leaflet.markercluster): JjjMarkerLayer.
    ``filter_field`` names the column whose keys ``categories`` lists and the layer panel
    filters by (jjj.setFilter(field, keys))."""

    render: ClassVar[str] = "markers"
    features: list = _key(records=True, factory=list)      # Marker
    categories: list | None = _key(omit_none=True)  # [{key, label, color}]
    filter_field: str | None = _key("filterField", omit_none=True)
    filter: list | None = _key(omit_none=True)     # the keys shown (None: all)
    flows: list | None = _key(omit_none=True, records=True)   # Flow
    cluster_radius: int = _key("clusterRadius", default=10)


@dataclass(kw_only=True)
class _PointData(LayerSpec):
    """Points packed as base64 typed arrays (xy Float32 lon/lat, rows Int32)."""

    count: int = _key("n", default=0)
    xy: str = ""
    rows: str | None = None                        # None: row i is point i


@dataclass(kw_only=True)
class PointsSpec(_PointData):
    """A user point layer of up to pointbin.BINARY_ABOVE points: JjjPointCloud."""

    render: ClassVar[str] = "points"
    style: dict = _key(factory=dict)
    colors: list = _key(factory=list)
    fields: list = _key(factory=list)
    tip_fields: list = _key("tipFields", factory=list)
    colour_index: str | None = _key("ci")          # base64 Uint8/Uint16 into colors
    colour_index_bytes: int = _key("ciBytes", default=1)
    radii: str | None = _key("r")                  # base64 Float32, px
    attributes: list = _key("attrs", factory=list)   # per field, per point: text
    labels: list | None = _key("label")            # per point: text
    label_field: str | None = _key("labelField")
    stack: str | None = None                       # base64 Uint16: rank on a shared spot


@dataclass(kw_only=True)
class BigPointsSpec(LayerSpec):
    """A user point layer above pointbin.BINARY_ABOVE: one binary buffer, attributes on
    demand (JjjBigPoints). Goes to the page as render "points" with ``bin`` set."""

    render: ClassVar[str] = "points"
    count: int = _key("n", default=0)
    binary: dict = _key("bin", factory=dict)       # render.pointbin.binary_spec
    style: dict = _key(factory=dict)
    colors: list = _key(factory=list)
    fields: list = _key(factory=list)
    tip_fields: list = _key("tipFields", factory=list)
    label_field: str | None = _key("labelField")
    row_url: str | None = _key("rowUrl", omit_none=True)    # the app: a row's values
    columns: list | None = _key("cols", omit_none=True)     # exports: coded columns
    label_column: dict | None = _key("labelCol", omit_none=True)


@dataclass(kw_only=True)
class HeatmapSpec(_PointData):
    """A point layer drawn as a heat surface (jjj-heat.js)."""

    render: ClassVar[str] = "heatmap"
    weights: str | None = _key("w")                # base64 Float32 per point
    radius: float = 25.0                           # px
    intensity: float = 1.0
    colors: list = _key(factory=list)
    weight_problems: dict = _key("weightProblems", factory=dict)


@dataclass(kw_only=True)
class HexbinSpec(_PointData):
    """A point layer binned into hexagons (jjj-hexbin.js)."""

    render: ClassVar[str] = "hexbin"
    weights: str | None = _key("w")
    stat: str = "count"                            # count, sum or mean of the weights
    ui: dict = _key(factory=dict)                  # the page's words for this layer
    colors: list = _key(factory=list)
    hex_px: int = _key("px", default=10)           # circumradius on screen, px
    weight_problems: dict = _key("weightProblems", factory=dict)
    fixed: bool = False                            # an H3 resolution, binned in Python
    fill_opacity: float = _key("fillOpacity", default=0.5)
    h3: dict | None = _key(omit_none=True)         # the cells when ``fixed``


@dataclass(kw_only=True)
class PgSpec(LayerSpec):
    """A view-driven PostGIS layer (render.pglayer, jjj-pg.js)."""

    render: ClassVar[str] = "pg"
    points: bool = False
    fields: list = _key(factory=list)
    style: dict = _key(factory=dict)
    colors: list = _key(factory=list)
    grid_color: str = _key("gridColor", default="")
    identify: bool = False                         # a key to fetch a row again by
    no_identify: str = _key("noIdentify", default="")
    row_cap: int = _key("rowCap", default=0)
    url: str | None = _key(omit_none=True)         # the app: where to ask per view
    data: dict | None = _key(omit_none=True)       # exports: the answer for the view
    error: str | None = _key(omit_none=True)


# -- building --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildContext:
    """What a builder gets besides its layer: the document, the drawing tolerance (degrees),
    the datum shift of the basemap (None or a GeoSeries function) and ``detail``: how the
    page gets finer outlines ("fetch": the app, "embed": the self-contained export, None)."""

    doc: MapDocument
    tolerance: float
    shift: Callable | None = None
    detail: str | None = None
    quick: bool = False   # a large point layer's first frame: unsorted, no index (pointbin)

    @property
    def lang(self) -> str:
        return self.doc.lang

    @property
    def fetch(self) -> bool:
        """The app's page: large data is fetched from the app rather than carried."""
        return self.detail == "fetch"

    def finer(self, layer: Layer) -> dict | None:
        """Where the page gets finer outlines of ``layer`` as the user zooms in."""
        from .detail import page_spec

        datum = "gcj02" if self.shift is not None else "wgs84"
        return page_spec(layer, self.doc.view.zoom, self.detail, self.shift, datum)


Builder = Callable[[Layer, BuildContext], LayerSpec]

# render kind -> "module:function" building its spec, imported on first use (the PostGIS
# builder's imports stay out of a page without such a layer). A kind not listed is drawn
# as a user layer ("vector").
BUILDERS: dict[str, str] = {
    "boundary": "jjjmap.render.boundaries:boundary_spec",
    "clusters": "jjjmap.render.points:clusters_spec",
    "institutions": "jjjmap.render.points:institutions_spec",
    "postgis": "jjjmap.render.pglayer:pg_spec",
    "heatmap": "jjjmap.render.density:heatmap_spec",
    "hexbin": "jjjmap.render.density:hexbin_spec",
    "vector": "jjjmap.render.vectors:vector_spec",
    "polytiles": "jjjmap.render.polytiles:polytiles_spec",
}


def kind_of(layer: Layer) -> str:
    """The registry key of ``layer``: its kind, for a large user layer of polygons
    "polytiles" (render.tiling.tiled), or for a user layer of points only the renderer
    its style chose (heatmap, hexbin)."""
    if layer.kind in BUILDERS and layer.kind != "vector":
        return layer.kind
    if layer.kind != "vector" or not layer.feature_count:
        return "vector"
    from .tiling import tiled

    if tiled(layer):
        return "polytiles"
    if layer.style.renderer == "points":
        return "vector"
    from .geometry import layer_types

    types = layer_types(layer)
    renderer = layer.style.renderer
    return renderer if types and types <= {"Point"} and renderer in BUILDERS else "vector"


def builder_for(kind: str) -> Builder:
    module, name = BUILDERS.get(kind, BUILDERS["vector"]).split(":")
    return getattr(importlib.import_module(module), name)


__all__ = ["BUILDERS", "BigPointsSpec", "BuildContext", "Flow", "FeatureProperties",
           "GeoJsonSpec", "HeatmapSpec", "HexbinSpec", "LayerSpec", "Marker", "MarkerIcon",
           "MarkersSpec", "PgSpec", "PointsSpec", "PolyTilesSpec", "Popup", "TimeSpec",
           "builder_for", "feature", "kind_of", "popup"]
