"""Helpers for the GUI tests (no tests here): synthetic layers and a stand-in page.

The stand-in page implements the ``window.jjj`` API the window uses (PAGE_API, checked against
resources/web/jjj.js by tests/test_page_api.py) in a few lines, so the window's wiring can be
tested without folium, tiles or the built-in data.
"""
from __future__ import annotations

import json
from contextlib import contextmanager

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

from jjjmap.model import Layer, MapDocument


def temp_settings(tmp_path, name: str = "s.ini"):
    """Settings in an .ini under ``tmp_path``: a test never reads or writes the user's."""
    from PySide6.QtCore import QSettings

    from jjjmap.ui.settings import Settings

    return Settings(QSettings(str(tmp_path / name), QSettings.Format.IniFormat))


@contextmanager
def shown_window(qtbot, doc, tmp_path, *, timeout: int = 20000, quiet: bool = False,
                 **kwargs):
    """A MainWindow on ``doc`` (``restore=False`` and temp settings unless given), shown until
    its map says it has drawn; closed afterwards (WA_DeleteOnClose: the page goes before the
    shared web profile does)."""
    from jjjmap.ui.mainwindow import MainWindow

    kwargs.setdefault("restore", False)
    kwargs.setdefault("settings", temp_settings(tmp_path))
    w = MainWindow(doc, **kwargs)
    w.quiet_errors = quiet
    try:
        with qtbot.waitSignal(w.mapReady, timeout=timeout):
            w.show()
        yield w
    finally:
        close_window(qtbot, w)


def close_window(qtbot, *windows) -> None:
    """Close the windows and wait until Qt has deleted them (WA_DeleteOnClose)."""
    import shiboken6

    for w in windows:
        if shiboken6.isValid(w):
            w.close()
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(w) for w in windows), timeout=10000)


