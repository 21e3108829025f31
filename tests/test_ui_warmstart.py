"""Warm start (ui.warmstart): a default start shows the page the last one stored, and the
window adopts the built-in layers read meanwhile without rendering again."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import close_window, county_layer, js, temp_settings  # noqa: E402

from jjjmap.catalog import LAYER_KEYS  # noqa: E402
from jjjmap.ui import warmstart  # noqa: E402
from jjjmap.ui.mainwindow import MainWindow  # noqa: E402

BUILTIN = set(LAYER_KEYS)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("JJJMAP_NO_DISK_CACHE", raising=False)
    return tmp_path / "cache" / "jjjmap" / "pages"


@pytest.fixture
def start(qtbot, tmp_path):
    """start(view=None, basemap="none") -> a MainWindow of a default start, shown."""
    windows = []

    def make(view=None, basemap="none", before_show=None, wait_ready=True):
        settings = temp_settings(tmp_path, f"s{len(windows)}.ini")
        settings.save_basemap(basemap)
        if view is not None:
            settings.save_view(*view)
        w = MainWindow(None, settings=settings, restore=True, warm=True)
        w.remember = False   # the test's settings stay as set
        windows.append(w)
        if before_show is not None:
            before_show(w)
        w.resize(1000, 700)
        if wait_ready:
            with qtbot.waitSignal(w.mapReady, timeout=60000):
                w.show()
        else:
            w.show()
        qtbot.waitUntil(lambda: not w.loading_builtin, timeout=60000)
        return w

    yield make
    close_window(qtbot, *windows)


def _layer_ids(w) -> set[str]:
    return {lyr.id for lyr in w.doc.layers}


def test_first_start_renders_and_stores_the_page_the_next_adopts(start, cache, qtbot):
    first = start()
    assert first.map.render_count == 1 and first.map.last_html is not None
    assert _layer_ids(first) == BUILTIN
    stored = list(cache.glob("*.html"))
    assert len(stored) == 1 and stored[0].read_text(encoding="utf-8") == first.map.last_html

    second = start()
    assert second.map.last_html is None   # nothing rendered: the stored page was adopted
    assert second.map.load_count == 1 and second.map.ready
    assert _layer_ids(second) == BUILTIN
    assert second.startup_seconds is not None and second.layers_seconds is not None
    # the adopted page answers as a rendered one: features, clicks, highlights
    counties = second.doc.find("counties")
    assert js(qtbot, second.map, "jjj.featureCount('counties')") == len(counties.gdf)
    second.map.bridge.featureClicked.emit("counties", 3)
    assert second.doc.selection == ("counties", (3,))
    qtbot.waitUntil(lambda: js(qtbot, second.map, "jjj.highlighted()") is not None)


def test_a_remembered_view_and_basemap_open_the_stored_page(start, cache, qtbot):
    start()   # stores the page (default view, no tiles)
    w = start(view=(39.9, 116.4, 10), basemap="osm")   # same datum: the same page
    assert w.map.last_html is None
    view = js(qtbot, w.map, "jjj.getView()")
    assert abs(view["lat"] - 39.9) < 1e-3 and abs(view["lon"] - 116.4) < 1e-3
    assert view["zoom"] == 10
    assert js(qtbot, w.map, "jjj.basemap()") == "osm"
    # finer outlines asked for before the layers existed were held, then answered
    qtbot.waitUntil(lambda: js(qtbot, w.map, "jjj.detailLevel('counties')") == 10,
                    timeout=20000)


def test_another_datum_or_language_is_another_page(start, cache):
    start()
    w = start(basemap="gaode")   # GCJ-02: the overlays are shifted, so a new page
    assert w.map.last_html is not None and len(list(cache.glob("*.html"))) == 2
    keys = {warmstart.cache_key(lang=lang, datum=datum, tianditu=tk)
            for lang in ("en", "zh") for datum in ("wgs84", "gcj02") for tk in (None, "k")}
    assert len(keys) == 8 and None not in keys


def test_a_remembered_view_stores_the_default_views_page(start, cache):
    w = start(view=(40.5, 117.0, 9))
    stored = list(cache.glob("*.html"))
    assert len(stored) == 1
    # the page shown was rendered at the remembered view; the one stored at the default
    assert stored[0].read_text(encoding="utf-8") != w.map.last_html
    again = start()
    assert again.map.last_html is None


def test_a_layer_added_while_loading_is_kept_and_drawn(start, cache, qtbot):
    start()
    extra = county_layer()

    def add(w):
        w.doc.add_layer(extra)   # e.g. a file on the command line, read quickly

    w = start(before_show=add)
    assert [lyr.id for lyr in w.doc.layers][-1] == extra.id   # on top of the built-ins
    assert _layer_ids(w) == BUILTIN | {extra.id}
    qtbot.waitUntil(lambda: w.map.ready and w.map.last_html is not None, timeout=30000)
    assert extra.id in w.map.last_html   # rendered again, with it
    # the stored page can still be the one on screen (ready) while the new one loads: wait
    # until the page on screen draws the layer
    answers = []

    def drawn() -> bool:
        w.map.run_js(f"(function () {{ try {{ return jjj.featureCount('{extra.id}'); }} "
                     f"catch (e) {{ return -1; }} }})()", answers.append)
        return len(extra.gdf) in answers

    qtbot.waitUntil(drawn, timeout=30000)
    assert js(qtbot, w.map, f"jjj.featureCount('{extra.id}')") == len(extra.gdf)


def test_an_unreadable_stored_page_is_a_miss(start, cache):
    start()
    for meta in cache.glob("*.json"):
        meta.write_text("{not json")
    w = start()
    assert w.map.last_html is not None and _layer_ids(w) == BUILTIN


def test_no_disk_cache_means_no_warm_start(start, cache, monkeypatch):
    monkeypatch.setenv("JJJMAP_NO_DISK_CACHE", "1")
    start()
    w = start()
    assert w.map.last_html is not None and not cache.exists()


def test_the_window_shows_before_the_data_stack_is_imported():
    """What lets a warm start draw sooner than a bare viewer: the window, its modules and
    the start's key need none of numpy, pandas, geopandas, shapely, pyproj or folium."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from jjjmap.ui.app import create_app\n"
        "app = create_app()\n"
        "from jjjmap.ui.mainwindow import MainWindow\n"
        "from jjjmap.ui import warmstart\n"
        "w = MainWindow(None, warm=True, restore=False)\n"
        "w.show()\n"
        "warmstart.WarmStart.for_start(lang='en', basemap='osm', tianditu=None)\n"
        "heavy = ('numpy', 'pandas', 'geopandas', 'shapely', 'pyproj', 'folium', 'pyogrio')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_a_stored_page_that_never_draws_is_rendered_and_forgotten(start, cache, qtbot,
                                                                  monkeypatch):
    from jjjmap.ui import warmstart

    start()
    for page in cache.glob("*.html"):
        page.write_text("<html><body>not a map</body></html>", encoding="utf-8")
    monkeypatch.setattr(warmstart, "STORED_PAGE_GRACE_MS", 300)
    w = start(wait_ready=False)
    qtbot.waitUntil(lambda: w.map.ready and w.map.last_html is not None, timeout=30000)
    assert _layer_ids(w) == BUILTIN
    assert js(qtbot, w.map, "jjj.featureCount('counties')") == 199
    assert not list(cache.glob("*.html"))   # forgotten: the next start renders and keeps one


