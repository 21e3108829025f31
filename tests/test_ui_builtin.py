"""The window on the real built-in map (catalog + renderer + jjj.js), offscreen."""
from __future__ import annotations

import time

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import Qt  # noqa: E402

from jjjmap import catalog  # noqa: E402
from test_ui_helpers import capture_errors, js, shown_window  # noqa: E402




@pytest.fixture
def window(qtbot, tmp_path):
    started = time.perf_counter()
    doc = catalog.default_document()
    doc.basemap = "none"  # no tiles: loadFinished does not wait on the network
    with shown_window(qtbot, doc, tmp_path, timeout=60000, started_at=started) as w:
        yield w


def layer_by_key(doc, key):
    return next(lyr for lyr in doc.layers if lyr.builtin == key)


def test_opens_on_the_builtin_map(window, qtbot):
    keys = {lyr.builtin for lyr in window.doc.layers}
    assert {"counties", "prefectures", "provinces", "xiongan"} <= keys
    assert window.map.ready
    qtbot.waitUntil(lambda: window.map.load_count == 1, timeout=30000)  # tiles may come later
    assert js(qtbot, window.map, "window.jjj.ready") is True
    counties = layer_by_key(window.doc, "counties")
    assert js(qtbot, window.map, f"window.jjj.featureCount('{counties.id}')") == 199
    labels = [window.layers.model.itemFromIndex(window.layers.model.layer_index(lyr.id)).text()
              for lyr in window.doc.layers]
    assert any(label.endswith("(199)") for label in labels)


def test_click_on_county_in_page_selects_table_row(window, qtbot):
    counties = layer_by_key(window.doc, "counties")
    row = int((counties.gdf["name_zh"] == "雄县").to_numpy().nonzero()[0][0])
    pt = counties.gdf.geometry.iloc[row].representative_point()   # shapely, from the data
    # a click there, resolved by the page as a mouse click is (jjj-pick.js): Xiong'an New
    # Area is drawn above the counties, so it comes first and the county is offered
    window.map.run_js(f"window.jjj.identifyAt({pt.y}, {pt.x})")
    xiongan = layer_by_key(window.doc, "xiongan")
    qtbot.waitUntil(lambda: window.identify.layer_id == xiongan.id, timeout=10000)
    assert (counties.id, row) in window.identify.hits.hits
    window.identify.hits.setCurrentRow(window.identify.hits.hits.index((counties.id, row)))
    qtbot.waitUntil(lambda: window.table.selected_rows() == [row], timeout=10000)
    assert window.table.layer is counties
    assert window.identify.row == row
    assert window.identify.value("name_zh") == "雄县"
    assert "雄县" in window.identify.browser.toPlainText()


def test_row_selection_highlights_feature_on_map(window, qtbot):
    prefectures = layer_by_key(window.doc, "prefectures")
    window.layers.set_current(prefectures.id)
    assert window.table.layer is prefectures
    window.table.select_rows([2, 5], emit=True)
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.highlighted()")
                    == {prefectures.id: [2, 5]}, timeout=10000)
    before = js(qtbot, window.map, "window.jjj.getView()")
    window.zoom_to_selection()
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.getView()") != before,
                    timeout=10000)


def test_hide_layer_keeps_page_and_view(window, qtbot):
    counties = layer_by_key(window.doc, "counties")
    qtbot.waitUntil(lambda: window.map.load_count == 1, timeout=30000)
    js(qtbot, window.map, "window.jjj.setView(39.9, 116.4, 9)")
    loads, requests = window.map.load_count, window.map.render_requests
    item = window.layers.model.itemFromIndex(window.layers.model.layer_index(counties.id))
    item.setCheckState(Qt.CheckState.Unchecked)
    # the page has applied it (a round trip sent after the change): no re-render was asked
    qtbot.waitUntil(lambda: js(qtbot, window.map,
                               f"window.jjj.layerInfo('{counties.id}').visible") is False,
                    timeout=10000)
    assert (window.map.load_count, window.map.render_requests) == (loads, requests)
    view = js(qtbot, window.map, "window.jjj.getView()")
    assert view["zoom"] == 9 and abs(view["lat"] - 39.9) < 1e-6


def test_gcj02_basemap_rerenders_and_keeps_view(window, qtbot):
    qtbot.waitUntil(lambda: window.map.load_count == 1, timeout=30000)
    js(qtbot, window.map, "window.jjj.setView(39.0, 115.9, 10)")
    # Leaflet animates the zoom; the user's view is the one it settles on
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.getView().zoom") == 10,
                    timeout=10000)
    renders = window.map.render_count
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        window.doc.set_basemap("gaode")
    assert window.map.render_count == renders + 1  # (its loadFinished waits for tiles)
    assert js(qtbot, window.map, "window.jjj.datum") == "gcj02"
    view = js(qtbot, window.map, "window.jjj.getView()")
    assert view["zoom"] == 10 and abs(view["lat"] - 39.0) < 0.01


def test_bad_file_leaves_builtin_layers(window, qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "counties.shp"
    bad.write_bytes(b"not a shapefile at all")
    shown = capture_errors(monkeypatch)
    qtbot.waitUntil(lambda: window.map.load_count == 1, timeout=30000)
    before = [(lyr.id, lyr.visible, lyr.opacity, len(lyr.gdf)) for lyr in window.doc.layers]
    loads = window.map.load_count
    window.files.open_path(str(bad))
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert "counties.shp" in shown[0][0] and "counties.shp" in shown[0][1]
    assert [(lyr.id, lyr.visible, lyr.opacity, len(lyr.gdf)) for lyr in window.doc.layers] \
        == before
    assert window.map.load_count == loads
