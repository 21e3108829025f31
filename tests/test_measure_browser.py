"""The page's measure tool (resources/web/jjj-measure.js) in headless Chromium, network cut:
a line drawn with real mouse clicks measures the pyproj.Geod length within 0.1%, a polygon
the pyproj.Geod area, and over a GCJ-02 basemap the drawing comes back in WGS-84."""
from __future__ import annotations

import pyproj
import pytest
import shapely

from jjjmap.render import render_html

from browser import needs_browser, open_page, real_errors
from test_render_fixtures import synthetic_document

pytestmark = [pytest.mark.browser, needs_browser]
GEOD = pyproj.Geod(ellps="WGS84")

# invented test points around Beijing - Tianjin - Xiongan (WGS-84)
LINE = [(116.397, 39.909), (117.20, 39.12), (115.904, 39.048)]
POLYGON = [(115.6, 38.8), (116.4, 38.9), (116.3, 39.5), (115.7, 39.4)]

FIRE = """([kind, pts]) => {
  jjjMeasure.start(kind);
  const m = jjj.map;   // a click as Leaflet reports one (the point layer reads its pixel)
  pts.forEach(p => { const ll = L.latLng(p[1], p[0]);
    m.fire('click', {latlng: ll, layerPoint: m.latLngToLayerPoint(ll),
                     containerPoint: m.latLngToContainerPoint(ll)}); });
  jjjMeasure.finish();
  return jjjMeasure.result();
}"""


def _page(tmp_path, basemap="none", lang="en"):
    doc = synthetic_document(lang=lang)
    doc.basemap = basemap
    path = tmp_path / f"measure-{basemap}-{lang}.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return path


def test_a_line_drawn_with_the_mouse_has_the_geodesic_length(chromium, tmp_path):
    with open_page(_page(tmp_path), b=chromium) as (page, log):
        page.click(".jjj-measure-toggle")
        page.click("text=Measure distance")
        box = page.locator("#" + page.evaluate("jjj.map.getContainer().id")).bounding_box()
        for n, (lon, lat) in enumerate(LINE, 1):
            pt = page.evaluate("([lat, lon]) => { const p = jjj.map.latLngToContainerPoint("
                               "[lat, lon]); return [p.x, p.y]; }", [lat, lon])
            page.mouse.click(box["x"] + pt[0], box["y"] + pt[1])
            # the tool has the vertex before the next click (far apart: no double-click)
            page.wait_for_function(f"jjjMeasure.result().coords.length >= {n}")
        last = page.evaluate("jjj.map.latLngToContainerPoint([%f, %f])" % (LINE[-1][1], LINE[-1][0]))
        page.mouse.dblclick(box["x"] + last["x"], box["y"] + last["y"])
        page.wait_for_function("jjjMeasure.result().finished")
        r = page.evaluate("jjjMeasure.result()")
        readout = page.inner_text(".jjj-measure-readout")
        assert real_errors(log) == []
    assert len(r["coords"]) == 3
    # the clicked pixels are within a pixel of the points aimed at (zoom 8: ~500 m)
    for (lon, lat), (x, y) in zip(LINE, r["coords"]):
        assert abs(lon - x) < 0.01 and abs(lat - y) < 0.01
    lons, lats = zip(*r["coords"])
    want = GEOD.line_length(lons, lats)
    assert r["length_m"] == pytest.approx(want, rel=1e-3)
    assert r["length_m"] == pytest.approx(want, rel=1e-7)   # Vincenty: far better in fact
    assert readout.startswith("Length ") and readout.endswith(" km")


def test_polygon_area_and_perimeter_are_ellipsoidal(chromium, tmp_path):
    with open_page(_page(tmp_path), b=chromium) as (page, _log):
        r = page.evaluate(FIRE, ["polygon", POLYGON])
    area, perimeter = GEOD.geometry_area_perimeter(shapely.Polygon(POLYGON))
    js_error = abs(r["area_m2"] - abs(area)) / abs(area)
    assert js_error < 1e-4
    assert r["length_m"] == pytest.approx(perimeter, rel=1e-6)
    # a sphere of the mean radius (what a haversine tool uses) is far further off
    sphere = pyproj.Geod(a=6371008.8, b=6371008.8).geometry_area_perimeter(shapely.Polygon(POLYGON))
    assert abs(abs(sphere[0]) - abs(area)) / abs(area) > 10 * js_error


def test_on_a_gcj02_basemap_the_drawing_is_wgs84_and_labels_are_chinese(chromium, tmp_path):
    from jjjmap.geo.datum import wgs84_to_gcj02

    shown = [wgs84_to_gcj02(lon, lat) for lon, lat in LINE]   # where the eye clicks on Amap
    with open_page(_page(tmp_path, basemap="gaode", lang="zh"), b=chromium) as (page, _log):
        assert page.evaluate("jjj.datum") == "gcj02"
        r = page.evaluate(FIRE, ["line", shown])
        readout = page.inner_text(".jjj-measure-readout")
        buttons = page.inner_text(".jjj-measure")
    for (lon, lat), (x, y) in zip(LINE, r["coords"]):
        assert x == pytest.approx(lon, abs=1e-7) and y == pytest.approx(lat, abs=1e-7)
    lons, lats = zip(*LINE)
    assert r["length_m"] == pytest.approx(GEOD.line_length(lons, lats), rel=1e-6)
    assert readout.endswith("公里") and "量测距离" in buttons
