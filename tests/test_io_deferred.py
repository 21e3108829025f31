"""Coordinates first, attributes after (io.deferred, issue 21): a large CSV or GeoParquet of
points opened with ``defer_attributes`` is read from its coordinates alone, and its other
columns, read later, line up with its points row for row. The expected tables are read here
by pandas / geopandas directly. The points are invented test data (random, seeded)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jjjmap.io import LayerLoadError, deferred, open_layer
from jjjmap.io.cancel import LayerLoadCancelled
from jjjmap.model import MapDocument

N = 60_000   # above io.deferred.DEFER_MIN_POINTS


def invented(n: int = N, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"id": np.arange(n), "名称": [f"测试点{i}" for i in range(n)],
                         "lon": rng.uniform(114.0, 119.0, n).round(6),
                         "value": rng.integers(0, 1000, n),
                         "lat": rng.uniform(37.0, 41.5, n).round(6)})


@pytest.fixture
def defer_all(monkeypatch):
    monkeypatch.setattr(deferred, "DEFER_ABOVE_BYTES", 0)


def test_a_large_csv_is_read_from_its_coordinates_then_its_other_columns(tmp_path, defer_all):
    path = tmp_path / "points.csv"
    invented().to_csv(path, index=False)
    [layer] = open_layer(path, defer_attributes=True)
    pts = layer.points
    assert pts is not None and pts.pending is not None
    assert layer.fields() == ["lon", "lat"]          # only what the points were made of
    expected = pd.read_csv(path)
    assert np.array_equal(pts.x, expected["lon"].to_numpy())
    assert np.array_equal(pts.y, expected["lat"].to_numpy())
    full = deferred.complete_attributes(pts)
    assert full.pending is None and full.x is pts.x and full.y is pts.y
    assert list(full.frame.columns) == ["id", "名称", "lon", "value", "lat"]   # the file's order
    for col in expected.columns:
        assert full.frame[col].tolist() == expected[col].tolist()
    assert full.crs.to_epsg() == 4326


def test_rows_skipped_for_their_coordinates_are_skipped_in_the_later_columns(tmp_path,
                                                                            defer_all):
    df = invented()
    df["lon"] = df["lon"].astype(object)
    bad = [0, 7, 30_001, N - 1]
    for i in bad:
        df.loc[i, "lon"] = "n/a"
    path = tmp_path / "gaps.csv"
    df.to_csv(path, index=False)
    [layer] = open_layer(path, defer_attributes=True)
    assert layer.feature_count == N - len(bad)
    assert any("Skipped 4 rows" in w for w in layer.provenance.warnings)
    full = deferred.complete_attributes(layer.points)
    keep = np.ones(N, dtype=bool)
    keep[bad] = False
    assert full.frame["id"].tolist() == np.arange(N)[keep].tolist()
    assert full.frame["名称"].iloc[0] == "测试点1" and full.frame["名称"].iloc[6] == "测试点8"
    assert np.array_equal(full.x, pd.read_csv(path)["lon"][keep].astype(float).to_numpy())


def test_small_files_and_the_api_without_the_option_are_read_whole(tmp_path, defer_all):
    few = tmp_path / "few.csv"
    invented(1_000).to_csv(few, index=False)
    [layer] = open_layer(few, defer_attributes=True)   # too few points to be worth it
    assert layer.points.pending is None and layer.fields() == ["id", "名称", "lon", "value", "lat"]
    many = tmp_path / "many.csv"
    invented().to_csv(many, index=False)
    [layer] = open_layer(many)                           # the CLI and Python API
    assert layer.points.pending is None and len(layer.fields()) == 5


def test_below_the_size_threshold_a_file_is_read_whole(tmp_path):
    path = tmp_path / "points.csv"
    invented().to_csv(path, index=False)
    assert path.stat().st_size < deferred.DEFER_ABOVE_BYTES
    [layer] = open_layer(path, defer_attributes=True)
    assert layer.points.pending is None and len(layer.fields()) == 5


def test_a_large_geoparquet_is_read_from_its_geometry_then_its_columns(tmp_path, defer_all):
    gpd = pytest.importorskip("geopandas")
    df = invented()
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]),
                           geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)
    path = tmp_path / "points.parquet"
    gdf.to_parquet(path)
    [layer] = open_layer(path, defer_attributes=True)
    pts = layer.points
    assert pts is not None and pts.pending is not None and layer.fields() == []
    assert np.array_equal(pts.x, df["lon"].to_numpy())
    full = deferred.complete_attributes(pts)
    expected = gpd.read_parquet(path)
    assert list(full.frame.columns) == ["id", "名称", "value"]
    for col in full.frame.columns:
        assert full.frame[col].tolist() == expected[col].tolist()


def test_a_file_that_changed_between_the_two_reads_is_refused(tmp_path, defer_all):
    path = tmp_path / "points.csv"
    invented().to_csv(path, index=False)
    [layer] = open_layer(path, defer_attributes=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("60000,extra,116.0,1,39.0\n")
    with pytest.raises(LayerLoadError, match="changed while it was read"):
        deferred.complete_attributes(layer.points)


def test_reading_the_later_columns_can_be_cancelled(tmp_path, defer_all):
    path = tmp_path / "points.csv"
    invented().to_csv(path, index=False)
    [layer] = open_layer(path, defer_attributes=True)
    with pytest.raises(LayerLoadCancelled):
        deferred.complete_attributes(layer.points, cancel=lambda: True)


def test_replace_table_tells_table_and_keeps_the_features(tmp_path, defer_all):
    path = tmp_path / "points.csv"
    invented().to_csv(path, index=False)
    [layer] = open_layer(path, defer_attributes=True)
    doc = MapDocument()
    doc.add_layer(layer)
    heard = []
    doc.events.layer_changed.connect(lambda lyr, what: heard.append((lyr.id, what)))
    doc.replace_table(layer.id, deferred.complete_attributes(layer.points))
    assert heard == [(layer.id, "table")]
    assert layer.fields() == ["id", "名称", "lon", "value", "lat"] and layer.feature_count == N
    import geopandas as gpd

    ten = gpd.GeoDataFrame({"id": range(10)}, geometry=gpd.points_from_xy([116.0] * 10,
                                                                           [39.0] * 10), crs=4326)
    with pytest.raises(ValueError, match="10 rows for the 60000 features"):
        doc.replace_table(layer.id, ten)
