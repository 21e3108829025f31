"""HTML and PNG exports: same features in both HTML flavours, a real picture, typed errors."""
from __future__ import annotations

import struct

import pytest

from jjjmap.export import ExportError, write_html, write_png
from jjjmap.render.assets import asset_bytes

from browser import needs_browser, non_tile_remote, open_page, real_errors
from test_render_fixtures import synthetic_document
from test_render import layer_specs, loaded_urls


def strip_detail(specs: dict) -> dict:
    """The self-contained page also carries finer outlines for zooming in; the light one,
    kept small, does not. Everything else (features, rows, popups, styles) is identical."""
    return {k: {kk: vv for kk, vv in v.items() if kk != "detail"} for k, v in specs.items()}


def test_self_contained_and_light_exports_hold_the_same_features(tmp_path):
    doc = synthetic_document()
    full = write_html(doc, tmp_path / "full.html")
    light = write_html(doc, tmp_path / "light.html", self_contained=False)
    a = layer_specs(full.read_text(encoding="utf-8"))
    b = layer_specs(light.read_text(encoding="utf-8"))
    assert strip_detail(a) == b and len(a) == len(doc.layers)
    assert "detail" in a["counties"] and "detail" not in b["counties"]
    assert loaded_urls(full.read_text(encoding="utf-8")) == []
    urls = loaded_urls(light.read_text(encoding="utf-8"))
    assert urls and all(u.startswith("light_files/") for u in urls)   # never a CDN
    for url in urls:   # every file the page loads is beside it, as the wheels have it
        name = url.removeprefix("light_files/")
        assert (tmp_path / url).read_bytes() == asset_bytes(name)
    assert (tmp_path / "light_files" / "images" / "layers.png").is_file()   # leaflet.css's
    assert light.stat().st_size < full.stat().st_size
    assert not (tmp_path / "full_files").exists()


def test_export_errors_are_typed_with_a_user_message(tmp_path):
    doc = synthetic_document()
    with pytest.raises(ExportError) as err:
        write_html(doc, tmp_path / "missing" / "map.html")
    assert "does not exist" in str(err.value)
    with pytest.raises(ExportError) as err:
        write_html(doc, tmp_path / "missing" / "map.html", self_contained=False)
    assert "does not exist" in str(err.value) and not (tmp_path / "missing").exists()
    (tmp_path / "in_files").write_text("mine")   # a file where the light folder would go
    with pytest.raises(ExportError) as err:
        write_html(doc, tmp_path / "in.html", self_contained=False)
    assert "in the way" in str(err.value) and (tmp_path / "in_files").read_text() == "mine"
    with pytest.raises(ExportError):
        write_html(doc, tmp_path)                        # a folder, not a file
    doc.basemap = "no-such-basemap"
    with pytest.raises(ExportError) as err:
        write_html(doc, tmp_path / "x.html")
    assert "basemap" in err.value.user_message
    assert not (tmp_path / "x.html").exists()


def test_png_export_without_chromium_says_what_to_install(tmp_path, monkeypatch):
    import jjjmap.export.png as png
    monkeypatch.setattr(png, "find_chromium", lambda: None)
    with pytest.raises(ExportError) as err:
        write_png(synthetic_document(), tmp_path / "m.png")
    assert "Chromium" in err.value.user_message


@pytest.mark.browser
@needs_browser
def test_png_export_is_a_picture_of_the_map(tmp_path):
    out = write_png(synthetic_document(), tmp_path / "map.png", size=(800, 500), offline=True)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    assert (w, h) == (800, 500)
    assert len(data) > 20_000                           # not a blank page


@pytest.mark.browser
@needs_browser
def test_catalog_exports_draw_the_same_in_the_browser(tmp_path):
    """The self-contained export draws every feature in Chromium with the network cut, and
    the light one holds the same layer specs (byte for byte after parsing)."""
    from jjjmap import catalog
    doc = catalog.default_document()
    full = write_html(doc, tmp_path / "full.html")
    light = write_html(doc, tmp_path / "light.html", self_contained=False)
    specs = layer_specs(full.read_text(encoding="utf-8"))
    assert strip_detail(specs) == layer_specs(light.read_text(encoding="utf-8"))
    with open_page(full) as (page, log):
        counts = dict(page.evaluate("jjj.layerIds().map(id => [id, jjj.featureCount(id)])"))
    assert counts == {lyr.id: len(lyr.gdf) for lyr in doc.layers}
    assert non_tile_remote(log.requests) == []


@pytest.mark.browser
@needs_browser
def test_light_export_draws_the_same_with_no_network(tmp_path):
    """The light page, with its folder beside it and the network cut, draws exactly what the
    self-contained one draws, and asks nothing of any other machine but tiles."""
    from jjjmap import catalog
    doc = catalog.default_document()
    light = write_html(doc, tmp_path / "my map.html", self_contained=False)   # a space, too
    with open_page(light) as (page, log):
        counts = dict(page.evaluate("jjj.layerIds().map(id => [id, jjj.featureCount(id)])"))
    assert counts == {lyr.id: len(lyr.gdf) for lyr in doc.layers}
    assert any(u.endswith("/my%20map_files/leaflet.js") for u in log.requests)
    assert non_tile_remote(log.requests) == []
    assert real_errors(log) == []
