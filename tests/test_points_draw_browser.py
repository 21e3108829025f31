"""The point canvases in headless Chromium (issue 21 item 4): each is drawn once per view
(Leaflet fires viewreset, zoomend and moveend for one zoom), and the large layer's drawing
on a Web Worker gives the pixels of the page's own drawing. Invented test points (seeded
random clusters, not data)."""
from __future__ import annotations

import pytest

from browser import needs_browser, open_page, real_errors
from test_points_big import big_layer

pytestmark = [pytest.mark.browser, needs_browser]


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    from jjjmap.model import MapDocument
    from jjjmap.render import pointbin, render_html

    doc = MapDocument(basemap="none")
    doc.add_layer(big_layer(3_000, "small"))     # under pointbin.BINARY_ABOVE: JjjPointCloud
    doc.add_layer(big_layer(61_000, "big"))      # over it: JjjBigPoints (not 60k: cached by content)
    doc.view.lat, doc.view.lon, doc.view.zoom = 39.0, 116.5, 8
    doc.view.fit = None
    path = tmp_path_factory.mktemp("draw") / "points.html"
    with pytest.MonkeyPatch.context() as mp:     # pre-binned levels at 60k points already
        mp.setattr(pointbin, "OVERVIEW_ABOVE", 50_000)
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


PIXELS = """id => {
  const c = document.querySelector('.leaflet-jjj-' + id + '-pane canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0, ink = 0;
  for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]) >>> 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]) ink++;
  const g = jjj.layerGroup(id);
  return {hash: h, ink: ink, w: c.width, h: c.height, drawn: g.drawn, level: g.level,
          by: g.drawnBy, transform: c.style.transform};
}"""

# views after the first frame: a pre-binned level, the points themselves, a pan, a mask
TOUR = [("jjj.setView(39.0, 116.5, 7)", None),
        ("jjj.setView(39.2, 116.3, 11)", None),
        ("jjj.map.panBy([300, -200], {animate: false})", None),
        ("jjj.setView(39.0, 116.5, 9); jjj.setView(39.1, 116.4, 10)", None),   # one goes stale
        (None, "jjj.layerGroup('big').setHidden(r => r % 3 === 0)")]


def _tour(page):
    seen = []
    for move, other in TOUR:
        page.evaluate("js => new Promise(done => { eval(js); "
                      "jjj.layerGroup('big').whenDrawn(done); })", move or other)
        seen.append(page.evaluate(PIXELS, "big"))
    return seen


def test_the_large_layer_drawn_on_the_worker_is_the_one_drawn_in_the_page(chromium, page_path):
    """From file:// (an export): the first frame in the page, later views on the worker (a
    pixel buffer, drawn in a Worker from a blob: URL); the same frames without the worker."""
    runs = []
    for worker in (True, False):
        with open_page(page_path, b=chromium) as (page, log):
            assert page.evaluate("jjj.layerGroup('big').drawnBy") == "page"
            if worker:   # its copy of the points, made a slice per task after the first frame
                page.wait_for_function("jjj.layerGroup('big').sent")
            else:
                page.evaluate("JjjBigPointsNoWorker()")
            runs.append(_tour(page))
            assert page.evaluate("JjjBigPointsUsesWorker()") is worker
        assert real_errors(log) == []
    on_worker, in_page = runs
    assert [f["by"] for f in on_worker] == ["worker"] * len(TOUR)
    assert [f["by"] for f in in_page] == ["page"] * len(TOUR)
    assert on_worker[0]["level"] is not None and on_worker[1]["level"] is None
    for w in on_worker:
        assert w["ink"] > 1000 and w["drawn"] > 100
        assert "scale" not in w["transform"] or "scale(1)" in w["transform"]
    assert on_worker[4]["drawn"] < on_worker[3]["drawn"]      # the mask hid a third
    drop_by = [{k: v for k, v in f.items() if k != "by"} for f in on_worker + in_page]
    assert drop_by[:len(TOUR)] == drop_by[len(TOUR):]      # the same pixels, the same counts


def test_while_the_worker_draws_the_last_frame_stays_scaled_to_the_new_view(chromium, page_path):
    with open_page(page_path, b=chromium) as (page, log):
        page.wait_for_function("jjj.layerGroup('big').sent")
        page.evaluate("js => new Promise(done => { jjj.setView(39.0, 116.5, 9); "
                      "jjj.layerGroup('big').whenDrawn(done); })", "")
        assert page.evaluate("jjj.layerGroup('big').drawnBy") == "worker"
        during = page.evaluate("""() => {
          const g = jjj.layerGroup('big'), c = g._canvas;
          jjj.setView(39.0, 116.5, 10);              // one zoom in: the old frame twice as big
          return [g.pending(), c.style.transform]; }""")
        assert during[0] is True and "scale(2)" in during[1]
        page.evaluate("new Promise(done => jjj.layerGroup('big').whenDrawn(done))")
        assert "scale" not in page.evaluate("jjj.layerGroup('big')._canvas.style.transform")
    assert real_errors(log) == []
