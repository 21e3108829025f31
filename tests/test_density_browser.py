"""Heatmap, hexbin and dense points in headless Chromium with the network cut: they draw,
a clicked hexagon says h3's own count, the hexagons follow the zoom, the time slider masks
a heatmap, and an exported copy of the 28 institutions on one spot shows each of them."""
from __future__ import annotations

import math
import re
from collections import Counter

import geopandas as gpd
import h3
import numpy as np
import pytest
from shapely.geometry import Point

from jjjmap import catalog
from jjjmap.io import open_layer
from jjjmap.io.write import write_layer
from jjjmap.model import Layer, MapDocument, Style
from jjjmap.render import render_html

from browser import needs_browser, real_errors, open_page

pytestmark = [pytest.mark.browser, needs_browser]


def _points(n=3000, seed=7):
    """Invented test points (not data), fixed seed, around Xiong'an; a year 2001-2010."""
    rng = np.random.default_rng(seed)
    lon = np.concatenate([rng.normal(115.95, 0.08, n // 2), rng.uniform(115.5, 116.5, n // 2)])
    lat = np.concatenate([rng.normal(39.0, 0.06, n // 2), rng.uniform(38.7, 39.3, n // 2)])
    gdf = gpd.GeoDataFrame({"year": 2001 + np.arange(n) % 10, "w": np.arange(n) % 4},
                           geometry=[Point(x, y) for x, y in zip(lon, lat)], crs=4326)
    return Layer(gdf, "invented points"), lon, lat


def _page(tmp_path, layer, view=(39.0, 115.95, 10)):
    doc = MapDocument(basemap="none")
    doc.add_layer(layer)
    doc.view.lat, doc.view.lon, doc.view.zoom = view
    doc.view.fit = None
    path = tmp_path / "p.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return path


CANVAS_INK = """id => {
  const c = document.querySelector('.leaflet-jjj-' + id + '-pane canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) ink++;
  return ink;
}"""


def test_clicked_hexagon_reports_h3s_count(chromium, tmp_path):
    layer, lon, lat = _points()
    layer.style = Style(renderer="hexbin", hex_resolution=7, weight_field="w", hex_stat="sum")
    counts = Counter(h3.latlng_to_cell(float(y), float(x), 7) for x, y in zip(lon, lat))
    sums = Counter()
    for x, y, w in zip(lon, lat, layer.gdf["w"]):
        sums[h3.latlng_to_cell(float(y), float(x), 7)] += int(w)
    with open_page(_page(tmp_path, layer), b=chromium) as (page, log):
        assert page.evaluate(CANVAS_INK, layer.id) > 10000
        for cell, n in counts.most_common(3) + counts.most_common()[-2:]:
            lat_c, lon_c = h3.cell_to_latlng(cell)
            # the last popup (it may have panned the map) gone, fade-out included
            page.evaluate("jjj.map.closePopup(); jjj.setView(39.0, 115.95, 10)")
            page.wait_for_function("!document.querySelector('.leaflet-popup')")
            pt = page.evaluate("([a, b]) => { const p = jjj.map.latLngToContainerPoint([a, b]);"
                               " return [p.x, p.y]; }", [lat_c, lon_c])
            page.mouse.click(pt[0], pt[1])
            got = page.evaluate(f"jjj.layerGroup('{layer.id}').lastIdentified")
            assert (got["cell"], got["count"], got["sum"], got["res"]) == (cell, n, sums[cell], 7)
            assert str(n) in page.inner_text(".leaflet-popup-content")
    assert real_errors(log) == []


def _across_m(zoom, lat, px=10):
    """A grid hexagon's width (flat to flat) on the ground: circumradius ``px`` screen pixels
    at ``zoom`` (a 256-pixel world tile), sqrt(3) radii across, the mercator scale at
    ``lat`` (the equator's length, WGS-84: 40,075,016.686 m)."""
    return math.sqrt(3) * px / (256 * 2 ** zoom) * 40075016.686 * math.cos(math.radians(lat))


def _legend_across(text):
    m = re.search(r"hexagons about ([\d,.]+) (km|m) across", text)
    assert m, text
    return float(m.group(1).replace(",", "")) * (1000 if m.group(2) == "km" else 1)


def test_hexagons_follow_the_zoom_and_the_legend_with_them(chromium, tmp_path):
    layer, lon, lat = _points()
    layer.style = Style(renderer="hexbin")
    with open_page(_page(tmp_path, layer, view=(39.0, 115.95, 8)), b=chromium) as (page, log):
        cur = f"jjj.layerGroup('{layer.id}').current()"
        assert page.evaluate(f"{cur}.z") == 8
        # every point lies in one hexagon: the counts add up to the layer (3000 points)
        total = f"Array.from({cur}.count).reduce((a, b) => a + b, 0)"
        assert page.evaluate(total) == len(lon)
        coarse = page.evaluate(f"{cur}.nc")
        width = _legend_across(page.inner_text(".jjj-legend"))
        assert width == pytest.approx(_across_m(8, 39.0), rel=0.05)
        page.evaluate("jjj.setView(39.0, 115.95, 12)")
        page.wait_for_function(f"{cur}.z === 12", timeout=10000)
        assert page.evaluate(total) == len(lon)
        assert page.evaluate(f"{cur}.nc") > coarse          # smaller hexagons, more of them
        page.wait_for_function("document.querySelector('.jjj-legend').innerText"
                               ".includes('hexagons about')")
        width12 = _legend_across(page.inner_text(".jjj-legend"))
        assert width12 == pytest.approx(_across_m(12, 39.0), rel=0.05)
        assert "H3 resolution" not in page.inner_text(".jjj-legend")
    assert real_errors(log) == []


def _grid_cells(lon, lat, zoom, px=10):
    """The page's grid binning written again here: pointy-top hexagons of circumradius
    ``px`` screen pixels at ``zoom`` on web-mercator (0..1), axial (q, r) by cube rounding.
    The page holds the coordinates as float32, so they are rounded the same way first."""
    lon = np.asarray(lon, dtype=np.float32).astype(float)
    lat = np.asarray(lat, dtype=np.float32).astype(float)
    s = px / (256 * 2 ** zoom)
    x = (lon + 180) / 360
    sin = np.sin(np.radians(lat))
    y = 0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)
    qf, rf = (math.sqrt(3) / 3 * x - y / 3) / s, (2 / 3 * y) / s
    tf = -qf - rf
    q, r, t = np.round(qf), np.round(rf), np.round(tf)
    dq, dr, dt = abs(q - qf), abs(r - rf), abs(t - tf)
    fix_q = (dq > dr) & (dq > dt)
    fix_r = ~fix_q & (dr > dt)
    q = np.where(fix_q, -r - t, q)
    r = np.where(fix_r, -q - t, r)
    return list(zip(q.astype(int), r.astype(int))), s


def test_clicked_grid_hexagon_says_how_many_points_it_holds(chromium, tmp_path):
    layer, lon, lat = _points()
    layer.style = Style(renderer="hexbin", weight_field="w", hex_stat="sum")
    cells, s = _grid_cells(lon, lat, 10)
    counts = Counter(cells)
    sums = Counter()
    for c, w in zip(cells, layer.gdf["w"]):
        sums[c] += int(w)
    with open_page(_page(tmp_path, layer, view=(39.0, 115.95, 10)), b=chromium) as (page, log):
        assert page.evaluate(f"jjj.layerGroup('{layer.id}').current().z") == 10
        for (q, r), n in counts.most_common(3) + counts.most_common()[-2:]:
            x0, y0 = s * (math.sqrt(3) * q + math.sqrt(3) / 2 * r), s * 1.5 * r
            lon_c = x0 * 360 - 180
            lat_c = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y0))))
            got = page.evaluate("""([id, lat, lon]) => {
              const g = jjj.layerGroup(id), ll = L.latLng(lat, lon);
              jjj.map.closePopup();
              g._click({containerPoint: jjj.map.latLngToContainerPoint(ll), latlng: ll});
              return g.lastIdentified;
            }""", [layer.id, lat_c, lon_c])
            assert (got["count"], got["sum"], got["z"]) == (n, sums[(q, r)], 10)
    assert real_errors(log) == []


def test_hexagon_legend_classes_name_the_counts_they_hold(chromium, tmp_path):
    """Invented points (not data): 1, 2 and 3 points on three spots half a degree apart, each
    in its own hexagon, so the classes are the counts themselves (before: "1", "1 – 2",
    "2 – 3", as if a hexagon could hold 1.5 points)."""
    spots = [(115.5, 39.0)] + [(116.0, 39.0)] * 2 + [(116.5, 39.0)] * 3
    gdf = gpd.GeoDataFrame({"n": range(6)}, geometry=[Point(x, y) for x, y in spots], crs=4326)
    layer = Layer(gdf, "invented spots", style=Style(renderer="hexbin", spread_stacked=False))
    with open_page(_page(tmp_path, layer, view=(39.0, 116.0, 8)), b=chromium) as (page, log):
        legend = page.inner_text(".jjj-legend")
        assert re.findall(r"^\s*([\d –]+)\s*$", legend, re.M) == ["1", "2", "3"], legend
    assert real_errors(log) == []


def test_hexagon_legend_in_chinese(chromium, tmp_path):
    layer, _, _ = _points()
    layer.style = Style(renderer="hexbin")
    doc = MapDocument(basemap="none", lang="zh")
    doc.add_layer(layer)
    doc.view.lat, doc.view.lon, doc.view.zoom = 39.0, 115.95, 8
    doc.view.fit = None
    path = tmp_path / "zh.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        legend = page.inner_text(".jjj-legend")
        # zoom 8 at 39° N: about 8.2 km across (_across_m), two digits
        assert "六边形宽约 8.2 公里" in legend, legend
        assert round(_across_m(8, 39.0) / 100) / 10 == 8.2
    assert real_errors(log) == []


def test_heatmap_draws_and_the_time_slider_masks_it(chromium, tmp_path):
    layer, _, _ = _points()
    layer.style = Style(renderer="heatmap", weight_field="w", time_field="year")
    with open_page(_page(tmp_path, layer), b=chromium) as (page, log):
        full = page.evaluate(CANVAS_INK, layer.id)
        assert full > 20000
        page.evaluate("jjj.time.setRange(2001, 2001)")         # a tenth of the points
        assert page.evaluate(f"jjj.featureCount('{layer.id}')") == 300
        page.evaluate("jjj.time.setRange(1990, 1995)")         # none
        assert page.evaluate(f"jjj.featureCount('{layer.id}')") == 0
        assert page.evaluate(CANVAS_INK, layer.id) == 0
        page.evaluate("jjj.time.setRange(2001, 2010)")
        assert page.evaluate(CANVAS_INK, layer.id) == full
    assert real_errors(log) == []


PICKED = """id => {
  const cloud = jjj.layerGroup(id), seen = new Set(), m = jjj.map;
  const c = m.latLngToContainerPoint([cloud.lat[0], cloud.lon[0]]);
  for (let dx = -90; dx <= 90; dx += 2) for (let dy = -90; dy <= 90; dy += 2) {
    const i = cloud.nearest(L.point(c.x + dx, c.y + dy), 0);
    if (i >= 0) seen.add(i);
  }
  return seen.size;
}"""


def test_exported_copy_of_the_institutions_shows_all_28_stacked_points(chromium, tmp_path):
    inst = next(lyr for lyr in catalog.default_document().layers if lyr.kind == "institutions")
    copy = tmp_path / "institutions.geojson"
    write_layer(inst.gdf, copy)
    layer = open_layer(str(copy))[0]
    assert len(layer.gdf) == 28 and layer.gdf.geometry.nunique() == 1
    with open_page(_page(tmp_path, layer, view=(39.05, 115.9, 11)), b=chromium) as (page, log):
        assert page.evaluate(PICKED, layer.id) == 28      # each of them can be clicked
    layer.style = Style(spread_stacked=False)
    with open_page(_page(tmp_path, layer, view=(39.05, 115.9, 11)), b=chromium) as (page, log):
        assert page.evaluate(PICKED, layer.id) == 1       # as before: only the top one
    assert real_errors(log) == []


def test_a_large_layer_draws_translucent_points(chromium, tmp_path):
    rng = np.random.default_rng(3)   # invented test points (not data)
    n = 60000
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(rng.normal(115.95, 0.05, n),
                                                       rng.normal(39.0, 0.04, n)), crs=4326)
    layer = Layer(gdf, "many invented points")
    with open_page(_page(tmp_path, layer), b=chromium) as (page, log):
        alphas = page.evaluate("""id => {
          const c = document.querySelector('.leaflet-jjj-' + id + '-pane canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, a = new Set();
          for (let i = 3; i < d.length; i += 4) if (d[i]) a.add(d[i]);
          return [...a];
        }""", layer.id)
        # not one opaque colour: translucent where a point is alone, deeper where they crowd
        assert min(alphas) <= 130 and max(alphas) > min(alphas) + 60
    assert real_errors(log) == []


