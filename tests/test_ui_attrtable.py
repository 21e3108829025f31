"""The attribute table model: reads the GeoDataFrame in place; sort and filter stay fast."""
from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import Qt  # noqa: E402
from test_ui_helpers import county_layer  # noqa: E402

from jjjmap.model import Layer  # noqa: E402
from jjjmap.ui.attrtable import AttributeModel, AttributeTable  # noqa: E402

N = 100_000


@pytest.fixture(scope="module")
def big_layer():
    rng = np.random.default_rng(7)
    lon = rng.uniform(113.5, 119.8, N)
    lat = rng.uniform(36.0, 42.6, N)
    gdf = gpd.GeoDataFrame(
        {"name": [f"site {i}" for i in range(N)],
         "kind": rng.choice(["factory", "school", "hospital", "工厂"], N),
         "value": rng.normal(100, 30, N),
         "count": rng.integers(0, 1000, N)},
        geometry=gpd.points_from_xy(lon, lat), crs=4326)
    gdf.loc[5, "value"] = np.nan
    return Layer(gdf, "Big", kind="vector")


def test_100k_rows_model_sort_filter_fast(qapp, big_layer):
    t0 = time.perf_counter()
    model = AttributeModel(big_layer)
    created = time.perf_counter() - t0
    assert model.rowCount() == N
    assert model.columns == ["name", "kind", "value", "count", "geometry"]

    t0 = time.perf_counter()
    model.sort(2, Qt.SortOrder.DescendingOrder)
    sorted_s = time.perf_counter() - t0
    values = big_layer.gdf["value"].to_numpy()[model.order]
    assert np.all(np.diff(values[~np.isnan(values)]) <= 0)
    assert np.isnan(values[-1])  # missing values last
    assert model.data(model.index(N - 1, 2)) == ""

    t0 = time.perf_counter()
    model.set_text_filter("工厂")
    filtered_s = time.perf_counter() - t0
    expected = int((big_layer.gdf["kind"] == "工厂").sum())
    assert model.rowCount() == expected
    # still sorted by value after filtering
    values = big_layer.gdf["value"].to_numpy()[model.order]
    assert np.all(np.diff(values[~np.isnan(values)]) <= 0)
    t0 = time.perf_counter()
    model.set_text_filter("site 9999")
    refilter_s = time.perf_counter() - t0
    assert {model.data(model.index(r, 0)) for r in range(model.rowCount())} >= {"site 9999"}
    model.set_text_filter("")
    assert model.rowCount() == N
    print(f"100k rows: model {created:.3f}s, sort {sorted_s:.3f}s, first filter "
          f"{filtered_s:.3f}s, next filter {refilter_s:.3f}s")
    # generous bounds: the CPU is shared; a copy into items would take far longer
    assert created < 0.5 and sorted_s < 2.0 and filtered_s < 3.0 and refilter_s < 1.0


def test_row_mapping_and_geometry_column(qapp):
    model = AttributeModel(county_layer(5))
    model.sort(5, Qt.SortOrder.DescendingOrder)  # area_km2
    assert [model.source_row(r) for r in range(5)] == [4, 3, 2, 1, 0]
    assert model.view_row(4) == 0
    assert model.data(model.index(0, model.columnCount() - 1)) == "Polygon"
    assert model.headerData(0, Qt.Orientation.Vertical) == "4"
    model.set_text_filter("county 1")
    assert model.rowCount() == 1 and model.view_row(0) == -1


def test_table_selection_survives_sort_and_filter(qtbot):
    table = AttributeTable()
    qtbot.addWidget(table)
    layer = county_layer(5)
    table.set_layer(layer)
    got = []
    table.rowsSelected.connect(lambda lid, rows: got.append((lid, rows)))
    table.select_rows([1, 3], emit=True)
    assert got[-1] == (layer.id, [1, 3])
    table.view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert table.selected_rows() == [1, 3]
    table.filter_edit.setText("County 3")
    qtbot.waitUntil(lambda: table.model.rowCount() == 1, timeout=3000)
    assert table.selected_rows() == [3]
    assert "1 of 5" in table.count_label.text()


def test_big_table_widget_responds(qtbot, big_layer):
    table = AttributeTable()
    qtbot.addWidget(table)
    t0 = time.perf_counter()
    table.set_layer(big_layer)
    table.show()
    qtbot.wait(10)
    table.select_rows([99_999])
    assert table.selected_rows() == [99_999]
    assert time.perf_counter() - t0 < 3.0
