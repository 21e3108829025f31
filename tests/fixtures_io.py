"""Small data files for the io tests, built in code (no downloads)."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

# (lon, lat, name) in WGS-84
KNOWN = [
    (116.3975, 39.9087, "天安门广场"),
    (117.2008, 39.0842, "天津站"),
    (114.5149, 38.0428, "石家庄"),
    (115.4646, 38.8739, "保定"),
]


def gbk_shapefile_4548(folder: Path, name: str = "places") -> Path:
    """GBK-encoded points in CGCS2000 / 3-degree GK CM 117E, with the .cpg deleted."""
    tr = Transformer.from_crs(4326, 4548, always_xy=True)
    geoms = [Point(*tr.transform(lon, lat)) for lon, lat, _ in KNOWN]
    gdf = gpd.GeoDataFrame({"名称": [n for *_, n in KNOWN], "编号": range(len(KNOWN))},
                           geometry=geoms, crs="EPSG:4548")
    path = folder / f"{name}.shp"
    gdf.to_file(path, encoding="gbk", engine="pyogrio")
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        cpg.unlink()
    return path


def points_gdf(crs="EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [n for *_, n in KNOWN], "value": [1.5, 2.0, 3.25, 4.0]},
                            geometry=[Point(lon, lat) for lon, lat, _ in KNOWN], crs="EPSG:4326"
                            ).to_crs(crs)


def shapefile(folder: Path, name: str = "pts") -> Path:
    path = folder / f"{name}.shp"
    points_gdf().to_file(path, engine="pyogrio", encoding="UTF-8")
    return path


def zipped_shapefile(folder: Path, name: str = "zipped") -> Path:
    src = folder / "_src"
    src.mkdir(exist_ok=True)
    shp = shapefile(src, name)
    out = folder / f"{name}.shp.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(src.iterdir()):
            if f.stem == shp.stem:
                zf.write(f, f"{name}/{f.name}")
    return out


def bom_csv(folder: Path) -> Path:
    path = folder / "sites.csv"
    df = pd.DataFrame({"名称": [n for *_, n in KNOWN], "经度": [k[0] for k in KNOWN],
                       "纬度": [k[1] for k in KNOWN]})
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def geojson(folder: Path, name: str = "pts") -> Path:
    path = folder / f"{name}.geojson"
    points_gdf().to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def two_layer_gpkg(folder: Path) -> Path:
    path = folder / "two.gpkg"
    points_gdf().to_file(path, layer="cities", driver="GPKG", engine="pyogrio")
    roads = gpd.GeoDataFrame({"road": ["G1", "G2"]},
                             geometry=[LineString([(116.4, 39.9), (117.2, 39.1)]),
                                       LineString([(116.4, 39.9), (114.5, 38.0)])],
                             crs="EPSG:4326").to_crs(3857)
    roads.to_file(path, layer="roads", driver="GPKG", engine="pyogrio")
    return path


KML_TEXT = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>test</name>
<Placemark><name>天安门</name><Point><coordinates>116.3975,39.9087,0</coordinates></Point></Placemark>
<Placemark><name>天津</name><Point><coordinates>117.2008,39.0842,0</coordinates></Point></Placemark>
</Document></kml>
"""


def kml(folder: Path) -> Path:
    path = folder / "marks.kml"
    path.write_text(KML_TEXT, encoding="utf-8")
    return path


def mixed_geojson(folder: Path) -> Path:
    path = folder / "mixed.geojson"
    gdf = gpd.GeoDataFrame(
        {"kind": ["pt", "mpoly", "line", "poly"]},
        geometry=[Point(116.4, 39.9),
                  MultiPolygon([Polygon([(116, 39), (116.1, 39), (116.1, 39.1)])]),
                  LineString([(116, 39), (117, 40)]),
                  Polygon([(117, 39), (117.1, 39), (117.1, 39.1)])],
        crs="EPSG:4326")
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def invalid_polygon_geojson(folder: Path) -> Path:
    path = folder / "bowtie.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                    '{"id":1},"geometry":{"type":"Polygon","coordinates":[[[116,39],[117,40],'
                    '[117,39],[116,40],[116,39]]]}}]}', encoding="utf-8")
    return path


def gpx(folder: Path) -> Path:
    path = folder / "walk.gpx"
    path.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t" '
                    'xmlns="http://www.topografix.com/GPX/1/1">'
                    '<wpt lat="39.9" lon="116.4"><name>a</name></wpt>'
                    '<trk><name>t</name><trkseg><trkpt lat="39.9" lon="116.4"/>'
                    '<trkpt lat="39.95" lon="116.45"/></trkseg></trk></gpx>', encoding="utf-8")
    return path


def valid_files(folder: Path) -> dict[str, Path]:
    """One small valid file per format, for mutation fuzzing."""
    folder.mkdir(parents=True, exist_ok=True)
    return {"shp": shapefile(folder), "geojson": geojson(folder), "gpkg": two_layer_gpkg(folder),
            "csv": bom_csv(folder), "kml": kml(folder), "zip": zipped_shapefile(folder)}


def file_size(path: Path) -> int:
    return os.path.getsize(path)
