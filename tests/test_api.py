"""jjjmap.Map, the public Python surface: what is public, what it does, and docs/python.md's
example run as written."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

import jjjmap

from browser import needs_browser, non_tile_remote, open_page, real_errors

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"


def test_public_names_and_a_light_import():
    assert jjjmap.__all__ == ["Map", "MapError", "__version__"]
    for name in jjjmap.__all__:
        assert getattr(jjjmap, name) is not None
    code = ("import sys, jjjmap; heavy = [m for m in ('PySide6', 'geopandas', 'pandas', "
            "'folium', 'pyproj') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    with pytest.raises(AttributeError):
        jjjmap.Catalog   # noqa: B018 - internal names are not reachable as public ones


def test_a_projected_frame_is_reprojected_once_with_a_note():
    # invented test points (not data): Beijing-ish positions, given in EPSG:4527 metres
    wgs = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(116.4, 39.9), Point(117.2, 39.1)],
                           crs=4326)
    m = jjjmap.Map(builtin=False)
    layer_id = m.add(wgs.to_crs(4527), name="pts")
    layer = m.doc.layer(layer_id)
    assert layer.gdf.crs.to_epsg() == 4326
    assert layer.gdf.geometry.x.tolist() == pytest.approx([116.4, 117.2], abs=1e-7)
    assert layer.gdf.geometry.y.tolist() == pytest.approx([39.9, 39.1], abs=1e-7)
    assert any("Reprojected" in n and "pts" in n for n in m.notes)
    assert m.doc.view.fit == pytest.approx((116.4, 39.1, 117.2, 39.9))


def test_builtin_names_styles_and_errors():
    m = jjjmap.Map(builtin=False)
    assert m.add("xiongan") == "xiongan" and m.layers == ["xiongan"]
    m.style("xiongan", color="#123456", weight=3)
    assert m.doc.layer("xiongan").style.color == "#123456"
    with pytest.raises(jjjmap.MapError, match="colour"):
        m.style("xiongan", colour="red")
    with pytest.raises(jjjmap.MapError, match="rivers"):
        m.hide("rivers")
    with pytest.raises(jjjmap.MapError, match="GeoDataFrame"):
        m.add(42)
    full = jjjmap.Map()
    full.hide("clusters")
    assert not full.doc.layer("sector_clusters").visible
    with pytest.raises(jjjmap.MapError, match="steel"):
        full.sectors("steel")


def test_repr_html_is_a_sandboxed_self_contained_iframe():
    m = jjjmap.Map(title='<img src=x onerror="alert(1)">')
    out = m._repr_html_()
    assert out.startswith("<iframe ") and 'sandbox="allow-scripts"' in out
    assert "allow-same-origin" not in out
    assert "<img" not in out.split("srcdoc=", 1)[0]
    assert 'height:520px' in out
    srcdoc = re.search(r'srcdoc="([^"]*)"', out).group(1)
    assert "<" not in srcdoc and "&lt;script" in srcdoc      # the whole page, escaped
    assert "https://unpkg.com" not in out and "cdn.jsdelivr" not in out


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.gui
def test_the_documented_example_runs_as_written(tmp_path, monkeypatch):
    pytest.importorskip("PySide6.QtWebEngineWidgets")
    from PySide6.QtGui import QImage

    blocks = _blocks()
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__docs__"}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # our own docs
    for name in ("hydrogen.html", "hydrogen.pdf", "hydrogen.png", "baoding.png"):
        assert (tmp_path / name).stat().st_size > 1000, name
    image = QImage(str(tmp_path / "hydrogen.png"))
    assert (image.width(), image.height()) == (1600, 1000)
    baoding = QImage(str(tmp_path / "baoding.png"))
    assert (baoding.width(), baoding.height()) == (874, 620)   # 148 x 105 mm at 150 dpi
    m = namespace["m"]
    assert m.doc.layer(namespace["site_layer"]).gdf.crs.to_epsg() == 4326
    assert b"%PDF" == (tmp_path / "hydrogen.pdf").read_bytes()[:4]


@pytest.mark.browser
@needs_browser
def test_repr_html_draws_in_chromium_offline(tmp_path):
    m = jjjmap.Map(title="Notebook <b>cell</b>")
    m.sectors("robotics")
    cell = tmp_path / "notebook.html"
    cell.write_text(f"<!doctype html><html><body><h1>Out[1]:</h1>{m._repr_html_()}</body></html>",
                    encoding="utf-8")
    with open_page(cell, size=(1000, 700), wait_ready=False) as (page, log):
        frame_el = page.wait_for_selector("iframe")
        frame = frame_el.content_frame()
        frame.wait_for_selector("body[data-jjj-ready='1']", state="attached", timeout=30000)
        box = frame_el.bounding_box()
        assert box["height"] == pytest.approx(520, abs=2) and box["width"] > 900
        # the 4 robotics rows of geodata/sector_clusters.csv
        assert frame.evaluate("jjj.featureCount('sector_clusters')") == 4
        assert frame.inner_text(".jjj-title-main") == "Notebook <b>cell</b>"
        assert frame.locator("path.leaflet-interactive").count() > 199
        # the sandbox: the page's scripts cannot reach the notebook around it
        assert frame.evaluate("(() => { try { return !!window.parent.document; } "
                              "catch (e) { return 'blocked'; } })()") == "blocked"
    assert non_tile_remote(log.requests) == []
    assert real_errors(log) == []
