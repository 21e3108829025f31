"""open_layer: formats, encodings, CRS, datum and geometry clean-up."""
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Point

import fixtures_io as fx
from jjjmap.io import open_layer
from jjjmap.model import Layer

GEOD = Geod(ellps="WGS84")


def _distances_m(gdf, known):
    lons = gdf.geometry.x.to_numpy()
    lats = gdf.geometry.y.to_numpy()
    _, _, d = GEOD.inv(lons, lats, [k[0] for k in known], [k[1] for k in known])
    return np.abs(d)


def test_gbk_shapefile_without_cpg_in_cgcs2000_gk(tmp_path):
    path = fx.gbk_shapefile_4548(tmp_path)
    (lyr,) = open_layer(path)
    assert isinstance(lyr, Layer)
    assert lyr.gdf.crs.to_epsg() == 4326
    assert list(lyr.gdf["名称"]) == [n for *_, n in fx.KNOWN]
    assert "编号" in lyr.gdf.columns
    assert _distances_m(lyr.gdf, fx.KNOWN).max() < 1.0
    assert lyr.provenance.encoding in ("gb18030", "gbk")
    assert "4548" in lyr.provenance.crs_read
    text = " ".join(lyr.provenance.warnings)
    assert "GB18030" in text and "Reprojected" in text
    assert lyr.title_en == "places" and lyr.kind == "vector" and lyr.group == "custom"
    assert lyr.path == str(path) and lyr.source == str(path)


def test_encoding_override_and_cpg_honoured(tmp_path):
    path = fx.gbk_shapefile_4548(tmp_path)
    (lyr,) = open_layer(path, encoding="gbk")
    assert lyr.gdf["名称"][0] == "天安门广场"
    path.with_suffix(".cpg").write_text("GBK")
    (lyr,) = open_layer(path)
    assert lyr.gdf["名称"][0] == "天安门广场"
    assert not any("cpg" in w for w in lyr.provenance.warnings)


def test_csv_with_chinese_columns_and_bom(tmp_path):
    (lyr,) = open_layer(fx.bom_csv(tmp_path))
    assert list(lyr.gdf.columns[:3]) == ["名称", "经度", "纬度"]
    assert lyr.gdf["名称"][0] == "天安门广场"
    assert _distances_m(lyr.gdf, fx.KNOWN).max() < 1e-6
    assert any("WGS-84" in w for w in lyr.provenance.warnings)


@pytest.mark.parametrize("xcol,ycol,sep", [("LON", "Lat", ","), ("lng", "lat", "\t"),
                                           ("Longitude", "LATITUDE", ";"), ("X", "y", ","),
                                           ("东经", "北纬", ",")])
def test_csv_coordinate_column_names(tmp_path, xcol, ycol, sep):
    path = tmp_path / "t.txt"
    pd.DataFrame({"n": [1, 2], xcol: [116.4, 117.0], ycol: [39.9, 39.0]}).to_csv(
        path, index=False, sep=sep)
    (lyr,) = open_layer(path)
    assert lyr.gdf.geometry.x.tolist() == [116.4, 117.0]


def test_gbk_csv_and_wkt_column(tmp_path):
    path = tmp_path / "w.csv"
    pd.DataFrame({"名字": ["北京", "天津"], "WKT": ["POINT (116.4 39.9)", "LINESTRING (116 39, 117 40)"]}
                 ).to_csv(path, index=False, encoding="gbk")
    layers = open_layer(path)
    assert len(layers) == 2  # points and lines split
    assert layers[0].gdf["名字"][0] == "北京"
    assert layers[0].provenance.encoding == "gb18030"


def test_projected_csv_with_crs_override(tmp_path):
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, 4548, always_xy=True)
    xs, ys = tr.transform([k[0] for k in fx.KNOWN], [k[1] for k in fx.KNOWN])
    path = tmp_path / "gk.csv"
    pd.DataFrame({"x": xs, "y": ys}).to_csv(path, index=False)
    (lyr,) = open_layer(path, crs="EPSG:4548")
    assert _distances_m(lyr.gdf, fx.KNOWN).max() < 1.0
    assert lyr.provenance.reopen == {"crs": "EPSG:4548"}


