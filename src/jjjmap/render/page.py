"""MapDocument -> folium.Map -> HTML: the ONE renderer behind the app and every export.

folium gives the page skeleton (figure, map div, L.map call); everything else is our own small
elements: one that loads the assets (inline / CDN / jjjmap:// app URLs), one that hands the
page its configuration, one per layer carrying the layer's data, one that finishes. The page
logic lives in resources/web/jjj.js, which builds popups and tooltips with textContent.
"""
from __future__ import annotations

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from jjjmap.model import Layer, MapDocument

from . import assets as _assets
from . import basemaps as _basemaps
from . import specs as _specs
from .boundaries import level_of
from .common import UI, script_json
from .geometry import display_tolerance
from .timefilter import time_spec


class RawHtml(Element):
    """Markup put into the page as is (our own asset tags). branca's Element(template=...)
    would compile it as a Jinja template: slow for 200 kB of Leaflet, and wrong if it held
    "{{"."""

    def __init__(self, html: str):
        super().__init__()
        self._name = "RawHtml"
        self.html = html

    def render(self, **kwargs) -> str:
        return self.html


class _Script(MacroElement):
    """A script line in the map's script section, after the L.map(...) call."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.code }}
        {% endmacro %}
    """)

    def __init__(self, code: str):
        super().__init__()
        self._name = "JjjScript"
        self.code = code

    def render(self, **kwargs) -> None:
        # MacroElement.render compiles its output as a Jinja template: 0.7 s for a layer of
        # a million points, and data holding "{{" would be read as template code. The code
        # goes into the script section as it is.
        self.get_root().script.add_child(RawHtml(self.code), name=self.get_name())


class JjjInit(_Script):
    def __init__(self, map_name: str, config: dict):
        super().__init__(f"jjj.init({map_name}, {script_json(config)});")


class JjjLayer(_Script):
    def __init__(self, spec: dict):
        super().__init__(f"jjj.addLayer({script_json(spec)});")
        self.spec = spec


class JjjFinish(_Script):
    def __init__(self):
        super().__init__("jjj.finish();")


# where boundaries get finer outlines when zoomed in (see render.detail); light: none
DETAIL_MODE = {"app": "fetch", "inline": "embed"}


def _shift_for(datum: str):
    if datum != "gcj02":
        return None
    from jjjmap.geo.datum import to_gcj02
    return to_gcj02


def _subtitle(doc: MapDocument) -> str:
    """A line under the title saying what the built-in point layers show."""
    kinds = {lyr.kind for lyr in doc.layers if lyr.visible}
    zh = doc.lang == "zh"
    parts = []
    if "clusters" in kinds:
        parts.append("重点产业集群" if zh else "Industrial clusters of the focus sectors")
    if "institutions" in kinds:
        parts.append("疏解至雄安的机构" if zh else "institutions moving to Xiong'an")
    if not parts:
        return ""
    text = ("与" if zh else " and ").join(parts)
    return text + ("（位置为近似）" if zh else " (positions approximate)")


def layer_spec(layer: Layer, doc: MapDocument, tolerance: float, shift=None,
               detail: str | None = None, *, land: bool = False, quick: bool = False) -> dict:
    """What the page needs to draw one layer (data, styles, legend), keyed by Layer.id: the
    spec its kind's builder makes (render.specs.BUILDERS) with what every kind carries, as
    the page reads it. ``quick``: a large point layer's first frame (BuildContext.quick)."""
    ctx = _specs.BuildContext(doc, tolerance, shift, detail, quick)
    spec = _specs.builder_for(_specs.kind_of(layer))(layer, ctx)
    spec.id, spec.title, spec.kind = layer.id, layer.title(doc.lang), layer.kind
    spec.group, spec.visible, spec.opacity = layer.group, bool(layer.visible), float(layer.opacity)
    spec.time = time_spec(layer, doc.lang)   # the time slider (jjj-time.js)
    spec.credit = layer.licence or None      # plain text, shown under the legend (textContent)
    spec.land = True if land else None       # paints the land when there are no tiles
    return spec.to_page()


def _land_layer(layers) -> str | None:
    """The boundary layer whose polygons paint the land when there are no tiles."""
    levels = {level_of(lyr): lyr.id for lyr in layers if lyr.kind == "boundary"}
    return levels.get("province") or levels.get("prefecture") or levels.get("county")


