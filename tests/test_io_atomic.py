"""`convert` and layer exports never lose data (issue 20, items 6 and 14): the output is never
the input, it replaces an existing file only when complete, and colliding layer names all
arrive under unique names. Test data is invented (fixtures_io)."""
import os
import subprocess
import sys

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point

import fixtures_io as fx
from jjjmap.io import LayerExportError, convert, open_layer, write_layer


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("spelling", ["same", "symlink", "hardlink", "dotted"])
def test_convert_refuses_output_that_is_the_input(tmp_path, spelling):
    src = fx.two_layer_gpkg(tmp_path)
    out = {"same": src, "symlink": tmp_path / "link.gpkg", "hardlink": tmp_path / "hard.gpkg",
           "dotted": tmp_path / "sub" / ".." / src.name}[spelling]
    if spelling == "symlink":
        out.symlink_to(src)
    elif spelling == "hardlink":
        os.link(src, out)
    elif spelling == "dotted":
        (tmp_path / "sub").mkdir()
    before = _snapshot(tmp_path)
    with pytest.raises(LayerExportError, match="input"):
        convert(src, out)
    assert _snapshot(tmp_path) == before


def test_convert_refuses_shapefile_onto_itself_or_its_sidecar_family(tmp_path):
    shp = fx.shapefile(tmp_path, "pts")
    before = _snapshot(tmp_path)
    with pytest.raises(LayerExportError, match="input"):
        convert(shp, shp)
    with pytest.raises(LayerExportError, match="input"):
        convert(shp, tmp_path / "." / "pts.shp")
    assert _snapshot(tmp_path) == before


def _old_output(tmp_path):
    out = tmp_path / "out.gpkg"
    fx.points_gdf().to_file(out, layer="old", driver="GPKG", engine="pyogrio")
    return out


def test_failed_multilayer_gpkg_convert_keeps_the_old_file(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    src = fx.two_layer_gpkg(tmp_path / "in")
    out = _old_output(tmp_path)
    before = out.read_bytes()
    real = pyogrio.write_dataframe
    calls = []

    def disk_full_on_second_layer(*args, **kwargs):
        calls.append(kwargs.get("layer"))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", disk_full_on_second_layer)
    with pytest.raises(LayerExportError, match="out.gpkg"):
        convert(src, out)
    assert calls == ["cities", "roads"]
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.gpkg"]   # no leftovers


KILL_SCRIPT = r"""
import os, signal, sys
import pyogrio
from jjjmap.io import convert
real = pyogrio.write_dataframe
def write_then_die(*args, **kwargs):
    real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)   # killed after GDAL wrote part of the output
pyogrio.write_dataframe = write_then_die
convert(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("target", ["out.gpkg", "out.shp"])
def test_sigkill_during_convert_leaves_the_old_output_whole(tmp_path, target):
    (tmp_path / "in").mkdir()
    src = fx.two_layer_gpkg(tmp_path / "in") if target == "out.gpkg" else \
        fx.geojson(tmp_path / "in")
    out = tmp_path / target
    old = fx.points_gdf().iloc[:2]
    old.to_file(out, driver="GPKG" if target == "out.gpkg" else "ESRI Shapefile",
                engine="pyogrio")
    family = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(src), str(out)],
                          capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == family
    (layer,) = open_layer(out)
    assert len(layer.gdf) == 2


def test_shapefile_output_replaces_every_sidecar_and_drops_a_stale_index(tmp_path):
    out = tmp_path / "out.shp"
    fx.points_gdf().iloc[:1].to_file(out, engine="pyogrio")
    (tmp_path / "out.qix").write_bytes(b"stale spatial index of the old file")
    (tmp_path / "out.notes.txt").write_text("the user's own file")   # not a sidecar: kept
    write_layer(fx.points_gdf(), out)
    (layer,) = open_layer(out)
    assert len(layer.gdf) == len(fx.KNOWN)
    assert not (tmp_path / "out.qix").exists()
    assert (tmp_path / "out.notes.txt").read_text() == "the user's own file"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_existing_output_keeps_its_mode_new_output_honours_umask(tmp_path):
    out = tmp_path / "keep.geojson"
    write_layer(fx.points_gdf(), out)
    os.chmod(out, 0o640)
    write_layer(fx.points_gdf(), out)
    assert out.stat().st_mode & 0o777 == 0o640
    old = os.umask(0o027)
    try:
        new = tmp_path / "new.geojson"
        write_layer(fx.points_gdf(), new)
    finally:
        os.umask(old)
    assert new.stat().st_mode & 0o777 == 0o640   # 0666 & ~0027


def _colliding_gpkg(folder):
    path = folder / "roads.gpkg"
    a = gpd.GeoDataFrame({"n": [1]}, geometry=[LineString([(116.4, 39.9), (116.5, 39.95)])],
                         crs=4326)
    b = gpd.GeoDataFrame({"n": [2, 3]}, geometry=[Point(116.4, 39.9), Point(116.5, 39.9)],
                         crs=4326)
    a.to_file(path, layer="main road", driver="GPKG", engine="pyogrio")
    b.to_file(path, layer="main_road", driver="GPKG", engine="pyogrio")
    return path


@pytest.mark.parametrize("ext", [".gpkg", ".geojson"])
def test_colliding_layer_names_are_all_written(tmp_path, ext):
    src = _colliding_gpkg(tmp_path)
    written = convert(src, tmp_path / f"out{ext}")
    if ext == ".gpkg":
        assert written == [tmp_path / "out.gpkg"]
        names = sorted(str(n) for n, _ in pyogrio.list_layers(written[0]))
        assert names == ["main_road", "main_road_2"]
        counts = sorted(len(pyogrio.read_dataframe(written[0], layer=n)) for n in names)
    else:
        assert sorted(p.name for p in written) == ["out_main_road.geojson",
                                                   "out_main_road_2.geojson"]
        counts = sorted(len(pyogrio.read_dataframe(p)) for p in written)
    assert counts == [1, 2]
    notes: list[str] = []
    convert(src, tmp_path / f"again{ext}", notes=notes)
    assert notes == ["layer 'roads:main_road' written as 'main_road_2' ('main_road' was taken)"]


def test_cli_convert_reports_each_file_once_and_the_renaming(tmp_path):
    src = _colliding_gpkg(tmp_path)
    out = tmp_path / "out.gpkg"
    result = subprocess.run([sys.executable, "-m", "jjjmap", "convert", str(src), str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {out}"]
    assert "written as 'main_road_2'" in result.stderr
    same = subprocess.run([sys.executable, "-m", "jjjmap", "convert", str(src), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert same.returncode == 1 and "input file" in same.stderr
    assert len(same.stderr.strip().splitlines()) == 1
