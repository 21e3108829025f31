"""One side of one case, in a fresh process: ``python -m bench.worker CASE SIDE PARAMS_JSON``.

SIDE is ``jjjmap``, ``baseline`` (geopandas + folium, ``bench/baseline/folium_map.py``) or
``leafmap`` (``bench/baseline/leafmap_map.py``: the same cases the leafmap way; the two
baselines share every function here). Prints one JSON line of what it measured. Timing
starts inside the process for export and app cases (imports are not what we compare) and at
process creation for ``time_to_map`` (the app, and the baseline's viewer, are started as
their own processes).
"""
from __future__ import annotations

import atexit
import functools
import importlib
import json
import os
import shutil
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.data_cases import CASES as DATA_CASES
from bench.polygons import CASES as POLYGON_CASES
from bench.harness import ERROR_KEY, Stopwatch

TMP = Path(tempfile.mkdtemp(prefix="jjjbench-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
tempfile.tempdir = str(TMP)   # every case's temporary files go with it


def _doc(extra_layers=()):
    from jjjmap import catalog

    doc = catalog.default_document()
    doc.basemap = "none"   # tiles would measure the network, which is not there
    for layer in extra_layers:
        doc.add_layer(layer)
    return doc


def _baseline(side: str):
    """The module that builds a baseline's maps: ``default_map(without)``,
    ``points_map(csv)``, ``save(m, path) -> bytes``."""
    return importlib.import_module({"baseline": "bench.baseline.folium_map",
                                    "leafmap": "bench.baseline.leafmap_map"}[side])


# -- default map and export ------------------------------------------------------------------
def default_map_html_jjjmap(params):
    from jjjmap import export

    out = {}
    for mode, self_contained in (("bytes", True), ("light_bytes", False)):
        path = TMP / f"{mode}.html"
        export.write_html(_doc(), path, self_contained=self_contained)
        out[mode] = path.stat().st_size
    # the light page's Leaflet files, beside it (the same for every light export)
    out["light_folder_bytes"] = sum(f.stat().st_size for f in
                                    export.files_folder(TMP / "light_bytes.html").rglob("*")
                                    if f.is_file())
    from jjjmap.render import render_html

    out["app_page_bytes"] = len(render_html(_doc(), assets="app").encode("utf-8"))
    out.update(deviation_by_zoom(_doc()))
    return out


def ground_pixel_m(zoom: float, lat: float) -> float:
    """Ground size of one web-mercator screen pixel at ``zoom`` and latitude ``lat``."""
    import math
    return 156543.03392 * math.cos(math.radians(lat)) / 2 ** zoom


DEVIATION_ZOOMS = range(7, 15)


def deviation_by_zoom(doc) -> dict:
    """The largest boundary deviation (screen pixels) at each zoom 7-14, for what each
    output shows there (``render/detail.py``, ``jjj.js`` setUpDetail): the app fetches level
    ceil(zoom); the self-contained export has its initial outlines and one embedded level
    (``EMBED_STEP`` zooms deeper) and shows the finest it has at deeper zooms; the light
    export keeps its initial outlines. Pixels are smallest (in ground metres) at the
    region's northern edge: judged there. ``deviation_m``/``deviation_px``: the initial zoom,
    as before."""
    from jjjmap.render.detail import EMBED_STEP, MAX_LEVEL, level_of_zoom
    from jjjmap.render.geometry import display_tolerance

    north = float(max(lyr.gdf.total_bounds[3] for lyr in doc.layers if lyr.kind == "boundary"))
    base = doc.view.zoom
    embedded = min(MAX_LEVEL, level_of_zoom(base) + EMBED_STEP)
    metres: dict[float, float] = {}

    def px(tolerance: float, zoom: int) -> float:
        if tolerance not in metres:
            metres[tolerance] = boundary_deviation_m(doc, tolerance)
        return metres[tolerance] / ground_pixel_m(zoom, north)

    out = {"deviation_m": boundary_deviation_m(doc, display_tolerance(base))}
    out["deviation_px"] = out["deviation_m"] / ground_pixel_m(base, north)
    for z in DEVIATION_ZOOMS:
        shown = z <= base + 1e-9
        out[f"dev_app_px_z{z}"] = px(display_tolerance(base if shown else min(z, MAX_LEVEL)), z)
        out[f"dev_export_px_z{z}"] = px(display_tolerance(base if shown else embedded), z)
        out[f"dev_light_px_z{z}"] = px(display_tolerance(base), z)
    for kind in ("app", "export", "light"):
        out[f"dev_{kind}_worst_px"] = max(out[f"dev_{kind}_px_z{z}"] for z in DEVIATION_ZOOMS)
    return out


def default_map_html_baseline(params, side="baseline"):
    maps = _baseline(side)
    return {"bytes": maps.save(maps.default_map(), TMP / "base.html"), "deviation_m": 0.0}


_SOURCE_XY: dict = {}   # layer id -> (its distinct source vertices as lon + i*lat, in UTM 50N)


def boundary_deviation_m(doc, tolerance: float) -> float:
    """Largest distance (metres, UTM 50N) from a source vertex of a boundary layer to the
    nearest outline of that layer drawn at ``tolerance``.

    The drawn outlines keep a subset of the source's vertices (simplification removes, never
    moves), so this is the Hausdorff distance up to the chords' own bulge; it takes seconds
    where ``shapely.hausdorff_distance`` took minutes at the finer levels (an index of the
    drawn segments, the removed vertices only)."""
    import numpy as np
    import shapely
    from pyproj import Transformer
    from jjjmap.render.geometry import simplified

    to_utm = Transformer.from_crs(4326, 32650, always_xy=True)
    worst = 0.0
    for layer in doc.layers:
        if layer.kind != "boundary":
            continue
        if layer.id not in _SOURCE_XY:
            lonlat = shapely.get_coordinates(layer.gdf.geometry.values)
            key = np.unique(lonlat[:, 0] + 1j * lonlat[:, 1])   # each vertex once
            _SOURCE_XY[layer.id] = key, np.column_stack(to_utm.transform(key.real, key.imag))
        key, source_xy = _SOURCE_XY[layer.id]
        rings = shapely.get_rings(shapely.get_parts(np.asarray(
            simplified(layer.gdf, tolerance).values, dtype=object)))
        drawn, ring = shapely.get_coordinates(rings, return_index=True)
        removed = ~np.isin(key, drawn[:, 0] + 1j * drawn[:, 1])
        if not removed.any():
            continue
        xy = np.column_stack(to_utm.transform(drawn[:, 0], drawn[:, 1]))
        same = ring[1:] == ring[:-1]
        segments = shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))
        _idx, dist = shapely.STRtree(segments).query_nearest(
            shapely.points(source_xy[removed]), return_distance=True, all_matches=False)
        worst = max(worst, float(dist.max()))
    return worst


