"""The desktop bundle: its metadata validates, and the built bundle runs with no Python.

The bundle tests (``-m bundle``) need a built bundle:
    packaging/build.sh && JJJMAP_BUNDLE=packaging/dist/jjjmap pytest -m bundle
They run its executable with a scrubbed environment (no virtualenv, no PYTHONPATH/PYTHONHOME,
cwd a temporary directory), so they fail if the bundle still leans on the build machine's
Python.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import time
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"
DESKTOP = PACKAGING / "jjjmap.desktop"
METAINFO = PACKAGING / "io.github.jjjmap.jjjmap.metainfo.xml"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
CHROMIUM = os.environ.get("JJJMAP_CHROMIUM", "/usr/bin/chromium")


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package})")
    return path


# --- metadata -------------------------------------------------------------------------------

def test_desktop_file_validates():
    tool = _tool("desktop-file-validate", "desktop-file-utils")
    run = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "error" not in out and "warning" not in out, out


def test_metainfo_validates():
    tool = _tool("appstreamcli", "appstream")
    run = subprocess.run([tool, "validate", "--no-net", "--pedantic", str(METAINFO)],
                         capture_output=True, text=True)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "\nE:" not in "\n" + out and "\nW:" not in "\n" + out, out


def test_desktop_file_metainfo_and_icons_agree():
    desktop = ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(DESKTOP, encoding="utf-8")
    entry = desktop["Desktop Entry"]
    meta = ET.parse(METAINFO).getroot()
    assert meta.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert meta.findtext("icon[@type='stock']") == entry["Icon"] == "jjjmap"
    assert meta.findtext("project_license") == "MIT"
    assert meta.findtext("provides/binary") == entry["Exec"].split()[0] == "jjjmap"
    assert "licen" in ET.tostring(meta.find("description"), encoding="unicode").lower()

    icons = PACKAGING / "icons" / "hicolor"
    svg = ET.parse(icons / "scalable/apps/jjjmap.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 256 256"
    for size in ICON_SIZES:
        png = (icons / f"{size}x{size}/apps/jjjmap.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (size, size)


def test_icon_pngs_are_the_svg_rendered(qapp):
    """The PNGs are built from the SVG (packaging/icons/render_icons.py) and committed: they
    must still be what the SVG draws (an edited SVG changes far more than antialiasing)."""
    import importlib.util

    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

    spec = importlib.util.spec_from_file_location("render_icons",
                                                  PACKAGING / "icons" / "render_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    renderer = QSvgRenderer(str(PACKAGING / "icons/hicolor/scalable/apps/jjjmap.svg"))
    assert renderer.isValid()
    for size in ICON_SIZES:
        fresh = module.render(renderer, size)
        shipped = QImage(str(PACKAGING / f"icons/hicolor/{size}x{size}/apps/jjjmap.png"))
        shipped = shipped.convertToFormat(fresh.format())
        worst = max(abs(((fresh.pixel(x, y) >> shift) & 255) - ((shipped.pixel(x, y) >> shift) & 255))
                    for y in range(size) for x in range(size) for shift in (0, 8, 16, 24))
        assert worst <= 8, (f"{size}px icon differs from the SVG by {worst}/255: run "
                            "`QT_QPA_PLATFORM=offscreen python packaging/icons/render_icons.py`")


# --- the built bundle -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundle() -> Path:
    folder = os.environ.get("JJJMAP_BUNDLE")
    if not folder:
        pytest.skip("JJJMAP_BUNDLE is not set: build with packaging/build.sh and point it at "
                    "packaging/dist/jjjmap")
    exe = Path(folder).resolve() / "jjjmap"
    assert exe.is_file() and os.access(exe, os.X_OK), f"no bundle executable at {exe}"
    return exe


def _scrubbed_env(home: Path) -> dict[str, str]:
    """What a desktop session would give the program, minus any Python set-up."""
    home.mkdir(exist_ok=True)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
    }
    for key in ("XDG_RUNTIME_DIR", "TMPDIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    assert not any(k.startswith("PYTHON") or k == "VIRTUAL_ENV" for k in env)
    return env


def _run(exe: Path, args: list[str], cwd: Path, timeout: float = 180):
    started = time.perf_counter()
    run = subprocess.run([str(exe), *args], cwd=cwd, env=_scrubbed_env(cwd / "home"),
                         capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - started
    print(f"bundle: jjjmap {' '.join(args)}: {elapsed:.2f} s")
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    return run


@pytest.mark.bundle
def test_bundle_export_renders_offline_in_chromium(bundle, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("needs the playwright Python package")

    _run(bundle, ["export", "-o", "map.html"], tmp_path)
    page_file = tmp_path / "map.html"
    assert page_file.stat().st_size > 100_000  # Leaflet and the boundaries are inlined

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            page.wait_for_function("window.jjj && window.jjj.ready === true", timeout=30000)
            shapes = page.evaluate(  # in the overlay pane or the layers' own panes
                "document.querySelectorAll('.leaflet-map-pane path').length")
        finally:
            browser.close()
    assert errors == []
    assert shapes > 100  # the county polygons at least


@pytest.mark.bundle
def test_bundle_export_png_draws_the_map(bundle, tmp_path):
    _run(bundle, ["export", "--png", "map.png", "--basemap", "none"], tmp_path)
    colours, white = _map_area_stats(tmp_path / "map.png")
    assert colours > 200, f"only {colours} distinct colours in the map area"
    assert white < 0.6, f"{white:.0%} of the map area is white"


@pytest.mark.bundle
def test_bundle_gui_screenshot_draws_the_map(bundle, tmp_path):
    _run(bundle, ["gui", "--lang", "en", "--screenshot", "shot.png", "--texts", "texts.json"],
         tmp_path)
    colours, white = _map_area_stats(tmp_path / "shot.png")
    # A blank or white web view has a handful of colours; the drawn map has antialiased
    # boundaries, fills and labels.
    assert colours > 200, f"only {colours} distinct colours in the map area"
    assert white < 0.6, f"{white:.0%} of the map area is white"
    texts = json.loads((tmp_path / "texts.json").read_text(encoding="utf-8"))
    assert texts["title"] == ["jjjmap — Jing-Jin-Ji explorer"]
    assert {"&File", "&View", "&Basemap", "&Help"} <= set(texts["menus"])
    assert "Boundaries" in texts["layer_groups"]
    assert not [t for t in _own_texts(texts) if CJK.search(t) and t != "中文"]


from proper_names import PROPER  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff]")


def _own_texts(texts: dict) -> list[str]:
    """The window's own texts (the layers' names come from the data, in both languages)."""
    return [t for key, values in texts.items() if key != "layers" for t in values]


@pytest.mark.bundle
def test_bundle_window_speaks_chinese(bundle, tmp_path):
    """`--lang zh` gives a Chinese window, not only a Chinese map: the bundle carries the
    compiled jjjmap_zh_CN.qm (it has no lrelease to make one)."""
    _run(bundle, ["gui", "--lang", "zh", "--screenshot", "shot.png", "--texts", "texts.json"],
         tmp_path)
    colours, white = _map_area_stats(tmp_path / "shot.png")
    assert colours > 200 and white < 0.6, (colours, white)
    texts = json.loads((tmp_path / "texts.json").read_text(encoding="utf-8"))
    assert texts["title"] == ["jjjmap — 京津冀地图浏览器"]
    assert {"文件(&F)", "视图(&V)", "底图(&B)", "帮助(&H)"} <= set(texts["menus"])
    assert {"图层", "识别"} <= set(texts["docks"])
    assert "行政边界" in texts["layer_groups"]
    english = {t: words for t in _own_texts(texts)
               if (words := [w for w in re.findall(r"[A-Za-z]{2,}", t.replace("&", ""))
                             if w not in PROPER])}
    assert not english, f"English left in the Chinese window: {english}"


def _map_area_stats(png: Path) -> tuple[int, float]:
    """Distinct colours and the white share in the middle of the window (where the map is)."""
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert not image.isNull(), f"{png} is not a readable PNG"
    w, h = image.width(), image.height()
    assert (w, h) >= (800, 600)
    seen: set[int] = set()
    white = total = 0
    for y in range(int(h * 0.12), int(h * 0.62), 2):
        for x in range(int(w * 0.25), int(w * 0.75), 2):
            rgb = image.pixel(x, y) & 0xFFFFFF
            seen.add(rgb)
            total += 1
            white += (rgb >> 16) > 245 and ((rgb >> 8) & 0xFF) > 245 and (rgb & 0xFF) > 245
    return len(seen), white / total


@pytest.mark.bundle
def test_bundle_reprojects_with_its_own_proj_data(bundle, tmp_path):
    """convert reads a projected GeoPackage: GDAL and PROJ must find their data in the bundle."""
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    src = gpd.GeoDataFrame({"name": ["天安门"]}, geometry=[Point(116.3975, 39.9087)],
                           crs="EPSG:4326").to_crs("EPSG:4548")  # CGCS2000 / GK CM 117E
    src.to_file(tmp_path / "tiananmen.gpkg")
    _run(bundle, ["convert", "tiananmen.gpkg", "out.geojson"], tmp_path)
    out = gpd.read_file(tmp_path / "out.geojson")
    assert out.crs.to_epsg() == 4326
    assert out["name"].tolist() == ["天安门"]
    assert out.geometry[0].distance(Point(116.3975, 39.9087)) < 1e-6
