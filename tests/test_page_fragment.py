"""A page address with a malformed fragment still draws the map (issue 20, item 16): the
page's start-up reads ``#view=...&basemap=...`` and threw on what it could not decode."""
from __future__ import annotations

import pytest

from browser import browser, needs_browser, open_page, real_errors
from jjjmap.render import render_html
from test_render_fixtures import synthetic_document

pytestmark = [pytest.mark.browser, needs_browser]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    doc = synthetic_document()
    doc.basemap = "none"
    path = tmp_path_factory.mktemp("frag") / "map.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return doc, path


BAD = ["basemap=%", "view=%E0", "basemap=%E0%A4%A", "%", "basemap=%ZZ&view=%", "&&==&",
       "view=%E0,%,1&basemap=%C0%80"]


def test_malformed_fragments_are_ignored_and_the_map_draws(page_file):
    doc, path = page_file
    ids = [lyr.id for lyr in doc.layers]
    with browser() as chromium:
        for fragment in BAD:
            with open_page(path, b=chromium, fragment=fragment) as (page, log):
                assert page.evaluate("jjj.ready") is True, fragment
                assert page.evaluate("jjj.basemap()") == "none", fragment
                counts = [page.evaluate(f"jjj.featureCount('{i}')") for i in ids]
                assert all(n > 0 for n in counts), (fragment, counts)
            assert real_errors(log) == [], (fragment, log.page_errors)
        # what can be decoded is still used beside what cannot
        with open_page(path, b=chromium, fragment="basemap=%&view=39.9,116.4,10") as (page, log):
            view = page.evaluate("jjj.getView()")
            assert abs(view["lat"] - 39.9) < 1e-6 and view["zoom"] == 10
        assert real_errors(log) == []
