"""Renderer tests that need no browser: assets per mode, data per layer, datum, escaping."""
from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pytest

from jjjmap.model import Layer, MapDocument, Style
from jjjmap.render import (asset_bytes, asset_mime, build_map, display_to_wgs84, layer_spec,
                           page_assets, render_html)
from jjjmap.render import basemaps
from jjjmap.render.geometry import simplified

from test_render_fixtures import EVIL_SCRIPT, synthetic_document

LAYER_RE = re.compile(r"jjj\.addLayer\((\{.*?\})\);\n", re.S)
INIT_RE = re.compile(r"jjj\.init\(\w+, (\{.*?\})\);\n", re.S)


def layer_specs(html: str) -> dict[str, dict]:
    out = {}
    for m in LAYER_RE.finditer(html):
        spec = json.loads(m.group(1))
        out[spec["id"]] = spec
    return out


def page_config(html: str) -> dict:
    return json.loads(INIT_RE.search(html).group(1))


def loaded_urls(html: str) -> list[str]:
    """URLs the page itself loads: script src, link href, CSS url()."""
    urls = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)
    urls += re.findall(r"<link[^>]*\shref=\"([^\"]+)\"", html)
    urls += [u for u in re.findall(r"url\((['\"]?)([^)'\"]+)\1\)", html)
             for u in [u[1]] if not u.startswith(("data:", "#"))]
    return urls


@pytest.fixture(scope="module")
def doc():
    return synthetic_document()


def test_inline_page_loads_nothing_from_anywhere(doc):
    html = render_html(doc, assets="inline")
    assert loaded_urls(html) == []
    assert "L.map(" in html and "jjj.init(" in html and "jjj.finish()" in html
    assert "data:image/png;base64," in html            # leaflet.css images inlined
    assert "sourceMappingURL" not in html
    for banned in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers"):
        assert banned not in html.lower()
    # Every remaining absolute URL is a tile template, a link users may follow, or data.
    tiles = {re.sub(r"\{.*", "", b["url"] or "") for b in basemaps.page_spec().values()}
    data_urls = {"https://example.org/a", "https://example.org/b", "https://example.org/c",
                 "https://example.org/x"}
    link_hosts = ("openstreetmap.org/copyright", "carto.com/attributions", "www.gaode.com",
                  "www.tianditu.gov.cn", "console.tianditu.gov.cn", "leafletjs.com",
                  "www.w3.org/2000/svg", "bugzilla.mozilla.org")
    for url in set(re.findall(r"https?://[^\s\"'<>)\\]+", html)):
        ok = (url in data_urls or any(t and url.startswith(t) for t in tiles)
              or any(h in url for h in link_hosts) or "autonavi.com" in url
              or "tianditu.gov.cn" in url)
        assert ok, url


def test_files_page_links_leaflet_beside_it_and_inlines_our_files(doc):
    html = render_html(doc, assets="files", asset_folder="a map & more_files")
    urls = loaded_urls(html)
    assert urls and all(u.startswith("a%20map%20%26%20more_files/") for u in urls)
    assert not any("://" in u for u in urls)   # nothing from another machine
    assert any(u.endswith("leaflet.js") for u in urls)
    assert any(u.endswith("leaflet.markercluster.js") for u in urls)
    assert "/* jjj.js */" in html and "/* jjj.css */" in html
    assert len(html) < len(render_html(doc, assets="inline"))


def test_app_page_uses_the_scheme_and_every_asset_is_served(doc):
    html = render_html(doc, assets="app")
    urls = loaded_urls(html)
    assert urls and all(u.startswith("jjjmap://app/assets/") for u in urls)
    names = page_assets()
    for url in urls:
        assert url.removeprefix("jjjmap://app/assets/") in names
    for name in names:
        assert asset_bytes(name)
    assert asset_mime("leaflet.js") == "text/javascript"
    assert asset_mime("leaflet.css") == "text/css"
    assert asset_mime("images/layers.png") == "image/png"
    assert b"url(images/layers.png)" in asset_bytes("leaflet.css")   # resolves under assets/
    with pytest.raises(KeyError):
        asset_bytes("../../etc/passwd")


def test_bad_asset_mode_is_refused(doc):
    with pytest.raises(ValueError):
        render_html(doc, assets="web")


def test_every_layer_is_keyed_by_id_with_rows(doc):
    specs = layer_specs(render_html(doc))
    assert list(specs) == [lyr.id for lyr in doc.layers]
    counties = specs["counties"]
    rows = [f["properties"]["_row"] for f in counties["data"]["features"]]
    assert rows == list(range(9))
    tt = counties["data"]["features"][0]["properties"]["_tt"]
    assert tt == ["County 00", "县00"]                      # en first, zh second
    assert len(specs["clusters"]["features"]) == 3
    assert len(specs["institutions"]["features"]) == 3
    assert specs["mypoints"]["render"] == "points" and specs["mypoints"]["n"] == 5
    assert specs["mylines"]["render"] == "geojson"