def test_xlsx(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"note": ["x"]}).to_excel(xw, sheet_name="readme", index=False)
        pd.DataFrame({"城市": ["北京"], "经度": [116.4], "纬度": [39.9]}).to_excel(
            xw, sheet_name="data", index=False)
    (lyr,) = open_layer(path)
    assert lyr.gdf["城市"][0] == "北京"


def test_zipped_shapefile(tmp_path):
    path = fx.zipped_shapefile(tmp_path)
    (lyr,) = open_layer(path)
    assert len(lyr.gdf) == len(fx.KNOWN) and lyr.title_en == "zipped"
    assert lyr.gdf["name"][0] == "天安门广场"


def test_geopackage_two_layers_and_selection(tmp_path):
    path = fx.two_layer_gpkg(tmp_path)
    layers = open_layer(path)
    assert [lyr.title_en for lyr in layers] == ["two:cities", "two:roads"]
    assert all(lyr.gdf.crs.to_epsg() == 4326 for lyr in layers)
    assert layers[1].gdf.total_bounds[0] == pytest.approx(114.5, abs=1e-6)
    (roads,) = open_layer(f"{path}::roads")
    assert roads.title_en == "two:roads" and roads.provenance.reopen["layer"] == "roads"
    (cities,) = open_layer(path, layer="cities")
    assert len(cities.gdf) == len(fx.KNOWN)


def test_kml_kmz_gpx_fgb_parquet(tmp_path):
    (k,) = open_layer(fx.kml(tmp_path))
    assert k.gdf["Name"].tolist() == ["天安门", "天津"]
    kmz = tmp_path / "marks.kmz"
    import zipfile

    with zipfile.ZipFile(kmz, "w") as zf:
        zf.writestr("doc.kml", fx.KML_TEXT)
    (kz,) = open_layer(kmz)
    assert len(kz.gdf) == 2
    layers = open_layer(fx.gpx(tmp_path))
    assert {lyr.provenance.layer_name for lyr in layers} == {"waypoints", "tracks"}
    gdf = fx.points_gdf()
    gdf.to_file(tmp_path / "p.fgb", driver="FlatGeobuf", engine="pyogrio")
    gdf.to_parquet(tmp_path / "p.parquet")
    for name in ("p.fgb", "p.parquet"):
        (lyr,) = open_layer(tmp_path / name)
        order = [lyr.gdf["name"].tolist().index(n) for *_, n in fx.KNOWN]  # fgb sorts spatially
        assert _distances_m(lyr.gdf.iloc[order], fx.KNOWN).max() < 1e-6


def test_mixed_geometry_split(tmp_path):
    layers = open_layer(fx.mixed_geojson(tmp_path))
    assert [lyr.provenance.part for lyr in layers] == ["points", "lines", "polygons"]
    assert [len(lyr.gdf) for lyr in layers] == [1, 1, 2]  # Polygon + MultiPolygon together
    assert layers[2].title_en == "mixed (polygons)"
    assert any("split" in w for w in layers[0].provenance.warnings)


def test_invalid_polygon_repaired(tmp_path):
    (lyr,) = open_layer(fx.invalid_polygon_geojson(tmp_path))
    assert lyr.gdf.is_valid.all()
    assert lyr.gdf.geom_type[0] in ("MultiPolygon", "Polygon")
    assert lyr.gdf.geometry.values[0].area == pytest.approx(0.5)
    assert any("Repaired" in w for w in lyr.provenance.warnings)


def test_empty_geometries_dropped_and_3d_flattened(tmp_path):
    path = tmp_path / "z.geojson"
    path.write_text('{"type":"FeatureCollection","features":['
                    '{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point",'
                    '"coordinates":[116.4,39.9,50]}},'
                    '{"type":"Feature","properties":{"a":2},"geometry":null}]}')
    (lyr,) = open_layer(path)
    assert len(lyr.gdf) == 1 and not lyr.gdf.has_z.any()
    text = " ".join(lyr.provenance.warnings)
    assert "3-D" in text and "no geometry" in text