def export_html_jjjmap(params):
    """``seconds``: the first export of the default map (this fresh process, its display
    cache an empty folder: after installing, or with new data); ``warm_s``: the same in
    another fresh process whose display cache a first export filled (``export_warm``).
    Both include reading the built-in layers, as the baseline reads its files."""
    from jjjmap import catalog, export  # noqa: F401 - imports are not timed, on any side

    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=TMP))
    os.environ["XDG_CACHE_HOME"] = str(cache)
    with Stopwatch() as cold:
        export.write_html(_doc(), TMP / "e.html", self_contained=True)
    export.write_html(_doc(), TMP / "light.html", self_contained=False)
    proc = subprocess.run([sys.executable, "-m", "bench.worker", "export_warm", "jjjmap", "{}"],
                          env=dict(os.environ, XDG_CACHE_HOME=str(cache)),
                          capture_output=True, text=True, timeout=110)
    if proc.returncode != 0:
        raise RuntimeError(f"warm export failed: {proc.stderr.strip()[-300:]}")
    warm = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
    return {"seconds": cold.seconds, "warm_s": warm,
            "bytes": (TMP / "e.html").stat().st_size,
            "light_bytes": (TMP / "light.html").stat().st_size}


def export_warm_jjjmap(params):
    from jjjmap import catalog, export  # noqa: F401

    with Stopwatch() as sw:
        export.write_html(_doc(), TMP / "w.html", self_contained=True)
    return {"seconds": sw.seconds}


