"""Overlays over a GCJ-02 basemap: shifted by exactly the datum transform, view kept in WGS-84.

The transform itself is checked against published values in test_datum.py; here, that the
page holds overlays and its centre in the basemap's datum and that nothing drifts.
"""
from __future__ import annotations

import base64

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from jjjmap.geo.datum import wgs84_to_gcj02
from jjjmap.model import Layer
from jjjmap.render import basemaps, render_html

from test_render import layer_specs, page_config
from test_render_fixtures import synthetic_document

TIANANMEN = (116.3975, 39.9087)   # lon, lat (WGS-84)


def _doc(basemap: str):
    doc = synthetic_document()
    gdf = gpd.GeoDataFrame({"name": ["Tiananmen"]}, geometry=[Point(*TIANANMEN)], crs=4326)
    doc.add_layer(Layer(gdf, "Known point", "已知点", id="known"))
    doc.basemap = basemap
    return doc


def _points(spec: dict) -> np.ndarray:
    """(lon, lat) pairs of a custom point layer (float64 pairs, base64 in the page)."""
    raw = base64.b64decode(spec["xy"])
    return np.frombuffer(raw, dtype=np.float64 if len(raw) == 16 * spec["n"] else np.float32
                         ).reshape(-1, 2)


@pytest.mark.parametrize("basemap", ["gaode", "gaode-satellite"])
def test_overlays_on_a_gcj02_basemap_are_shifted_by_the_datum_transform(basemap):
    wgs = layer_specs(render_html(_doc("positron")))
    gcj = layer_specs(render_html(_doc(basemap)))
    (lon0, lat0), = _points(wgs["known"])
    assert (lon0, lat0) == pytest.approx(TIANANMEN, abs=1e-6)
    (lon, lat), = _points(gcj["known"])
    expect = wgs84_to_gcj02(*TIANANMEN)
    assert (lon, lat) == pytest.approx(expect, abs=1e-6)
    assert 0.005 < lon - lon0 < 0.008 and 0.0005 < lat - lat0 < 0.002   # ~600 m, as published
    # built-in point layers too
    for a, b in zip(wgs["clusters"]["features"], gcj["clusters"]["features"]):
        assert (b["lon"], b["lat"]) == pytest.approx(wgs84_to_gcj02(a["lon"], a["lat"]),
                                                     abs=2e-6)


def test_page_centre_is_in_the_basemap_datum_and_reloads_do_not_drift():
    doc = _doc("gaode")
    start = (doc.view.lat, doc.view.lon)
    for _ in range(5):   # what the app does on every re-render: page view -> doc.view -> page
        view = page_config(render_html(doc))["view"]
        glon, glat = wgs84_to_gcj02(doc.view.lon, doc.view.lat)
        assert (view["lon"], view["lat"]) == pytest.approx((glon, glat), abs=1e-9)
        lon, lat = basemaps.display_to_wgs84(doc.basemap, view["lon"], view["lat"])
        doc.view.lat, doc.view.lon = lat, lon
    assert (doc.view.lat, doc.view.lon) == pytest.approx(start, abs=1e-7)   # < 1 cm
    doc.basemap = "positron"
    view = page_config(render_html(doc))["view"]
    assert (view["lat"], view["lon"]) == pytest.approx(start, abs=1e-7)


def test_an_explicit_empty_key_keeps_the_page_keyless(monkeypatch):
    monkeypatch.setenv(basemaps.TIANDITU_ENV, "envkey")
    assert basemaps.page_spec()["tianditu"]["url"].endswith("tk=envkey")
    spec = basemaps.page_spec("")["tianditu"]      # an export the user keeps keyless
    assert spec["url"] is None and spec["missing_key"] is True
    assert "envkey" not in render_html(_doc("tianditu"), tianditu_key="")


def test_exported_pages_are_shifted_the_same_way():
    from jjjmap.export.html import export_html_text

    for self_contained in (True, False):
        html = export_html_text(_doc("gaode"), self_contained=self_contained)
        (lon, lat), = _points(layer_specs(html)["known"])
        assert (lon, lat) == pytest.approx(wgs84_to_gcj02(*TIANANMEN), abs=1e-6)
        assert page_config(html)["datum"] == "gcj02"
