"""Identify in an exported page (issue 18 item 1), with no app behind it: a mouse click
inside Haidian opens Haidian's popup, which names the other features under the point
(Beijing the prefecture, Beijing the province) and opens theirs when asked."""
from __future__ import annotations

import pytest

from jjjmap import catalog
from jjjmap.export.html import write_html

from browser import needs_browser, open_page, real_errors

pytestmark = [pytest.mark.browser, needs_browser]


def _haidian():
    """A point inside Haidian, from the geodata with shapely (not from the page)."""
    gdf = catalog.load_layer("counties").gdf
    rows = [i for i, n in enumerate(gdf["name_en"]) if str(n).startswith("Haidian")]
    assert len(rows) == 1
    pt = gdf.geometry.iloc[rows[0]].representative_point()
    return pt.x, pt.y, rows[0]


def _export(tmp_path, hide=()):
    doc = catalog.default_document()
    doc.basemap = "none"
    for key in hide:
        doc.set_visible(key, False)
    return write_html(doc, tmp_path / "map.html")


def _click(page, lon, lat):
    xy = page.evaluate(f"""(() => {{ jjj.setView({lat}, {lon}, 10);
        const p = jjj.map.latLngToContainerPoint([{lat}, {lon}]);
        const r = jjj.map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }})()""")
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector(".leaflet-popup-content", timeout=5000)


def _popup(page):
    return page.evaluate("""(() => { const c = document.querySelector('.leaflet-popup-content');
        return {title: c.querySelector('.jjj-p-title').textContent,
                others: [...c.querySelectorAll('.jjj-p-hit')].map(b => b.textContent)}; })()""")


def test_the_export_popup_shows_haidian_and_names_the_others(chromium, tmp_path):
    lon, lat, haidian = _haidian()
    with open_page(_export(tmp_path), b=chromium, size=(1280, 800)) as (page, log):
        _click(page, lon, lat)
        shown = _popup(page)
        assert shown["title"] == "Haidian District"
        assert shown["others"] == ["Beijing — Prefecture-level cities",
                                   "Beijing — Provinces and municipalities"]
        assert page.evaluate("jjj.highlighted()") == {"counties": [haidian]}
        # the province, from the popup's list: its popup, its highlight, the others named
        page.click(".jjj-p-hit >> nth=1")
        page.wait_for_function("document.querySelector('.jjj-p-title').textContent !== "
                               "'Haidian District'", timeout=5000)
        shown = _popup(page)
        assert shown["title"] == "Beijing"
        assert shown["others"] == ["Haidian District — Counties and districts",
                                   "Beijing — Prefecture-level cities"]
        assert list(page.evaluate("jjj.highlighted()")) == ["provinces"]
        page.screenshot(path=str(tmp_path / "pick.png"))
    assert real_errors(log) == []


def test_without_provinces_the_click_still_shows_haidian(chromium, tmp_path):
    lon, lat, _ = _haidian()
    with open_page(_export(tmp_path, hide=("provinces", "prefectures")), b=chromium,
                   size=(1280, 800)) as (page, log):
        _click(page, lon, lat)
        shown = _popup(page)
        assert shown["title"] == "Haidian District"
        assert shown["others"] == []   # nothing else under the point: no list
        assert page.evaluate("document.querySelectorAll('.jjj-p-also').length") == 0
    assert real_errors(log) == []
