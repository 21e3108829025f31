"""The page in headless Chromium with the network cut: everything draws, nothing leaves the
machine but tile requests, the window.jjj API works, attribute text never runs."""
from __future__ import annotations

import pytest

from jjjmap.render import render_html

from browser import (TILE_HOSTS, needs_browser, non_tile_remote, open_page,
                     real_errors)
from test_render_fixtures import EVIL_IMG, EVIL_SCRIPT, synthetic_document

pytestmark = [pytest.mark.browser, needs_browser]


@pytest.fixture(scope="module")
def default_page_file(tmp_path_factory):
    from jjjmap import catalog
    doc = catalog.default_document()
    path = tmp_path_factory.mktemp("page") / "default.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return doc, path


def test_default_map_draws_every_feature_offline(chromium, default_page_file):
    doc, default_page_file = default_page_file
    with open_page(default_page_file, b=chromium) as (page, log):
        counts = dict(page.evaluate("jjj.layerIds().map(id => [id, jjj.featureCount(id)])"))
        for layer in doc.layers:
            assert counts[layer.id] == len(layer.gdf), layer.title_en
        by_kind = {lyr.kind: counts[lyr.id] for lyr in doc.layers if lyr.kind != "boundary"}
        assert by_kind == {"clusters": 43, "institutions": 28}
        # boundary paths really are in the DOM
        assert page.locator("path.leaflet-interactive").count() >= 199 + 13 + 3 + 1
        # the basemap's tiles have all answered (loaded or failed): they were requested
        page.wait_for_function("window.jjj.tilesSettled === true", timeout=20000)
        assert page.evaluate("document.title") == doc.title
        assert page.evaluate("window.jjj.ready") is True
        assert page.evaluate("window.jjj.datum") == "wgs84"
    assert non_tile_remote(log.requests) == []
    assert any(h in u for u in log.requests for h in TILE_HOSTS)      # tiles were tried
    assert real_errors(log) == []


def test_all_institutions_on_one_point_can_each_be_seen(chromium, default_page_file):
    doc, default_page_file = default_page_file
    inst = next(lyr for lyr in doc.layers if lyr.kind == "institutions")
    with open_page(default_page_file, b=chromium) as (page, log):
        n = page.evaluate("""id => new Promise(done => {
            const g = jjj.layerGroup(id).getLayers().find(l => l.zoomToShowLayer);
            const any = g.getLayers()[0];
            g.zoomToShowLayer(any, () => setTimeout(() => done(
              document.querySelectorAll('.leaflet-pane.leaflet-jjj-' + id + '-pane .jjj-icon')
                .length), 400));
        })""", inst.id)
        assert n == 28
    assert real_errors(log) == []


