"""Files GDAL reads that jjjmap refused or misread (issue 17, items 2, 3 and 6).

All data here is invented for the tests and written by the tests themselves.
"""
import contextlib
import json
import math
import struct
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from pyogrio.raw import write as raw_write
from pyproj import Transformer
from shapely.geometry import Point

from jjjmap.io import LayerLoadError, describe, open_layer
from jjjmap.io.crs import _gk_hint
from jjjmap.io.errors import MAX_MESSAGE

FEATURES = [{"type": "Feature", "properties": {"name": f"站{i}", "n": i},
             "geometry": {"type": "Point", "coordinates": [116.3 + i / 10, 39.9]}}
            for i in range(3)]


@pytest.mark.parametrize("name,rs", [("a.geojsons", True), ("a.geojsonl", False),
                                     ("a.seq", True), ("a.geojson", True), ("a.geojson", False)])
def test_geojson_text_sequences_give_every_feature(tmp_path, name, rs):
    path = tmp_path / name
    sep = "\x1e" if rs else ""
    path.write_text("".join(sep + json.dumps(f, ensure_ascii=False) + "\n" for f in FEATURES),
                    encoding="utf-8")
    (lyr,) = open_layer(path)
    assert list(lyr.gdf["name"]) == ["站0", "站1", "站2"]
    assert describe(path)["format"] == "geojsonseq"


def test_an_ordinary_feature_collection_is_still_geojson(tmp_path):
    path = tmp_path / "fc.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": FEATURES}), "utf-8")
    assert describe(path)["format"] == "geojson"
    assert len(open_layer(path)[0].gdf) == 3


POINTS = [Point(116.3, 39.9), Point(117.2, 39.1)]


def test_plain_parquet_with_a_wkb_column(tmp_path):
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"name": ["海淀", "天津"], "geometry": shapely.to_wkb(POINTS)}), path)
    assert b"geo" not in (pq.read_schema(path).metadata or {})
    (lyr,) = open_layer(path)
    assert lyr.gdf.geometry.x.round(6).tolist() == [116.3, 117.2]
    assert list(lyr.gdf["name"]) == ["海淀", "天津"]
    assert any("no GeoParquet metadata" in w for w in lyr.provenance.warnings)
    assert any("WGS-84 (EPSG:4326) was assumed" in w for w in lyr.provenance.warnings)


def test_duckdb_style_geom_column(tmp_path):
    path = tmp_path / "duck.parquet"
    pq.write_table(pa.table({"id": [1, 2], "geom": shapely.to_wkb(POINTS)}), path)
    (lyr,) = open_layer(path)
    assert list(lyr.gdf["id"]) == [1, 2] and len(lyr.gdf) == 2


def test_geoarrow_wkb_field_with_its_crs(tmp_path):
    to_gk = Transformer.from_crs(4326, 4548, always_xy=True)   # CGCS2000 GK CM 117E
    wkb = shapely.to_wkb([Point(*to_gk.transform(p.x, p.y)) for p in POINTS])
    field = pa.field("geometry", pa.binary(), metadata={
        b"ARROW:extension:name": b"geoarrow.wkb",
        b"ARROW:extension:metadata": json.dumps({"crs": "EPSG:4548"}).encode()})
    table = pa.Table.from_arrays([pa.array(["a", "b"]), pa.array(wkb, pa.binary())],
                                 schema=pa.schema([pa.field("name", pa.string()), field]))
    path = tmp_path / "geoarrow.parquet"
    pq.write_table(table, path)
    (lyr,) = open_layer(path)
    assert lyr.gdf.geometry.x.round(6).tolist() == [116.3, 117.2]
    assert lyr.gdf.geometry.y.round(6).tolist() == [39.9, 39.1]
    assert "4548" in lyr.provenance.crs_read


def test_real_geoparquet_still_goes_through_geopandas(tmp_path):
    path = tmp_path / "geo.parquet"
    gpd.GeoDataFrame({"v": [1, 2]}, geometry=POINTS, crs=4326).to_parquet(path)
    (lyr,) = open_layer(path)
    assert lyr.provenance.warnings == [] and list(lyr.gdf["v"]) == [1, 2]


