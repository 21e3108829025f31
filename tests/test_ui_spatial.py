"""The Analysis menu on the real built-in map: rings around Xiongan, the clusters inside them
selected on the map and in the attribute table, exported; nearest column; distance table."""
from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from jjjmap import catalog  # noqa: E402
from test_ui_helpers import js, shown_window  # noqa: E402

# Counted by hand (see tests/test_analysis_spatial.py): the clusters inside the 50 km ring
# around the Xiongan New Area are rows 10, 14, 24, 30 and 39 of geodata/sector_clusters.csv.
INSIDE_50KM = {
    10: "Xiongan network security firms",
    14: "Baoding 'China Electricity Valley' power and new-energy equipment",
    24: "Xiongan High-tech Zone biotechnology park (planned)",
    30: "Great Wall Motor Baoding HQ and Xushui plant",
    39: "Xiongan construction and service robots",
}


@pytest.fixture
def window(qtbot, tmp_path):
    doc = catalog.default_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, timeout=60000, quiet=True) as w:
        yield w


def _layer(doc, key):
    return next(lyr for lyr in doc.layers if lyr.builtin == key)


def _wait_task(qtbot, w, task):
    assert task is not None, w.spatial.last_message
    qtbot.waitUntil(lambda: task not in w.files.runner.active, timeout=30000)


def test_rings_around_xiongan_select_the_clusters_inside_and_export(window, qtbot, tmp_path):
    w = window
    before = len(w.doc.layers)
    with qtbot.waitSignal(w.mapReady, timeout=30000):
        _wait_task(qtbot, w, w.spatial.make_rings("Xiongan", "50km"))
    assert len(w.doc.layers) == before + 1
    rings = next(lyr for lyr in w.doc.layers if lyr.meta.get("derived", {}).get("kind") == "rings")
    assert rings.gdf["label"].tolist() == ["50 km"]
    assert js(qtbot, w.map, f"window.jjj.featureCount('{rings.id}')") == 1
    labels = js(qtbot, w.map, "[].map.call(document.querySelectorAll('.jjj-lbl'), "
                              "function (s) { return s.textContent; })")
    assert "50 km" in labels

    clusters = _layer(w.doc, "sector_clusters")
    w.doc.select(rings.id, [0])                       # the 50 km ring, as a click would
    _wait_task(qtbot, w, w.spatial.select_by_location(clusters.id, rings.id, "inside"))
    assert w.doc.selection == (clusters.id, tuple(sorted(INSIDE_50KM)))
    assert w.table.layer is clusters
    assert w.table.selected_rows() == sorted(INSIDE_50KM)
    shown = {w.table.model.source_row(i.row()) for i in w.table.view.selectionModel().selectedRows()}
    assert shown == set(INSIDE_50KM)
    qtbot.waitUntil(lambda: sorted(js(qtbot, w.map, "window.jjj.highlighted()")
                                   .get(clusters.id, [])) == sorted(INSIDE_50KM), timeout=10000)

    out = tmp_path / "inside.csv"
    _wait_task(qtbot, w, w.spatial.export_selection(str(out)))
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert sorted(table["name_en"]) == sorted(INSIDE_50KM.values())
    gpkg = tmp_path / "inside.gpkg"
    _wait_task(qtbot, w, w.spatial.export_selection(str(gpkg)))
    assert gpkg.exists()

    layer = w.spatial.save_selection_as_layer()
    assert sorted(layer.gdf["name_en"]) == sorted(INSIDE_50KM.values())


def test_within_distance_of_a_searched_place_carries_distances(window, qtbot, tmp_path):
    w = window
    clusters = _layer(w.doc, "sector_clusters")
    xiongan = _layer(w.doc, "xiongan")
    _wait_task(qtbot, w, w.spatial.select_by_location(clusters.id, xiongan.id, "within", "50km",
                                                      only_selected=False))
    assert set(w.doc.selection[1]) == set(INSIDE_50KM)
    out = tmp_path / "near.geojson"
    _wait_task(qtbot, w, w.spatial.export_selection(str(out)))
    import pyogrio
    got = pyogrio.read_dataframe(out)
    assert "distance_km" in got.columns
    assert sorted(got["distance_km"].round(0).tolist()) == [0, 0, 0, 17, 17]


def test_nearest_column_and_distance_table(window, qtbot, tmp_path):
    w = window
    clusters = _layer(w.doc, "sector_clusters")
    provinces = _layer(w.doc, "provinces")
    _wait_task(qtbot, w, w.spatial.add_nearest(clusters.id, provinces.id))
    gdf = w.doc.find(clusters.id).gdf
    assert (gdf["nearest_km"] == 0).all()           # every cluster lies in one of the three
    assert set(gdf["nearest_name"]) == {"Beijing", "Tianjin", "Hebei"}
    assert (gdf.loc[gdf.region == "Tianjin", "nearest_name"] == "Tianjin").all()

    w.doc.select(clusters.id, [0, 3, 10])
    out = tmp_path / "matrix.csv"
    _wait_task(qtbot, w, w.spatial.distance_table(str(out)))
    m = pd.read_csv(out, index_col=0, encoding="utf-8-sig")
    assert m.shape == (3, 3)
    import pyproj
    want = pyproj.Geod(ellps="WGS84").inv(117.0, 39.13, 115.904, 39.048)[2] / 1000
    assert m.iloc[1, 2] == pytest.approx(want, abs=1e-3)


