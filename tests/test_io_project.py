"""Project files: round trip, moved data, damaged files, and saves that survive SIGKILL."""
import json
import random
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import fixtures_io as fx
from jjjmap.io import ProjectFileError, open_layer
from jjjmap.io.project import load_project, save_project
from jjjmap.model import MapDocument, Style


def _doc(tmp_path) -> MapDocument:
    doc = MapDocument(title="京津冀 test", basemap="osm", lang="zh")
    doc.set_view(39.5, 116.8, 9)
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    for lyr in open_layer(fx.two_layer_gpkg(data)) + open_layer(fx.mixed_geojson(data)):
        doc.add_layer(lyr)
    roads = doc.layers[1]
    doc.set_style(roads.id, Style(color="#ff0000", weight=3, tooltip_fields=["road"]))
    doc.set_opacity(roads.id, 0.4)
    doc.set_visible(doc.layers[0].id, False)
    doc.set_filter(doc.layers[0].id, "name", ["天津站"])
    return doc


def _summary(doc):
    return [(lyr.title_en, lyr.visible, lyr.opacity, lyr.style.to_dict(), lyr.filter,
             len(lyr.gdf), lyr.provenance.part) for lyr in doc.layers]


def test_round_trip(tmp_path):
    doc = _doc(tmp_path)
    proj = save_project(doc, tmp_path / "my.jjjmap")
    data = json.loads(proj.read_text(encoding="utf-8"))
    assert data["format"] == "jjjmap-project" and data["version"] == 1
    assert data["layers"][0]["path"] == "data/two.gpkg"  # relative to the project
    assert data["layers"][1]["open"] == {"layer": "roads"}
    back = load_project(proj)
    assert (back.title, back.basemap, back.lang) == (doc.title, doc.basemap, doc.lang)
    assert (back.view.lat, back.view.lon, back.view.zoom) == (39.5, 116.8, 9)
    assert _summary(back) == _summary(doc)


def test_project_folder_can_move(tmp_path):
    save_project(_doc(tmp_path), tmp_path / "p.jjjmap")
    moved = tmp_path.parent / (tmp_path.name + "_moved")
    shutil.copytree(tmp_path, moved)
    shutil.rmtree(tmp_path / "data")
    back = load_project(moved / "p.jjjmap")
    assert len(back.layers) == 5
    assert all(str(moved) in lyr.path for lyr in back.layers)


def test_missing_file_asks_resolver(tmp_path):
    save_project(_doc(tmp_path), tmp_path / "p.jjjmap")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(tmp_path / "data" / "two.gpkg", elsewhere / "two.gpkg")
    asked = []

    def resolve(missing):
        asked.append(missing)
        return elsewhere / Path(missing).name

    back = load_project(tmp_path / "p.jjjmap", resolve_missing=resolve)
    assert asked == [str(tmp_path / "data" / "two.gpkg")]  # asked once for both layers
    assert len(back.layers) == 5

    skipped = load_project(tmp_path / "p.jjjmap", resolve_missing=lambda p: None)
    assert [lyr.provenance.layer_name for lyr in skipped.layers] == [None, None, None]
    with pytest.raises(ProjectFileError, match="two.gpkg"):
        load_project(tmp_path / "p.jjjmap")


def test_builtin_layers_saved_by_key(tmp_path, monkeypatch):
    import types

    import geopandas as gpd
    from shapely.geometry import Point

    from jjjmap.model import Layer

    def load_layer(key):
        gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(116, 39)], crs=4326)
        return Layer(gdf=gdf, title_en=f"builtin {key}", kind="boundary", group="boundaries",
                     builtin=key)

    fake = types.ModuleType("jjjmap.catalog")
    fake.load_layer = load_layer
    fake.LAYER_KEYS = ("counties",)   # a project names only keys the catalog has
    monkeypatch.setitem(sys.modules, "jjjmap.catalog", fake)
    import jjjmap

    monkeypatch.setattr(jjjmap, "catalog", fake, raising=False)
    doc = MapDocument()
    doc.add_layer(load_layer("counties"))
    doc.layers[0].opacity = 0.25
    save_project(doc, tmp_path / "b.jjjmap")
    entry = json.loads((tmp_path / "b.jjjmap").read_text())["layers"][0]
    assert entry["builtin"] == "counties" and entry["path"] is None
    back = load_project(tmp_path / "b.jjjmap")
    assert back.layers[0].builtin == "counties" and back.layers[0].opacity == 0.25


