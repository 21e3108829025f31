"""Every failure a user can hit is a LayerLoadError naming the file and the problem."""
import os
import zipfile

import pandas as pd
import pytest

import fixtures_io as fx
from jjjmap.io import LayerLoadError, open_layer


def _fails(path, *needles, **kwargs):
    with pytest.raises(LayerLoadError) as info:
        open_layer(path, **kwargs)
    msg = str(info.value)
    name = os.path.basename(str(path).split("::")[0])
    assert name in msg, msg
    for needle in needles:
        assert needle.lower() in msg.lower(), msg
    return info.value


def test_missing_path(tmp_path):
    _fails(tmp_path / "nope.shp", "does not exist")


def test_directory(tmp_path):
    d = tmp_path / "folder.shp"
    d.mkdir()
    _fails(d, "folder")


def test_missing_shx(tmp_path):
    shp = fx.shapefile(tmp_path)
    shp.with_suffix(".shx").unlink()
    _fails(shp, ".shx", "missing")


def test_missing_dbf(tmp_path):
    shp = fx.shapefile(tmp_path)
    shp.with_suffix(".dbf").unlink()
    _fails(shp, ".dbf", "missing")


def test_sidecar_opened_directly(tmp_path):
    shp = fx.shapefile(tmp_path)
    _fails(shp.with_suffix(".dbf"), ".shp")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.geojson"
    p.write_bytes(b"")
    _fails(p, "empty")


def test_csv_header_only(tmp_path):
    p = tmp_path / "header.csv"
    p.write_text("lon,lat,name\n")
    _fails(p, "no data rows")


def test_geojson_without_features(tmp_path):
    p = tmp_path / "nofeat.geojson"
    p.write_text('{"type":"FeatureCollection","features":[]}')
    _fails(p, "no features")


def test_truncated_shapefile(tmp_path):
    shp = fx.shapefile(tmp_path)
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) - 30])
    _fails(shp, "truncated")


def test_truncated_geojson(tmp_path):
    p = fx.geojson(tmp_path)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    _fails(p, "pts.geojson")


def test_corrupt_gpkg(tmp_path):
    p = fx.two_layer_gpkg(tmp_path)
    data = bytearray(p.read_bytes())
    data[100:4000] = b"\xff" * 3900
    p.write_bytes(bytes(data))
    _fails(p)


def test_csv_named_shp(tmp_path):
    p = tmp_path / "table.shp"
    p.write_text("lon,lat\n116.4,39.9\n")
    _fails(p, "shapefile", "csv", "rename")


def test_unsupported_format(tmp_path):
    p = tmp_path / "picture.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    _fails(p, "not in a supported format")
    p = tmp_path / "notes.docx"
    p.write_text("hello")
    _fails(p, "does not read")


def test_no_coordinate_columns_lists_columns(tmp_path):
    p = tmp_path / "plain.csv"
    pd.DataFrame({"城市": ["北京"], "人口": [2189]}).to_csv(p, index=False)
    _fails(p, "no coordinate columns", "城市", "人口")


def test_coordinates_out_of_range(tmp_path):
    p = tmp_path / "swapped.csv"
    pd.DataFrame({"lon": [39.9, 39.1], "lat": [116.4, 117.2]}).to_csv(p, index=False)
    _fails(p, "out of range")
    g = tmp_path / "bad4326.geojson"
    g.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
                 '"geometry":{"type":"Point","coordinates":[450000,4400000]}}]}')
    _fails(g, "out of range")


def test_projected_without_crs_asks_for_crs(tmp_path):
    shp = fx.gbk_shapefile_4548(tmp_path)
    shp.with_suffix(".prj").unlink()
    err = _fails(shp, "--crs", "CRS picker", "EPSG:4548")
    assert err.path == str(shp)


def test_bad_crs_option(tmp_path):
    _fails(fx.bom_csv(tmp_path), "not known", crs="EPSG:999999")


def test_bad_datum_option(tmp_path):
    _fails(fx.bom_csv(tmp_path), "datum", datum="wgs72")


def test_unknown_gpkg_layer(tmp_path):
    p = fx.two_layer_gpkg(tmp_path)
    _fails(f"{p}::lakes", "lakes", "cities", "roads")


def test_password_protected_zip(tmp_path):
    p = fx.zipped_shapefile(tmp_path)
    # mark members as encrypted (bit 0 of the flags) in both local and central headers
    data = bytearray(p.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i >= 0:
            data[i + off] |= 0x01
            i = data.find(sig, i + 4)
    p.write_bytes(bytes(data))
    _fails(p, "password")


def test_nested_zip(tmp_path):
    inner = fx.zipped_shapefile(tmp_path)
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(inner, inner.name)
    _fails(outer, "another archive", inner.name)


def test_zip_without_data(tmp_path):
    p = tmp_path / "docs.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("readme.md", "hi")
    _fails(p, "no map data")


def test_truncated_zip(tmp_path):
    p = fx.zipped_shapefile(tmp_path)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    _fails(p, "damaged")


def test_too_large_for_memory(tmp_path):
    p = fx.bom_csv(tmp_path)
    _fails(p, "too large", "MiB", memory_limit=100)


def test_unexpected_errors_are_wrapped(tmp_path, monkeypatch):
    import jjjmap.io.tables as tables

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(tables, "to_geodataframe", boom)
    err = _fails(fx.bom_csv(tmp_path), "kaboom")
    assert isinstance(err.__cause__, RuntimeError)
