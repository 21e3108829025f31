"""The time slider in the app's own map (the real window, offscreen): on for the built-in
institutions, hiding and showing the right ones live (no page reload), playback advancing.

Expected institutions by hand from geodata/relocated_institutions.csv (year_announced):
2023 = four university campuses and PKU People's Hospital; four rows have no year.
"""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from jjjmap import catalog  # noqa: E402
from test_ui_helpers import js, shown_window  # noqa: E402

from test_time_browser import IN_2023, NO_YEAR  # noqa: E402  (written out there)

SHOWN = """(function (id) {
  var group = jjj.layerGroup(id).getLayers().filter(function (l) { return l.zoomToShowLayer; })[0];
  var byRow = jjj.markersOf(id);
  return Object.keys(byRow).filter(function (r) { return group.hasLayer(byRow[r]); }).map(Number);
})('%s')"""


def test_slider_hides_and_shows_institutions_live_and_plays(qtbot, tmp_path):
    doc = catalog.default_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, timeout=60000) as w:
        view = w.map
        inst = next(lyr for lyr in w.doc.layers if lyr.kind == "institutions")
        qtbot.waitUntil(lambda: js(qtbot, view, "!!(window.jjj && jjj.time && jjj.ready)"),
                        timeout=30000)
        qtbot.waitUntil(lambda: view.load_count >= 1, timeout=30000)
        loads = view.load_count

        def names():
            rows = js(qtbot, view, SHOWN % inst.id)
            return {inst.gdf["name_en"].iloc[r] for r in rows}

        assert len(names()) == 28
        js(qtbot, view, "jjj.time.setRange(2017, 2019)")
        assert names() == NO_YEAR
        js(qtbot, view, "(function () { var c = document.querySelector('[data-time=undated]');"
                        " c.click(); return c.checked; })()")
        assert names() == set()
        js(qtbot, view, "jjj.time.setRange(2023, 2023)")
        assert names() == IN_2023
        js(qtbot, view, "jjj.time.setRange(2021, 2021) && jjj.time.play()")
        qtbot.waitUntil(lambda: js(qtbot, view, "jjj.time.state().to") >= 2022, timeout=10000)
        assert js(qtbot, view, "jjj.time.state().from") == 2021
        js(qtbot, view, "jjj.time.pause()")
        assert view.load_count == loads           # all of it live: the page never reloaded
