"""Large polygon layers go to the page as tiles (render.polytiles, issue 21 item 4): the
kind is chosen above the threshold and not below, and its spec carries what the page reads."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from jjjmap.model import Layer, MapDocument, Style
from jjjmap.render import tiling
from jjjmap.render.page import layer_spec
from jjjmap.render.specs import BUILDERS, kind_of


def _boxes(n: int, kind: str = "polygon") -> gpd.GeoDataFrame:
    i = np.arange(n)
    x, y = 115 + (i % 100) * 0.01, 38 + (i // 100) * 0.01
    geoms = shapely.box(x, y, x + 0.008, y + 0.008)
    if kind == "line":
        geoms = shapely.boundary(geoms)
    elif kind == "point":
        geoms = shapely.points(x, y)
    return gpd.GeoDataFrame({"v": i % 3}, geometry=geoms, crs=4326)


def test_the_tiled_kind_is_chosen_above_the_threshold_only():
    assert tiling.TILED_ABOVE == 5000
    assert BUILDERS["polytiles"] == "jjjmap.render.polytiles:polytiles_spec"
    assert kind_of(Layer(_boxes(5001), "p", kind="vector")) == "polytiles"
    assert kind_of(Layer(_boxes(5000), "p", kind="vector")) == "vector"
    assert kind_of(Layer(_boxes(5001, "line"), "l", kind="vector")) == "vector"
    assert kind_of(Layer(_boxes(5001, "point"), "pt", kind="vector")) == "vector"
    mixed = _boxes(5001)
    mixed.loc[7, "geometry"] = shapely.Point(115, 38)
    assert kind_of(Layer(mixed, "m", kind="vector")) == "vector"
    # labels asked for: the GeoJSON path, where labels are placed
    labelled = Layer(_boxes(5001), "p", kind="vector", style=Style(label_field="v"))
    assert kind_of(labelled) == "vector"
    # boundaries keep their own kind whatever their size
    assert kind_of(Layer(_boxes(5001), "b", kind="boundary", level="county")) == "boundary"


def test_the_spec_has_rows_classes_and_packed_rings(monkeypatch):
    monkeypatch.setattr(tiling, "TILED_ABOVE", 2)
    gdf = gpd.GeoDataFrame({"kind": ["a", "b", "a"], "name": ["x", "y", "z"]},
                           geometry=[shapely.box(115, 38, 116, 39), None,
                                     shapely.box(117, 38, 118, 39)], crs=4326)
    gdf.loc[1, "geometry"] = shapely.box(116, 38, 117, 39)
    layer = Layer(gdf, "Parcels", kind="vector", id="parcels",
                  style=Style(mode="categorized", field="kind",
                              categories={"a": "#ff0000", "b": "#0000ff"}))
    doc = MapDocument(basemap="none")
    doc.add_layer(layer)
    spec = layer_spec(layer, doc, 0.0)
    assert spec["render"] == "polytiles"
    assert spec["rows"] == [0, 1, 2]
    assert spec["colors"] == ["#ff0000", "#0000ff"]
    assert spec["ci"] == [0, 1, 0]
    assert spec["attrs"] == [["a", "b", "a"], ["x", "y", "z"]]
    # one polygon of one ring per feature: x0, y0 then deltas, times the scale, unclosed
    s = spec["packed"]["scale"]
    assert s == 10 ** 6
    ring = spec["packed"]["geoms"][0][0][0]
    xs, ys = np.cumsum(ring[0::2]) / s, np.cumsum(ring[1::2]) / s
    assert sorted(set(xs.tolist())) == [115.0, 116.0] and sorted(set(ys.tolist())) == [38.0, 39.0]
    assert len(ring) == 8