def _transitions(caplog) -> list[tuple[str, str]]:
    """The page states MapView went through, from its log (MapView._to logs each change)."""
    out = []
    for record in caplog.records:
        if record.name == "jjjmap.ui.mapview" and " -> " in record.getMessage():
            before, _, after = record.getMessage().split(": ", 1)[1].partition(" -> ")
            out.append((before, after.split(" ")[0]))
    return out


def test_a_stored_page_is_adopted_through_the_page_states(start, cache, qtbot, caplog):
    from jjjmap.ui.mapview import PageState

    start()
    caplog.set_level("DEBUG", logger="jjjmap.ui.mapview")
    caplog.clear()
    w = start()
    assert w.map.state is PageState.ADOPTED and w.map.ready
    assert _transitions(caplog) == [("EMPTY", "WAITING"), ("WAITING", "STORED"),
                                    ("STORED", "ADOPTED")]
    with pytest.raises(RuntimeError, match="ADOPTED -> STORED"):
        w.map.show_stored(b"<html></html>")   # a stored page only while the layers load
    assert w.map.state is PageState.ADOPTED


def test_a_change_while_loading_makes_the_stored_page_stale(start, cache, qtbot, caplog):
    from jjjmap.ui.mapview import PageState

    start()
    caplog.set_level("DEBUG", logger="jjjmap.ui.mapview")
    caplog.clear()
    w = start(before_show=lambda w: w.doc.add_layer(county_layer()))
    qtbot.waitUntil(lambda: w.map.ready and w.map.state is PageState.RENDERED, timeout=30000)
    assert _transitions(caplog)[:5] == [("EMPTY", "WAITING"), ("WAITING", "STALE"),
                                        ("STALE", "EMPTY"), ("EMPTY", "RENDERING"),
                                        ("RENDERING", "RENDERED")]