def build_map(doc: MapDocument, *, assets: str = "inline", tianditu_key: str | None = None,
              show_panel: bool | None = None, asset_folder: str = "",
              include_hidden: bool = True) -> folium.Map:
    """The folium map for ``doc``. ``assets``: "inline", "files" (loaded from
    ``asset_folder``, relative to the page) or "app" (see render.assets).

    ``include_hidden`` False leaves hidden layers out of the page altogether (exports: what
    you see is what you publish); the app's page keeps them, to tick them on live."""
    if assets not in _assets.MODES:
        raise ValueError(f"unknown asset mode {assets!r}; expected one of {_assets.MODES}")
    basemap = _basemaps.get(doc.basemap)
    shift = _shift_for(basemap.datum)
    # doc.view is WGS-84; the page centres in its basemap's datum (the UI converts back)
    lon, lat = _basemaps.wgs84_to_display(basemap.name, doc.view.lon, doc.view.lat)
    m = folium.Map(location=[lat, lon], zoom_start=doc.view.zoom, tiles=None,
                   zoom_control=False, control_scale=False, zoom_snap=0.25, zoom_delta=0.5,
                   )
    # On the map itself, not the (absent) tile layer: markercluster needs it with no tiles.
    m.options["maxZoom"] = basemap.max_zoom
    m.options["minZoom"] = 3
    # Our page needs Leaflet and our own files only: no jQuery, Bootstrap or icon fonts.
    m.default_js = []
    m.default_css = []
    fig = m.get_root()
    fig.header.add_child(RawHtml(_assets.head_html(assets, asset_folder)), name="jjj_assets")
    subtitle = _subtitle(doc)
    fig.title = _escape(doc.title)   # branca writes <title>{{ title }}</title> unescaped

    tolerance = display_tolerance(doc.view.zoom)
    detail = DETAIL_MODE.get(assets)
    config = {
        "lang": doc.lang, "title": doc.title, "subtitle": subtitle, "datum": basemap.datum,
        "basemap": basemap.name, "basemaps": _basemaps.page_spec(tianditu_key),
        "view": {"lat": lat, "lon": lon, "zoom": doc.view.zoom},
        "fit": _display_bounds(basemap.name, doc.view.fit),
        "ui": UI.get(doc.lang, UI["en"]),
        "showPanel": True if show_panel is None else bool(show_panel),
        "panelCollapsed": assets == "app" and show_panel is None,
    }
    m.add_child(JjjInit(m.get_name(), config))
    drawn = [lyr for lyr in doc.layers if include_hidden or lyr.visible]
    land = _land_layer(drawn)
    for layer in drawn:
        m.add_child(JjjLayer(layer_spec(layer, doc, tolerance, shift, detail,
                                        land=layer.id == land)))
    m.add_child(JjjFinish())
    return m


def _display_bounds(basemap: str, bounds) -> list[float] | None:
    if bounds is None:
        return None
    west, south, east, north = bounds
    west, south = _basemaps.wgs84_to_display(basemap, west, south)
    east, north = _basemaps.wgs84_to_display(basemap, east, north)
    return [west, south, east, north]


def _escape(s: str) -> str:
    import html
    return html.escape(s, quote=True)


def render_html(doc: MapDocument, *, assets: str = "inline", tianditu_key: str | None = None,
                show_panel: bool | None = None, asset_folder: str = "",
                include_hidden: bool = True) -> str:
    """The whole page as one HTML string; the app's page (``assets="app"``) with its
    Content-Security-Policy (render.csp)."""
    html = build_map(doc, assets=assets, tianditu_key=tianditu_key, show_panel=show_panel,
                     asset_folder=asset_folder,
                     include_hidden=include_hidden).get_root().render()
    if assets != "app":
        return html
    from .csp import with_policy

    spec = _basemaps.page_spec(tianditu_key)
    return with_policy(html, [u for b in spec.values()
                              for u in (b["url"], *(b.get("overlays") or ()))])


def live_layer_spec(doc: MapDocument, layer: Layer, basemap: str, quick: bool = False) -> dict:
    """One layer's spec for the app's live page (``jjj.addLayer``), made as ``build_map``
    makes it for a page on ``basemap``: the app adds, restyles and removes a layer without
    reloading the page. ``quick``: the first frame of a large point layer, before its index
    (render.pointbin.QUICK_ABOVE)."""
    shift = _shift_for(_basemaps.get(basemap).datum)
    return layer_spec(layer, doc, display_tolerance(doc.view.zoom), shift, DETAIL_MODE["app"],
                      quick=quick)