def export_html_baseline(params, side="baseline"):
    """folium keeps no cache: its warm export is its export (``warm_s`` the same sample)."""
    maps = _baseline(side)
    with Stopwatch() as sw:
        maps.save(maps.default_map(), TMP / "e.html")
    return {"seconds": sw.seconds, "warm_s": sw.seconds}


# -- many points, file to drawn page in Chromium ---------------------------------------------
def points_jjjmap(params):
    from bench.browser import time_to_drawn
    from jjjmap import export
    from jjjmap.io import open_layer

    path = TMP / "p.html"
    with Stopwatch() as build:
        layers = open_layer(params["csv"])
        export.write_html(_doc(layers), path, self_contained=True)
    draw = time_to_drawn(path, jjjmap=True)
    return {"seconds": build.seconds + draw, "build_s": build.seconds, "draw_s": draw,
            "bytes": path.stat().st_size}


def points_baseline(params, side="baseline"):
    from bench.browser import time_to_drawn

    maps = _baseline(side)
    path = TMP / "p.html"
    with Stopwatch() as build:
        size = maps.save(maps.points_map(params["csv"]), path)
    draw = time_to_drawn(path, jjjmap=False)
    return {"seconds": build.seconds + draw, "build_s": build.seconds, "draw_s": draw,
            "bytes": size}


# -- the desktop window ----------------------------------------------------------------------
def _started_app_seconds(cache_dir: Path) -> tuple[float, float | None]:
    """``jjjmap gui --screenshot``: its own "map drawn X s after process start, layers ready
    Y s" line (the layers come after the map on a start that shows a stored page)."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_dir), XDG_CONFIG_HOME=str(TMP / "config"))
    proc = subprocess.run([sys.executable, "-m", "jjjmap", "gui", "--basemap", "none",
                           "--screenshot", str(TMP / "shot.png")],
                          env=env, capture_output=True, text=True, timeout=110)
    found = re.search(r"map drawn ([0-9.]+) s after process start"
                      r"(?:, layers ready ([0-9.]+) s)?", proc.stderr)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"jjjmap gui failed: {proc.stderr.strip()[-300:]}")
    layers = found.group(2)
    return float(found.group(1)), float(layers) if layers else None


def time_to_map_jjjmap(params):
    """A first start (empty caches), then a usual one (the caches the first one wrote: the
    display geometry and the stored page), then in this process a usual start's stall."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=TMP))
    cold, cold_layers = _started_app_seconds(cache)
    warm, warm_layers = _started_app_seconds(cache)
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from bench import app

    stall = app.warm_start(cache)
    return {"seconds": warm, "layers_ready_s": warm_layers, "first_start_s": cold,
            "first_layers_ready_s": cold_layers,
            "startup_max_stall_ms": stall["max_stall_ms"]}


def _viewer_seconds(path: Path) -> float:
    """``python -m bench.baseline.viewer FILE``: process start to the page drawn."""
    proc = subprocess.run([sys.executable, "-m", "bench.baseline.viewer", str(path)],
                          capture_output=True, text=True, timeout=110)
    found = re.search(r"drawn ([0-9.]+) s after process start", proc.stdout)
    if not found:
        raise RuntimeError(f"viewer failed: {proc.stderr.strip()[-300:]}")
    return float(found.group(1))


