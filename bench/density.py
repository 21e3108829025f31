"""Density and time cases, in the real main window (offscreen), one process per sample.

``density_app``: a CSV of invented clustered points (bench.data.clustered_points_csv)
opened through the window with a renderer chosen ("points", "heatmap", "hexbin") until the
map is drawn with it; then pan and zoom redraws, each until two animation frames after the
move (the canvas layers redraw on ``moveend``, so that includes their redraw). The
"points" side is the current canvas point rendering: the fair baseline in the same run.

``time_filter``: the time slider's range changed on a 100k-point layer with a year field,
until drawn; against a visibility toggle of the same layer (``jjj.setVisible``), the budget
the issue names (both measured the same way, median of ten).
"""
from __future__ import annotations

import statistics
import time

from bench.app import open_file_timed, open_window
from bench.qt import DRAWN_TITLE_JS, Count, wait

TIMEOUT_S = 110


def _open_styled(csv: str, **style):
    from jjjmap.model import Style

    app, window = open_window()
    doc = window.doc
    before = {lyr.id for lyr in doc.layers}

    add_layer = doc.add_layer

    def styled(layer, *args, **kwargs):   # the layer gets its style before any observer
        if layer.id not in before:        # sees it (a "layer_added" listener of our own ran
            layer.style = Style(**style)  # after the window's: the 1M-point layer went to
        return add_layer(layer, *args, **kwargs)   # the page as points, not hexagons)

    doc.add_layer = styled

    loads = Count(window.map.pageLoaded)
    layer, seconds, stall = open_file_timed(window, csv, TIMEOUT_S)
    if not loads.n:   # the page says ready before Qt says it loaded
        wait(window.map.loadFinished, 10)
    return window, layer, seconds, stall


# "drawn" after a move: once no density layer waits for its worker (jjj-density-worker.js
# bins a new view off the main thread; the last drawing stays until then), two frames
IDLE_DRAWN_JS = ("(function (go) { if (window.JjjDensity && JjjDensity.whenIdle) "
                 "JjjDensity.whenIdle(go); else go(); })(function () { " + DRAWN_TITLE_JS + " }); true")


def _until_drawn(view, script: str, mark: str) -> float:
    start = time.perf_counter()
    view.run_js(script)
    view.run_js(IDLE_DRAWN_JS % f"'{mark}'")
    if not wait(view.titleChanged, 30, lambda: view.title() == mark):
        raise TimeoutError(f"{mark} did not show")
    return time.perf_counter() - start


def _moves(view, map_js: str = "jjj.map") -> dict:
    """Four non-animated pans and four zooms, each until two frames after it: medians and
    the worst."""
    pans, zooms = [], []
    for n in range(4):
        dx = 250 if n % 2 == 0 else -250
        pans.append(_until_drawn(view, f"({map_js}).panBy([{dx}, 0], {{animate: false}}); true",
                                 f"pan-{n}"))
        dz = 1 if n % 2 == 0 else -1
        zooms.append(_until_drawn(view, f"(function (m) {{ m.setView(m.getCenter(), "
                                        f"m.getZoom() + ({dz}), {{animate: false}}); }})"
                                        f"({map_js}); true", f"zoom-{n}"))
    return {"pan_redraw_s": statistics.median(pans), "zoom_redraw_s": statistics.median(zooms),
            "pan_worst_s": max(pans), "zoom_worst_s": max(zooms)}


def density_app(params: dict) -> dict:
    window, layer, seconds, stall = _open_styled(params["csv"], renderer=params["renderer"])
    return {"seconds": seconds, "max_stall_ms": stall * 1000, **_moves(window.map),
            "features": len(layer.gdf)}


class _ViewerPage:
    """The bare viewer's page with the two calls ``_until_drawn`` makes of a MapView."""

    def __init__(self, view):
        self.titleChanged, self.title = view.titleChanged, view.title
        self._page = view.page()

    def run_js(self, script: str) -> None:
        self._page.runJavaScript(script)


