"""write_layer, convert and describe."""
import json

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

import fixtures_io as fx
from jjjmap.io import (LayerExportError, LayerLoadError, convert, describe, format_description,
                       open_layer, write_layer)


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".shp", ".fgb"])
def test_write_round_trip(tmp_path, ext):
    gdf = fx.points_gdf()
    out = tmp_path / f"out{ext}"
    write_layer(gdf, out)
    (lyr,) = open_layer(out)
    assert sorted(lyr.gdf["name"]) == sorted(gdf["name"])
    assert not list(tmp_path.glob(".out-*"))  # no temporary file left behind


def test_shapefile_export_utf8_cpg_and_field_names(tmp_path):
    gdf = fx.points_gdf().rename(columns={"name": "很长的中文字段名称"})
    gdf["population_2020"] = 1
    gdf["population_2021"] = 2
    out = tmp_path / "long.shp"
    renamed = write_layer(gdf, out)
    assert out.with_suffix(".cpg").read_text().strip().upper() == "UTF-8"
    assert all(len(v.encode()) <= 10 for v in renamed.values())
    assert len(set(renamed.values())) == 3
    (lyr,) = open_layer(out)
    assert lyr.gdf[renamed["很长的中文字段名称"]][0] == "天安门广场"
    assert lyr.provenance.encoding.lower().replace("-", "") == "utf8"


def test_export_errors(tmp_path):
    mixed = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[Point(116, 39), LineString([(116, 39),
                                                                                  (117, 40)])],
                             crs=4326)
    with pytest.raises(LayerExportError, match="one geometry type"):
        write_layer(mixed, tmp_path / "m.shp")
    with pytest.raises(LayerExportError, match="unknown extension"):
        write_layer(mixed, tmp_path / "m.xyz")
    with pytest.raises(LayerExportError, match="does not exist"):
        write_layer(mixed, tmp_path / "no" / "m.gpkg")
    with pytest.raises(LayerExportError, match="m.gpkg"):
        write_layer("not a frame", tmp_path / "m.gpkg")


def test_convert(tmp_path):
    out = convert(fx.gbk_shapefile_4548(tmp_path), tmp_path / "c.geojson")
    data = json.loads(out[0].read_text(encoding="utf-8"))
    assert data["features"][0]["properties"]["名称"] == "天安门广场"
    outs = convert(fx.mixed_geojson(tmp_path), tmp_path / "parts.shp")
    assert sorted(p.name for p in outs) == ["parts_lines.shp", "parts_points.shp",
                                            "parts_polygons.shp"]
    (gp,) = convert(fx.two_layer_gpkg(tmp_path), tmp_path / "copy.gpkg")
    assert [lyr.provenance.layer_name for lyr in open_layer(gp)] == ["cities", "roads"]
    with pytest.raises(LayerLoadError):
        convert(tmp_path / "missing.csv", tmp_path / "x.gpkg")


def test_describe_vector_without_full_read(tmp_path):
    info = describe(fx.gbk_shapefile_4548(tmp_path))
    (lyr,) = info["layers"]
    assert lyr["feature_count"] == len(fx.KNOWN) and lyr["geometry_type"] == "Point"
    assert "4548" in lyr["crs"] or "4548" in lyr["crs_name"]
    assert {f["name"] for f in lyr["fields"]} == {"名称", "编号"}
    assert lyr["bounds"][0] > 1000  # source CRS is metres
    w = lyr["bounds_wgs84"]
    assert 114 < w[0] < 115 and 39 < w[3] < 40.1
    text = format_description(info)
    assert "places" in text and "名称" in text and "CGCS2000" in text


def test_describe_gpkg_csv_zip(tmp_path):
    assert [lyr["name"] for lyr in describe(fx.two_layer_gpkg(tmp_path))["layers"]] == [
        "cities", "roads"]
    (roads,) = describe(f"{fx.two_layer_gpkg(tmp_path)}::roads")["layers"]
    assert roads["geometry_type"] == "LineString"
    (csv,) = describe(fx.bom_csv(tmp_path))["layers"]
    assert csv["feature_count"] == len(fx.KNOWN)
    (z,) = describe(fx.zipped_shapefile(tmp_path))["layers"]
    assert z["feature_count"] == len(fx.KNOWN)
    assert "Features" in format_description(describe(fx.bom_csv(tmp_path)))


def test_describe_errors(tmp_path):
    with pytest.raises(LayerLoadError, match="nope.gpkg"):
        describe(tmp_path / "nope.gpkg")
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x01" * 200)
    with pytest.raises(LayerLoadError, match="bad.gpkg"):
        describe(bad)