def test_a_gpx_track_of_identical_points_is_kept_as_a_point(tmp_path):
    path = tmp_path / "walk.gpx"
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1">'
        '<trk><name>still</name><trkseg><trkpt lat="39.9" lon="116.4"/>'
        '<trkpt lat="39.9" lon="116.4"/><trkpt lat="39.9" lon="116.4"/></trkseg></trk>'
        '<trk><name>moving</name><trkseg><trkpt lat="39.9" lon="116.4"/>'
        '<trkpt lat="39.95" lon="116.45"/></trkseg></trk></gpx>', encoding="utf-8")
    layers = {lyr.title_en: lyr for lyr in open_layer(path)}
    assert list(layers["walk:tracks (points)"].gdf["name"]) == ["still"]
    assert list(layers["walk:tracks (lines)"].gdf["name"]) == ["moving"]
    point = layers["walk:tracks (points)"].gdf.geometry.iloc[0]
    assert (point.x, point.y) == (116.4, 39.9)


def test_a_geopackage_layer_without_crs_does_not_cost_the_others(tmp_path):
    path = tmp_path / "mixed.gpkg"
    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(116.4, 39.9)], crs=4326).to_file(
        path, layer="good", engine="pyogrio")
    with pytest.warns(UserWarning):   # pyogrio: 'crs' was not provided
        gpd.GeoDataFrame({"n": [2]}, geometry=[Point(500000, 4400000)]).to_file(
            path, layer="nocrs", engine="pyogrio")
    (lyr,) = open_layer(path)
    assert lyr.title_en == "mixed:good"
    assert any("'nocrs' was not opened" in w and "EPSG:4548" in w for w in lyr.provenance.warnings)
    with pytest.raises(LayerLoadError, match="coordinate reference system"):
        open_layer(path, layer="nocrs")


@pytest.mark.parametrize("bounds,expected", [
    ((39_500_000, 4_400_000, 39_600_000, 4_500_000), "zone 39: EPSG:4527"),
    ((20_400_000, 4_400_000, 20_600_000, 4_500_000), "zone 20: EPSG:4498"),
    ((400_000, 4_400_000, 600_000, 4_500_000), "EPSG:4548"),
    ((400_000, 6_500_000, 600_000, 6_600_000), "UTM"),        # north of China: not GK
    ((39_500_000, 7_400_000, 39_600_000, 7_500_000), None),   # GK prefix, northing not China
    ((5.0, 5.0, 6.0, 6.0), None)])
def test_missing_crs_hint_fits_the_numbers(bounds, expected):
    hint = _gk_hint(bounds)
    if expected is None:
        assert hint == ""
    else:
        assert expected in hint
        if expected == "UTM":
            assert "Gauss" not in hint


def test_messages_name_no_exception_class_and_stay_short(tmp_path):
    path = tmp_path / "many.gpkg"
    for i in range(40):
        gpd.GeoDataFrame({"n": [i]}, geometry=[Point(116.4, 39.9)], crs=4326).to_file(
            path, layer=f"layer_number_{i}", engine="pyogrio")
    with pytest.raises(LayerLoadError) as info:
        open_layer(path, layer="missing")
    text = str(info.value)
    assert "many.gpkg" in text and "and 30 more" in text and len(text) <= MAX_MESSAGE
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feat', "utf-8")
    with pytest.raises(LayerLoadError) as info:
        open_layer(broken)
    for name in ("Error", "Exception", "DataSourceError", "ValueError"):
        assert name not in str(info.value).replace("GDAL says", "")