def heat_folium(params: dict) -> dict:
    """folium's ``HeatMap`` of the same points: read, build, save, open in the bare viewer
    until drawn, then the same pans and zooms (leaflet.heat redraws its canvas on moveend)."""
    import tempfile
    from pathlib import Path

    from bench.baseline import folium_map
    from bench.baseline.viewer import Viewer
    from bench.frames import FOLIUM_MAP
    from bench.harness import Stopwatch

    viewer = Viewer()
    out = Path(tempfile.mkdtemp(prefix="heat-")) / "h.html"
    with Stopwatch() as build:
        folium_map.save(folium_map.heat_map(params["csv"]), out)
    draw = viewer.load_until_drawn(out)
    return {"seconds": build.seconds + draw, "build_s": build.seconds, "draw_s": draw,
            **_moves(_ViewerPage(viewer.view), FOLIUM_MAP)}


def time_filter(params: dict) -> dict:
    """``params["how"]``: "time" (the slider's range) or "toggle" (visibility)."""
    window, layer, _seconds, _stall = _open_styled(params["csv"], time_field="year")
    view, doc = window.map, window.doc
    loads = Count(view.pageLoaded)
    samples = []
    for n in range(10):
        if params["how"] == "time":
            script = ("jjj.time.setRange(2005, 2010); true" if n % 2 == 0
                      else "jjj.time.setRange(2000, 2024); true")
            samples.append(_until_drawn(view, script, f"time-{n}"))
        else:
            start = time.perf_counter()
            doc.set_visible(layer.id, not layer.visible)   # the window sends jjj.setVisible
            view.run_js(DRAWN_TITLE_JS % f"'toggle-{n}'")
            if not wait(view.titleChanged, 30, lambda m=f"toggle-{n}": view.title() == m):
                raise TimeoutError("the toggle did not show")
            samples.append(time.perf_counter() - start)
    if loads.n:
        raise RuntimeError("the page was reloaded")
    return {"seconds": statistics.median(samples), "max_s": max(samples),
            "features": len(layer.gdf)}


# -- in the page: where a zoom's time goes, worker against the page's own thread ------------
PAGE_MOVES = """async ([id, worker]) => {
  if (!worker) JjjDensity.noWorker();            // the main-thread path: the paired baseline
  const m = jjj.map, g = jjj.layerGroup(id), out = [], longest = [0];
  new PerformanceObserver(l => l.getEntries().forEach(e => {
    longest[0] = Math.max(longest[0], e.duration); })).observe({entryTypes: ['longtask']});
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const idle = () => new Promise(r => JjjDensity.whenIdle(r));
  // a tour: in to zooms not binned yet, then back out over binned ones, then pans
  const moves = [9, 10, 11, 12, 13, 12, 11, 10].map(z => ['zoom', z])
    .concat([[250, 0], [-250, 0], [0, 200], [0, -200]].map(d => ['pan', d]));
  for (const [kind, arg] of moves) {
    await frames(); longest[0] = 0;
    const t = performance.now();
    if (kind === 'zoom') m.setView(m.getCenter(), arg, {animate: false});
    else m.panBy(arg, {animate: false});
    const sync = performance.now() - t;
    await idle(); await frames();
    out.push({kind, z: m.getZoom(), sync_ms: sync, drawn_ms: performance.now() - t,
              longest_task_ms: longest[0], worker: JjjDensity.usesWorker()});
  }
  return out;
}"""