def test_lang_zh_puts_chinese_first_and_translates_the_interface():
    doc = synthetic_document(lang="zh")
    html = render_html(doc)
    specs = layer_specs(html)
    assert specs["counties"]["data"]["features"][0]["properties"]["_tt"] == ["县00", "County 00"]
    assert page_config(html)["ui"]["legend"] == "图例"
    cl = specs["clusters"]
    assert [c["label"] for c in cl["categories"]][0] == "集成电路"
    assert "区县政府驻地" in cl["features"][0]["p"]["n"]


def test_popups_say_the_position_precision_in_words(doc):
    specs = layer_specs(render_html(doc))
    notes = [f["p"]["n"] for f in specs["clusters"]["features"]]
    assert notes[0] == "position: district seat, not the site"
    assert notes[1] == "position: city point, not the site"
    assert all(f["p"]["n"] == "position: city point, not the site"
               for f in specs["institutions"]["features"])


def test_python_side_honours_the_layer_filter():
    doc = synthetic_document()
    doc.set_filter("clusters", "sector", ["robotics"])
    spec = layer_specs(render_html(doc))["clusters"]
    assert [f["cat"] for f in spec["features"]] == ["robotics"]
    assert [f["row"] for f in spec["features"]] == [1]      # positional row kept
    assert spec["filter"] == ["robotics"]


def test_flows_only_from_real_districts_and_dashed_when_unsourced():
    doc = synthetic_document()
    # a county named like the origin districts, so flows have somewhere to start
    counties = doc.layer("counties").gdf
    counties.loc[0, "name_en"] = "Haidian District"
    counties.loc[1, "name_en"] = "Xicheng District"
    flows = layer_specs(render_html(doc))["institutions"]["flows"]
    by_name = {f["label"].split(" ")[0]: f for f in flows}
    assert set(by_name) == {"Haidian", "Xicheng"}         # "Beijing (...)" is no district
    assert by_name["Xicheng"]["sourced"] is True
    assert by_name["Haidian"]["sourced"] is False


def test_gcj02_basemap_shifts_overlays_and_page_knows_its_datum():
    doc = synthetic_document()
    wgs = layer_specs(render_html(doc))
    doc.basemap = "gaode"
    html = render_html(doc)
    gcj = layer_specs(html)
    assert page_config(html)["datum"] == "gcj02"
    a, b = wgs["clusters"]["features"][0], gcj["clusters"]["features"][0]
    assert 0.001 < abs(b["lon"] - a["lon"]) < 0.01 and 0.0005 < abs(b["lat"] - a["lat"]) < 0.01
    lon, lat = display_to_wgs84("gaode", b["lon"], b["lat"])
    assert lon == pytest.approx(a["lon"], abs=1e-5) and lat == pytest.approx(a["lat"], abs=1e-5)
    assert display_to_wgs84("positron", 116.0, 39.0) == (116.0, 39.0)


def test_tianditu_without_key_draws_no_tiles_and_says_why(monkeypatch):
    monkeypatch.delenv(basemaps.TIANDITU_ENV, raising=False)
    spec = basemaps.page_spec()["tianditu"]
    assert spec["url"] is None and spec["missing_key"] is True
    keyed = basemaps.page_spec("abc123")["tianditu-satellite"]
    assert keyed["url"].endswith("tk=abc123") and not keyed["missing_key"]
    monkeypatch.setenv(basemaps.TIANDITU_ENV, "envkey")
    assert basemaps.page_spec()["tianditu"]["url"].endswith("tk=envkey")
    doc = synthetic_document()
    doc.basemap = "tianditu"
    monkeypatch.delenv(basemaps.TIANDITU_ENV)
    assert "console.tianditu.gov.cn" in render_html(doc)


def test_every_basemap_is_described():
    for name in ("positron", "osm", "satellite", "none", "gaode", "gaode-satellite",
                 "tianditu", "tianditu-satellite"):
        b = basemaps.get(name)
        assert b.title_en and b.title_zh and b.datum in ("wgs84", "gcj02") and b.max_zoom >= 17
        if b.url:
            assert b.url.startswith("https://")
    assert basemaps.get("gaode").datum == "gcj02"
    with pytest.raises(ValueError):
        basemaps.get("bing")


def test_attribute_text_is_never_markup_in_the_page():
    html = render_html(synthetic_document(evil=True))
    assert EVIL_SCRIPT not in html                      # "</" escaped inside script JSON
    head = html.split("<script", 1)[0]
    assert "<img src=x" not in head                     # the <title> is escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in head
    specs = layer_specs(html)
    assert "u" not in specs["clusters"]["features"][0]["p"]   # javascript: URL never linked


