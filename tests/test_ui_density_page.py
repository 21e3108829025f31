"""The page's density and time controls reach the app (the real window, offscreen): a
clicked hexagon's "select these points" selects exactly its points in the document (rows
computed here with h3, point by point), under the time slider's mask too; and the slider's
range, step and mode land in the layer's style, so a saved project keeps them."""
from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pytest
from shapely.geometry import Point

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import js, shown_window  # noqa: E402

from jjjmap.model import Layer, MapDocument, Style  # noqa: E402


def _firms(n=600, seed=11):
    """Invented test points (not data) around Xiong'an, a year 2001-2010 (row mod 10)."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.normal(115.95, 0.05, n), rng.normal(39.0, 0.04, n)
    gdf = gpd.GeoDataFrame({"year": 2001 + np.arange(n) % 10},
                           geometry=[Point(x, y) for x, y in zip(lon, lat)], crs=4326)
    return Layer(gdf, "Invented firms"), lon, lat


CLICK = """(function (id, cell, lat, lon) {
  var g = jjj.layerGroup(id), ll = L.latLng(lat, lon);
  jjj.map.closePopup();
  g._click({containerPoint: jjj.map.latLngToContainerPoint(ll), latlng: ll});
  var b = document.querySelector('.leaflet-popup [data-hex=select]');
  if (!b) return null;
  var text = b.textContent;
  b.click();
  return [g.lastIdentified.cell, g.lastIdentified.count, text];
})(%s)"""


def test_a_hexagons_points_are_selected_in_the_document(qtbot, tmp_path):
    layer, lon, lat = _firms()
    layer.style = Style(renderer="hexbin", hex_resolution=7, time_field="year")
    doc = MapDocument(basemap="none")
    doc.add_layer(layer)
    doc.view.lat, doc.view.lon, doc.view.zoom = 39.0, 115.95, 10
    doc.view.fit = None
    cells = [h3.latlng_to_cell(float(y), float(x), 7) for x, y in zip(lon, lat)]
    busiest = max(set(cells), key=cells.count)
    want = [i for i, c in enumerate(cells) if c == busiest]
    assert len(want) > 20
    lat_c, lon_c = h3.cell_to_latlng(busiest)
    args = f"'{layer.id}', '{busiest}', {lat_c}, {lon_c}"
    with shown_window(qtbot, doc, tmp_path, timeout=60000, quiet=True) as w:
        qtbot.waitUntil(lambda: js(qtbot, w.map, "!!(window.jjj && jjj.ready && jjj.time)"),
                        timeout=30000)
        got = js(qtbot, w.map, CLICK % args)
        assert got == [busiest, len(want), f"Select these {len(want)} points"]
        qtbot.waitUntil(lambda: w.doc.selection == (layer.id, tuple(want)), timeout=10000)
        # under the slider: 2003-2004 leaves the rows whose year is 2003 or 2004
        js(qtbot, w.map, "jjj.time.setStep('year') && jjj.time.setRange(2003, 2004)")
        masked = [i for i in want if 2001 + i % 10 in (2003, 2004)]
        got = js(qtbot, w.map, CLICK % args)
        assert got[:2] == [busiest, len(masked)]
        qtbot.waitUntil(lambda: w.doc.selection == (layer.id, tuple(masked)), timeout=10000)


def test_the_sliders_state_goes_into_the_style_and_the_project(qtbot, tmp_path):
    from jjjmap.io import open_layer
    from jjjmap.io.project import load_project, save_project

    csv = tmp_path / "firms.csv"   # invented test points (not data)
    csv.write_text("name,lon,lat,year\n" + "".join(
        f"f{i},{115.5 + i * 0.005:.3f},39.0,{2001 + i % 10}\n" for i in range(200)),
        encoding="utf-8")
    layer = open_layer(str(csv))[0]
    layer.style = Style(time_field="year")
    doc = MapDocument(basemap="none")
    doc.add_layer(layer)
    with shown_window(qtbot, doc, tmp_path, timeout=60000, quiet=True) as w:
        qtbot.waitUntil(lambda: js(qtbot, w.map, "!!(window.jjj && jjj.ready && jjj.time)"),
                        timeout=30000)
        loads = w.map.load_count
        js(qtbot, w.map, "(function () { var s = document.querySelector('[data-time=mode]');"
                         " s.value = 'window'; s.dispatchEvent(new Event('change'));"
                         " return jjj.time.setRange(2003, 2005); })()")
        qtbot.waitUntil(lambda: layer.style.time_range == ["2003", "2005"], timeout=10000)
        assert (layer.style.time_step, layer.style.time_mode) == ("year", "window")
        assert w.map.load_count == loads          # kept without a re-render
        js(qtbot, w.map, "jjj.time.setStep('month')")
        qtbot.waitUntil(lambda: layer.style.time_range == ["2003-01", "2005-12"], timeout=10000)
        back = load_project(save_project(w.doc, tmp_path / "p.jjjmap")).layers[0].style
    assert (back.time_range, back.time_step, back.time_mode) == (["2003-01", "2005-12"],
                                                                 "month", "window")


def test_a_new_zoom_is_binned_on_the_worker_in_the_app_page(qtbot, tmp_path):
    """The app's page (jjjmap: scheme, its Content-Security-Policy) lets the density layers
    make their blob: worker: a zoom after the first drawing is binned there, and every point
    is in one hexagon of it."""
    layer, lon, _lat = _firms()
    layer.style = Style(renderer="hexbin")
    doc = MapDocument(basemap="none")
    doc.add_layer(layer)
    doc.view.lat, doc.view.lon, doc.view.zoom = 39.0, 115.95, 9
    doc.view.fit = None
    cur = f"jjj.layerGroup('{layer.id}').current()"
    with shown_window(qtbot, doc, tmp_path, timeout=60000, quiet=True) as w:
        qtbot.waitUntil(lambda: js(qtbot, w.map, "!!(window.jjj && jjj.ready)"), timeout=30000)
        assert js(qtbot, w.map, f"{cur}.binnedBy") == "page"      # the first drawing
        js(qtbot, w.map, "jjj.setView(39.0, 115.95, 12)")
        qtbot.waitUntil(lambda: js(qtbot, w.map, f"{cur}.z === 12 && JjjDensity.pending() === 0"),
                        timeout=20000)
        assert js(qtbot, w.map, f"{cur}.binnedBy") == "worker"
        assert js(qtbot, w.map, f"Array.from({cur}.count).reduce((a, b) => a + b, 0)") == len(lon)