def test_convert_writes_arrays_and_objects_as_json_text(tmp_path):
    """DataV/GeoAtlas boundary files carry center, centroid, parent and acroutes."""
    src = tmp_path / "datav.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {
            "adcode": 500000, "name": "重庆市", "center": [106.504962, 29.533155],
            "parent": {"adcode": 100000}, "acroutes": [100000]},
        "geometry": {"type": "Point", "coordinates": [106.5, 29.53]}}]}, ensure_ascii=False),
        encoding="utf-8")
    for out in ("o.gpkg", "o.shp"):
        result = subprocess.run([sys.executable, "-m", "jjjmap", "convert", str(src),
                                 str(tmp_path / out)], capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
        back = pyogrio.read_dataframe(tmp_path / out)
        assert json.loads(back["center"][0]) == [106.504962, 29.533155]
        assert json.loads(back["parent"][0]) == {"adcode": 100000}
        assert json.loads(back["acroutes"][0]) == [100000]
        assert back["name"][0] == "重庆市"


# -- curves and surfaces (WKT in tables; TIN and MultiPatch from GDAL) ----------------------


def test_wkt_curves_in_a_csv_are_linearised(tmp_path):
    path = tmp_path / "curves.csv"
    path.write_text(
        'name,wkt\n'
        'arc,"CIRCULARSTRING(116 39, 116.5 39.5, 117 39)"\n'
        'comp,"COMPOUNDCURVE(CIRCULARSTRING(116 39,116.5 39.5,117 39),(117 39,117.5 39))"\n'
        'disc,"CURVEPOLYGON(CIRCULARSTRING(116 39, 116.5 39.5, 117 39, 116.5 38.5, 116 39))"\n'
        'ms,"MULTISURFACE(CURVEPOLYGON(CIRCULARSTRING(116 39, 116.5 39.5, 117 39, 116.5 38.5, '
        '116 39)),((118 39,119 39,119 40,118 39)))"\n'
        'plain,"POLYGON((118 41,119 41,119 42,118 41))"\n', encoding="utf-8")
    layers = {lyr.title_en: lyr for lyr in open_layer(path)}
    lines = layers["curves (lines)"].gdf.set_index("name").geometry
    polys = layers["curves (polygons)"].gdf.set_index("name").geometry
    # a half circle of radius 0.5: pi/2 long; chords of 4 degrees lose at most 0.03 %
    assert lines["arc"].length == pytest.approx(math.pi / 2, rel=3e-4)
    assert lines["comp"].length == pytest.approx(math.pi / 2 + 0.5, rel=3e-4)
    assert polys["disc"].area == pytest.approx(math.pi * 0.25, rel=1e-3)
    assert polys["ms"].area == pytest.approx(math.pi * 0.25 + 0.5, rel=1e-3)
    assert polys["plain"].area == pytest.approx(0.5)
    assert any("Linearised 4 curve" in w for w in layers["curves (lines)"].provenance.warnings)


def _tin_wkb():
    """A TIN Z of two triangles covering the unit square at (116, 39), written by hand."""
    def triangle(*pts):
        pts = list(pts) + [pts[0]]
        return struct.pack("<BIII", 1, 1017, 1, len(pts)) + b"".join(
            struct.pack("<ddd", *p) for p in pts)
    return struct.pack("<BII", 1, 1016, 2) + triangle((116, 39, 0), (117, 39, 0), (116, 40, 5)) \
        + triangle((117, 39, 0), (117, 40, 0), (116, 40, 5))


@pytest.mark.parametrize("name,driver,options", [("tin.gpkg", "GPKG", {}),
                                                 ("patch.shp", "ESRI Shapefile",
                                                  {"SHPT": "MULTIPATCH"})])
def test_tin_and_multipatch_become_polygons(tmp_path, name, driver, options):
    path = tmp_path / name
    with pytest.warns(RuntimeWarning) if driver == "GPKG" else contextlib.nullcontext():
        raw_write(path, geometry=np.array([_tin_wkb()], dtype=object),
                  field_data=[np.array(["roof"], dtype=object)], fields=["n"],
                  geometry_type="Unknown", crs="EPSG:4326", driver=driver,
                  layer_options=options)
    assert describe(path)["layers"][0]["feature_count"] == 1
    (lyr,) = open_layer(path)
    geom = lyr.gdf.geometry.iloc[0]
    assert geom.geom_type == "Polygon" and geom.area == pytest.approx(1.0)
    assert geom.bounds == (116.0, 39.0, 117.0, 40.0)
    assert any("TIN" in w for w in lyr.provenance.warnings)