def _counts_by_cell(page, layer_id):
    return page.evaluate("""id => {
      const lv = jjj.layerGroup(id).current(), out = {};
      for (let c = 0; c < lv.nc; c++) if (lv.count[c]) out[lv.q[c] + ',' + lv.r[c]] = lv.count[c];
      return out;
    }""", layer_id)


@pytest.mark.parametrize("worker", [True, False], ids=["worker", "main-thread fallback"])
def test_a_new_zooms_hexagons_hold_the_right_counts_from_the_worker_and_without_it(
        chromium, tmp_path, worker):
    """The first drawing is binned in the page; a later zoom's grid on the Web Worker (a
    blob: URL from the page's own script, from file:// here), or in the page when there is
    no worker: the same hexagons, the counts of the test's own binning (_grid_cells). Two
    zooms in one go: the answer for zoom 12 comes when the map is at 13 already; 13 is
    shown, with 13's counts."""
    layer, lon, lat = _points()
    layer.style = Style(renderer="hexbin")
    cur = f"jjj.layerGroup('{layer.id}').current()"
    with open_page(_page(tmp_path, layer, view=(39.0, 115.95, 9)), b=chromium) as (page, log):
        if not worker:
            page.evaluate("JjjDensity.noWorker()")
        assert page.evaluate(f"{cur}.z") == 9
        assert page.evaluate(f"{cur}.binnedBy") == "page"
        page.evaluate("jjj.setView(39.0, 115.95, 11)")
        page.wait_for_function(f"{cur}.z === 11 && JjjDensity.pending() === 0")
        assert page.evaluate("JjjDensity.usesWorker()") is worker
        assert page.evaluate(f"{cur}.binnedBy") == ("worker" if worker else "page")
        cells, _ = _grid_cells(lon, lat, 11)
        assert _counts_by_cell(page, layer.id) == {f"{q},{r}": n for (q, r), n
                                                   in Counter(cells).items()}
        page.evaluate("jjj.setView(39.0, 115.95, 12); jjj.setView(39.0, 115.95, 13)")
        page.wait_for_function(f"{cur}.z === 13 && JjjDensity.pending() === 0")
        cells, _ = _grid_cells(lon, lat, 13)
        expected = {f"{q},{r}": n for (q, r), n in Counter(cells).items()}
        assert len(expected) > 1000                        # small hexagons: many cells
        assert _counts_by_cell(page, layer.id) == expected
        assert page.evaluate(CANVAS_INK, layer.id) > 10000
    assert real_errors(log) == []


def test_a_heatmap_drawn_on_the_worker_is_the_one_drawn_without_it(chromium, tmp_path):
    layer, _, _ = _points()
    layer.style = Style(renderer="heatmap", weight_field="w")
    pixels = """id => {
      const c = document.querySelector('.leaflet-jjj-' + id + '-pane canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 0; for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]) >>> 0;
      return [h, c.width, c.height];
    }"""
    seen = []
    for worker in (True, False):
        with open_page(_page(tmp_path, layer, view=(39.0, 115.95, 9)), b=chromium) as (page, log):
            if not worker:
                page.evaluate("JjjDensity.noWorker()")
            page.evaluate("jjj.setView(39.0, 115.95, 11)")
            page.wait_for_function(f"JjjDensity.pending() === 0 && jjj.layerGroup('{layer.id}')"
                                   "._drawn.startsWith('11,')")
            assert page.evaluate("JjjDensity.usesWorker()") is worker
            assert page.evaluate(CANVAS_INK, layer.id) > 20000
            seen.append(page.evaluate(pixels, layer.id))
        assert real_errors(log) == []
    assert seen[0] == seen[1]