@contextmanager
def language_changed(qtbot, widget, timeout: int = 10000):
    """After the block, wait until ``widget`` has handled the LanguageChange event that
    swapping translators posts (its children get it within the same dispatch)."""
    from PySide6.QtCore import QEvent, QObject

    class Seen(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802
            if obj is widget and event.type() == QEvent.Type.LanguageChange:
                self.count += 1
            return False

    seen = Seen()
    widget.installEventFilter(seen)
    try:
        yield
        qtbot.waitUntil(lambda: seen.count > 0, timeout=timeout)
    finally:
        widget.removeEventFilter(seen)


def page_answered(qtbot, view) -> None:
    """Wait until the page has answered every call sent to it so far (and their callbacks
    ran): runJavaScript calls are answered in order, so a round trip sent now comes last."""
    js(qtbot, view, "true")


@contextmanager
def standin_window(qtbot, tmp_path, **kwargs):
    """``shown_window`` on the synthetic document and the stand-in page."""
    with shown_window(qtbot, synthetic_document(), tmp_path, renderer=standin_renderer,
                      sectors=SECTORS, **kwargs) as w:
        yield w


def capture_errors(monkeypatch) -> list[tuple[str, str]]:
    """The (title, text) of every error the window reports, instead of a modal message box."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr("jjjmap.ui.dialogs.show_error",
                        lambda parent, title, text: shown.append((title, text)))
    return shown


def js(qtbot, view, script, timeout=10000):
    """Run ``script`` in the page and return its (JSON-decoded) result."""
    box = []
    view.run_js(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return json.loads(box[0]) if box[0] is not None else None


SECTORS = {"ai": {"en": "Artificial intelligence", "zh": "人工智能"},
           "bio": {"en": "Biomedicine", "zh": "生物医药"}}

# The page API the window uses (src/jjjmap/ui: MapView._js_call and window.jjj.* scripts):
# function name -> parameter names, as resources/web/jjj.js defines them. The stand-in page
# below implements exactly these; tests/test_page_api.py checks the real page, the stand-in
# and the window's calls against this one list.
PAGE_API = {
    "setVisible": ("id", "v"),
    "setOpacity": ("id", "v"),
    "setBasemap": ("name",),
    "setOrder": ("ids",),
    "highlight": ("id", "rows"),
    "zoomTo": ("id", "rows"),
    "getView": (),
    "setView": ("lat", "lon", "zoom"),
    "setFilter": ("field", "keys"),
    "highlighted": (),
    "addLayer": ("spec",),
    "removeLayer": ("id",),
    "busy": (),
}
PAGE_PROPERTIES = ("ready", "datum", "tilesSettled")

STANDIN = """<!doctype html><html><head><meta charset="utf-8"><title>stand-in</title></head>
<body style="margin:0;background:#dde"><div id="map">stand-in map %(title)s</div>
<script>
(function () {
  var doc = %(doc)s;
  var state = {visible: {}, opacity: {}, order: doc.order, highlighted: {}, view: doc.view,
               basemap: doc.basemap, filters: {}};
  doc.layers.forEach(function (l) { state.visible[l.id] = l.visible; state.opacity[l.id] = l.opacity; });
  window.jjjState = state;
  window.jjj = {
    ready: false, datum: doc.datum, tilesSettled: true,   // no tiles
    setVisible: function (id, v) { state.visible[id] = v; return true; },
    setOpacity: function (id, v) { state.opacity[id] = v; return true; },
    // as jjj.js: a basemap of another datum needs a new page
    setBasemap: function (name) {
      if (doc.basemaps[name] !== doc.datum) return false;
      state.basemap = name; return true;
    },
    setOrder: function (ids) { state.order = ids; return true; },
    highlight: function (id, rows) {
      state.highlighted = {}; if (id) state.highlighted[id] = rows; return true;
    },
    zoomTo: function (id, rows) { state.zoomed = [id, rows]; return true; },
    getView: function () { return state.view; },
    setView: function (lat, lon, zoom) { state.view = {lat: lat, lon: lon, zoom: zoom}; return true; },
    setFilter: function (field, keys) { state.filters[field] = keys; return true; },
    highlighted: function () { return state.highlighted; },
    addLayer: function (spec) { state.added = (state.added || []).concat([spec.id]); return true; },
    removeLayer: function (id) { state.removed = (state.removed || []).concat([id]); return true; },
    busy: function () { return 0; }
  };
  setTimeout(function () {
    window.jjj.ready = true;
    if (window.jjjBridge) window.jjjBridge.mapReady();
  }, 30);
})();
</script></body></html>"""


def standin_renderer(doc: MapDocument) -> str:
    """The stand-in page of ``doc``: as the real renderer, it centres in its basemap's datum
    (render.page: the window converts the positions it reports back to WGS-84)."""
    from jjjmap.render import basemaps

    lon, lat = basemaps.wgs84_to_display(doc.basemap, doc.view.lon, doc.view.lat)
    spec = {
        "order": [lyr.id for lyr in doc.layers],
        "view": {"lat": lat, "lon": lon, "zoom": doc.view.zoom},
        "basemap": doc.basemap,
        "datum": basemaps.datum_of(doc.basemap),
        "basemaps": {name: b.datum for name, b in basemaps.BASEMAPS.items()},
        "layers": [{"id": lyr.id, "visible": lyr.visible, "opacity": lyr.opacity}
                   for lyr in doc.layers],
    }
    return STANDIN % {"title": doc.title, "doc": json.dumps(spec)}


def county_layer(n: int = 5) -> Layer:
    gdf = gpd.GeoDataFrame(
        {"code": [f"1301{i:02d}" for i in range(n)],
         "name_zh": [f"县{i}" for i in range(n)],
         "name_en": [f"County {i}" for i in range(n)],
         "level": ["county"] * n, "parent": ["130100"] * n,
         "area_km2": np.linspace(100, 900, n)},
        geometry=[box(115 + i * 0.1, 38, 115.1 + i * 0.1, 38.1) for i in range(n)], crs=4326)
    return Layer(gdf, "Counties", "区县", kind="boundary", group="boundaries")


def cluster_layer() -> Layer:
    gdf = gpd.GeoDataFrame({"name": ["A", "B", "C"], "sector": ["ai", "bio", "ai"]},
                           geometry=[Point(116.3, 39.9), Point(117.2, 39.1), Point(115.9, 39.0)],
                           crs=4326)
    return Layer(gdf, "Sector clusters", "产业集群", kind="clusters", group="sectors")


def synthetic_document() -> MapDocument:
    doc = MapDocument()
    doc.add_layer(county_layer())
    doc.add_layer(cluster_layer())
    return doc
