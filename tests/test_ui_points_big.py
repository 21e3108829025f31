"""A large point layer in the app (issue 21 items 2 and 6): its buffers come from the
jjjmap:// scheme, a layer added, restyled or removed over it changes the live page without
a reload, and a click's popup gets the row's attributes from the app. The points are
invented (tests/test_points_big.py), not real places."""
from __future__ import annotations

from dataclasses import replace

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_points_big import big_layer  # noqa: E402
from test_ui_helpers import (SECTORS, js, page_answered, shown_window,  # noqa: E402
                             synthetic_document)


def test_a_large_layer_arrives_binary_and_later_changes_go_live(qtbot, tmp_path):
    doc = synthetic_document()
    doc.basemap = "none"
    big = doc.add_layer(big_layer(60_000))
    with shown_window(qtbot, doc, tmp_path, timeout=60000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: w.map.load_count == 1)
        html = w.map.last_html
        assert '"geoUrl":"bin/' in html and len(html) < 2_000_000   # the points are not in it
        assert js(qtbot, w.map, "jjj.featureCount('big')") == 60_000
        assert js(qtbot, w.map, "jjj.layerGroup('big').drawn") > 0
        # a row's values, fetched as the popup fetches them
        w.map.run_js("window._row = null; fetch('row/big/4321.json').then(r => r.json())"
                     ".then(d => { window._row = d; })")
        qtbot.waitUntil(lambda: js(qtbot, w.map, "window._row") is not None, timeout=10000)
        row = js(qtbot, w.map, "window._row")
        assert row["v"] == ["site 4321", "beta", "2160.5"]   # kinds cycle alpha, beta, gamma
        assert big.gdf["kind"].iloc[4321] == "beta"


def test_a_click_popup_and_live_add_restyle_remove(qtbot, tmp_path):
    doc = synthetic_document()
    doc.basemap = "none"
    big = doc.add_layer(big_layer(60_000))
    with shown_window(qtbot, doc, tmp_path, timeout=60000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: w.map.load_count == 1)
        loads, renders = w.map.load_count, w.map.render_count
        x, y = big.gdf.geometry.iloc[777].x, big.gdf.geometry.iloc[777].y
        w.map.run_js(f"jjj.setView({y}, {x}, 18)")
        # drawn at that zoom, every point (no pre-binned level)
        qtbot.waitUntil(lambda: js(qtbot, w.map, "(function () { var c = jjj.layerGroup('big');"
                                   " return c.level == null && c.drawn > 0; })()"), timeout=20000)
        w.map.run_js(f"""(() => {{ const m = jjj.map;
            m.fire('click', {{latlng: L.latLng({y}, {x}),
                             containerPoint: m.latLngToContainerPoint([{y}, {x}])}}); }})()""")
        popup = "((document.querySelector('.leaflet-popup-content') || {}).textContent || '')"
        qtbot.waitUntil(lambda: "site 777" in js(qtbot, w.map, popup), timeout=10000)
        # a second layer over the large one: sent live
        with qtbot.waitSignal(w.map.layerSent, timeout=20000):
            doc.add_layer(big_layer(300, "second"))
        qtbot.waitUntil(lambda: js(qtbot, w.map, "jjj.layerIds()") ==
                        [lyr.id for lyr in doc.layers], timeout=10000)
        assert js(qtbot, w.map, "jjj.featureCount('second')") == 300
        # the large layer restyled: its geometry is reused, only the page's layer changes
        with qtbot.waitSignal(w.map.layerSent, timeout=60000):
            doc.set_style("big", replace(big.style, color="#ff0000", mode="single"))
        qtbot.waitUntil(lambda: js(qtbot, w.map, "jjj.layerInfo('big').spec.colors")
                        == ["#ff0000"], timeout=20000)
        qtbot.waitUntil(lambda: js(qtbot, w.map, "jjj.busy()") == 0, timeout=20000)
        assert js(qtbot, w.map, "jjj.featureCount('big')") == 60_000
        doc.remove_layer("second")
        qtbot.waitUntil(lambda: "second" not in js(qtbot, w.map, "jjj.layerIds()"),
                        timeout=10000)
        page_answered(qtbot, w.map)   # a reload would have been asked for by now
        assert (w.map.load_count, w.map.render_count) == (loads, renders)   # never reloaded