def test_datum_gcj02(tmp_path):
    from jjjmap.geo.datum import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(np.array([116.3975]), np.array([39.9087]))
    path = tmp_path / "g.csv"
    pd.DataFrame({"lon": glon, "lat": glat}).to_csv(path, index=False)
    (lyr,) = open_layer(path, datum="gcj02")
    assert _distances_m(lyr.gdf, fx.KNOWN[:1]).max() < 1.0
    (raw,) = open_layer(path)
    assert _distances_m(raw.gdf, fx.KNOWN[:1]).max() > 100


def test_cgcs2000_geographic(tmp_path):
    gdf = fx.points_gdf().set_crs(4490, allow_override=True)
    path = tmp_path / "c.gpkg"
    gdf.to_file(path, engine="pyogrio")
    (lyr,) = open_layer(path)
    assert _distances_m(lyr.gdf, fx.KNOWN).max() < 1.0
    assert "4490" in lyr.provenance.crs_read


def test_a_big_csv_reads_every_point(tmp_path):
    """More rows than one slice of points_from_xy (50k): every point arrives, in order, at its
    coordinates. How fast a million are read, against pandas + geopandas: `python -m bench
    --only open_csv_1m`."""
    n = 120_000
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(113, 120, n).round(6), rng.uniform(36, 42, n).round(6)
    path = tmp_path / "big.csv"
    pd.DataFrame({"id": np.arange(n), "lon": lon, "lat": lat}).to_csv(path, index=False)
    (lyr,) = open_layer(path)
    assert len(lyr.gdf) == n
    assert (lyr.gdf["id"].to_numpy() == np.arange(n)).all()
    assert (lyr.gdf.geometry.x.to_numpy() == lon).all()
    assert (lyr.gdf.geometry.y.to_numpy() == lat).all()


def test_result_is_a_gdf_in_4326(tmp_path):
    (lyr,) = open_layer(fx.shapefile(tmp_path))
    assert isinstance(lyr.gdf, gpd.GeoDataFrame) and lyr.gdf.crs.to_epsg() == 4326
    assert isinstance(lyr.gdf.geometry[0], Point)


def test_zip_with_two_shapefiles(tmp_path):
    import zipfile

    a = fx.gbk_shapefile_4548(tmp_path, "a")
    fx.shapefile(tmp_path, "b")
    out = tmp_path / "multi.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted(tmp_path.iterdir()):
            if f.stem in ("a", "b"):
                zf.write(f, f"data/{f.name}")
    layers = open_layer(out)
    assert [lyr.title_en for lyr in layers] == ["multi:a", "multi:b"]
    assert layers[0].gdf["名称"][0] == "天安门广场"  # GBK detection inside the zip too
    (only,) = open_layer(f"{out}::a")
    assert only.provenance.reopen == {"layer": "a.shp"} and only.path == str(out)
    assert a.exists()


@pytest.mark.parametrize("epsg", [4527, 4547, 4548, 4498, 4508, 4490])
def test_cgcs2000_gauss_kruger_zones(tmp_path, epsg):
    path = tmp_path / f"z{epsg}.gpkg"
    fx.points_gdf(f"EPSG:{epsg}").to_file(path, engine="pyogrio")
    (lyr,) = open_layer(path)
    assert _distances_m(lyr.gdf, fx.KNOWN).max() < 1.0


def test_zone_prefix_hint_without_prj(tmp_path):
    from jjjmap.io import LayerLoadError

    path = tmp_path / "zone39.shp"
    fx.points_gdf("EPSG:4527").to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()
    with pytest.raises(LayerLoadError, match="EPSG:4527"):
        open_layer(path)
    (lyr,) = open_layer(path, crs="EPSG:4527")
    assert _distances_m(lyr.gdf, fx.KNOWN).max() < 1.0


def test_datum_bd09(tmp_path):
    from jjjmap.geo.datum import wgs84_to_bd09

    blon, blat = wgs84_to_bd09(np.array([k[0] for k in fx.KNOWN]),
                               np.array([k[1] for k in fx.KNOWN]))
    path = tmp_path / "baidu.csv"
    pd.DataFrame({"lng": blon, "lat": blat}).to_csv(path, index=False)
    (lyr,) = open_layer(path, datum="bd09")
    assert _distances_m(lyr.gdf, fx.KNOWN).max() < 1.0
    assert any("BD-09" in w for w in lyr.provenance.warnings)
    assert lyr.provenance.reopen == {"datum": "bd09"}
