"""Finer boundary outlines reach the app's page from the jjjmap:// scheme when zooming in."""
from __future__ import annotations


import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import SECTORS, js, shown_window, synthetic_document  # noqa: E402





def test_zooming_in_fetches_finer_outlines_without_a_reload(qtbot, tmp_path):
    doc = synthetic_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, timeout=30000, sectors=SECTORS) as w:  # real page
        counties = doc.layers[0]
        qtbot.waitUntil(lambda: w.map.load_count == 1)   # ready can come before loadFinished
        loads, base = w.map.load_count, doc.view.zoom
        assert js(qtbot, w.map, f"jjj.detailLevel('{counties.id}')") is None
        w.map.run_js(f"jjj.setView({doc.view.lat}, {doc.view.lon}, {int(base) + 3})")
        qtbot.waitUntil(lambda: js(qtbot, w.map, f"jjj.detailLevel('{counties.id}')")
                        == int(base) + 3, timeout=10000)
        assert js(qtbot, w.map, f"jjj.featureCount('{counties.id}')") == len(counties.gdf)
        w.map.run_js(f"jjj.setView({doc.view.lat}, {doc.view.lon}, {base})")
        qtbot.waitUntil(lambda: js(qtbot, w.map, f"jjj.detailLevel('{counties.id}')") is None,
                        timeout=10000)
        assert w.map.load_count == loads


def test_a_users_polygons_get_finer_outlines_too(qtbot, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from jjjmap.model import Layer

    doc = synthetic_document()
    doc.basemap = "none"
    circle = Point(115.3, 38.05).buffer(0.2, quad_segs=256)
    parcels = doc.add_layer(Layer(gpd.GeoDataFrame({"name": ["c"]}, geometry=[circle],
                                                   crs=4326), "Parcels"))
    with shown_window(qtbot, doc, tmp_path, timeout=30000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: w.map.load_count == 1)
        loads, base = w.map.load_count, doc.view.zoom
        level = f"jjj.detailLevel('{parcels.id}')"
        assert js(qtbot, w.map, level) is None
        w.map.run_js(f"jjj.setView(38.05, 115.3, {int(base) + 4})")
        qtbot.waitUntil(lambda: js(qtbot, w.map, level) == int(base) + 4, timeout=10000)
        assert js(qtbot, w.map, f"jjj.featureCount('{parcels.id}')") == 1
        assert w.map.load_count == loads   # fetched, not re-rendered