def test_bad_input_gives_a_message_not_a_traceback(window, qtbot):
    w = window
    for distances in ("0km", "-5km", "20000km"):
        assert w.spatial.make_rings("Xiongan", distances) is None
        assert w.errors and "Traceback" not in w.errors[-1][1]
    w.doc.select(None, [])
    assert w.spatial.make_rings(None, "50km") is None
    assert "select" in w.errors[-1][1].lower()
    assert w.spatial.distance_table("/tmp/never.csv") is None
    # a layer against itself is a valid question: each feature finds its nearest other one
    clusters = _layer(w.doc, "sector_clusters")
    _wait_task(qtbot, w, w.spatial.add_nearest(clusters.id, clusters.id))
    assert (w.doc.find(clusters.id).gdf["nearest_km"] >= 0).all()


def test_a_polygon_drawn_in_the_page_becomes_a_study_area_to_select_with(window, qtbot):
    w = window
    # invented study area around the Xiongan point (115.904 E 39.048 N), drawn with crossing
    # edges: the app repairs it
    pts = [(115.8, 39.0), (116.0, 39.1), (116.0, 39.0), (115.8, 39.1)]
    before = len(w.doc.layers)
    w.spatial.draw.start_measure("polygon")
    w.map.run_js("(function (pts) { var m = jjj.map; pts.forEach(function (p) {"
                 " var ll = L.latLng(p[1], p[0]); m.fire('click', {latlng: ll,"
                 " layerPoint: m.latLngToLayerPoint(ll), containerPoint: m.latLngToContainerPoint(ll)});"
                 " }); jjjMeasure.finish(); jjjMeasure.keep(); })(%s)" % [list(p) for p in pts])
    qtbot.waitUntil(lambda: len(w.doc.layers) == before + 1, timeout=15000)
    area = w.doc.layers[-1]
    assert area.title_en == "Study area 1"
    geom = area.gdf.geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "MultiPolygon"
    assert geom.bounds == pytest.approx((115.8, 39.0, 116.0, 39.1), abs=1e-9)
    clusters = _layer(w.doc, "sector_clusters")
    _wait_task(qtbot, w, w.spatial.select_by_location(clusters.id, area.id, "inside",
                                                      only_selected=False))
    # the three clusters on the Xiongan point (rows 10, 24, 39) lie in the right-hand lobe
    assert w.doc.selection == (clusters.id, (10, 24, 39))


def test_rings_around_a_point_clicked_on_the_map(window, qtbot):
    w = window
    before = len(w.doc.layers)
    w.spatial.draw.rings_at_next_click("50km")
    qtbot.waitUntil(lambda: js(qtbot, w.map, "jjjMeasure.picking()") is True, timeout=10000)
    w.map.run_js("(function () { var m = jjj.map, ll = L.latLng(39.048, 115.904);"
                 " m.fire('click', {latlng: ll, layerPoint: m.latLngToLayerPoint(ll),"
                 " containerPoint: m.latLngToContainerPoint(ll)}); })()")
    qtbot.waitUntil(lambda: len(w.doc.layers) == before + 1, timeout=15000)
    rings = next(lyr for lyr in w.doc.layers if lyr.meta.get("derived", {}).get("kind") == "rings")
    assert rings.meta["derived"]["place"] == {"kind": "point", "lon": 115.904, "lat": 39.048}
    import pyproj
    lon, lat = rings.gdf["_label_lon"].iloc[0], rings.gdf["_label_lat"].iloc[0]
    assert pyproj.Geod(ellps="WGS84").inv(115.904, 39.048, lon, lat)[2] == pytest.approx(50000, abs=1)


def test_the_dialogs_ask_and_run(window, qtbot, monkeypatch):
    """Each dialog, accepted as it opens (its defaults), runs its question."""
    from PySide6.QtWidgets import QDialog

    w = window
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    xiongan = _layer(w.doc, "xiongan")
    w.doc.select(xiongan.id, [0])
    before = len(w.doc.layers)
    w.spatial.rings_dialog()             # default: around the selection, 30/50/100 km
    qtbot.waitUntil(lambda: len(w.doc.layers) == before + 1, timeout=15000)
    rings = w.doc.find(w.layers.current_layer_id())
    assert rings.gdf["label"].tolist() == ["100 km", "50 km", "30 km"]
    assert rings.gdf["place"].iloc[0] == "Xiongan New Area"   # name_en of the selection

    clusters = _layer(w.doc, "sector_clusters")
    w.layers.set_current(clusters.id)
    w.doc.select(xiongan.id, [0])
    w.spatial.select_dialog()            # clusters within 50 km of the selected Xiongan
    qtbot.waitUntil(lambda: w.doc.selection[0] == clusters.id, timeout=15000)
    assert set(w.doc.selection[1]) == set(INSIDE_50KM)

    w.spatial.nearest_dialog()
    qtbot.waitUntil(lambda: "nearest_km" in w.doc.find(w.layers.current_layer_id()).gdf,
                    timeout=15000)