def test_a_large_layer_draws_a_new_view_on_the_worker_in_the_app_page(qtbot, tmp_path):
    """The app's page (jjjmap: scheme, its Content-Security-Policy with `worker-src blob:`)
    lets the large layer draw on its worker: the first frame in the page, a new view there,
    and a point is still found under the cursor (hitsAt reads the page's copy)."""
    doc = synthetic_document()
    doc.basemap = "none"
    layer = doc.add_layer(big_layer(60_000))
    g = "jjj.layerGroup('big')"
    with shown_window(qtbot, doc, tmp_path, timeout=60000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: js(qtbot, w.map, f"!!(window.jjj && jjj.ready && {g}.drawnBy)"),
                        timeout=30000)
        assert js(qtbot, w.map, f"{g}.drawnBy") == "page"
        qtbot.waitUntil(lambda: js(qtbot, w.map, f"!!{g}.sent"), timeout=20000)   # its copy
        pt = layer.gdf.geometry.iloc[777]
        js(qtbot, w.map, f"jjj.setView({pt.y}, {pt.x}, 17)")
        qtbot.waitUntil(lambda: js(qtbot, w.map, f"{g}.drawnBy === 'worker' && !{g}.pending()"),
                        timeout=20000)
        assert js(qtbot, w.map, f"{g}.drawn") > 0
        assert js(qtbot, w.map, "JjjBigPointsUsesWorker()") is True
        assert 777 in js(qtbot, w.map, f"{g}.hitsAt(L.latLng({pt.y}, {pt.x}))")


def test_a_time_range_set_before_the_buffers_arrive_is_applied_to_them(qtbot, tmp_path):
    # the slider's range from the style reaches the layer while its buffers are still being
    # fetched from the scheme; it must hold once they are in (years invented: 2000 + i % 10)
    doc = synthetic_document()
    doc.basemap = "none"
    layer = big_layer(60_000)
    layer.gdf["year"] = 2000 + (layer.gdf.index.to_numpy() % 10)
    layer.style = replace(layer.style, time_field="year", time_range=["2000", "2001"])
    doc.add_layer(layer)
    with shown_window(qtbot, doc, tmp_path, timeout=60000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: w.map.load_count == 1)
        qtbot.waitUntil(lambda: js(qtbot, w.map, "jjj.layerGroup('big').drawn") > 0,
                        timeout=20000)
        assert js(qtbot, w.map, "jjj.layerGroup('big').shownCount()") == 12_000
        assert js(qtbot, w.map, "jjj.time.state().label") == "2000 – 2001"


def test_a_huge_layer_of_arrays_shows_a_first_frame_then_its_index(qtbot, tmp_path, monkeypatch):
    """Above QUICK_ABOVE points (lowered here) the page first gets the points unsorted in
    one cell, drawn at once, then the indexed buffers, which replace them in place."""
    from jjjmap.model import Layer
    from jjjmap.model.pointdata import PointData
    from jjjmap.render import page, pointbin

    monkeypatch.setattr(pointbin, "QUICK_ABOVE", 10_000)
    made = []
    real = page.live_layer_spec

    def spy(*args):
        spec = real(*args)
        made.append(bool(spec.get("bin", {}).get("quick")))
        return spec

    monkeypatch.setattr(page, "live_layer_spec", spy)
    doc = synthetic_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, timeout=60000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: w.map.load_count == 1)
        loads = w.map.load_count
        gdf = big_layer(60_000).gdf
        pts = PointData(gdf.drop(columns="geometry"), gdf.geometry.x.to_numpy(),
                        gdf.geometry.y.to_numpy(), crs=4326)
        layer = Layer(gdf=pts, title_en="Invented points as arrays", id="arr")
        with qtbot.waitSignals([w.map.layerSent, w.map.layerSent], timeout=60000):
            doc.add_layer(layer)
            assert w.map.live.pending()   # what a screenshot waits for (ui.app)
        assert made == [True, False]   # the first frame, then the index
        qtbot.waitUntil(lambda: not w.map.live.pending(), timeout=20000)
        qtbot.waitUntil(lambda: js(qtbot, w.map, "jjj.busy()") == 0, timeout=20000)
        bin_ = js(qtbot, w.map, "jjj.layerInfo('arr').spec.bin")
        assert not bin_.get("quick") and bin_["grid"]["z"] == pointbin.GRID_ZOOM
        assert js(qtbot, w.map, "jjj.featureCount('arr')") == 60_000
        qtbot.waitUntil(lambda: js(qtbot, w.map, "jjj.layerGroup('arr').drawn") > 0,
                        timeout=20000)
        # one drawing of the layer on the map: the first frame's went when the index came
        assert js(qtbot, w.map, "document.querySelectorAll('.leaflet-jjj-arr-pane canvas')"
                                ".length") == 1
        w.map.run_js("window._row = null; fetch('row/arr/4321.json').then(r => r.json())"
                     ".then(d => { window._row = d; })")
        qtbot.waitUntil(lambda: js(qtbot, w.map, "window._row") is not None, timeout=10000)
        assert js(qtbot, w.map, "window._row")["v"][0] == "site 4321"
        assert layer.points is not None            # drawn and queried without shapely Points
        assert w.map.load_count == loads           # never reloaded