def test_simplification_is_cached_and_keeps_shared_borders(doc):
    gdf = doc.layer("counties").gdf
    a = simplified(gdf, 0.01)
    assert simplified(gdf, 0.01) is a
    import shapely
    union = shapely.area(gdf.union_all())
    assert shapely.area(a.values).sum() == pytest.approx(union, rel=1e-6)  # no gaps/overlaps


def test_graduated_and_categorized_styles_have_legends(doc):
    specs = layer_specs(render_html(doc))
    pts = specs["mypoints"]
    assert len(pts["colors"]) == 3 and pts["ci"] and pts["r"]
    assert [e["label"] for e in pts["legend"] if "symbol" in e][:3] == ["a", "b", "c"]
    lines = specs["mylines"]
    assert len(lines["colors"]) == 2
    assert {f["properties"]["_c"] for f in lines["data"]["features"]} == {0, 1}


def test_large_point_layers_are_packed_not_geojson():
    n = 200_000
    rng = np.random.default_rng(0)
    gdf = gpd.GeoDataFrame({"v": rng.random(n)},
                           geometry=gpd.points_from_xy(rng.uniform(114, 119, n),
                                                       rng.uniform(36, 42, n)), crs=4326)
    doc = MapDocument()
    doc.add_layer(Layer(gdf, "Many", id="many", style=Style(mode="graduated", field="v")))
    html = render_html(doc)
    assert html.count('"type":"Feature"') == 0
    spec = layer_specs(html)["many"]
    assert spec["render"] == "points" and spec["n"] == n
    # the attributes travel too (popups at any size, issue 21): as columns of codes into
    # each column's distinct texts; the rest stays ~8 B coords + 4 B row + 2 B class a point
    import json
    cols = len(json.dumps(spec["cols"], ensure_ascii=False, separators=(",", ":")))
    assert len(html) - cols < n * 24
    assert spec["fields"] == ["v"] and "attrs" not in spec
    texts = json.loads(spec["cols"][0]["u"])
    assert len(texts) == len(set(gdf["v"]))                  # distinct values, each once
    assert f"{gdf['v'].iloc[0]:.6g}" in texts


def test_build_map_is_a_folium_map(doc):
    import folium
    m = build_map(doc)
    assert isinstance(m, folium.Map)
    assert m.default_js == [] and m.default_css == []
    assert folium.Map.default_js, "the class default must stay untouched"


def test_layer_spec_is_usable_alone(doc):
    spec = layer_spec(doc.layer("counties"), doc, 0.001)
    assert spec["id"] == "counties" and spec["render"] == "geojson"


def test_boundaries_draw_as_a_hierarchy_unless_restyled(doc):
    spec = layer_spec(doc.layer("counties"), doc, 0.001)
    assert spec["style"]["weight"] < 1 and spec["hover"]
    doc2 = synthetic_document()
    doc2.set_style("counties", Style(color="#ff0000", weight=3, fill_opacity=0))
    spec = layer_spec(doc2.layer("counties"), doc2, 0.001)
    assert spec["style"]["color"] == "#ff0000" and spec["style"]["weight"] == 3
    assert spec["legend"][0]["symbol"]["color"] == "#ff0000"


def test_simplification_cache_survives_fresh_copies(doc):
    gdf = doc.layer("counties").gdf
    assert simplified(gdf.copy(), 0.02) is simplified(gdf.copy(), 0.02)
    moved = gdf.copy()
    moved.geometry = moved.geometry.translate(0.1, 0)
    assert simplified(moved, 0.02) is not simplified(gdf, 0.02)


def test_layer_licence_is_credited_as_text():
    doc = synthetic_document()
    doc.layer("counties").licence = "MIT <b onmouseover=alert(1)>x</b>"
    spec = layer_specs(render_html(doc))["counties"]
    assert spec["credit"] == "MIT <b onmouseover=alert(1)>x</b>"   # page uses textContent


def test_sector_colours_follow_the_users_style():
    doc = synthetic_document()
    spec = layer_specs(render_html(doc))["clusters"]
    default = {c["key"]: c["color"] for c in spec["categories"]}
    assert default["robotics"] == "#117733"                 # Tol muted: colour-blind safe
    doc.layer("clusters").style = Style(mode="categorized", field="sector",
                                        categories={"robotics": "#000000"})
    spec = layer_specs(render_html(doc))["clusters"]
    chosen = {c["key"]: c["color"] for c in spec["categories"]}
    assert chosen["robotics"] == "#000000"
    assert chosen["integrated_circuits"] == default["integrated_circuits"]
