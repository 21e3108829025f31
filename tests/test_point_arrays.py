"""Point layers held as coordinate arrays (model.PointData, issue 21 item 3): a CSV's or a
GeoParquet's points are read, placed, drawn, filtered, identified and exported without one
shapely Point being made; anything that asks ``layer.gdf`` gets the ordinary GeoDataFrame.
The points here are invented test data (random, seeded), not facts about any place."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jjjmap.io import open_layer
from jjjmap.model import Layer, MapDocument
from jjjmap.model.pointdata import PointData

N = 60_000   # above render.pointbin.BINARY_ABOVE: the large-layer path


def invented_frame(n: int = N, seed: int = 11) -> pd.DataFrame:
    """Invented points in the Beijing-Tianjin-Hebei box, with a text, an int and a year."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"id": np.arange(n),
                         "lon": rng.uniform(114.0, 119.0, n).round(6),
                         "lat": rng.uniform(37.0, 41.5, n).round(6),
                         "year": rng.integers(2000, 2025, n),
                         "名称": [f"测试点{i}" for i in range(n)]})


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("arrays") / "points.csv"
    invented_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def no_points_built(monkeypatch):
    """Fails the test if anything builds the layer's GeoDataFrame."""
    def refuse(self, *a, **k):
        raise AssertionError("shapely Points were built")
    monkeypatch.setattr(PointData, "to_geodataframe", refuse)


def test_a_csv_of_points_opens_as_arrays_with_its_columns_and_bounds(csv_file, no_points_built):
    df = invented_frame()
    [layer] = open_layer(csv_file)
    pts = layer.points
    assert pts is not None and layer.feature_count == N
    assert np.array_equal(pts.x, df["lon"].to_numpy()) and np.array_equal(pts.y, df["lat"].to_numpy())
    assert layer.fields() == ["id", "lon", "lat", "year", "名称"]
    assert layer.table["名称"].iloc[123] == "测试点123"
    assert layer.data.crs.to_epsg() == 4326
    w, s, e, n = layer.total_bounds
    assert (w, s, e, n) == (df["lon"].min(), df["lat"].min(), df["lon"].max(), df["lat"].max())
    assert any("WGS-84 (EPSG:4326) was assumed" in w for w in layer.provenance.warnings)


def test_the_geodataframe_is_built_when_asked_and_matches_the_arrays(csv_file):
    df = invented_frame()
    [layer] = open_layer(csv_file)
    gdf = layer.gdf
    assert layer.points is None          # from now on an ordinary layer
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == N
    assert np.array_equal(gdf.geometry.x.to_numpy(), df["lon"].to_numpy())
    assert np.array_equal(gdf.geometry.y.to_numpy(), df["lat"].to_numpy())
    assert set(gdf.geom_type) == {"Point"}
    assert gdf["year"].tolist() == df["year"].tolist()


def test_projected_csv_points_are_reprojected_as_pyproj_says(tmp_path, no_points_built):
    from pyproj import Transformer

    df = invented_frame(2000)
    fwd = Transformer.from_crs(4326, 4548, always_xy=True)   # CGCS2000 / 3-degree GK CM 117E
    x, y = fwd.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
    table = pd.DataFrame({"x": x, "y": y, "year": df["year"]})
    table.to_csv(tmp_path / "gk.csv", index=False)
    [layer] = open_layer(tmp_path / "gk.csv", crs="EPSG:4548")
    assert layer.points is not None
    # CGCS2000 and WGS-84 are the same to well under a millimetre here: the input lon/lat
    assert np.abs(layer.points.x - df["lon"].to_numpy()).max() < 1e-7
    assert np.abs(layer.points.y - df["lat"].to_numpy()).max() < 1e-7
    assert any("Reprojected from" in w for w in layer.provenance.warnings)