@pytest.mark.parametrize("content,needle", [
    (b"", "not valid JSON"),
    (b"{\"format\": \"jjjmap-project\", \"version\": 1, \"layers\": [", "not valid JSON"),
    (b"\xff\xfe garbage", "not valid JSON"),
    (b"[1, 2]", "not a jjjmap project"),
    (b"{\"format\": \"something\"}", "not a jjjmap project"),
    (b"{\"format\": \"jjjmap-project\", \"version\": 99, \"layers\": []}", "newer jjjmap"),
    (b"{\"format\": \"jjjmap-project\", \"version\": \"x\"}", "version"),
    (b"{\"format\": \"jjjmap-project\", \"version\": 1, \"layers\": {}}", "damaged"),
    (b"{\"format\": \"jjjmap-project\", \"version\": 1, \"layers\": [{\"title\": \"t\"}]}",
     "neither"),
])
def test_damaged_projects(tmp_path, content, needle):
    p = tmp_path / "bad.jjjmap"
    p.write_bytes(content)
    with pytest.raises(ProjectFileError) as info:
        load_project(p)
    assert "bad.jjjmap" in str(info.value) and needle in str(info.value)


def test_missing_project_and_unwritable_folder(tmp_path):
    with pytest.raises(ProjectFileError, match="does not exist"):
        load_project(tmp_path / "none.jjjmap")
    with pytest.raises(ProjectFileError, match="Cannot save"):
        save_project(MapDocument(), tmp_path / "no" / "such" / "dir.jjjmap")


_SAVER = textwrap.dedent("""
    import sys
    from jjjmap.io.project import save_project
    from jjjmap.model import MapDocument
    path = sys.argv[1]
    docs = [MapDocument(title="old " + "x" * 20000), MapDocument(title="new " + "y" * 20000)]
    print("ready", flush=True)
    i = 0
    while True:
        save_project(docs[i % 2], path)
        print("saved", flush=True)
        i += 1
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_saves_survive_sigkill(tmp_path):
    path = tmp_path / "crash.jjjmap"
    save_project(MapDocument(title="old " + "x" * 20000), path)
    rng = random.Random(5)
    for _ in range(10):
        proc = subprocess.Popen([sys.executable, "-c", _SAVER, str(path)], stdout=subprocess.PIPE,
                                text=True)
        try:
            assert proc.stdout.readline().strip() == "ready"
            # killed after a random number of finished saves: in the middle of another one
            for _ in range(rng.randint(1, 30)):
                assert proc.stdout.readline().strip() == "saved"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            proc.stdout.close()
        doc = load_project(path)
        assert doc.title.split()[0] in ("old", "new")
        assert len(doc.title) == 20004  # never a torn or half-written file
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != path.name]
    assert all(name.endswith(".tmp") for name in leftovers)  # only orphaned temp files


def test_real_catalog_and_custom_layers_together(tmp_path):
    from jjjmap import catalog

    doc = MapDocument()
    doc.add_layer(catalog.load_layer("provinces"))
    for lyr in open_layer(fx.bom_csv(tmp_path)):
        doc.add_layer(lyr)
    doc.set_style(doc.layers[0].id, Style(color="#00aa00"))
    save_project(doc, tmp_path / "mix.jjjmap")
    back = load_project(tmp_path / "mix.jjjmap")
    assert back.layers[0].builtin == "provinces"
    assert back.layers[0].style.color == "#00aa00"
    assert back.layers[1].gdf["名称"][0] == "天安门广场"


def test_unknown_style_option_is_dropped(tmp_path):
    save_project(_doc(tmp_path), tmp_path / "p.jjjmap")
    data = json.loads((tmp_path / "p.jjjmap").read_text(encoding="utf-8"))
    data["layers"][1]["style"]["glow"] = True
    (tmp_path / "p.jjjmap").write_text(json.dumps(data), encoding="utf-8")
    back = load_project(tmp_path / "p.jjjmap")
    assert back.layers[1].style.color == "#ff0000"
