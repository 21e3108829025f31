"""Main window wiring against a stand-in page (tests/test_ui_helpers.py)."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from test_ui_helpers import capture_errors, js, standin_window  # noqa: E402

from jjjmap.geo.datum import wgs84_to_gcj02  # noqa: E402
from jjjmap.ui.layerpanel import ROLE_SECTOR  # noqa: E402




@pytest.fixture
def window(qtbot, tmp_path):
    with standin_window(qtbot, tmp_path) as w:
        yield w


def test_map_ready_and_startup_measured(window):
    assert window.map.ready
    assert window.map.load_count == 1
    assert window.startup_seconds is not None and window.startup_seconds > 0


def test_click_on_county_selects_table_row_and_identifies(window, qtbot):
    counties = window.doc.layers[0]
    window.map._page_bridge.featureClicked(counties.id, 3)  # as the page would call it
    assert window.table.layer is counties
    assert window.table.selected_rows() == [3]
    assert window.identify.layer_id == counties.id and window.identify.row == 3
    assert window.doc.selection == (counties.id, (3,))


def test_click_through_javascript(window, qtbot):
    counties = window.doc.layers[0]
    window.map.run_js(f"window.jjjBridge.featureClicked({json.dumps(counties.id)}, 2)")
    qtbot.waitUntil(lambda: window.table.selected_rows() == [2], timeout=5000)


def test_table_selection_highlights_on_map_and_zooms(window, qtbot):
    counties = window.doc.layers[0]
    window.layers.set_current(counties.id)
    window.table.select_rows([1, 4], emit=True)
    assert window.doc.selection == (counties.id, (1, 4))
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.highlighted()")
                    == {counties.id: [1, 4]}, timeout=5000)
    window.zoom_selection_action.trigger()
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjjState.zoomed")
                    == [counties.id, [1, 4]], timeout=5000)


def test_hiding_and_opacity_do_not_reload_and_keep_view(window, qtbot):
    counties = window.doc.layers[0]
    js(qtbot, window.map, "window.jjj.setView(39.9, 116.4, 9)")
    loads, renders = window.map.load_count, window.map.render_count
    requests = window.map.render_requests
    item = window.layers.model.itemFromIndex(window.layers.model.layer_index(counties.id))
    item.setCheckState(Qt.CheckState.Unchecked)  # the user unticks it in the panel
    assert counties.visible is False
    qtbot.waitUntil(lambda: js(qtbot, window.map, f"window.jjjState.visible['{counties.id}']")
                    is False, timeout=5000)
    window.layers.set_current(counties.id)
    window.layers.opacity.setValue(40)
    assert counties.opacity == pytest.approx(0.4)
    qtbot.waitUntil(lambda: js(qtbot, window.map, f"window.jjjState.opacity['{counties.id}']")
                    == pytest.approx(0.4), timeout=5000)
    window.doc.set_basemap("osm")
    # the page has switched (a round trip sent after setBasemap's, whose answer the window
    # has handled by then): it asked for no re-render
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjjState.basemap") == "osm",
                    timeout=5000)
    assert (window.map.load_count, window.map.render_count) == (loads, renders)
    assert window.map.render_requests == requests
    assert js(qtbot, window.map, "window.jjj.getView()") == {"lat": 39.9, "lon": 116.4, "zoom": 9}


def test_reorder_is_live_and_rerender_keeps_view(window, qtbot):
    counties, clusters = window.doc.layers
    loads = window.map.load_count
    window.layers.model.move_relative(counties.id, clusters.id, above=True)
    assert [lyr.id for lyr in window.doc.layers] == [clusters.id, counties.id]
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjjState.order")
                    == [clusters.id, counties.id], timeout=5000)
    assert window.map.load_count == loads
    # a datum change of basemap needs a new page; the view the user had is kept
    js(qtbot, window.map, "window.jjj.setView(39.5, 116.0, 10)")
    with qtbot.waitSignal(window.mapReady, timeout=20000):
        window.doc.set_basemap("gaode")
    # the page's mapReady can come over the bridge before Qt's loadFinished: wait for both
    qtbot.waitUntil(lambda: window.map.load_count > loads, timeout=20000)
    assert window.map.load_count == loads + 1
    # the new page centres in GCJ-02 (as the real renderer does); the document stays WGS-84
    assert (window.doc.view.lat, window.doc.view.lon, window.doc.view.zoom) == (39.5, 116.0, 10)
    glon, glat = wgs84_to_gcj02(116.0, 39.5)
    view = js(qtbot, window.map, "window.jjj.getView()")
    assert view == {"lat": pytest.approx(glat, abs=1e-9), "lon": pytest.approx(glon, abs=1e-9),
                    "zoom": 10}


def test_sector_filter_is_live(window, qtbot):
    clusters = window.doc.layers[1]
    loads, requests = window.map.load_count, window.map.render_requests
    parent = window.layers.model.itemFromIndex(window.layers.model.layer_index(clusters.id))
    children = [parent.child(r) for r in range(parent.rowCount())]
    assert [c.data(ROLE_SECTOR) for c in children] == ["ai", "bio"]
    assert children[0].text().endswith("(2)")
    children[1].setCheckState(Qt.CheckState.Unchecked)
    assert clusters.filter == {"sector": ["ai"]}
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjjState.filters.sector") == ["ai"],
                    timeout=5000)   # applied live by the page: no re-render was asked
    assert (window.map.load_count, window.map.render_requests) == (loads, requests)
    label = window.layers.model.itemFromIndex(window.layers.model.layer_index(clusters.id)).text()
    assert "(2/3)" in label


def test_bad_file_shows_error_and_leaves_layers(window, qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "broken.geojson"
    bad.write_text("{ this is not json", encoding="utf-8")
    shown = capture_errors(monkeypatch)
    before = [(lyr.id, lyr.visible, lyr.opacity, len(lyr.gdf)) for lyr in window.doc.layers]
    loads = window.map.load_count
    window.files.open_path(str(bad))
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    title, text = shown[0]
    assert "broken.geojson" in title and "broken.geojson" in text
    assert [(lyr.id, lyr.visible, lyr.opacity, len(lyr.gdf)) for lyr in window.doc.layers] \
        == before
    assert window.map.load_count == loads
    assert not window.files.runner.active


def test_good_file_adds_a_custom_layer(window, qtbot, tmp_path):
    good = tmp_path / "points.csv"
    good.write_text("name,lon,lat\nA,116.4,39.9\nB,117.2,39.1\n", encoding="utf-8")
    with qtbot.waitSignal(window.mapReady, timeout=20000):
        window.files.open_path(str(good))
    added = window.doc.layers[-1]
    assert added.group == "custom" and len(added.gdf) == 2
    assert window.settings.recent_files()[0] == str(good)
    assert window.layers.remove_button.isEnabled()
    window.layers.remove_current()
    assert added not in window.doc.layers


def test_cancel_drops_the_result(window, qtbot, tmp_path):
    good = tmp_path / "points.csv"
    good.write_text("name,lon,lat\nA,116.4,39.9\n", encoding="utf-8")
    n = len(window.doc.layers)
    task = window.files.open_path(str(good))
    assert window.cancel_button.isVisibleTo(window)
    window.cancel_button.click()
    assert window.files.runner.wait(10000)   # the read has ended on its thread
    # whatever it sent back (a cancelled task sends nothing) is queued by now: deliver it
    QApplication.sendPostedEvents()
    assert task.cancelled and len(window.doc.layers) == n
    assert not window.cancel_button.isVisibleTo(window)


def test_export_png_and_settings_remembered(window, qtbot, tmp_path):
    out = tmp_path / "view.png"
    assert window.files.export_png(str(out))
    assert out.stat().st_size > 1000
    window.remember = True
    window.doc.set_view(40.0, 116.0, 8)
    window.close()
    assert window.settings.last_view() == (40.0, 116.0, 8.0)
    assert window.settings.geometry() is not None


def test_widening_a_filter_the_page_lacks_rerenders(window, qtbot):
    clusters = window.doc.layers[1]
    window.map.set_sector_filter(clusters.id, "sector", ["ai"])  # live: narrows
    renders = window.map.render_count
    with qtbot.waitSignal(window.mapReady, timeout=20000):
        window.doc.set_language("zh")  # re-render: the page now holds only "ai" features
    assert window.map.render_count == renders + 1
    with qtbot.waitSignal(window.mapReady, timeout=20000):
        window.map.set_sector_filter(clusters.id, "sector", None)  # widen: needs the data
    assert window.map.render_count == renders + 2
    assert clusters.filter == {}
    # the panel follows the language
    label = window.layers.model.itemFromIndex(window.layers.model.layer_index(clusters.id))
    assert label.text().startswith("产业集群")


def test_file_dropped_on_the_map_goes_to_the_window(window, qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    path = tmp_path / "dropped.csv"
    path.write_text("name,lon,lat\nA,116.4,39.9\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    target = window.map.focusProxy() or window.map  # the widget Chromium draws into
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    n = len(window.doc.layers)
    QApplication.sendEvent(target, event)
    qtbot.waitUntil(lambda: len(window.doc.layers) == n + 1, timeout=20000)
    assert window.map.url().toString().startswith("jjjmap://app/")  # not navigated away


def test_heavy_user_outlines_render_off_the_gui_thread():
    """A user's 300k-vertex polygon goes to the worker; the built-in map (377k vertices,
    simplified from the display cache) and small layers stay on the GUI thread."""
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import Point, Polygon

    from jjjmap import catalog
    from jjjmap.model import Layer, MapDocument
    from jjjmap.ui.mapview import _heavy

    builtin = catalog.default_document()
    assert not _heavy(builtin)
    light = MapDocument()
    light.add_layer(Layer(gpd.GeoDataFrame(geometry=[Point(116, 39).buffer(0.1)], crs=4326),
                          "small"))
    assert not _heavy(light)
    angle = np.linspace(0, 2 * np.pi, 300_001)   # a 300,001-vertex outline
    big = Polygon(np.c_[116 + 0.5 * np.cos(angle), 39 + 0.5 * np.sin(angle)])
    builtin.add_layer(Layer(gpd.GeoDataFrame(geometry=[big], crs=4326), "parcels"))
    assert _heavy(builtin)


def test_a_background_render_reads_a_snapshot_not_the_live_document(window, qtbot,
                                                                     monkeypatch):
    import threading

    from jjjmap.model import DocumentSnapshot
    from jjjmap.ui import mapview

    seen = []
    render = window.map.renderer

    def recording(doc):
        seen.append((type(doc), threading.current_thread() is threading.main_thread(),
                     [lyr.visible for lyr in doc.layers]))
        return render(doc)

    monkeypatch.setattr(window.map, "renderer", recording)
    monkeypatch.setattr(mapview, "_heavy", lambda doc: True)
    first = window.doc.layers[0]
    with qtbot.waitSignal(window.map.pageRendered, timeout=20000):
        window.map.render()
        window.doc.set_visible(first.id, not first.visible)   # on the GUI thread meanwhile
    assert len(seen) == 1
    kind, on_main, visible = seen[0]
    assert kind is DocumentSnapshot and not on_main
    assert visible[0] is not first.visible   # the document as render() found it
