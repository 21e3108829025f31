"""The jjjmap side of the desktop cases, in one process: the real main window, offscreen.

"Drawn" is what the page says: ``mapReady`` comes from ``jjj.finish()`` two animation frames
after every layer was added; a visibility change is confirmed by two animation frames
requested after it, seen through a title change.
"""
from __future__ import annotations

import statistics
import time

from bench.qt import DRAWN_TITLE_JS, Count, StallWatch, wait

TIMEOUT_S = 110


def open_window():
    from jjjmap import catalog
    from jjjmap.ui.app import create_app
    from jjjmap.ui.mainwindow import MainWindow

    app = create_app()
    doc = catalog.default_document()
    doc.basemap = "none"   # tiles would measure the network, which is not there
    window = MainWindow(doc, restore=False)
    window.quiet_errors = True
    window.resize(1400, 900)
    loads = Count(window.map.pageLoaded)
    window.show()
    if not wait(window.map.mapReady, TIMEOUT_S, lambda: window.map.ready):
        raise TimeoutError("the default map was not drawn")
    if not loads.n:   # the page can say ready before Qt says it loaded
        wait(window.map.loadFinished, 10)
    return app, window


def open_file_timed(window, csv: str, timeout_s: float = TIMEOUT_S, style: dict | None = None):
    """Open ``csv`` through the window (read in a worker) until the map has drawn it:
    (the new layer, seconds, the GUI thread's longest stall in s). ``style``: a style file's
    options, given to the layer before the map sees it (as ``jjjmap gui --style``)."""
    before = {lyr.id for lyr in window.doc.layers}

    def drawn() -> bool:
        return window.map.ready and any(lyr.id not in before for lyr in window.doc.layers)

    with StallWatch() as stall:
        start = time.perf_counter()
        window.files.open_path(csv, style=style)
        ok = wait(window.map.mapReady, timeout_s, drawn)
        seconds = time.perf_counter() - start
    if not ok:
        raise TimeoutError(f"{csv} was not drawn")
    new = next(lyr for lyr in window.doc.layers if lyr.id not in before)
    return new, seconds, stall.max_gap


def points(csv: str) -> dict:
    """File opened through the window (read in a worker) to the map drawn with it."""
    _app, window = open_window()
    new, seconds, stall = open_file_timed(window, csv)
    return {"seconds": seconds, "max_stall_ms": stall * 1000, "features": len(new.gdf)}


def toggle(times: int = 10) -> dict:
    """Hide/show the county boundaries (the heaviest layer) until the page has drawn it."""
    from jjjmap.render.boundaries import level_of

    _app, window = open_window()
    doc, view = window.doc, window.map
    layer = next(lyr for lyr in doc.layers if lyr.kind == "boundary" and level_of(lyr) == "county")
    loads = Count(view.pageLoaded)
    samples = []
    for n in range(times):
        mark = f"toggled-{n}"
        start = time.perf_counter()
        doc.set_visible(layer.id, not layer.visible)   # the window sends jjj.setVisible
        view.run_js(DRAWN_TITLE_JS % f"'{mark}'")
        if not wait(view.titleChanged, 30, lambda m=mark: view.title() == m):
            raise TimeoutError("the visibility change did not show")
        samples.append(time.perf_counter() - start)
    if loads.n:
        raise RuntimeError("a visibility change reloaded the page")
    return {"seconds": statistics.median(samples), "max_s": max(samples)}


def warm_start(folder) -> dict:
    """A default start with the page stored by an earlier one (XDG_CACHE_HOME set by the
    caller; the settings go to ``folder``): the window's longest stall from show to the
    built-in layers adopted, while the data stack is imported on a worker thread."""
    import sys

    from PySide6.QtCore import QSettings, QTimer

    from jjjmap.ui.app import create_app
    from jjjmap.ui.mainwindow import MainWindow
    from jjjmap.ui.settings import Settings

    create_app()
    settings = Settings(QSettings(str(folder / "warm.ini"), QSettings.Format.IniFormat))
    window = MainWindow(None, settings=settings, restore=False, warm=True)
    window.doc.basemap = "none"   # as `jjjmap gui --basemap none`, which stored the page
    window.quiet_errors = True
    window.resize(1400, 900)
    with StallWatch() as stall:
        window.show()
        if not wait(window.map.mapReady, TIMEOUT_S, lambda: window.map.ready):
            raise TimeoutError("the stored map was not drawn")
        stack_before_draw = "geopandas" in sys.modules
        poll = QTimer(interval=10)   # adoption changes nothing on the page: ask the window
        poll.start()
        if not wait(poll.timeout, TIMEOUT_S, lambda: not window.loading_builtin):
            raise TimeoutError("the built-in layers were not adopted")
        poll.stop()
    if window.map.last_html is not None:
        raise RuntimeError("the warm start rendered instead of adopting the stored page")
    return {"max_stall_ms": stall.max_gap * 1000, "data_stack_before_draw": stack_before_draw}
