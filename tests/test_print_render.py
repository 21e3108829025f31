"""The print layout drawn: a vector PDF of the asked page size with selectable text, a PNG of
the asked pixels, and in Chromium a legend outside the frame listing only visible layers."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from jjjmap import catalog
from jjjmap.export import ExportError
from jjjmap.export.layout import LayoutError, PrintLayout, print_html

from browser import browser, needs_browser, open_page, real_errors

pytestmark = pytest.mark.gui
pypdf = pytest.importorskip("pypdf")

TITLE = "Hydrogen and robotics clusters"
MM_TO_PT = 72 / 25.4


@pytest.fixture(scope="module")
def doc():
    d = catalog.default_document()
    d.basemap = "none"     # no tiles: the test machine is offline, and the PDF stays pure vector
    d.set_filter("sector_clusters", "sector", ["hydrogen_energy", "robotics"])
    return d


@pytest.fixture(scope="module")
def pdf_path(doc, tmp_path_factory):
    from jjjmap.ui.printout import write_layout
    path = tmp_path_factory.mktemp("pdf") / "map.pdf"
    write_layout(doc, PrintLayout(title=TITLE, landscape=True, dpi=100), path)
    return path


def _ops(page) -> str:
    return page.get_contents().get_data().decode("latin-1")


def test_pdf_is_the_asked_page_with_vector_boundaries_and_text(pdf_path):
    reader = pypdf.PdfReader(str(pdf_path))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    box = page.mediabox
    # A4 landscape: 297 x 210 mm = 841.9 x 595.3 pt (Chromium rounds to a device pixel)
    assert float(box.width) == pytest.approx(297 * MM_TO_PT, abs=1.5)
    assert float(box.height) == pytest.approx(210 * MM_TO_PT, abs=1.5)
    ops = _ops(page)
    # 199 county outlines, 13 prefectures, 3 provinces: thousands of line-to operators
    line_tos = len(re.findall(r"(?m)^[-\d. ]+ l$", ops))
    assert line_tos > 5000
    # no picture stands in for the map: the page holds no image at all without tiles
    xobjects = page["/Resources"].get("/XObject") or {}
    images = [k for k, v in xobjects.items() if v.get_object().get("/Subtype") == "/Image"]
    assert images == []
    text = " ".join(page.extract_text().split())
    assert TITLE in text
    assert "Hydrogen energy" in text and "Robotics" in text          # legend text, not pixels
    assert "Integrated circuits" not in text                          # filtered out


def test_pdf_does_not_grow_with_the_resolution(doc, pdf_path, tmp_path):
    from jjjmap.ui.printout import write_layout
    fine = write_layout(doc, PrintLayout(title=TITLE, landscape=True, dpi=600), tmp_path / "f.pdf")
    small, big = pdf_path.stat().st_size, fine.stat().st_size
    assert big < small * 1.05, (small, big)


def test_png_has_the_asked_pixels_and_a_drawn_frame(doc, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from jjjmap.export.layout import plan
    from jjjmap.ui.printout import write_layout

    layout = PrintLayout(title=TITLE, size="148x210mm", dpi=150)
    out = write_layout(doc, layout, tmp_path / "map.png")
    image = QImage(str(out))
    assert (image.width(), image.height()) == (874, 1240)   # 148 and 210 mm at 150 dpi
    p = plan(doc, layout)
    k = 150 / 96
    f = p.frame
    colours, dark = set(), 0
    for x in range(int(f.left * k) + 4, int(f.right * k) - 4, 5):
        for y in range(int(f.top * k) + 4, int(f.bottom * k) - 4, 5):
            c = QColor(image.pixel(x, y))
            colours.add(c.rgb())
            dark += c.lightness() < 90
    assert len(colours) > 30 and dark > 100      # outlines and symbols, not a blank frame


def test_bad_output_folders_fail_before_drawing_and_keep_the_old_file(doc, tmp_path, monkeypatch):
    from jjjmap.ui import printout

    with pytest.raises(LayoutError, match="does not exist"):
        printout.write_layout(doc, PrintLayout(), tmp_path / "no" / "map.pdf")
    with pytest.raises(LayoutError, match="5000 dpi"):
        printout.write_layout(doc, PrintLayout(dpi=5000), tmp_path / "map.pdf")
    old = tmp_path / "old.png"
    old.write_bytes(b"the user's earlier picture")

    def broken(*args):
        raise ExportError("drawing failed")
    monkeypatch.setattr(printout, "raster", broken)
    with pytest.raises(ExportError, match="drawing failed"):
        printout.write_layout(doc, PrintLayout(size="800x600px"), old)
    assert old.read_bytes() == b"the user's earlier picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.png"]    # no temporary left


@contextmanager
def layout_page(doc, layout, page_file):
    """The layout page in Chromium at its own size (network cut): (page, log)."""
    html, p = print_html(doc, layout)
    page_file.write_text(html, encoding="utf-8")
    size = (round(p.page.css[0]), round(p.page.css[1]))
    with browser() as b, open_page(page_file, size=size, b=b) as opened:
        yield opened


@pytest.mark.browser
@needs_browser
def test_legend_outside_the_frame_lists_only_visible_layers(doc, tmp_path):
    layout = PrintLayout(title="<b>Bold</b><script>alert(1)</script>", hide=("institutions",),
                         inset=True)
    for landscape in (False, True):
        layout.landscape = landscape
        with layout_page(doc, layout, tmp_path / f"layout-{landscape}.html") as (page, log):
            boxes = page.evaluate("jjj.printBoxes()")
            frame, legend = boxes["frame"], boxes["legend"]
            assert (legend["left"] >= frame["right"] or legend["top"] >= frame["bottom"]), boxes
            assert boxes["map"]["left"] >= frame["left"] - 1 and boxes["map"]["right"] <= frame["right"] + 1
            assert "relocated_institutions" not in boxes["legendLayers"]
            assert "sector_clusters" in boxes["legendLayers"]
            legend_text = page.inner_text(".jjjp-legend")
            assert "Institutions" not in legend_text and "Robotics" in legend_text
            assert "Integrated circuits" not in legend_text
            assert page.inner_text(".jjjp-title") == "<b>Bold</b><script>alert(1)</script>"
            assert page.locator(".jjjp-header b").count() == 0
            assert "Institutions" not in page.inner_text(".jjjp-subtitle")
            assert page.locator(".jjjp-inset-map path").count() >= 3     # the provinces
            assert log.dialogs == [] and real_errors(log) == []


@pytest.mark.browser
@needs_browser
def test_a_corner_legend_sits_in_the_frame_clear_of_the_extent(doc, tmp_path):
    from jjjmap.export.layout import resolve_extent

    west, south, east, north = resolve_extent(doc, "region")
    for corner in ("topleft", "bottomright"):
        layout = PrintLayout(legend=corner, landscape=True)
        with layout_page(doc, layout, tmp_path / f"{corner}.html") as (page, log):
            boxes = page.evaluate("jjj.printBoxes()")
            frame, legend = boxes["frame"], boxes["legend"]
            assert frame["left"] <= legend["left"] and legend["right"] <= frame["right"]
            assert frame["top"] <= legend["top"] and legend["bottom"] <= frame["bottom"]
            # where Leaflet drew the region's west and east edges, in page pixels
            edges = page.evaluate("""([w, s, e, n]) => {
                const m = jjj.map, r = m.getContainer().getBoundingClientRect();
                return [m.latLngToContainerPoint([(s + n) / 2, w]).x + r.left,
                        m.latLngToContainerPoint([(s + n) / 2, e]).x + r.left]; }""",
                                  [west, south, east, north])
            if corner == "topleft":
                assert edges[0] >= legend["right"] - 1, (edges, legend)
            else:
                assert edges[1] <= legend["left"] + 1, (edges, legend)
            assert real_errors(log) == []
