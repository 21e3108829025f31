"""Large point layers in the app (issue 21 items 2-4), one side per process:

    python -m bench.points10m app N csv|parquet     the real window: file to drawn, the
                                                   window's longest stall, memory, pan/zoom
                                                   frames, a second layer opened over it
    python -m bench.points10m floor N csv|parquet  a minimal canvas page in the same engine:
                                                   pyarrow reads lon/lat, the page fetches
                                                   them as one ArrayBuffer and paints every
                                                   point into an ImageData

    python -m bench.points10m page N               the layer alone on a page of its own in
                                                   headless Chromium (file://, as an export
                                                   opens): a zoom and pan tour with the
                                                   drawing worker and, in turns, without it

Prints one JSON line. The points are invented (bench.data.clustered_points_csv: clusters
around the prefectures' centroids plus uniform noise), not data about anything.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from bench.qt import Count, StallWatch, wait


def parquet_of(csv: Path) -> Path:
    """The same invented points as a GeoParquet file (WKB points), cached beside the CSV."""
    path = csv.with_suffix(".parquet")
    if path.exists():
        return path
    import geopandas as gpd
    import pandas as pd

    df = pd.read_csv(csv)
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]),
                           geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)
    tmp = path.with_suffix(".tmp")
    gdf.to_parquet(tmp)
    tmp.replace(path)
    return path


def data_file(n: int, fmt: str) -> Path:
    from bench.data import clustered_points_csv

    csv = clustered_points_csv(n)
    return parquet_of(csv) if fmt == "parquet" else csv


class MemoryWatch:
    """Peak resident memory of this process and its children (QtWebEngine's renderer),
    sampled every 100 ms while the event loop runs."""

    def __init__(self):
        import psutil
        from PySide6.QtCore import QTimer

        self.proc = psutil.Process()
        self.peak = 0
        self.timer = QTimer(interval=100)
        self.timer.timeout.connect(self.sample)
        self.timer.start()

    def sample(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # noqa: BLE001 - a child that just ended
                pass
        self.peak = max(self.peak, total)
        return total


def _page_js(view, script: str):
    from bench.frames import js_value
    return js_value(view.page(), script)


# five redraws of the layer on the view it shows: the main thread's share of each (ms) and
# the time until its frame is on the canvas (ms; the same with no worker), then what the
# last one drew, the pre-binned level and who drew it ('worker' or 'page')
FRAMES_JS = """(function (c) { var t = [], k = 0;
  function one() {
    var s = performance.now(); c.redraw(); var sync = performance.now() - s;
    c.whenDrawn(function () {
      t.push([sync, performance.now() - s]);
      if (++k < 5) { one(); return; }
      var a = t.map(function (x) { return x[0]; }).sort(function (x, y) { return x - y; });
      var b = t.map(function (x) { return x[1]; }).sort(function (x, y) { return x - y; });
      window._benchFrames = JSON.stringify([a[2], a[4], b[2], b[4], c.drawn, c.level, c.drawnBy,
                                            c.timing || null]);
      document.title = 'frames-measured';
    });
  }
  window._benchFrames = null; one(); return true; })(jjj.layerGroup(%s))"""


def _layer_frames(view, layer_id: str):
    view.run_js(FRAMES_JS % json.dumps(layer_id))
    wait(view.titleChanged, 60, lambda: view.title() == "frames-measured")
    return json.loads(_page_js(view, "window._benchFrames") or "null")


def app(n: int, fmt: str) -> dict:
    from bench import frames
    from bench.app import open_file_timed, open_window
    from bench.data import hebei_points_csv

    path = data_file(n, fmt)
    small = hebei_points_csv(1000)
    _app, window = open_window()
    from bench import frames as fr
    before = fr.measure(window.map.page(), window.map.title, window.map.titleChanged,
                        fr.JJJ_MAP, round(window.doc.view.zoom), timeout_s=300)
    mem = MemoryWatch()
    start = time.perf_counter()
    layer, seconds, stall = open_file_timed(window, str(path), timeout_s=600)
    view = window.map
    # drawn: the first frame (above render.pointbin.QUICK_ABOVE the points unsorted, every
    # one drawn); the frames below are measured once the indexed buffers replaced it
    quick = f"(jjj.layerInfo({json.dumps(layer.id)}) || {{spec: {{bin: {{}}}}}}).spec.bin.quick"
    first_quick = bool(_page_js(view, quick))
    with StallWatch() as index_stall:
        while _page_js(view, quick) or _page_js(view, "jjj.busy()"):
            wait(view.titleChanged, 0.2)
    indexed = time.perf_counter() - start
    if os.environ.get("JJJMAP_BENCH_NO_WORKER"):   # the paired baseline: the page draws
        _page_js(view, "JjjBigPointsNoWorker(); true")
    # the worker's copy of the points is made a slice per task after the first frame
    while _page_js(view, f"!!jjj.layerGroup({json.dumps(layer.id)})._copying"):
        wait(view.titleChanged, 0.2)
    out = {"n": n, "format": fmt, "file_to_drawn_s": round(seconds, 2),
           "first_frame_unsorted": first_quick, "file_to_indexed_s": round(indexed, 2),
           "max_stall_ms": round(max(stall, index_stall.max_gap) * 1000), "binary": bool(
               _page_js(view, f"!!jjj.layerInfo({json.dumps(layer.id)}).spec.bin"))}
    out["memory_after_drawn_mb"] = round(mem.sample() / 2**20)
    # the same probe on the default map before the file was opened: what the rest costs
    out["without_layer_region_view"] = {k: round(v, 1) for k, v in before.items()
                                        if k.endswith("_ms") and not isinstance(v, list)}
    # main thread median / worst ms, to shown median / worst ms, drawn, level, drawn by
    out["layer_redraw_region"] = _layer_frames(view, layer.id)
    page, title, changed = view.page(), view.title, view.titleChanged
    zoom = round(window.doc.view.zoom)
    view.run_js("document.title = 'measuring'; true")   # not the last probe's 'frames-done'
    wait(changed, 5, lambda: title() == "measuring")
    whole = frames.measure(page, title, changed, frames.JJJ_MAP, zoom, timeout_s=300)
    out["region_view"] = {k: round(v, 1) for k, v in whole.items() if k.endswith("_ms")
                          and not isinstance(v, list)}
    out["region_level"] = _page_js(view, f"jjj.layerGroup({json.dumps(layer.id)}).level")
    frames.set_view(page, title, changed, frames.JJJ_MAP, 39.9, 116.4, 11)
    out["layer_redraw_zoom11"] = _layer_frames(view, layer.id)
    view.run_js("document.title = 'measuring'; true")
    wait(changed, 5, lambda: title() == "measuring")
    close = frames.measure(page, title, changed, frames.JJJ_MAP, 11, timeout_s=300)
    out["zoom11_view"] = {k: round(v, 1) for k, v in close.items() if k.endswith("_ms")
                          and not isinstance(v, list)}
    out["pan_worst_ms"] = max(whole["pan_worst_ms"], close["pan_worst_ms"])
    out["zoom_worst_ms"] = max(whole["zoom_worst_ms"], close["zoom_worst_ms"])
    out["frame_worst_ms"] = max(out["pan_worst_ms"], out["zoom_worst_ms"])
    # a second layer opened over it: read, sent live, drawn; no page reload
    loads = Count(view.pageLoaded)
    sent = Count(view.layerSent)
    with StallWatch() as second_stall:
        start = time.perf_counter()
        window.files.open_path(str(small))
        ok = wait(view.layerSent, 120, lambda: sent.n > 0)
        while ok and _page_js(view, "jjj.busy()"):
            wait(view.titleChanged, 0.05)
        view.run_js("requestAnimationFrame(function () { requestAnimationFrame(function () "
                    "{ document.title = 'second-drawn'; }); }); true")
        ok = ok and wait(view.titleChanged, 60, lambda: view.title() == "second-drawn")
        second = time.perf_counter() - start
    out["second_layer_s"] = round(second, 3) if ok else None
    out["second_layer_max_stall_ms"] = round(second_stall.max_gap * 1000)
    out["second_layer_reloaded"] = loads.n > 0
    out["peak_memory_mb"] = round(max(mem.peak, mem.sample()) / 2**20)
    return out


FLOOR_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;height:100%;overflow:hidden}canvas{display:block}</style></head><body>
<canvas id="c"></canvas><script>
fetch('bin/floor.bin').then(function (r) { return r.arrayBuffer(); }).then(function (buf) {
  var xy = new Float32Array(buf), n = xy.length / 2, c = document.getElementById('c');
  c.width = innerWidth; c.height = innerHeight;
  var ctx = c.getContext('2d'), img = ctx.createImageData(c.width, c.height);
  var px = new Uint32Array(img.data.buffer), w = c.width, h = c.height;
  var x0 = 113.4, x1 = 119.9, y0 = 36.0, y1 = 42.7;   // the region's box
  for (var i = 0; i < n; i++) {
    var x = Math.floor((xy[2 * i] - x0) / (x1 - x0) * w);
    var y = Math.floor((y1 - xy[2 * i + 1]) / (y1 - y0) * h);
    if (x >= 0 && y >= 0 && x < w && y < h) px[y * w + x] = 0xff3366cc;
  }
  ctx.putImageData(img, 0, 0);
  requestAnimationFrame(function () { requestAnimationFrame(function () { document.title = 'drawn'; }); });
});
</script></body></html>"""


def floor(n: int, fmt: str) -> dict:
    """The least a page can do with these points in this engine: read lon/lat (pyarrow),
    fetch them as one buffer from the same scheme, paint one pixel per point."""
    import numpy as np

    from jjjmap.render.pointbin import STORE
    from jjjmap.ui.app import create_app
    from jjjmap.ui.scheme import shared_profile
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWebEngineWidgets import QWebEngineView

    path = data_file(n, fmt)
    app = create_app()
    profile, handler = shared_profile(app)
    view = QWebEngineView()
    view.setPage(QWebEnginePage(profile, view))
    view.resize(1400, 900)
    view.show()
    mem = MemoryWatch()
    start = time.perf_counter()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        from jjjmap.io.parquetpoints import _point_xy   # WKB points straight from the buffer
        col = pq.read_table(path, columns=["geometry"]).column("geometry")
        pairs = [_point_xy(chunk) for chunk in col.chunks]
        lon = np.concatenate([p[0] for p in pairs])
        lat = np.concatenate([p[1] for p in pairs])
    else:
        import pyarrow.csv as pcsv
        t = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(include_columns=["lon", "lat"]))
        lon, lat = t.column("lon").to_numpy(), t.column("lat").to_numpy()
    xy = np.empty(2 * len(lon), dtype=np.float32)
    xy[0::2], xy[1::2] = lon, lat
    STORE.put("floor.bin", xy.tobytes())
    handler.pages["floor.html"] = FLOOR_PAGE.encode()
    with StallWatch() as stall:   # the GUI thread while the page takes the buffer
        view.load(QUrl("jjjmap://app/floor.html"))
        ok = wait(view.titleChanged, 600, lambda: view.title() == "drawn")
    seconds = time.perf_counter() - start
    return {"n": n, "format": fmt, "floor_file_to_drawn_s": round(seconds, 2) if ok else None,
            "floor_peak_memory_mb": round(max(mem.peak, mem.sample()) / 2**20),
            "floor_stall_while_served_ms": round(stall.max_gap * 1000),
            "buffer_mb": round(xy.nbytes / 2**20)}