def test_a_declared_gcj02_datum_is_undone_on_the_arrays(tmp_path, no_points_built):
    from jjjmap.geo.datum import wgs84_to_gcj02

    df = invented_frame(500)
    df.to_csv(tmp_path / "gcj.csv", index=False)
    [layer] = open_layer(tmp_path / "gcj.csv", datum="gcj02")
    lon, lat = layer.points.x, layer.points.y
    # the shifts of a few hundred metres, and the published forward formula takes them back
    shift = np.hypot(lon - df["lon"].to_numpy(), lat - df["lat"].to_numpy())
    assert shift.min() > 1e-4 and shift.max() < 1e-2
    back_lon, back_lat = wgs84_to_gcj02(lon, lat)
    assert np.abs(np.asarray(back_lon) - df["lon"].to_numpy()).max() < 1e-7
    assert np.abs(np.asarray(back_lat) - df["lat"].to_numpy()).max() < 1e-7


@pytest.fixture
def drawn(csv_file, monkeypatch, no_points_built):
    """(the CSV's layer, what render.vectors handed the packer last)."""
    from jjjmap.render import vectors

    [layer] = open_layer(csv_file)
    seen = {}
    real = vectors.binary_spec

    def spy(lon, lat, rows, *a, **k):
        seen.update(lon=np.array(lon), lat=np.array(lat), rows=np.array(rows))
        return real(lon, lat, rows, *a, **k)

    monkeypatch.setattr(vectors, "binary_spec", spy)
    return layer, seen


def _spec(layer, **ctx):
    """The layer's spec as the app's page gets it."""
    from jjjmap.render import vectors
    from jjjmap.render.specs import BuildContext

    return vectors.vector_spec(layer, BuildContext(doc=MapDocument(basemap="none"),
                                                   tolerance=0.0, detail="fetch", **ctx))


def test_the_large_layer_is_drawn_and_filtered_from_the_arrays(drawn):
    from jjjmap.render import vectors

    layer, seen = drawn
    df = invented_frame()
    spec = _spec(layer)
    assert spec.count == N and np.array_equal(seen["rows"], np.arange(N))
    assert np.array_equal(seen["lon"], df["lon"].to_numpy())
    kept = [y for y in range(2000, 2025) if y not in (2001, 2002)]   # still over 50k points
    layer.filter = {"year": kept}
    spec = _spec(layer)
    want = np.flatnonzero(df["year"].isin(kept).to_numpy())   # counted by pandas
    assert 50_000 < len(want) < N
    assert spec.count == len(want) and np.array_equal(seen["rows"], want)
    assert np.array_equal(seen["lat"], df["lat"].to_numpy()[want])
    # a click's popup values come from the attribute table
    values = vectors.row_values(layer, 4321)["v"]
    assert (values[0], values[3], values[4]) == ("4321", str(df["year"][4321]), "测试点4321")


def test_on_a_gcj02_basemap_the_arrays_are_shifted_for_drawing(drawn):
    from jjjmap.geo.datum import wgs84_to_gcj02

    layer, seen = drawn
    df = invented_frame()
    _spec(layer, shift=lambda g: g)   # any shift means GCJ-02 (BuildContext.finer)
    want_lon, want_lat = wgs84_to_gcj02(df["lon"].to_numpy()[:50], df["lat"].to_numpy()[:50])
    assert np.allclose(seen["lon"][:50], want_lon, atol=1e-9)
    assert np.allclose(seen["lat"][:50], want_lat, atol=1e-9)


def test_an_export_of_the_large_layer_builds_no_points(csv_file, no_points_built):
    from jjjmap.render import render_html

    [layer] = open_layer(csv_file)
    doc = MapDocument(basemap="none")
    doc.add_layer(layer)
    html = render_html(doc)
    assert layer.points is not None and "geoB64" in html


def test_geoparquet_of_plain_points_opens_as_arrays(tmp_path, no_points_built):
    import geopandas as gpd

    df = invented_frame(3000)
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]),
                           geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)
    gdf.to_parquet(tmp_path / "p.parquet")
    [layer] = open_layer(tmp_path / "p.parquet")
    assert layer.points is not None
    assert np.array_equal(layer.points.x, df["lon"].to_numpy())
    assert layer.fields() == ["id", "year", "名称"]


