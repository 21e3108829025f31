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
