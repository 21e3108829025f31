"""The tiled polygon kind in the page (resources/web/jjj-polytiles.js, render "polytiles"):
its tiles hold the polygons' fill colours where they are and nothing elsewhere, a position
inside a polygon picks its row, and a pan draws only the tiles that came into view. The
page is a self-contained export opened from file:// (no network)."""
from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from jjjmap.model import Layer, MapDocument, Style
from jjjmap.render import render_html, tiling

from browser import needs_browser, open_page, real_errors

pytestmark = [pytest.mark.browser, needs_browser]

# three invented squares, rows 0-2; row 1 has a square hole; categories give the colours
SQUARES = [shapely.box(115.0, 38.0, 115.4, 38.4),
           shapely.Polygon(shapely.box(115.5, 38.0, 115.9, 38.4).exterior.coords,
                           [shapely.box(115.6, 38.1, 115.8, 38.3).exterior.coords]),
           shapely.box(116.0, 38.0, 116.4, 38.4)]
KINDS = ["farm", "town", "farm"]
RED, BLUE = "#ff0000", "#0000ff"


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    gdf = gpd.GeoDataFrame({"kind": KINDS, "name": ["A", "B", "C"]}, geometry=SQUARES, crs=4326)
    layer = Layer(gdf, "Parcels", kind="vector", id="parcels",
                  style=Style(mode="categorized", field="kind", weight=0, fill_opacity=1.0,
                              categories={"farm": RED, "town": BLUE}, tooltip_fields=["name"]))
    doc = MapDocument(basemap="none")
    doc.view.lat, doc.view.lon, doc.view.zoom = 38.2, 115.7, 9
    doc.add_layer(layer)
    path = tmp_path_factory.mktemp("polytiles") / "p.html"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tiling, "TILED_ABOVE", 2)
        path.write_text(render_html(doc), encoding="utf-8")
    return path


PIXEL = """([lat, lon]) => {
    const layer = jjj.layerGroup('parcels'), map = jjj.map;
    const pt = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
    const x = box.left + pt.x, y = box.top + pt.y;
    for (const key in layer._tiles) {
        const c = layer._tiles[key].el, r = c.getBoundingClientRect();
        if (x >= r.left && x < r.right && y >= r.top && y < r.bottom) {
            const d = c.getContext('2d').getImageData(Math.floor(x - r.left),
                                                      Math.floor(y - r.top), 1, 1).data;
            return Array.from(d);
        }
    }
    return null;
}"""
LOADED = """() => { const l = jjj.layerGroup('parcels'); const t = Object.values(l._tiles);
                    return t.length > 0 && t.every(x => x.loaded); }"""


def test_tiles_draw_the_fill_colours_where_the_polygons_are(page_file):
    with open_page(page_file) as (page, log):
        assert page.evaluate("jjj.layerGroup('parcels') instanceof window.JjjKinds.polytiles")
        page.wait_for_function(LOADED)
        assert page.evaluate("jjj.featureCount('parcels')") == 3
        assert page.evaluate(PIXEL, [38.2, 115.2]) == [255, 0, 0, 255]      # row 0: farm
        assert page.evaluate(PIXEL, [38.05, 115.55]) == [0, 0, 255, 255]    # row 1: town
        assert page.evaluate(PIXEL, [38.2, 115.7]) == [0, 0, 0, 0]          # row 1's hole
        assert page.evaluate(PIXEL, [38.2, 116.2]) == [255, 0, 0, 255]      # row 2: farm
        assert page.evaluate(PIXEL, [38.2, 115.95]) == [0, 0, 0, 0]         # between
        assert page.evaluate(PIXEL, [38.6, 115.2]) == [0, 0, 0, 0]          # north of all
        assert not real_errors(log)


