"""In-process cases of reading and tabulating data (issue 23: the speed checks that were
timed assertions in tests/ live here, each against what a user would write without jjjmap).

- ``catalog_load``: the built-in layers. jjjmap: ``catalog.load_all()`` (``warm_s``: a second
  call, served from the per-process cache). Baseline: geopandas reads the four shapefiles and
  pandas the two CSVs (points from their approx_lon/approx_lat columns); ``warm_s`` is the
  notebook way of a second time: reading them again.
- ``open_csv_1m``: a million points from CSV. jjjmap: ``io.open_layer`` (it also sniffs the
  encoding and the coordinate columns and validates them). Baseline: ``pandas.read_csv`` +
  ``geopandas.points_from_xy`` into a GeoDataFrame in EPSG:4326.
- ``attribute_table_100k``: 100k rows of five columns in a Qt table model, sorted by a number
  column, then filtered by two texts. jjjmap: ``ui.attrtable.AttributeModel`` on the
  GeoDataFrame. Baseline: the usual Qt way, a ``QStandardItemModel`` of one item per cell
  behind a ``QSortFilterProxyModel`` (numbers stored as numbers, so they sort as numbers).

Imports are not timed, on either side.
"""
from __future__ import annotations

from pathlib import Path

from bench.harness import Stopwatch

GEODATA = Path(__file__).resolve().parents[1] / "geodata"
BOUNDARIES = ("counties", "prefectures", "provinces", "xiongan")
POINT_TABLES = ("sector_clusters", "relocated_institutions")
TABLE_ROWS = 100_000


# -- built-in layers -------------------------------------------------------------------------
def catalog_load_jjjmap(params):
    import geopandas  # noqa: F401 - imports are not what is compared
    import pyogrio  # noqa: F401

    from jjjmap import catalog

    with Stopwatch() as cold:
        catalog.load_all()
    with Stopwatch() as warm:
        catalog.load_all()
    return {"seconds": cold.seconds, "warm_s": warm.seconds}


def _read_builtin_plainly():
    import geopandas as gpd
    import pandas as pd

    layers = [gpd.read_file(GEODATA / "boundaries" / f"{name}.shp") for name in BOUNDARIES]
    for name in POINT_TABLES:
        table = pd.read_csv(GEODATA / f"{name}.csv")
        layers.append(gpd.GeoDataFrame(
            table, geometry=gpd.points_from_xy(table["approx_lon"], table["approx_lat"]),
            crs="EPSG:4326"))
    return layers


def catalog_load_baseline(params, side="baseline"):
    import geopandas  # noqa: F401
    import pandas  # noqa: F401

    with Stopwatch() as cold:
        _read_builtin_plainly()
    with Stopwatch() as warm:
        _read_builtin_plainly()
    return {"seconds": cold.seconds, "warm_s": warm.seconds}


# -- a million points from CSV ---------------------------------------------------------------
def open_csv_jjjmap(params):
    import geopandas  # noqa: F401

    from jjjmap.io import open_layer

    with Stopwatch() as sw:
        (layer,) = open_layer(params["csv"])
    return {"seconds": sw.seconds, "features": len(layer.gdf)}


def open_csv_baseline(params, side="baseline"):
    import geopandas as gpd
    import pandas as pd

    with Stopwatch() as sw:
        table = pd.read_csv(params["csv"])
        gdf = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]),
                               crs="EPSG:4326")
    return {"seconds": sw.seconds, "features": len(gdf)}


# -- the attribute table ---------------------------------------------------------------------
def _table_gdf():
    """The 100k rows of tests/test_ui_attrtable.py (random, fixed seed; made up for the case)."""
    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(113.5, 119.8, TABLE_ROWS), rng.uniform(36.0, 42.6, TABLE_ROWS)
    gdf = gpd.GeoDataFrame(
        {"name": [f"site {i}" for i in range(TABLE_ROWS)],
         "kind": rng.choice(["factory", "school", "hospital", "工厂"], TABLE_ROWS),
         "value": rng.normal(100, 30, TABLE_ROWS),
         "count": rng.integers(0, 1000, TABLE_ROWS)},
        geometry=gpd.points_from_xy(lon, lat), crs=4326)
    gdf.loc[5, "value"] = np.nan
    return gdf


def _qt_app():
    import bench.qt  # noqa: F401 - offscreen
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _sort_and_filter(model_s: float, model, sort, text_filter) -> dict:
    """The same steps on either side: sort by "value" (column 2) descending, then filter by
    two texts; the seconds of each, and the rows left."""
    from PySide6.QtCore import Qt

    with Stopwatch() as by_value:
        sort(2, Qt.SortOrder.DescendingOrder)
    with Stopwatch() as first:
        text_filter("工厂")
    with Stopwatch() as second:
        text_filter("site 9999")
    return {"seconds": model_s + by_value.seconds + first.seconds + second.seconds,
            "model_s": model_s, "sort_s": by_value.seconds, "filter_s": first.seconds,
            "refilter_s": second.seconds, "rows": model.rowCount()}


def attribute_table_jjjmap(params):
    from jjjmap.model import Layer
    from jjjmap.ui.attrtable import AttributeModel

    app = _qt_app()  # noqa: F841
    layer = Layer(_table_gdf(), "Big", kind="vector")
    with Stopwatch() as build:
        model = AttributeModel(layer)
    return _sort_and_filter(build.seconds, model, model.sort, model.set_text_filter)


def _keep_none_alive(calls: int) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on some calls
    (QStandardItemModel.setItem and QStandardItem.setData here; QLabel.setText too:
    measured -1 per call), so the baseline's million calls would free None and abort the
    process. References added here (never released, untimed) keep it alive."""
    import ctypes
    import sys

    if sys.version_info >= (3, 12):   # None is immortal there
        return
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    for _ in range(calls):
        incref(None)


def attribute_table_baseline(params, side="baseline"):
    import math

    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    app = _qt_app()  # noqa: F841
    gdf = _table_gdf()
    _keep_none_alive(10 * TABLE_ROWS + 100_000)
    columns = [c for c in gdf.columns if c != "geometry"]
    rows = [list(r) for r in gdf[columns].itertuples(index=False, name=None)]
    kinds = gdf.geometry.geom_type.tolist()

    def item(value):
        cell = QStandardItem()
        if isinstance(value, str):
            cell.setText(value)
        elif not (isinstance(value, float) and math.isnan(value)):
            cell.setData(float(value), Qt.ItemDataRole.DisplayRole)
        return cell

    with Stopwatch() as build:
        model = QStandardItemModel(len(rows), len(columns) + 1)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                model.setItem(r, c, item(value))
            model.setItem(r, len(columns), QStandardItem(kinds[r]))
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        proxy.setFilterKeyColumn(-1)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return _sort_and_filter(build.seconds, proxy, proxy.sort, proxy.setFilterFixedString)


CASES = {
    "catalog_load": (catalog_load_jjjmap, catalog_load_baseline),
    "open_csv": (open_csv_jjjmap, open_csv_baseline),
    "attribute_table": (attribute_table_jjjmap, attribute_table_baseline),
}
