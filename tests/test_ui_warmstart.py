"""Warm start: a second identical start shows the page the first one stored (ui.warmstart)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from jjjmap.ui import warmstart  # noqa: E402

HEAVY = ("geopandas", "pandas", "shapely", "folium", "pyogrio", "jjjmap.render", "jjjmap.model")


def _start(tmp_path, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               JJJMAP_WARMSTART_DEBUG="1")
    env.pop("JJJMAP_NO_DISK_CACHE", None)
    return subprocess.run([sys.executable, "-m", "jjjmap", "gui", "--basemap", "none", *args],
                          env=env, capture_output=True, text=True, timeout=180)


def _colours(path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull()
    return len({image.pixel(x, y) for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)})


def test_second_start_shows_the_stored_page_and_other_settings_miss(tmp_path):
    shots = [tmp_path / f"shot{n}.png" for n in range(3)]
    first = _start(tmp_path, "--lang", "en", "--screenshot", str(shots[0]))
    assert first.returncode == 0, first.stderr
    assert "warm start: miss" in first.stderr and "map drawn" in first.stderr
    assert list((tmp_path / "cache" / "jjjmap" / "pages").glob("*/index.html"))

    second = _start(tmp_path, "--lang", "en", "--screenshot", str(shots[1]))
    assert second.returncode == 0, second.stderr
    assert "warm start: hit" in second.stderr and "map drawn" in second.stderr
    # the window shows the map (boundaries, symbols, legend), not a blank page
    assert _colours(shots[1]) > 50

    other = _start(tmp_path, "--lang", "zh", "--screenshot", str(shots[2]))
    assert other.returncode == 0, other.stderr
    assert "warm start: miss" in other.stderr
    assert _colours(shots[2]) > 50


def test_layers_on_the_command_line_never_use_the_stored_page(tmp_path):
    shot = tmp_path / "shot.png"
    assert _start(tmp_path, "--lang", "en", "--screenshot", str(shot)).returncode == 0
    bad = tmp_path / "nope.csv"
    proc = _start(tmp_path, "--lang", "en", "--layer", str(bad), "--screenshot", str(shot))
    assert "warm start" not in proc.stderr


def test_the_key_imports_nothing_heavy():
    code = ("import sys; from jjjmap.ui.warmstart import cache_key; "
            "k = cache_key(lang='en', basemap=None, view=None, tianditu=None); assert k; "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_key_follows_the_start_settings():
    base = dict(lang="en", basemap=None, view=None, tianditu=None)
    key = warmstart.cache_key(**base)
    assert key == warmstart.cache_key(**base)
    for change in (dict(lang="zh"), dict(basemap="none"), dict(view=(39.0, 116.0, 8.0)),
                   dict(tianditu="abc")):
        assert warmstart.cache_key(**{**base, **change}) != key, change


def test_an_adopted_page_is_live(qtbot, tmp_path, monkeypatch):
    """In one process: a window stores the page, the next adopts it without loading again."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from jjjmap import catalog
    from jjjmap.ui.mainwindow import MainWindow
    from jjjmap.ui.settings import Settings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("JJJMAP_NO_DISK_CACHE", raising=False)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    key = warmstart.cache_key(lang="en", basemap="test", view=None, tianditu=None)

    def open_window(warm):
        doc = catalog.default_document()
        w = MainWindow(doc, settings=settings, restore=False, warm=warm)
        ready = []
        w.mapReady.connect(lambda: ready.append(1))
        w.resize(1200, 800)
        with qtbot.waitSignal(w.mapReady, timeout=60000):
            w.show()
        return w, ready

    first, _ = open_window(warmstart.WarmStart(key))
    assert list((tmp_path / "cache" / "jjjmap" / "pages" / key).glob("index.html"))
    first.close()

    warm = warmstart.WarmStart(key)
    assert warm.show(QApplication.instance())
    w, ready = open_window(warm)
    view = w.map
    assert view.drawn_at == warm.drawn_at and w.startup_seconds is not None
    assert (view.load_count, view.render_count) == (1, 1)
    qtbot.wait(300)
    assert ready == [1]   # mapReady once
    got = []
    view.page_view(got.append)   # the page answers: it is the window's page
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got[0] is not None
    w.doc.set_visible("counties", False)   # stable ids: the page knows "counties"
    flag = []
    view.run_js("window.jjj.setVisible('counties', false)", flag.append)
    qtbot.waitUntil(lambda: bool(flag), timeout=5000)
    assert flag[0] is True
    qtbot.wait(300)
    assert (view.load_count, view.render_count, view.failed_loads) == (1, 1, 0)
    clicked = []
    view.featureClicked.connect(lambda *a: clicked.append(a))
    view.run_js("window.jjjBridge.featureClicked('counties', 3)")
    qtbot.waitUntil(lambda: bool(clicked), timeout=5000)   # the bridge reaches the window
    w.close()
