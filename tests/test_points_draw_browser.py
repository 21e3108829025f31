"""The point canvases in headless Chromium (issue 21 item 4): each is drawn once per view
(Leaflet fires viewreset, zoomend and moveend for one zoom), and the large layer's drawing
on a Web Worker gives the pixels of the page's own drawing. Invented test points (seeded
random clusters, not data)."""
from __future__ import annotations

import pytest

from browser import browser, needs_browser, open_page, real_errors
from test_points_big import big_layer

pytestmark = [pytest.mark.browser, needs_browser]


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    from jjjmap.model import MapDocument
    from jjjmap.render import render_html

    doc = MapDocument(basemap="none")
    doc.add_layer(big_layer(3_000, "small"))     # under pointbin.BINARY_ABOVE: JjjPointCloud
    doc.add_layer(big_layer(60_000, "big"))      # over it: JjjBigPoints
    doc.view.lat, doc.view.lon, doc.view.zoom = 39.0, 116.5, 8
    doc.view.fit = None
    path = tmp_path_factory.mktemp("draw") / "points.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return path


DRAWS = "[jjj.layerGroup('small').draws, jjj.layerGroup('big').draws]"


def _after(page, js):
    """draws of both canvases before and after js, once the map's moveend has fired"""
    before = page.evaluate(DRAWS)
    page.evaluate("""js => new Promise(done => {
      jjj.map.once('moveend', () => done()); eval(js); })""", js)
    return [a - b for a, b in zip(page.evaluate(DRAWS), before)]


def test_each_point_canvas_is_drawn_once_per_zoom_and_pan(chromium, page_path):
    with open_page(page_path, b=chromium) as (page, log):
        assert page.evaluate("jjj.layerGroup('big').constructor !== jjj.layerGroup('small').constructor")
        assert min(page.evaluate(DRAWS)) >= 1
        # a jump (no animation: viewreset, zoomend, moveend), an animated zoom, a pan
        assert _after(page, "jjj.setView(39.1, 116.6, 10)") == [1, 1]
        assert _after(page, "jjj.map.setZoom(11)") == [1, 1]
        assert _after(page, "jjj.map.panBy([120, 40], {animate: false})") == [1, 1]
        # a new time mask on the same view draws again
        before = page.evaluate(DRAWS)
        page.evaluate("jjj.layerGroup('small').setHidden(r => r % 2 === 0)")
        assert page.evaluate(DRAWS)[0] == before[0] + 1
    assert real_errors(log) == []