def test_geoparquet_with_an_empty_point_takes_the_geometry_path(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame({"k": [1, 2, 3]}, geometry=[Point(116, 39), Point(), Point(117, 40)],
                           crs=4326)
    gdf.to_parquet(tmp_path / "e.parquet")
    [layer] = open_layer(tmp_path / "e.parquet")
    # the empty one (NaN coordinates in WKB) dropped by the clean-up, as before
    assert layer.points is None and len(layer.gdf) == 2
    assert layer.gdf.geometry.x.tolist() == [116.0, 117.0]


def test_a_layer_of_arrays_refuses_another_crs():
    pts = PointData(pd.DataFrame({"a": [1]}), np.array([500000.0]), np.array([4400000.0]),
                    crs=4548)
    with pytest.raises(ValueError, match="EPSG:4326"):
        Layer(gdf=pts, title_en="projected")
    with pytest.raises(ValueError, match="differ in length"):
        PointData(pd.DataFrame({"a": [1, 2]}), np.array([1.0]), np.array([2.0]))


def test_the_place_search_indexes_a_layer_of_arrays_without_building_points(no_points_built):
    from jjjmap.search import SearchIndex

    pts = PointData(pd.DataFrame({"name": ["测试甲", "invented b"]}), np.array([116.0, 117.0]),
                    np.array([39.0, 40.0]), crs=4326)
    doc = MapDocument(basemap="none")
    layer = doc.add_layer(Layer(gdf=pts, title_en="invented"))
    found = [f[1:3] for f in SearchIndex(doc)._features if f[0] == layer.id]
    assert found == [(0, ("测试甲",)), (1, ("invented b",))]


def test_identify_and_the_attribute_table_show_a_point_of_arrays(qtbot, no_points_built):
    pytest.importorskip("PySide6.QtWidgets")
    from PySide6.QtCore import Qt

    from jjjmap.ui.attrtable import AttributeModel
    from jjjmap.ui.identify import IdentifyPanel

    df = invented_frame(300)
    pts = PointData(df, df["lon"].to_numpy(), df["lat"].to_numpy(), crs=4326)
    layer = Layer(gdf=pts, title_en="invented")
    panel = IdentifyPanel()
    qtbot.addWidget(panel)
    panel.show_feature(layer, 42, "en")
    assert panel.value("名称") == "测试点42" and panel.value("year") == str(df["year"][42])
    assert "Point" in panel.browser.toPlainText()          # the geometry's type
    model = AttributeModel(layer)
    model.set_layer(layer)
    names = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert names[:5] == ["id", "lon", "lat", "year", "名称"] and model.rowCount() == 300
    geom_col = len(names) - 1
    assert model.data(model.index(7, geom_col)) == "Point"
    assert model.data(model.index(7, 4)) == "测试点7"


def test_the_print_layout_copies_a_layer_of_arrays_without_building_points(no_points_built):
    from jjjmap.export.layout import PrintLayout, printed_document

    pts = PointData(pd.DataFrame({"a": [1, 2]}), np.array([116.0, 117.0]),
                    np.array([39.0, 40.0]), crs=4326)
    doc = MapDocument(basemap="none")
    layer = doc.add_layer(Layer(gdf=pts, title_en="invented"))
    copy = printed_document(doc, PrintLayout()).layers[0]
    assert copy is not layer and copy.data is pts and copy.id == layer.id


def test_a_filtered_layer_of_arrays_counts_what_it_shows(no_points_built):
    df = invented_frame(1000)
    layer = Layer(gdf=PointData(df, df["lon"].to_numpy(), df["lat"].to_numpy(), crs=4326),
                  title_en="invented")
    assert layer.shown_count == 1000
    layer.filter = {"year": [2003, 2004], "no such column": [1]}   # unknown columns ignored
    assert layer.shown_count == int(df["year"].isin([2003, 2004]).sum())


def test_a_time_slider_on_a_layer_of_arrays_reads_its_table(no_points_built):
    from jjjmap.model import Style
    from jjjmap.render.timefilter import layer_time, time_field_of

    df = invented_frame(500)
    layer = Layer(gdf=PointData(df, df["lon"].to_numpy(), df["lat"].to_numpy(), crs=4326),
                  title_en="invented", style=Style(time_field="year"))
    assert time_field_of(layer) == "year"
    assert layer_time(layer) is not None