def test_a_position_inside_a_polygon_picks_its_row(page_file):
    with open_page(page_file) as (page, log):
        hits = "([lat, lon]) => jjj.layerGroup('parcels').hitsAt(L.latLng(lat, lon))"
        assert page.evaluate(hits, [38.2, 115.2]) == [0]
        assert page.evaluate(hits, [38.05, 115.55]) == [1]
        assert page.evaluate(hits, [38.2, 115.7]) == []          # in row 1's hole
        assert page.evaluate(hits, [38.39, 116.01]) == [2]
        assert page.evaluate(hits, [38.2, 115.95]) == []
        # no label field (a labelled layer is not tiled): the title and the row
        assert page.evaluate("jjj.layerGroup('parcels').nameOf(2)") == "Parcels #2"
        assert "town" in page.evaluate("jjj.popupOf('parcels', 1).textContent")
        # the highlight is an outline of that feature over the tiles
        assert page.evaluate("jjj.layerGroup('parcels').highlight([2], true)") == []
        b = page.evaluate("(() => { const b = jjj.layerGroup('parcels')._hl.getBounds();"
                          " return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()")
        assert b == pytest.approx([38.0, 116.0, 38.4, 116.4], abs=1e-6)
        bounds = page.evaluate("(() => { const b = jjj.layerGroup('parcels').bounds([]);"
                               " return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()")
        assert bounds == pytest.approx([38.0, 115.0, 38.4, 116.4], abs=1e-6)
        assert not real_errors(log)


def _tiles(bounds) -> set[tuple[int, int]]:
    """The 256 px tiles over pixel bounds [[minx, miny], [maxx, maxy]] (as Leaflet's
    GridLayer ranges them: floor of the minimum, ceil of the maximum minus one)."""
    import math

    (x0, y0), (x1, y1) = bounds
    return {(x, y) for x in range(math.floor(x0 / 256), math.ceil(x1 / 256))
            for y in range(math.floor(y0 / 256), math.ceil(y1 / 256))}


def test_a_pan_draws_only_the_new_tiles(page_file):
    px = "(() => { const b = jjj.map.getPixelBounds(); return [[b.min.x, b.min.y], [b.max.x, b.max.y]]; })()"
    with open_page(page_file, size=(1000, 700)) as (page, log):
        page.wait_for_function(LOADED)
        before_tiles = _tiles(page.evaluate(px))
        before = page.evaluate("jjj.layerGroup('parcels').tilesDrawn")
        assert before == len(before_tiles)
        page.evaluate("jjj.map.panBy([300, 0], {animate: false})")
        page.wait_for_function(LOADED)
        after_tiles = _tiles(page.evaluate(px))
        new = after_tiles - before_tiles
        assert 0 < len(new) < len(after_tiles)
        drawn = page.evaluate("jjj.layerGroup('parcels').tilesDrawn") - before
        assert drawn == len(new)
        assert not real_errors(log)


def test_the_mouse_over_a_polygon_shows_its_tooltip(page_file):
    at = """([lat, lon]) => { const p = jjj.map.latLngToContainerPoint([lat, lon]),
                             b = jjj.map.getContainer().getBoundingClientRect();
                             return [b.left + p.x, b.top + p.y]; }"""
    with open_page(page_file) as (page, log):
        page.wait_for_function(LOADED)
        page.mouse.move(*page.evaluate(at, [38.2, 116.2]))       # row 2, tooltip "C"
        page.wait_for_function("() => { const t = document.querySelector('.leaflet-tooltip');"
                               " return t && t.textContent === 'C'; }")
        page.mouse.move(*page.evaluate(at, [38.05, 115.55]))     # row 1, tooltip "B"
        page.wait_for_function("() => { const t = document.querySelector('.leaflet-tooltip');"
                               " return t && t.textContent === 'B'; }")
        page.mouse.move(*page.evaluate(at, [38.2, 115.7]))       # row 1's hole: none
        page.wait_for_function("() => !document.querySelector('.leaflet-tooltip')")
        assert not real_errors(log)