def time_to_map_baseline(params, side="baseline"):
    """The saved folium map in the bare viewer (``seconds``), and the floor (``floor_s``):
    the same viewer showing a small page (folium's, no layers; the same for every side)."""
    from bench.baseline import folium_map

    maps = _baseline(side)
    path, small = TMP / "base.html", TMP / "small.html"
    maps.save(maps.default_map(), path)
    small_bytes = folium_map.save(folium_map.small_map(), small)
    return {"seconds": _viewer_seconds(path), "floor_s": _viewer_seconds(small),
            "floor_bytes": small_bytes}


def points_app_jjjmap(params):
    from bench import app

    return app.points(params["csv"])


def points_app_baseline(params, side="baseline"):
    from bench.baseline.viewer import Viewer

    maps = _baseline(side)
    viewer = Viewer()
    path = TMP / "p.html"
    with Stopwatch() as build:
        maps.save(maps.points_map(params["csv"]), path)
    draw = viewer.load_until_drawn(path)
    return {"seconds": build.seconds + draw, "build_s": build.seconds, "draw_s": draw}


def toggle_layer_jjjmap(params):
    from bench import app

    return app.toggle()


# folium's LayerControl: the checkbox of the counties, clicked as a user does; the page
# answers how many vector paths are drawn before and after, so a click that did nothing fails
LAYER_CONTROL_CLICK_JS = """JSON.stringify((function () {
  var count = function () { return document.querySelectorAll(
      '.leaflet-overlay-pane path, .leaflet-overlay-pane canvas').length; };
  var labels = document.querySelectorAll('.leaflet-control-layers-overlays label');
  for (var i = 0; i < labels.length; i++) {
    if (labels[i].textContent.trim() === 'counties') {
      var before = count();
      labels[i].querySelector('input').click();
      return [before, count()];
    }
  }
  return null;
})())"""


def toggle_layer_baseline(params, side="baseline"):
    """Hide/show the counties with folium's LayerControl in the viewer (its checkbox), until
    two frames later, ten times: what a folium user does (rebuilding the page is not)."""
    import statistics

    from bench.baseline.viewer import Viewer
    from bench.frames import js_value
    from bench.qt import DRAWN_TITLE_JS, wait

    maps = _baseline(side)
    viewer = Viewer()
    path = TMP / "t.html"
    maps.save(maps.default_map(), path)
    viewer.load_until_drawn(path)
    page, samples = viewer.view.page(), []
    for n in range(params.get("times", 10)):
        mark = f"toggled-{n}"
        start = time.perf_counter()
        counts = json.loads(js_value(page, LAYER_CONTROL_CLICK_JS))   # (arrays come as '')
        page.runJavaScript(DRAWN_TITLE_JS % f"'{mark}'")
        if not wait(viewer.view.titleChanged, 30, lambda m=mark: viewer.view.title() == m):
            raise TimeoutError("the visibility change did not show")
        samples.append(time.perf_counter() - start)
        if not counts or counts[0] == counts[1]:
            raise RuntimeError(f"the LayerControl click changed nothing: {counts}")
    return {"seconds": statistics.median(samples), "max_s": max(samples)}


# -- counts per county (point in polygon) ----------------------------------------------------
def _points_and_counties(csv: str):
    import geopandas as gpd
    import pandas as pd

    from jjjmap import catalog

    df = pd.read_csv(csv)
    points = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                              crs="EPSG:4326")
    return points, catalog.load_layer("counties").gdf


def aggregate_jjjmap(params):
    from jjjmap.analysis.aggregate import aggregate

    points, counties = _points_and_counties(params["csv"])
    with Stopwatch() as sw:
        res = aggregate(points, counties, stat=("count", "sum"), field="value")
    return {"seconds": sw.seconds, "counted": int(res.gdf["count"].sum()),
            "sum_value": float(res.gdf["sum_value"].sum())}


