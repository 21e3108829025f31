"""The time slider in headless Chromium with the network cut: the built-in institutions by
year_announced in the default map and in both exports, a user's dated points, playback.

Expected rows are written out from geodata/relocated_institutions.csv read by hand (the
year_announced column): 2023 holds the four Haidian university campuses and the Peking
University People's Hospital campus; four rows have no year; nothing is dated before 2021.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from jjjmap import catalog
from jjjmap.export import write_html
from jjjmap.model import Layer, Style
from jjjmap.render import render_html

from browser import needs_browser, non_tile_remote, open_page, real_errors

pytestmark = [pytest.mark.browser, needs_browser]

IN_2023 = {"Beijing Jiaotong University Xiong'an campus",
           "University of Science and Technology Beijing Xiong'an campus",
           "Beijing Forestry University Xiong'an campus",
           "China University of Geosciences (Beijing) Xiong'an campus",
           "Peking University People's Hospital Xiong'an campus"}
NO_YEAR = {"Xiong'an Xuanwu Hospital", "Beijing No.4 High School Xiong'an campus",
           "Xiong'an Shijia Hutong Primary School", "Xiong'an Beihai Kindergarten"}

SHOWN_ROWS = """id => {
  const group = jjj.layerGroup(id).getLayers().find(l => l.zoomToShowLayer);
  return Object.entries(jjj.markersOf(id)).filter(([r, m]) => group.hasLayer(m))
    .map(([r]) => +r).sort((a, b) => a - b);
}"""


def _doc(lang="en"):
    doc = catalog.default_document()
    doc.basemap = "none"
    doc.lang = lang
    return doc


def _institutions(doc):
    return next(lyr for lyr in doc.layers if lyr.kind == "institutions")


def _names(layer, rows):
    return {layer.gdf["name_en"].iloc[r] for r in rows}


def _check_years(page, layer):
    ev = page.evaluate
    state = ev("jjj.time.state()")
    assert (state["min"], state["max"], state["step"]) == (2021, 2025, "year")
    assert state["undated"] == 4 and state["shown"] == 28
    ev("jjj.time.setRange(2017, 2019)")
    assert _names(layer, ev(SHOWN_ROWS, layer.id)) == NO_YEAR      # undated stay, by default
    assert ev(f"jjj.featureCount('{layer.id}')") == 4
    page.click("[data-time=undated]")                               # the user hides them
    assert ev(SHOWN_ROWS, layer.id) == []
    ev("jjj.time.setRange(2023, 2023)")
    assert _names(layer, ev(SHOWN_ROWS, layer.id)) == IN_2023
    assert ev("jjj.time.state().label") == "2023"
    ev("jjj.time.setRange(2021, 2025)")
    assert len(ev(SHOWN_ROWS, layer.id)) == 24


def test_default_map_has_the_institutions_slider_and_it_hides_the_right_rows(chromium,
                                                                             tmp_path):
    doc = _doc()
    path = tmp_path / "default.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        text = page.inner_text(".jjj-time")
        # the field by its display name (jjjmap.fieldnames), the raw name in the tooltip
        assert "4 without a year" in text and "(Year announced)" in text
        assert page.get_attribute(".jjj-time-title", "title") == "year_announced"
        _check_years(page, _institutions(doc))
    assert real_errors(log) == []


@pytest.mark.parametrize("self_contained", [True, False], ids=["inline", "light"])
def test_exported_page_keeps_the_slider_offline(chromium, tmp_path, self_contained):
    doc = _doc()
    path = write_html(doc, tmp_path / "map.html", self_contained=self_contained)
    with open_page(path, b=chromium) as (page, log):
        layer = _institutions(doc)
        # driven as a user does: the "to" thumb, then the "from" thumb, by their input events
        page.evaluate("""() => {
            for (const [w, v] of [['to', 2023], ['from', 2023]]) {
              const r = document.querySelector('[data-time=' + w + ']');
              r.value = String(v); r.dispatchEvent(new Event('input'));
            }}""")
        assert _names(layer, page.evaluate(SHOWN_ROWS, layer.id)) == IN_2023 | NO_YEAR
        page.evaluate("jjj.time.setRange(2021, 2025)")
        _check_years(page, layer)
    assert non_tile_remote(log.requests) == []
    assert real_errors(log) == []


def test_chinese_page_says_it_in_chinese(chromium, tmp_path):
    path = tmp_path / "zh.html"
    path.write_text(render_html(_doc("zh")), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        text = page.inner_text(".jjj-time")
        assert "4 个无年份" in text and "累计" in text and "显示 28 / 28" in text
    assert real_errors(log) == []


def test_playback_advances_and_stops_at_the_end(chromium, tmp_path):
    path = tmp_path / "play.html"
    path.write_text(render_html(_doc()), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        ev = page.evaluate
        ev("jjj.time.setRange(2021, 2021)")
        ev("document.querySelector('[data-time=speed]').value = '4';"
           "document.querySelector('[data-time=speed]').dispatchEvent(new Event('change'))")
        page.click("[data-time=play]")
        assert ev("jjj.time.state().playing") is True
        page.wait_for_function("jjj.time.state().to >= 2023", timeout=10000)
        assert ev("jjj.time.state().from") == 2021                 # cumulative: from stays
        page.wait_for_function("!jjj.time.state().playing", timeout=10000)
        assert ev("jjj.time.state().to") == 2025
        # window mode moves both ends
        ev("jjj.time.setRange(2021, 2022)")
        page.select_option("[data-time=mode]", "window")
        page.click("[data-time=play]")
        page.wait_for_function("jjj.time.state().from >= 2022", timeout=10000)
        s = ev("jjj.time.state()")
        assert s["to"] - s["from"] == 1
        ev("jjj.time.pause()")
    assert real_errors(log) == []


def _dated_points():
    """Invented test points (not data): 60 points, dates in three formats, bad values."""
    days = ["2020-01-15", "2020/3/1", "2021年5月2日", "2021-07-09", "2022-02-02", "0000-01-01",
            "9999-12-31", "", "not a date", None]
    n = 60
    gdf = gpd.GeoDataFrame({"when": [days[i % len(days)] for i in range(n)],
                            "note": ["invented test point"] * n},
                           geometry=[Point(115 + i * 0.01, 39 + (i % 7) * 0.01) for i in range(n)],
                           crs=4326)
    return Layer(gdf, "dated test points", style=Style(time_field="when"))


def test_a_user_layer_with_mixed_dates_filters_by_month(chromium, tmp_path):
    doc = _doc()
    inst = _institutions(doc)
    inst.style = Style.from_dict(dict(inst.style.to_dict(), time_field=""))   # its slider off
    layer = doc.add_layer(_dated_points())
    path = tmp_path / "user.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        ev = page.evaluate
        # 6 of each value; 5 readable dates, 5 undated (two out-of-range years, empty,
        # unreadable, missing) -> 30 undated, counted on the bar
        text = page.inner_text(".jjj-time")
        assert "30 without a date" in text and "year_announced" not in text
        assert ev(f"jjj.featureCount('{layer.id}')") == 60
        ev("jjj.time.setStep('month')")
        page.click("[data-time=undated]")
        months = lambda y, m: (y - 1970) * 12 + m - 1   # noqa: E731
        ev(f"jjj.time.setRange({months(2020, 1)}, {months(2020, 3)})")
        assert ev(f"jjj.featureCount('{layer.id}')") == 12       # 2020-01-15, 2020/3/1
        ev(f"jjj.time.setRange({months(2021, 5)}, {months(2022, 2)})")
        assert ev(f"jjj.featureCount('{layer.id}')") == 18
        ev("jjj.time.setStep('day')")
        day = int((np.datetime64("2021-07-09") - np.datetime64("1970-01-01")).astype(int))
        ev(f"jjj.time.setRange({day}, {day})")
        assert ev(f"jjj.featureCount('{layer.id}')") == 6
    assert real_errors(log) == []


def test_a_date_field_with_no_dates_at_all_still_draws(chromium, tmp_path):
    """Bad input: every date empty and the weights negative or words (invented points);
    the layer draws, as a heatmap, and the bar only counts the undated."""
    doc = _doc()
    inst = _institutions(doc)
    inst.style = Style.from_dict(dict(inst.style.to_dict(), time_field=""))
    gdf = gpd.GeoDataFrame({"when": [None, ""] * 5, "w": ["-1", "x", "", "2", "-3"] * 2},
                           geometry=[Point(116.0 + i * 0.05, 39.5) for i in range(10)],
                           crs=4326)
    layer = doc.add_layer(Layer(gdf, "undated test points", style=Style(
        time_field="when", renderer="heatmap", weight_field="w")))
    path = tmp_path / "undated.html"
    path.write_text(render_html(doc), encoding="utf-8")
    with open_page(path, b=chromium) as (page, log):
        ev = page.evaluate
        assert ev(f"jjj.layerInfo('{layer.id}').spec.render") == "heatmap"
        assert ev(f"jjj.featureCount('{layer.id}')") == 10
        text = page.inner_text(".jjj-time")
        assert "no readable dates" in text and "10 without a year" in text
        assert ev("jjj.time.play()") is False and ev("jjj.time.state().playing") is False
        assert page.is_disabled("[data-time=from]") and page.is_disabled("[data-time=play]")
        page.click("[data-time=undated]")                  # hiding them hides them all
        assert ev(f"jjj.featureCount('{layer.id}')") == 0
    assert real_errors(log) == []
