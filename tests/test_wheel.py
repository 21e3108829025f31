"""The wheel ships the built-in data, and the catalog finds it there (not in the checkout).

Slow-ish (builds a wheel, a few seconds) but kept in the suite: it is the only check that
pyproject's package-dir mapping of jjjmap.geodata really puts geodata/ into the package.
"""
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OFFLINE_HINTS = ("No matching distribution", "Could not find a version", "NewConnectionError",
                 "Temporary failure in name resolution", "Network is unreachable")

PROBE = """
import json, sys
sys.path.insert(0, {site!r})
import jjjmap, jjjmap.catalog as catalog
layers = catalog.load_all()
doc = catalog.default_document()
print(json.dumps({{
    "jjjmap": jjjmap.__file__, "catalog": catalog.__file__,
    "data_root": str(catalog.data_root()),
    "counts": {{layer.builtin: len(layer.gdf) for layer in layers}},
    "doc_layers": len(doc.layers),
}}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src-copy"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", "build", "dist")
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, src / name)
    for name in ("src", "geodata", "resources"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, src / name, ignore=ignore)
    out = tmp / "dist"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q",
                           "-w", str(out)], capture_output=True, text=True, cwd=tmp)
    if proc.returncode != 0:
        if any(hint in proc.stdout + proc.stderr for hint in OFFLINE_HINTS):
            pytest.skip("cannot fetch the build backend (offline?)")
        pytest.fail(f"pip wheel failed:\n{proc.stdout}\n{proc.stderr}")
    wheels = list(out.glob("jjjmap-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_contains_geodata(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for stem in ("provinces", "prefectures", "counties", "xiongan"):
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            assert f"jjjmap/geodata/boundaries/{stem}{ext}" in names
    for name in ("sector_clusters.csv", "relocated_institutions.csv", "SOURCES.md", "__init__.py"):
        assert f"jjjmap/geodata/{name}" in names
    assert "jjjmap/catalog.py" in names


def test_wheel_contains_compiled_translations(wheel):
    """The committed .qm (tests/test_translations.py: it is the .ts compiled) is in the wheel,
    which needs no lrelease to build."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "jjjmap/resources/translations/jjjmap_zh_CN.ts" in names
    qm = zipfile.ZipFile(wheel).read("jjjmap/resources/translations/jjjmap_zh_CN.qm")
    assert qm[:16] == bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")   # the .qm magic
    assert "图层".encode("utf-16-be") in qm
    assert qm == (REPO / "resources" / "translations" / "jjjmap_zh_CN.qm").read_bytes()


def test_installed_wheel_loads_all_layers(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    # -I: no PYTHONPATH, no user site, no current directory on sys.path; the probe puts the
    # unpacked wheel first, so neither the checkout nor the editable install can answer.
    proc = subprocess.run([sys.executable, "-I", "-c", PROBE.format(site=str(site))],
                          capture_output=True, text=True, cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("jjjmap", "catalog", "data_root"):
        assert Path(info[key]).resolve().is_relative_to(site.resolve()), (key, info[key])
    assert info["counts"] == {"counties": 199, "prefectures": 13, "provinces": 3, "xiongan": 1,
                              "sector_clusters": 43, "relocated_institutions": 28}
    assert info["doc_layers"] == 6
