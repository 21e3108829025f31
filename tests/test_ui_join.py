"""The join in the window: open a table without coordinates, join it to the built-in counties,
style it graduated, and read the page's fill colours; the attribute table sorts a joined column
and filters one column. Tables are INVENTED TEST DATA."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import js, shown_window  # noqa: E402

from jjjmap import catalog  # noqa: E402
from jjjmap.model import MapDocument, Style  # noqa: E402
from jjjmap.render.vectors import NO_DATA_COLOR, ramp  # noqa: E402
from jjjmap.ui.mapview import default_renderer  # noqa: E402

# invented data: 8 counties, one with a city column's help; values chosen so that 4 equal
# intervals over 10..90 are 10-30, 30-50, 50-70, 70-90
TABLE = ("区县,城市,企业数\n海淀区,北京市,10\n朝阳区,北京市,20\n桥西区,石家庄市,30\n"
         "桥西区,张家口市,40\n藁城市,石家庄市,50\n滨海新区,天津市,60\n雄县,保定市,70\n"
         "丰台区,北京市,90\n")
CLASS_OF = {"110108": 0, "110105": 0, "130104": 0, "130703": 1, "130109": 1, "120116": 2,
            "130638": 2, "110106": 3}


@pytest.fixture
def window(qtbot, tmp_path):
    doc = MapDocument(basemap="none")
    counties = catalog.load_layer("counties")
    counties.id = "counties"
    doc.add_layer(counties)
    with shown_window(qtbot, doc, tmp_path, timeout=90000, quiet=True,
                      renderer=lambda d: default_renderer(d, tianditu_key="")) as w:
        yield w


def test_open_a_table_join_it_and_map_it(window, qtbot, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(TABLE, encoding="utf-8")
    window.files.open_path(str(path))
    qtbot.waitUntil(lambda: window.join_actions.dialog is not None
                    and window.join_actions.dialog.isVisible(), timeout=30000)
    dlg = window.join_actions.dialog
    assert dlg.target_layer().id == "counties"
    rep = dlg.report
    assert rep.key_column == "区县" and rep.parent_column == "城市"
    assert rep.complete and rep.summary()["rule"] == 3    # two 桥西区 by city, 藁城市 renamed
    assert "features have no row" in dlg.summary.text()
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        dlg.ok.click()
    layer = dlg.added
    assert layer is not None and layer in window.doc.layers
    assert window.table.layer is layer              # the new layer is current in the table
    style = Style.from_dict(dict(layer.style.to_dict(), mode="graduated", field="企业数",
                                 scheme="equal_interval", k=4, cmap="viridis",
                                 legend_title="Firms", units="count"))
    with qtbot.waitSignal(window.mapReady, timeout=60000):
        window.doc.set_style(layer.id, style)
    colours = ramp("viridis", 4)
    codes = list(layer.gdf["code"])
    for code, cls in CLASS_OF.items():
        row = codes.index(code)
        fill = js(qtbot, window.map, f"window.jjj.markersOf('{layer.id}')[{row}].options.fillColor")
        assert fill == colours[cls], code
    nodata = codes.index("110101")                   # 东城区: not in the table
    fill = js(qtbot, window.map, f"window.jjj.markersOf('{layer.id}')[{nodata}].options.fillColor")
    assert fill == NO_DATA_COLOR
    spec = js(qtbot, window.map, f"window.jjj.layerInfo('{layer.id}').spec")
    labels = [e["label"] for e in spec["legend"]]
    assert labels == ["Firms (count)", "10 – 30", "30 – 50", "50 – 70", "70 – 90", "no data"]


def test_ambiguous_row_fixed_by_hand(window, qtbot, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text("区县,企业数\n新华区,5\n海淀区,7\n", encoding="utf-8")   # invented data
    dlg = window.join_actions.open_join(str(path))
    assert not dlg.report.complete and not dlg.ok.isEnabled()
    assert dlg.rows.item(0, 3).text() == "ambiguous"   # rows needing the user come first
    dlg.rows.selectRow(0)
    assert dlg.fix_to.currentData() in ("130105", "130902")   # a candidate is offered first
    choices = [dlg.fix_to.itemData(i) for i in range(dlg.fix_to.count())]
    dlg.fix_to.setCurrentIndex(choices.index("130902"))
    dlg.fix_button.click()
    assert dlg.report.complete and dlg.ok.isEnabled()
    assert dlg.report.rows[0].status == "manual"


def test_attribute_table_sorts_joined_numbers_and_filters_one_column(qtbot):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from jjjmap.model import Layer
    from jjjmap.ui.attrtable import AttributeTable

    # invented data: "Tianjin" appears in two columns, as in the example
    gdf = gpd.GeoDataFrame({"name": ["Tianjin Port", "Heping", "Xiqing", "Chaoyang"],
                            "city": ["Beijing", "Tianjin", "Tianjin", "Beijing"],
                            "firms": pd.array([100, 25, None, 9], dtype="Int64")},
                           geometry=[Point(117, 39)] * 4, crs=4326)
    table = AttributeTable()
    qtbot.addWidget(table)
    table.set_layer(Layer(gdf, "t"))
    table.model.sort(2)
    assert list(table.model.order) == [3, 1, 0, 2]     # 9, 25, 100, then the missing one
    table.set_filter("tianjin")
    assert sorted(table.model.order) == [0, 1, 2]      # any column
    table.set_filter("tianjin", "city")
    assert sorted(table.model.order) == [1, 2]         # the city column only


def test_count_points_per_region_on_a_worker(window, qtbot):
    import geopandas as gpd
    import shapely

    from jjjmap.model import Layer

    counties = window.doc.layer("counties")
    # invented data: three points inside Haidian, one inside Binhai (GEOS point_on_surface)
    inside = {c: shapely.point_on_surface(counties.gdf.loc[counties.gdf["code"] == c]
                                          .geometry.iloc[0]) for c in ("110108", "120116")}
    pts = gpd.GeoDataFrame({"staff": [1, 2, 3, 10]},
                           geometry=[inside["110108"]] * 3 + [inside["120116"]], crs=4326)
    firms = window.doc.add_layer(Layer(pts, "Firms"))
    dlg = window.join_actions.aggregate_dialog()
    dlg.points.setCurrentIndex(dlg.points.findData(firms.id))
    assert dlg.polygons.currentData() == "counties"
    dlg.stat.setCurrentIndex(dlg.stat.findData("sum"))
    dlg.field.setCurrentIndex(dlg.field.findData("staff"))
    task = dlg.start()
    assert task.wants_progress          # run by the window's task runner, reporting progress
    qtbot.waitUntil(lambda: any("aggregate" in lyr.meta for lyr in window.doc.layers),
                    timeout=60000)
    layer = next(lyr for lyr in window.doc.layers if "aggregate" in lyr.meta)
    g = layer.gdf.set_index("code")
    assert (g.loc["110108", "sum_staff"], g.loc["120116", "sum_staff"]) == (6, 10)
    assert g["sum_staff"].sum() == 16
    assert window.table.layer is layer and "sum_staff" in window.table.model.columns
