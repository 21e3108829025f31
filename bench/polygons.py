"""The polygon cases (issue 21): large user polygon layers in the app and in exports.

- ``polygons_50k``: 50k Voronoi cells (``bench.polydata.voronoi_50k``, a coverage) opened
  through the window until drawn, then scripted pans and zooms at zoom 8 over Hebei
  (``bench.frames``): the compared value is the worst frame while panning. Baseline: the
  same GeoPackage read by geopandas into a ``folium.GeoJson`` (``prefer_canvas=True``, which
  is what helps folium with many polygons; a tooltip of two fields), saved, opened in the bare
  viewer, the same script. The baseline page holds only that layer; jjjmap's also draws the
  built-in layers (which favours the baseline).
- ``polygon_2m_vertices``: one 2M-vertex polygon (``polydata.star_2m``) from GeoPackage to a
  self-contained HTML export, display cache empty (the first export of a new file). jjjmap:
  ``io.open_layer`` + ``export.write_html`` of a map holding only that layer; baseline:
  geopandas + ``folium.GeoJson`` + save.
- ``detail_level_zoom12``: the same polygon opened in the window, then a jump to zoom 12 on
  its edge: seconds until the page shows level 12 (``jjj.detailLevel``) and two frames have
  passed. Baseline: the folium page (full resolution) in the viewer, the same jump, until two
  frames after ``moveend``.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench import frames
from bench.harness import Stopwatch
from bench.qt import wait

VIEW_50K = (38.9, 115.6, 8)          # over the middle of Hebei
EDGE_2M = (39.3, 117.75, 12)         # on the star's eastern edge (radius 0.65-1.35 degrees)


def _page(view):
    return view.page(), view.title, view.titleChanged


# -- jjjmap: the real window, offscreen ------------------------------------------------------
def _cold_cache() -> None:
    """A user's new file: nothing of it in the display cache (a fresh folder per sample)."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cache-")


def polygons_app_jjjmap(params):
    from bench import app

    _cold_cache()
    _app, window = app.open_window()
    layer, seconds, stall = app.open_file_timed(window, params["path"])
    page = _page(window.map)
    frames.set_view(*page, frames.JJJ_MAP, *VIEW_50K)
    out = frames.measure(*page, frames.JJJ_MAP, VIEW_50K[2])
    return {"pan_worst_ms": out.pop("pan_worst_ms"), "open_s": seconds,
            "open_max_stall_ms": stall * 1000, "features": len(layer.gdf), **out}


def detail_jjjmap(params):
    from bench import app

    _cold_cache()
    _app, window = app.open_window()
    layer, seconds, _stall = app.open_file_timed(window, params["path"])
    view = window.map
    lat, lon, zoom = EDGE_2M
    mark = "level-shown"
    start = time.perf_counter()
    view.run_js(
        f"(function () {{ jjj.map.setView([{lat}, {lon}], {zoom}, {{animate: false}}); "
        f"function poll() {{ if (jjj.detailLevel({layer.id!r}) === {zoom}) "
        f"requestAnimationFrame(function () {{ requestAnimationFrame(function () "
        f"{{ document.title = '{mark}'; }}); }}); else setTimeout(poll, 5); }} poll(); }})(); true")
    if not wait(view.titleChanged, 60, lambda: view.title() == mark):
        raise TimeoutError("level 12 was not shown")
    return {"seconds": time.perf_counter() - start, "open_s": seconds}


def export_jjjmap(params):
    from jjjmap import export
    from jjjmap.io import open_layer
    from jjjmap.model import MapDocument
    from jjjmap.model.document import view_of

    _cold_cache()   # a first export
    out = Path(tempfile.mkdtemp(prefix="exp-")) / "e.html"
    with Stopwatch() as sw:
        (layer,) = open_layer(params["path"])
        doc = MapDocument(basemap="none")
        doc.add_layer(layer)
        doc.view = view_of(tuple(layer.gdf.total_bounds))
        export.write_html(doc, out, self_contained=True)
    return {"seconds": sw.seconds, "bytes": out.stat().st_size}


# -- baseline: geopandas + folium, the bare viewer -------------------------------------------
def _folium_page(path: str, out: Path) -> int:
    from bench.baseline import folium_map

    return folium_map.save(folium_map.polygons_map(path), out)


def polygons_app_baseline(params, side="baseline"):
    from bench.baseline.viewer import Viewer

    viewer = Viewer()
    out = Path(tempfile.mkdtemp(prefix="base-")) / "p.html"
    with Stopwatch() as build:
        _folium_page(params["path"], out)
    draw = viewer.load_until_drawn(out)
    page = _page(viewer.view)
    frames.set_view(*page, frames.FOLIUM_MAP, *VIEW_50K)
    res = frames.measure(*page, frames.FOLIUM_MAP, VIEW_50K[2])
    return {"pan_worst_ms": res.pop("pan_worst_ms"), "open_s": build.seconds + draw, **res}


def detail_baseline(params, side="baseline"):
    from bench.baseline.viewer import Viewer

    viewer = Viewer()
    out = Path(tempfile.mkdtemp(prefix="base-")) / "p.html"
    with Stopwatch() as build:
        _folium_page(params["path"], out)
    draw = viewer.load_until_drawn(out)
    lat, lon, zoom = EDGE_2M
    with Stopwatch() as sw:
        frames.set_view(*_page(viewer.view), frames.FOLIUM_MAP, lat, lon, zoom, settle=False)
    return {"seconds": sw.seconds, "open_s": build.seconds + draw}


def export_baseline(params, side="baseline"):
    out = Path(tempfile.mkdtemp(prefix="base-")) / "e.html"
    with Stopwatch() as sw:
        size = _folium_page(params["path"], out)
    return {"seconds": sw.seconds, "bytes": size}


CASES = {
    "polygons_app": (polygons_app_jjjmap, polygons_app_baseline),
    "polygon_export": (export_jjjmap, export_baseline),
    "detail_zoom": (detail_jjjmap, detail_baseline),
}