PAGE_PARTS = """([id, z]) => {
  // the parts of one redraw, timed here one by one (the same calls the layer makes)
  const g = jjj.layerGroup(id), K = JjjDensity.kernel, T = () => performance.now(), r = {};
  jjj.map.setView(jjj.map.getCenter(), z, {animate: false});
  if (g.spec.render === 'hexbin') {
    const st = g.spec.stat, k = g.spec.colors.length;
    let t = T(); const b = K.hexLevel(g.mx, g.my, g.n, g._cellSize(z), g.w, st, k);
    r.bin_and_classes_ms = T() - t;
    t = T(); K.levelStats(b.idx, g.n, b.n, g.w, st, k); r.of_which_classes_ms = T() - t;
    const lv = g._fromBins(z, b);
    g.cache = [lv]; g._drawn = null;
    t = T(); g.redraw(); r.draw_ms = T() - t;
    r.cells = lv.nc;
  } else {
    const p = g._params(g._screen(), jjj.map.getSize());
    let t = T(); K.heatGrid(g.mx, g.my, g.n, g.w, g.hide, p); r.bin_blur_scale_ms = T() - t;
    g._drawn = null; g._ready = null;
    t = T(); g.redraw(); r.draw_incl_binning_ms = T() - t;
    r.cells = p.gw * p.gh;
  }
  return r;
}"""


def page_tour(n: int = 1_000_000, reps: int = 3) -> dict:
    """1M invented points as hexagons and as a heatmap on a page of their own in headless
    Chromium (file://, as an export opens): the tour of PAGE_MOVES with the worker and, in
    turns with it (the paired baseline), with the page's own thread only; and the parts of a
    redraw at zooms 9-13. Medians over ``reps`` pages a side."""
    import os
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from bench.browser import ARGS
    from jjjmap.io import open_layer
    from jjjmap.model import MapDocument, Style
    from jjjmap.render import render_html

    from bench.data import clustered_points_csv

    out: dict = {"uptime_before": os.getloadavg()}
    layer = open_layer(str(clustered_points_csv(n)))
    layer = layer[0] if isinstance(layer, list) else layer
    folder = Path(tempfile.mkdtemp(prefix="density-page-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for renderer in ("hexbin", "heatmap"):
            layer.style = Style(renderer=renderer)
            doc = MapDocument(basemap="none")
            doc.add_layer(layer)
            doc.view.lat, doc.view.lon, doc.view.zoom, doc.view.fit = 39.0, 116.0, 8, None
            path = folder / f"{renderer}.html"
            path.write_text(render_html(doc), encoding="utf-8")
            runs: dict = {"worker": [], "page": []}
            for rep in range(reps):
                for side in (("worker", "page") if rep % 2 == 0 else ("page", "worker")):
                    page = browser.new_page(viewport={"width": 1400, "height": 900})
                    page.goto(path.as_uri())
                    page.wait_for_function("window.jjj && jjj.ready === true", timeout=120000)
                    runs[side].append(page.evaluate(PAGE_MOVES, [layer.id, side == "worker"]))
                    page.close()
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(path.as_uri())
            page.wait_for_function("window.jjj && jjj.ready === true", timeout=120000)
            parts = [dict(page.evaluate(PAGE_PARTS, [layer.id, z]), z=z) for z in (9, 11, 13)]
            page.close()
            out[renderer] = {"parts": parts, **{side: _tour_summary(rs) for side, rs in runs.items()}}
        browser.close()
    out["uptime_after"] = os.getloadavg()
    return out


def _tour_summary(runs: list[list[dict]]) -> dict:
    """Medians over the reps of: new zooms (the first five moves), zooms back to binned
    levels, pans; drawn time, the main thread's longest task and the synchronous part."""
    groups = {"new_zoom": slice(0, 5), "binned_zoom": slice(5, 8), "pan": slice(8, 12)}
    out = {}
    for name, sl in groups.items():
        moves = [mv for run in runs for mv in run[sl]]
        out[name] = {k: round(statistics.median(mv[k] for mv in moves), 1)
                     for k in ("drawn_ms", "longest_task_ms", "sync_ms")}
        out[name]["drawn_worst_ms"] = round(max(mv["drawn_ms"] for mv in moves), 1)
    out["first_new_zoom_drawn_ms"] = [round(run[0]["drawn_ms"], 1) for run in runs]
    out["used_worker"] = all(mv["worker"] for run in runs for mv in run)
    return out


if __name__ == "__main__":   # python -m bench.density [N] [REPS]: the page tour, JSON out
    import json
    import sys

    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(page_tour(*args), indent=1))