# a tour of zooms and pans, each until the layer's frame is shown: its time, the main
# thread's longest task meanwhile (0: none of 50 ms or more), who drew it
PAGE_TOUR = """([id, onWorker]) => new Promise(done => {
  const m = jjj.map, g = jjj.layerGroup(id), out = [];
  if (!onWorker) JjjBigPointsNoWorker();
  const moves = [() => m.setZoom(9), () => m.setZoom(10), () => m.setZoom(11), () => m.setZoom(12),
                 () => m.setZoom(11), () => m.setZoom(10), () => m.setZoom(9), () => m.setZoom(8),
                 () => m.panBy([300, 0]), () => m.panBy([0, 200]), () => m.panBy([-300, 0]),
                 () => m.panBy([0, -200])];
  let k = 0, longest = 0;
  const ob = new PerformanceObserver(l => l.getEntries().forEach(e => {
    longest = Math.max(longest, e.duration); }));
  ob.observe({entryTypes: ['longtask']});
  function next() {
    if (k >= moves.length) { ob.disconnect(); done(out); return; }
    longest = 0;
    const s = performance.now();
    m.once('moveend', () => g.whenDrawn(() => requestAnimationFrame(() => {
      out.push({shown_ms: performance.now() - s, longest_task_ms: longest, by: g.drawnBy});
      setTimeout(next, 50);
    })));
    moves[k++]();
  }
  next();
})"""


