"""The label engine (resources/web/jjj-labels.js) in exported pages, in headless Chromium
with the network cut: at zooms 7, 9 and 11 in both languages no two drawn labels overlap
and none covers a marker, a cluster badge or a control; Tianjin and Langfang read whole at
the default view; county names appear from zoom 8 on; a user layer's labels take part.
Every box is measured in the page with getBoundingClientRect, not taken from the engine."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from jjjmap import catalog
from jjjmap.export.html import write_html
from jjjmap.model import Layer, Style
from jjjmap.render.labels import anchors

from browser import needs_browser, open_page, real_errors

pytestmark = [pytest.mark.browser, needs_browser]

CENTRE = (39.3, 116.4)   # the default map's centre (catalog.default_document)

# Every drawn label, every obstacle (markers, badges, controls) and the map's size, in the
# map container's pixels; `bad` lists each pair of boxes that intersect.
MEASURE = """() => {
  const map = document.querySelector('.leaflet-container'), c = map.getBoundingClientRect();
  const rel = r => [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top];
  const labels = [...document.querySelectorAll('.jjj-lbl')].map(e => ({
    text: e.textContent, county: e.classList.contains('jjj-lbl-county'),
    user: e.classList.contains('jjj-lbl-user'), b: rel(e.getBoundingClientRect()),
    shown: getComputedStyle(e).visibility === 'visible' &&
           getComputedStyle(e.parentNode).visibility === 'visible'}));
  const obstacles = [...map.querySelectorAll('.leaflet-marker-icon, .leaflet-control')]
    .map(e => ({what: e.className, b: rel(e.getBoundingClientRect())}))
    .filter(o => o.b[2] > o.b[0] && o.b[3] > o.b[1]);
  const hit = (a, b) => a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1];
  const bad = [];
  labels.forEach((l, i) => labels.forEach((m, j) => {
    if (j > i && hit(l.b, m.b)) bad.push([l.text, m.text]);
  }));
  labels.forEach(l => obstacles.forEach(o => { if (hit(l.b, o.b)) bad.push([l.text, o.what]); }));
  return {labels, obstacles: obstacles.length, bad, size: [c.width, c.height]};
}"""


def settle(page, timeout_ms: int = 15000):
    """Wait until the engine has had five frames in a row with nothing left to place (no
    placement queued, markercluster's animations and transitions over: jjj.labelsQuiet),
    then measure."""
    page.wait_for_function("jjj.labelsQuiet() >= 5", timeout=timeout_ms, polling=50)
    return page.evaluate(MEASURE)


def go(page, zoom, centre=CENTRE):
    page.evaluate(f"jjj.setView({centre[0]}, {centre[1]}, {zoom})")
    return settle(page)


def inside(b, size) -> bool:
    return b[0] >= 0 and b[1] >= 0 and b[2] <= size[0] + 0.5 and b[3] <= size[1] + 0.5


def _export(doc, path, **kw):
    write_html(doc, path, **kw)
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The default map exported in each language, as `jjjmap export` writes it."""
    folder = tmp_path_factory.mktemp("labels")
    out = {}
    for lang in ("en", "zh"):
        doc = catalog.default_document()
        doc.lang = lang
        out[lang] = _export(doc, folder / f"default-{lang}.html")
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_two_labels_and_no_label_and_marker_overlap_at_zooms_7_9_11(chromium, exports, lang):
    with open_page(exports[lang], b=chromium) as (page, log):
        for zoom in (7, 9, 11):
            m = go(page, zoom)
            assert page.evaluate("jjj.getView().zoom") == zoom
            assert len(m["labels"]) >= 3, (zoom, m["labels"])
            assert m["obstacles"] > 0          # markers and controls were there to avoid
            assert m["bad"] == [], (zoom, m["bad"])
            assert all(lb["shown"] and inside(lb["b"], m["size"]) for lb in m["labels"]), zoom
            stats = page.evaluate("jjj.labels().stats")
            print(f"{lang} zoom {zoom}: {stats['placed']} of {stats['candidates']} labels "
                  f"placed in {stats['ms']:.1f} ms")
    assert real_errors(log) == []


NAMES = {"en": ("Tianjin", "Langfang"), "zh": ("天津", "廊坊")}


@pytest.mark.parametrize("size", [(1400, 900), (1000, 660)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tianjin_and_langfang_read_whole_at_the_default_view(chromium, exports, lang, size):
    # 1000x660: about the map area of the app's window at 1280x800
    with open_page(exports[lang], b=chromium, size=size) as (page, log):
        m = settle(page)
        assert m["bad"] == []
        for name in NAMES[lang]:
            drawn = [lb for lb in m["labels"] if lb["text"] == name]
            assert len(drawn) == 1, (name, [lb["text"] for lb in m["labels"]])
            assert drawn[0]["shown"] and inside(drawn[0]["b"], m["size"]), drawn


COUNTIES = {"en": {"Daxing", "Tongzhou", "Zhuozhou", "Gu'an"},
            "zh": {"大兴区", "通州区", "涿州市", "固安县"}}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_county_names_show_from_zoom_8_and_hide_rather_than_overlap(chromium, exports, lang):
    # the rule: no county name below zoom 8; from 8 on, where the name fits its county and
    # finds a free place
    with open_page(exports[lang], b=chromium) as (page, log):
        for zoom in (6.5, 7, 7.75):
            m = go(page, zoom)
            assert not [lb for lb in m["labels"] if lb["county"]], zoom
            assert [lb for lb in m["labels"] if not lb["county"]], zoom
        m = go(page, 9)
        texts = {lb["text"] for lb in m["labels"] if lb["county"]}
        assert COUNTIES[lang] <= texts, texts
        stats = page.evaluate("jjj.labels().stats")
        assert stats["placed"] < stats["candidates"]    # some hidden, none overlapping
        assert m["bad"] == []


def test_a_user_layers_labels_take_part(chromium, tmp_path):
    # Invented test data: three squares and three points near Beijing, labelled by a field.
    # The point "Over Langfang" sits where Langfang's label would go: the city's name moves
    # off the point (points are obstacles) and stays drawn (it has the higher priority).
    doc = catalog.default_document()
    squares = gpd.GeoDataFrame(
        {"name": ["Square A", "Square B", "Square C"]},
        geometry=[box(116.0, 39.55, 116.2, 39.7), box(116.5, 39.55, 116.7, 39.7),
                  box(116.0, 38.8, 116.2, 38.95)], crs="EPSG:4326")
    prefectures = next(lyr for lyr in doc.layers if lyr.id == "prefectures").gdf
    spec_lp = anchors([prefectures.geometry[prefectures["name_en"] == "Langfang City"].iloc[0]])[0]["lp"]
    points = gpd.GeoDataFrame(
        {"name": ["Point one", "Point two", "Over Langfang"]},
        geometry=[Point(116.9, 39.75), Point(115.9, 39.1), Point(spec_lp[1], spec_lp[0])],
        crs="EPSG:4326")
    doc.add_layer(Layer(gdf=squares, title_en="Squares", title_zh="方块", kind="vector",
                        group="custom", style=Style(label_field="name")))
    doc.add_layer(Layer(gdf=points, title_en="Points", title_zh="点", kind="vector",
                        group="custom", style=Style(label_field="name")))
    path = _export(doc, tmp_path / "user.html")
    with open_page(path, b=chromium) as (page, log):
        m = go(page, 9)
        user = {lb["text"] for lb in m["labels"] if lb["user"]}
        assert {"Square A", "Square B", "Square C", "Point one", "Point two"} <= user, user
        assert "Langfang" in {lb["text"] for lb in m["labels"]}
        assert m["bad"] == []
        x, y = page.evaluate("ll => (p => [p.x, p.y])(jjj.map.latLngToContainerPoint(ll))",
                             spec_lp)
        assert not [lb["text"] for lb in m["labels"]
                    if lb["b"][0] <= x <= lb["b"][2] and lb["b"][1] <= y <= lb["b"][3]]
        # a hidden layer's labels go with it
        ids = page.evaluate("jjj.layerIds()")
        page.evaluate(f"jjj.setVisible({ids[-2]!r}, false)")
        m = settle(page)
        assert not {"Square A", "Square B", "Square C"} & {lb["text"] for lb in m["labels"]}
    assert real_errors(log) == []


def test_the_light_export_places_labels_the_same_way(chromium, tmp_path):
    doc = catalog.default_document()
    path = tmp_path / "light.html"
    write_html(doc, path, self_contained=False)
    with open_page(path, b=chromium) as (page, log):
        m = go(page, 9)
        assert len(m["labels"]) >= 10 and m["bad"] == []
        assert {"Tianjin", "Langfang"} <= {lb["text"] for lb in m["labels"]}
    assert real_errors(log) == []


def test_a_county_choropleth_adds_no_second_pile_of_names(chromium, tmp_path):
    # a county layer coloured by a field, as a join makes one (analysis.join: the target's
    # kind and level), over the built-in counties: each name once, none overlapping
    doc = catalog.default_document()
    counties = next(lyr for lyr in doc.layers if lyr.id == "counties")
    doc.add_layer(Layer(gdf=counties.gdf.copy(), title_en="Counties + area", kind="boundary",
                        group="custom", level="county",
                        style=Style(mode="graduated", field="area_km2", fill_opacity=0.7)))
    path = _export(doc, tmp_path / "choropleth.html")
    with open_page(path, b=chromium) as (page, log):
        for zoom in (6.5, 9):
            m = go(page, zoom)
            texts = [lb["text"] for lb in m["labels"]]
            assert m["bad"] == [] and texts, zoom
            assert len(texts) == len(set(texts)), sorted(t for t in texts if texts.count(t) > 1)
            if zoom < 8:
                assert not [lb for lb in m["labels"] if lb["county"]]
    assert real_errors(log) == []