def test_a_layer_of_arrays_is_restyled_filtered_and_shown_without_building_points(
        qtbot, tmp_path, monkeypatch):
    """The window's everyday changes of a large layer of point arrays (model.PointData):
    none of them builds its shapely Points."""
    from jjjmap.model import Layer
    from jjjmap.model.pointdata import PointData

    def refuse(self, *a, **k):
        raise AssertionError("shapely Points were built")

    doc = synthetic_document()
    doc.basemap = "none"
    gdf = big_layer(60_000).gdf
    pts = PointData(gdf.drop(columns="geometry"), gdf.geometry.x.to_numpy(),
                    gdf.geometry.y.to_numpy(), crs=4326)
    layer = doc.add_layer(Layer(gdf=pts, title_en="Invented points as arrays", id="arr"))
    monkeypatch.setattr(PointData, "to_geodataframe", refuse)
    with shown_window(qtbot, doc, tmp_path, timeout=60000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: w.map.ready, timeout=60000)
        w.layers.set_current("arr")                      # the attribute table and identify
        for style in (replace(layer.style, mode="categorized", field="kind"),
                      replace(layer.style, renderer="heatmap"),
                      replace(layer.style, renderer="hexbin"),
                      replace(layer.style, renderer="points", mode="single")):
            doc.set_style("arr", style)
            qtbot.waitUntil(lambda: w.map.ready and not w.map.live.pending()
                            and js(qtbot, w.map, "jjj.busy()") == 0, timeout=60000)
        doc.set_filter("arr", "kind", ["beta"])
        assert "20000/60000" in w.layers.model.layer_label(layer)   # kinds cycle: a third
        doc.set_visible("arr", False)
        doc.set_visible("arr", True)
        qtbot.waitUntil(lambda: w.map.ready and not w.map.live.pending()
                        and js(qtbot, w.map, "jjj.busy()") == 0, timeout=60000)
        page_answered(qtbot, w.map)   # nothing of the page's still on its way at the close
        assert layer.points is not None


def test_a_large_csv_is_drawn_from_its_coordinates_and_gets_its_columns_after(
        qtbot, tmp_path, monkeypatch):
    """Opened in the window, a large CSV of points (io.deferred, its size threshold lowered
    here) is drawn from its two coordinate columns; its other columns join the layer once
    read, without a reload or a new drawing of the points, and a clicked point's popup then
    names them all."""
    import numpy as np
    import pandas as pd

    from jjjmap.io import deferred

    monkeypatch.setattr(deferred, "DEFER_ABOVE_BYTES", 0)
    n = 60_000
    rng = np.random.default_rng(3)
    path = tmp_path / "invented.csv"
    pd.DataFrame({"lon": rng.uniform(114.0, 119.0, n).round(6),
                  "lat": rng.uniform(37.0, 41.5, n).round(6),
                  "名称": [f"测试点{i}" for i in range(n)]}).to_csv(path, index=False)
    doc = synthetic_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, timeout=60000, sectors=SECTORS) as w:
        qtbot.waitUntil(lambda: w.map.load_count == 1)
        loads = w.map.load_count
        heard = []
        doc.events.layer_changed.connect(lambda lyr, what: heard.append(what))
        sent = []
        w.map.layerSent.connect(sent.append)
        w.files.open_path(str(path))
        qtbot.waitUntil(lambda: "table" in heard, timeout=60000)
        [layer] = [lyr for lyr in doc.layers if lyr.path == str(path)]
        assert layer.fields() == ["lon", "lat", "名称"] and layer.points.pending is None
        from PySide6.QtCore import Qt

        model = w.table.model
        heads = [model.headerData(i, Qt.Orientation.Horizontal) for i in
                 range(model.columnCount())]
        assert w.table.layer is layer and heads == ["lon", "lat", "名称", "geometry"]
        qtbot.waitUntil(lambda: not w.map.live.pending(), timeout=20000)
        w.map.run_js(f"window._row = null; fetch('row/{layer.id}/4321.json').then(r => r.json())"
                     ".then(d => { window._row = d; })")
        qtbot.waitUntil(lambda: js(qtbot, w.map, "window._row") is not None, timeout=10000)
        row = js(qtbot, w.map, "window._row")
        assert row["f"] == ["lon", "lat", "名称"] and row["v"][2] == "测试点4321"
        assert sent == [layer.id]             # the columns did not send the points again
        assert w.map.load_count == loads      # nor reload the page
        page_answered(qtbot, w.map)