def test_page_api(chromium, tmp_path):
    path = tmp_path / "api.html"
    path.write_text(render_html(synthetic_document()), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        ev = page.evaluate
        ev("window.calls = []; window.jjjBridge = {featureClicked: (l, r) => calls.push([l, r]),"
           " viewChanged: (a, b, z) => calls.push(['view', z]), mouseMoved: () => 0,"
           " mapReady: () => calls.push(['ready']),"
           " featuresPicked: (h, i) => calls.push(['picked', h, i])}")
        view = ev("jjj.getView()")
        assert view["zoom"] == 8 and abs(view["lat"] - 39.2) < 1e-6
        assert ev("jjj.setView(39.5, 116.0, 9)") is True
        page.wait_for_function("calls.some(c => c[0] === 'view')", timeout=10000)  # moveend
        assert ev("jjj.getView().zoom") == 9
        assert ["view", 9] in ev("calls")
        # visibility and opacity
        assert ev("jjj.setVisible('counties', false)") is True
        assert ev("jjj.map.hasLayer(jjj.layerGroup('counties'))") is False
        assert ev("document.querySelector('.jjj-legend [data-layer=counties]')") is None
        ev("jjj.setVisible('counties', true)")
        assert ev("!!document.querySelector('.jjj-legend [data-layer=counties]')")
        ev("jjj.setOpacity('mylines', 0.3)")
        assert ev("jjj.map.getPane('jjj-mylines').style.opacity") == "0.3"
        # order: bottom -> top
        ev("jjj.setOrder(['mylines','mypoints','institutions','clusters','counties'])")
        z = ev("['mylines','counties'].map(id => +jjj.map.getPane('jjj-' + id).style.zIndex)")
        assert z[0] < z[1]
        # highlight / highlighted / clear
        ev("jjj.highlight('counties', [2, 4])")
        ev("jjj.highlight('clusters', [1])")   # one selection at a time (issue 18)
        assert ev("jjj.highlighted()") == {"clusters": [1]}
        ev("jjj.highlight('counties', [])")
        assert ev("jjj.highlighted()") == {}
        # zoomTo a feature and the whole layer
        assert ev("jjj.zoomTo('counties', [8])") is True
        page.wait_for_function("calls.filter(c => c[0] === 'view').length >= 2",
                               timeout=10000)   # the zoom has ended (its moveend)
        assert ev("jjj.getView().zoom") > 9
        assert ev("jjj.zoomTo('mypoints', [])") is True
        # sector filter changes what is drawn and the legend
        ev("jjj.setFilter('sector', ['robotics'])")
        assert ev("jjj.featureCount('clusters')") == 1
        legend = ev("document.querySelector('.jjj-legend [data-layer=clusters]').textContent")
        assert "Robotics" in legend and "Integrated circuits" not in legend
        ev("jjj.setFilter('sector', ['robotics', 'integrated_circuits', 'artificial_intelligence'])")
        assert ev("jjj.featureCount('clusters')") == 3
        # basemaps: same datum switches live, another datum needs a re-render
        assert ev("jjj.setBasemap('osm')") is True
        assert ev("jjj.setBasemap('gaode')") is False
        assert ev("jjj.setBasemap('nope')") is False
        # a click inside county 5 reaches the bridge as the features under it, top first
        c = ev("(() => { const c = jjj.markersOf('counties')[5].getBounds().getCenter();"
               " jjj.setView(c.lat, c.lng, 9); const p = jjj.map.latLngToContainerPoint(c);"
               " const r = jjj.map.getContainer().getBoundingClientRect();"
               " return [p.x + r.left, p.y + r.top]; })()")
        page.mouse.click(c[0], c[1])
        page.wait_for_function("calls.some(c => c[0] === 'picked')", timeout=5000)
        picked = next(c for c in ev("calls") if c[0] == "picked")
        assert picked[1][0] == ["counties", 5] and picked[2] == 0
    assert real_errors(log) == []


def _open_every_popup_and_tooltip(page):
    """Render every bound popup / tooltip into the page, and open the real ones too."""
    return page.evaluate("""() => {
        const sink = document.createElement('div'); sink.id = 'sink';
        document.body.appendChild(sink);
        let n = 0;
        for (const id of jjj.layerIds()) {
          const rows = jjj.markersOf(id);
          for (const r in rows) {
            const l = rows[r];
            const popup = jjj.popupOf(id, r);   // a click's popup (jjj-pick.js)
            if (popup) { sink.appendChild(popup); n++; }
            for (const b of [l.getTooltip && l.getTooltip()]) {
              if (!b) continue;
              const c = b._content;
              const node = typeof c === 'function' ? c(l) : c;
              if (typeof node === 'string') sink.insertAdjacentText('beforeend', node);
              else sink.appendChild(node);
              n++;
            }
            if (jjj.map.hasLayer(l)) {
              const at = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
              jjj.identifyAt(at.lat, at.lng);   // the real popup, with the others named
              l.openTooltip && l.openTooltip();
            }
          }
        }
        return n;
    }""")


def test_attribute_text_shows_literally_and_runs_nothing(chromium, tmp_path):
    path = tmp_path / "evil.html"
    path.write_text(render_html(synthetic_document(evil=True)), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        n = _open_every_popup_and_tooltip(page)
        assert n >= 9 * 2 + 3 * 2 + 3 * 2
        # canvas points: click each point through the map, as a user would
        page.evaluate("""() => {
            const cloud = jjj.layerGroup('mypoints');
            for (let i = 0; i < cloud.n; i++) {
              const ll = L.latLng(cloud.lat[i], cloud.lon[i]);
              jjj.map.setView(ll, 9, {animate: false});
              jjj.map.fire('click', {latlng: ll, containerPoint: jjj.map.latLngToContainerPoint(ll)});
              const p = document.querySelector('.leaflet-popup-content');
              if (p) document.getElementById('sink').appendChild(p.cloneNode(true));
            }
        }""")
        # "runs nothing": first see an image error handler of our own run (and remove its
        # image): one in the attribute text would have run by then too
        page.evaluate("""() => { const d = document.createElement('div');
            d.innerHTML = '<img src="data:image/png;base64,AAAA" ' +
                          'onerror="window.canary = 1; this.remove()">';
            document.body.appendChild(d); }""")
        page.wait_for_function("window.canary === 1", timeout=10000)
        text = page.evaluate("document.body.innerText")
        assert EVIL_IMG in text and EVIL_SCRIPT in text
        assert page.evaluate("document.title") == EVIL_IMG
        assert page.evaluate("document.querySelector('.jjj-title').textContent").startswith(EVIL_IMG)
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('img[src=x], #sink script').length") == 0
        assert page.evaluate("[...document.querySelectorAll('a')].filter(a => "
                             "a.href.startsWith('javascript')).length") == 0
    assert log.dialogs == []
    assert real_errors(log) == []


@pytest.mark.parametrize("basemap", ["none", "tianditu", "gaode"])
def test_pages_without_tiles_or_in_gcj02_draw_and_explain(chromium, tmp_path, monkeypatch,
                                                          basemap):
    monkeypatch.delenv("JJJMAP_TIANDITU_KEY", raising=False)
    doc = synthetic_document()
    doc.basemap = basemap
    path = tmp_path / f"{basemap}.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        assert page.evaluate("jjj.featureCount('counties')") == 9
        note = page.evaluate("document.querySelector('.jjj-note').textContent")
        assert ("JJJMAP_TIANDITU_KEY" in note) == (basemap == "tianditu")
        assert page.evaluate("jjj.datum") == ("gcj02" if basemap == "gaode" else "wgs84")
        if basemap != "gaode":   # nothing to load: the land is painted from the boundaries
            assert page.evaluate("jjj.map.getContainer().classList.contains('jjj-notiles')")
    assert real_errors(log) == []


OVERLAPS = """() => {
  const r = [...document.querySelectorAll('.leaflet-control')]
    .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
  const hits = [];
  for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
    const a = r[i], b = r[j];
    if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top) hits.push([i, j]);
  }
  return hits;
}"""


@pytest.mark.parametrize("size", [(1400, 900), (1000, 700)])
def test_controls_do_not_overlap(chromium, default_page_file, size):
    _, path = default_page_file
    with open_page(path, size=size, b=chromium) as (page, log):
        assert page.evaluate(OVERLAPS) == []
        page.evaluate("document.body.classList.add('jjj-print')")
        assert page.evaluate(OVERLAPS) == []


def test_awkward_custom_layers_render(chromium, tmp_path):
    import geopandas as gpd
    from shapely.geometry import MultiPoint, Point, box

    from jjjmap.model import Layer, MapDocument, Style
    doc = MapDocument()
    doc.add_layer(Layer(gpd.GeoDataFrame({"a": []}, geometry=[], crs=4326), "Empty", id="empty"))
    doc.add_layer(Layer(gpd.GeoDataFrame({"a": [1, 2]}, geometry=[
        MultiPoint([(116, 39), (116.2, 39.1)]), MultiPoint([(116.5, 39.5)])], crs=4326),
        "Multi", id="multi"))
    doc.add_layer(Layer(gpd.GeoDataFrame({"name": ["sq", "pt", None]}, geometry=[
        box(115, 38, 115.5, 38.5), Point(116, 38.2), None], crs=4326),
        "Mixed", id="mixed", style=Style(label_field="name")))
    path = tmp_path / "awkward.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        counts = dict(page.evaluate("jjj.layerIds().map(id => [id, jjj.featureCount(id)])"))
        assert counts == {"empty": 0, "multi": 2, "mixed": 2}
        assert page.evaluate("jjj.zoomTo('empty', [])") is False
        assert page.evaluate("jjj.zoomTo('mixed', [1])") is True
    assert real_errors(log) == []


def test_zoom_to_a_stacked_institution_spiderfies_and_lights_it(chromium, default_page_file):
    doc, path = default_page_file
    inst = next(lyr for lyr in doc.layers if lyr.kind == "institutions")
    with open_page(path, b=chromium) as (page, log):
        page.evaluate(f"jjj.highlight('{inst.id}', [5]); jjj.zoomTo('{inst.id}', [5])")
        # after the zoom, markercluster's animation and the spiderfy (jjj.zoomTo)
        page.wait_for_function("document.querySelectorAll('.jjj-icon.jjj-hl').length > 0",
                               timeout=20000)
        assert page.evaluate("document.querySelectorAll('.jjj-icon.jjj-hl').length") == 1
        assert page.evaluate(f"document.querySelectorAll('.leaflet-jjj-{inst.id}-pane .jjj-icon')"
                             ".length") == 28
    assert real_errors(log) == []


def test_finer_outlines_swap_in_when_zooming(chromium, tmp_path):
    doc = synthetic_document()
    path = tmp_path / "lod.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        ev = page.evaluate
        assert ev("jjj.detailActive('counties')") is False
        ev("jjj.setView(39.2, 115.8, 10)")
        page.wait_for_function("jjj.detailActive('counties') === true", timeout=5000)
        assert ev("jjj.featureCount('counties')") == 9          # same features, finer shapes
        ev("jjj.setView(39.2, 115.8, 8)")
        page.wait_for_function("jjj.detailActive('counties') === false", timeout=5000)
        ev("jjj.highlight('counties', [4])")
        assert ev("jjj.highlighted()") == {"counties": [4]}
    assert real_errors(log) == []


def test_small_views_fold_legend_and_panel(chromium, default_page_file):
    _, path = default_page_file
    with open_page(path, size=(800, 600), b=chromium) as (page, log):
        hidden = "getComputedStyle(document.querySelector('%s')).display === 'none'"
        assert page.evaluate(hidden % ".jjj-legend-body")
        assert page.evaluate(hidden % ".jjj-panel-body")
        page.click(".jjj-legend .jjj-collapse")
        assert not page.evaluate(hidden % ".jjj-legend-body")
        page.evaluate("document.body.classList.add('jjj-print')")
        assert page.evaluate(OVERLAPS) == []
    assert real_errors(log) == []


@pytest.mark.parametrize("size, zoomed_out", [((1400, 900), False), ((700, 500), True)])
def test_the_whole_region_shows_in_any_window(chromium, default_page_file, size, zoomed_out):
    doc, path = default_page_file
    west, south, east, north = doc.view.fit
    with open_page(path, size=size, b=chromium) as (page, log):
        shown = page.evaluate("(() => { const b = jjj.map.getBounds();"
                              " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
        zoom = page.evaluate("jjj.map.getZoom()")
    assert shown[0] <= west and shown[1] <= south and shown[2] >= east and shown[3] >= north
    assert (zoom < doc.view.zoom) == zoomed_out   # a big enough window keeps the set zoom


def test_the_address_fragment_sets_the_view_and_basemap(chromium, default_page_file):
    """``page.html#view=lat,lon,zoom&basemap=name``: how the app opens a stored page at the
    remembered view (ui.warmstart), and a link into an export."""
    doc, path = default_page_file
    with open_page(path, b=chromium, fragment="view=39.9,116.4,10&basemap=osm") as (page, log):
        view = page.evaluate("jjj.getView()")
        assert abs(view["lat"] - 39.9) < 1e-6 and abs(view["lon"] - 116.4) < 1e-6
        assert view["zoom"] == 10
        assert page.evaluate("jjj.basemap()") == "osm"
    assert real_errors(log) == []
    # nonsense is ignored: an impossible view, a basemap of another datum (GCJ-02), a script
    for bad in ("view=999,116.4,10&basemap=gaode", "view=a,b,c&basemap=%3Cscript%3E",
                "basemap=constructor"):
        with open_page(path, b=chromium, fragment=bad) as (page, log):
            assert page.evaluate("jjj.basemap()") == doc.basemap
            view = page.evaluate("jjj.getView()")
            assert 35 < view["lat"] < 43 and view["zoom"] < 9   # the region, whole
        assert real_errors(log) == [] and log.dialogs == []