def page_tour(n: int, reps: int = 3) -> dict:
    """The large layer of n invented points alone on an exported page in headless Chromium:
    PAGE_TOUR with the worker and without it, in turns; medians and worsts over reps."""
    import statistics
    import tempfile

    from playwright.sync_api import sync_playwright

    from bench.browser import ARGS
    from bench.data import clustered_points_csv
    from jjjmap.io import open_layer
    from jjjmap.model import MapDocument
    from jjjmap.render import render_html

    out: dict = {"n": n, "uptime_before": os.getloadavg()}
    layer = open_layer(str(clustered_points_csv(n)))
    layer = layer[0] if isinstance(layer, list) else layer
    doc = MapDocument(basemap="none")
    doc.add_layer(layer)
    doc.view.lat, doc.view.lon, doc.view.zoom, doc.view.fit = 39.0, 116.0, 8, None
    path = Path(tempfile.mkdtemp(prefix="points-page-")) / "points.html"
    path.write_text(render_html(doc), encoding="utf-8")
    runs: dict = {"worker": [], "page": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for rep in range(reps):
            for side in (("worker", "page") if rep % 2 == 0 else ("page", "worker")):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(path.as_uri())
                page.wait_for_function("window.jjj && jjj.ready === true", timeout=300000)
                page.wait_for_function(f"!jjj.layerGroup({json.dumps(layer.id)})._copying",
                                       timeout=60000)
                runs[side].append(page.evaluate(PAGE_TOUR, [layer.id, side == "worker"]))
                page.close()
        browser.close()
    for side, rs in runs.items():
        moves = [mv for run in rs for mv in run]
        zooms = [mv for run in rs for mv in run[:8]]
        pans = [mv for run in rs for mv in run[8:]]
        out[side] = {
            "drawn_by": sorted({mv["by"] for mv in moves}),
            "zoom_shown_ms": round(statistics.median(mv["shown_ms"] for mv in zooms), 1),
            "pan_shown_ms": round(statistics.median(mv["shown_ms"] for mv in pans), 1),
            "shown_worst_ms": round(max(mv["shown_ms"] for mv in moves), 1),
            "longest_task_ms": round(max(mv["longest_task_ms"] for mv in moves), 1),
            "moves_with_long_task": sum(mv["longest_task_ms"] > 0 for mv in moves),
            "moves": len(moves)}
    out["uptime_after"] = os.getloadavg()
    return out


if __name__ == "__main__":
    if sys.argv[1] == "page":
        print(json.dumps(page_tour(int(sys.argv[2]))))
        sys.exit(0)
    side, n, fmt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    result = (app if side == "app" else floor)(n, fmt)
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)   # QtWebEngine's teardown can hang a headless run; the numbers are out