def aggregate_baseline(params, side="baseline"):
    """What a geopandas user writes: sjoin, groupby, merge back onto the counties."""
    import geopandas as gpd

    points, counties = _points_and_counties(params["csv"])
    with Stopwatch() as sw:
        joined = gpd.sjoin(points[["value", "geometry"]], counties[["code", "geometry"]],
                           predicate="within")
        stats = joined.groupby("code")["value"].agg(["count", "sum"])
        out = counties.merge(stats, left_on="code", right_index=True, how="left")
        out[["count", "sum"]] = out[["count", "sum"]].fillna(0)
    return {"seconds": sw.seconds, "counted": int(out["count"].sum()),
            "sum_value": float(out["sum"].sum())}


# -- density and time (bench/density.py): the baseline is the app's own point rendering,
# and for the time slider a visibility toggle of the same layer
def density_app_jjjmap(params):
    from bench import density

    return density.density_app(params)


def density_app_points(params, side="baseline"):
    """The app's own point layer on the same points (hexagons: folium has none); for the
    heatmap, folium's HeatMap in the bare viewer."""
    from bench import density

    if params.get("renderer") == "heatmap":
        return density.heat_folium(params)
    return density.density_app(dict(params, renderer="points"))


def _points10m(which: str, params):
    """bench/points10m.py: the app's window (``app``) or the minimal canvas page (``floor``)
    with ``n`` invented points from a CSV or a GeoParquet file."""
    from bench import points10m

    return getattr(points10m, which)(int(params["n"]), params["format"])


def time_filter_jjjmap(params):
    from bench import density

    return density.time_filter(dict(params, how="time"))


def time_filter_toggle(params, side="baseline"):
    from bench import density

    return density.time_filter(dict(params, how="toggle"))


_JJJMAP_AND_BASELINES = {
    "aggregate": (aggregate_jjjmap, aggregate_baseline),
    "default_map_html": (default_map_html_jjjmap, default_map_html_baseline),
    "export_html": (export_html_jjjmap, export_html_baseline),
    "export_warm": (export_warm_jjjmap, export_html_baseline),
    "points_export": (points_jjjmap, points_baseline),
    "time_to_map": (time_to_map_jjjmap, time_to_map_baseline),
    "points_app": (points_app_jjjmap, points_app_baseline),
    "toggle_layer": (toggle_layer_jjjmap, toggle_layer_baseline),
    "density_app": (density_app_jjjmap, density_app_points),
    "time_filter": (time_filter_jjjmap, time_filter_toggle),
    "points_10m": (lambda params: _points10m("app", params),
                   lambda params, side="baseline": _points10m("floor", params)),
    **DATA_CASES,   # bench/data_cases.py: reading and tabulating, in-process
    **POLYGON_CASES,   # bench/polygons.py: large polygon layers, app and export
}
CASES = {case: {"jjjmap": jjj, "baseline": functools.partial(base, side="baseline"),
                "leafmap": functools.partial(base, side="leafmap")}
         for case, (jjj, base) in _JJJMAP_AND_BASELINES.items()}


def _postgis_cases():   # bench/pg.py: a PostGIS table, view-driven vs read_postgis
    from bench import pg

    return {"jjjmap": pg.jjjmap_side, "baseline": pg.baseline_side}


CASES["postgis"] = _postgis_cases()


def main(argv):
    """Print the case's result (or ``{"__error__": ...}`` if it raised) as the last line of
    stdout, then leave without Qt's and Chromium's teardown (which can crash or log after the
    measurement is done; the harness reads the line, not the exit code, when there is one)."""
    case, side, params = argv[0], argv[1], json.loads(argv[2])
    code = 0
    try:
        result = CASES[case][side](params)
    except Exception as exc:  # noqa: BLE001 - reported to the harness as this sample's failure
        import traceback

        traceback.print_exc()
        result, code = {ERROR_KEY: f"{type(exc).__name__}: {exc}"[:300]}, 1
    print(json.dumps(result), flush=True)
    sys.stderr.flush()
    shutil.rmtree(TMP, ignore_errors=True)
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
