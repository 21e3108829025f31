"""The window's half of issue 20: a rejected project leaves the map as it was (item 12),
projects open off the GUI thread (item 18), hidden layers stay out of an HTML export unless
the user ticks the box (item 9)."""
from __future__ import annotations

import json
import threading

import geopandas as gpd
import pytest
from shapely.geometry import Point

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QCheckBox  # noqa: E402
from test_ui_helpers import capture_errors, standin_window  # noqa: E402

from jjjmap.model import Layer  # noqa: E402

# Made-up test data (not a real person): an attribute that must not leave in an export.
SECRET = "private-note-31337"


@pytest.fixture
def window(qtbot, tmp_path):
    with standin_window(qtbot, tmp_path) as w:
        yield w


def _state(w):
    doc = w.doc
    return ([(lyr.id, lyr.visible, lyr.opacity, len(lyr.gdf), lyr.style) for lyr in doc.layers],
            doc.basemap, doc.lang, doc.title, (doc.view.lat, doc.view.lon, doc.view.zoom))


def _project(tmp_path, **top) -> str:
    data = {"format": "jjjmap-project", "version": 1, "basemap": "none",
            "view": {"lat": 39.3, "lon": 116.4, "zoom": 7},
            "layers": [{"builtin": "provinces", "title": "Provinces"}]}
    data.update(top)
    path = tmp_path / "bad.jjjmap"
    path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("top", [
    {"view": {"lat": float("nan"), "lon": 116.4, "zoom": 7}},
    {"view": {"lat": 1e308, "lon": 116.4, "zoom": 7}},
    {"basemap": "no-such-basemap"},
    {"layers": [{"builtin": "provinces", "style": {"weight": float("nan")}}]},
    {"layers": [{"builtin": "provinces", "style": {"color": "url(http://example.invalid)"}}]},
    {"layers": [{"builtin": "provinces"}] * 300},
])
def test_rejected_project_leaves_the_map_as_it_was(window, qtbot, tmp_path, monkeypatch, top):
    shown = capture_errors(monkeypatch)
    before, renders = _state(window), window.map.render_count
    window.files.open_project(_project(tmp_path, **top))
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    title, text = shown[0]
    assert "bad.jjjmap" in text and "Error" not in text
    assert _state(window) == before and window.map.render_count == renders
    # and the map still draws afterwards
    with qtbot.waitSignal(window.mapReady, timeout=10000):
        window.map.render()


def test_project_opens_off_the_gui_thread(window, qtbot, tmp_path, monkeypatch):
    """A data path that blocks (a FIFO, a hung network share) blocks a worker, not the
    window: open_project returns at once, the window keeps answering, the map follows."""
    data = tmp_path / "pts.csv"
    data.write_text("name,lon,lat\na,116.4,39.9\n", encoding="utf-8")   # made-up point
    path = tmp_path / "slow.jjjmap"
    path.write_text(json.dumps({"format": "jjjmap-project", "version": 1, "basemap": "none",
                                "layers": [{"path": "pts.csv", "title": "slow layer"}]}),
                    encoding="utf-8")
    release, finished = threading.Event(), []
    import jjjmap.io.project as project

    real_open = project._open

    def blocking_open(data_path, opts):
        release.wait(20)          # stands in for a read that never returns by itself
        finished.append(data_path)
        return real_open(data_path, opts)

    monkeypatch.setattr(project, "_open", blocking_open)
    window.files.open_project(str(path))
    assert not finished                   # returned while the read is still blocked
    ticks = []
    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=5000)   # the event loop runs meanwhile
    assert window.files.runner.active and window.progress.isVisibleTo(window)
    release.set()
    qtbot.waitUntil(lambda: [lyr.title_en for lyr in window.doc.layers] == ["slow layer"],
                    timeout=20000)
    qtbot.waitUntil(lambda: not window.files.runner.active, timeout=5000)


def _with_hidden_layer(window):
    gdf = gpd.GeoDataFrame({"note": [SECRET]}, geometry=[Point(116.4, 39.9)], crs=4326)
    layer = window.doc.add_layer(Layer(gdf, "Private notes"))
    window.doc.set_visible(layer.id, False)
    return layer


@pytest.mark.parametrize("include", [False, True])
def test_export_leaves_hidden_layers_out_unless_ticked(window, qtbot, tmp_path, monkeypatch,
                                                       include):
    _with_hidden_layer(window)
    out = tmp_path / "map.html"
    offered = []

    def ask(parent, title, folder, filters, option, checked=False):
        offered.append((option, checked))
        return str(out), filters[0], include

    monkeypatch.setattr("jjjmap.ui.exportdialog.ask_save_path", ask)
    window.files.export_html_dialog()
    qtbot.waitUntil(out.exists, timeout=30000)
    assert offered and "hidden" in offered[0][0] and offered[0][1] is False  # off by default
    assert (SECRET in out.read_text(encoding="utf-8")) is include


def test_the_export_dialog_has_the_hidden_layers_box(window, qtbot):
    from jjjmap.ui.exportdialog import save_dialog

    dialog, box = save_dialog(window, "Export HTML", "", ["Web page (*.html)"],
                              "Include the hidden layers (1)")
    try:
        assert isinstance(box, QCheckBox) and not box.isChecked()
        assert box in dialog.findChildren(QCheckBox)
    finally:
        dialog.deleteLater()
