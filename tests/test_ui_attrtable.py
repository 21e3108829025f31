"""The attribute table model: reads the GeoDataFrame in place; sort and filter do no
per-row work they can avoid."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import Qt
from test_ui_helpers import county_layer

from jjjmap.model import Layer
from jjjmap.ui import attrtable
from jjjmap.ui.attrtable import AttributeModel, AttributeTable

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


def test_100k_rows_model_sort_filter_read_in_place(qapp, big_layer, monkeypatch):
    """Work counted, not seconds (how fast against a QStandardItemModel: `python -m bench
    --only attribute_table_100k`): the model holds views of the columns, sorts a number column
    as numbers, and builds the text a filter searches once per layer."""
    texts = []
    real_column_text = attrtable.column_text
    monkeypatch.setattr(attrtable, "column_text",
                        lambda values: texts.append(len(values)) or real_column_text(values))
    model = AttributeModel(big_layer)
    assert model.rowCount() == N
    assert model.columns == ["name", "kind", "value", "count", "geometry"]
    for name in ("value", "count"):   # number columns are views (pandas' str columns are
        values = model._values[model.columns.index(name)]          # copied by to_numpy)
        assert np.shares_memory(values, big_layer.gdf[name].array), name

    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert texts == []   # a float column sorts as floats, not as text
    values = big_layer.gdf["value"].to_numpy()[model.order]
    assert np.all(np.diff(values[~np.isnan(values)]) <= 0)
    assert np.isnan(values[-1])  # missing values last
    assert model.data(model.index(N - 1, 2)) == ""

    model.set_text_filter("工厂")
    assert texts == [N] * 4   # the four attribute columns' text, once
    expected = int((big_layer.gdf["kind"] == "工厂").sum())
    assert model.rowCount() == expected
    # still sorted by value after filtering
    values = big_layer.gdf["value"].to_numpy()[model.order]
    assert np.all(np.diff(values[~np.isnan(values)]) <= 0)
    model.set_text_filter("site 9999")
    assert texts == [N] * 4   # the next filter searches the same text
    assert {model.data(model.index(r, 0)) for r in range(model.rowCount())} >= {"site 9999"}
    model.set_text_filter("")
    assert model.rowCount() == N


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


def test_big_table_widget_asks_only_for_the_rows_it_shows(qtbot, big_layer, monkeypatch):
    """Work counted, not seconds: a 100k-row table shows and scrolls to its last row asking
    the model for the few rows on screen, never for all of them."""
    rows_asked: set[int] = set()
    real_data = AttributeModel.data

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        rows_asked.add(index.row())
        return real_data(self, index, role)

    monkeypatch.setattr(AttributeModel, "data", data)
    table = AttributeTable()
    qtbot.addWidget(table)
    table.set_layer(big_layer)
    table.show()
    qtbot.waitExposed(table)
    qtbot.waitUntil(lambda: bool(rows_asked), timeout=5000)   # it has painted rows
    table.select_rows([99_999])
    assert table.selected_rows() == [99_999]
    qtbot.waitUntil(lambda: N - 1 in rows_asked, timeout=5000)   # scrolled to it, painted
    assert len(rows_asked) < 500, len(rows_asked)
