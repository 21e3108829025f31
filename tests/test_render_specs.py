"""The page contract (render.specs): the registry from layer kind to spec builder, the wire
names of the typed specs, and a new kind plugged in the way the module docstring says."""
from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from jjjmap.model import Layer, MapDocument, Style
from jjjmap.render import specs
from jjjmap.render.page import layer_spec

from test_render_fixtures import synthetic_document


@pytest.fixture(scope="module")
def doc():
    return synthetic_document()


def _points(n=4) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"w": [float(i) for i in range(n)]},
                            geometry=[Point(115 + i * 0.1, 39) for i in range(n)], crs=4326)


def test_every_registered_builder_resolves_to_a_function():
    assert set(specs.BUILDERS) == {"boundary", "clusters", "institutions", "postgis",
                                   "heatmap", "hexbin", "vector", "polytiles"}
    for kind in specs.BUILDERS:
        assert callable(specs.builder_for(kind)), kind


def test_a_layer_kind_picks_its_builder_and_the_page_kind(doc):
    expected = {"counties": ("boundary", "geojson"), "clusters": ("clusters", "markers"),
                "institutions": ("institutions", "markers"), "mypoints": ("vector", "points"),
                "mylines": ("vector", "geojson")}
    for layer_id, (kind, render) in expected.items():
        layer = doc.layer(layer_id)
        assert specs.kind_of(layer) == kind, layer_id
        assert layer_spec(layer, doc, 0.001)["render"] == render, layer_id


def test_a_point_layers_style_renderer_is_its_kind_and_polygons_stay_vector():
    d = MapDocument()
    pts = d.add_layer(Layer(_points(), "P", kind="vector", id="pts"))
    polys = d.add_layer(Layer(gpd.GeoDataFrame({"w": [1.0]}, geometry=[box(115, 39, 116, 40)],
                                               crs=4326), "Q", kind="vector", id="polys"))
    for renderer in ("heatmap", "hexbin"):
        pts.style = Style(renderer=renderer)
        polys.style = Style(renderer=renderer)
        assert specs.kind_of(pts) == renderer
        assert specs.kind_of(polys) == "vector"
        assert layer_spec(pts, d, 0.001)["render"] == renderer
    # an unknown kind is drawn as a user layer
    other = Layer(_points(), "R", kind="something-new", id="other")
    assert specs.kind_of(other) == "vector"


def test_feature_records_travel_under_their_short_keys():
    props = specs.FeatureProperties(row=3, colour_class=1, label="Haidian",
                                    label_point=[39.9, 116.3], attributes=["a", ""])
    assert props.to_page() == {"_row": 3, "_c": 1, "_lb": "Haidian", "_lp": [39.9, 116.3],
                               "_a": ["a", ""]}
    pop = specs.popup("Title", "", [("code", "110108"), ("empty", "")], "https://x.org", "")
    assert pop.to_page() == {"t": "Title", "r": [["code", "110108"]], "u": "https://x.org"}
    marker = specs.Marker(row=2, lat=39.0, lon=116.0, category="robotics",
                          icon=specs.MarkerIcon("square", "#123456"), tooltip=["a"],
                          popup=specs.popup("a"))
    assert marker.to_page() == {"row": 2, "lat": 39.0, "lon": 116.0, "cat": "robotics",
                                "icon": {"shape": "square", "color": "#123456"},
                                "tt": ["a"], "p": {"t": "a"}}


def test_no_spec_sends_two_fields_under_one_key():
    classes = [specs.GeoJsonSpec, specs.MarkersSpec, specs.PointsSpec, specs.BigPointsSpec,
               specs.HeatmapSpec, specs.HexbinSpec, specs.PgSpec, specs.FeatureProperties,
               specs.Marker, specs.Flow, specs.Popup]
    for cls in classes:
        keys = [f.metadata.get("wire") or f.name for f in dataclasses.fields(cls)]
        assert len(keys) == len(set(keys)), cls.__name__
        assert "render" not in keys, cls.__name__


def test_the_clusters_filter_field_is_in_the_spec(doc):
    spec = layer_spec(doc.layer("clusters"), doc, 0.001)
    assert spec["filterField"] == "sector"
    assert [c["key"] for c in spec["categories"]] == ["integrated_circuits", "robotics",
                                                      "artificial_intelligence"]
    assert "filterField" not in layer_spec(doc.layer("institutions"), doc, 0.001)


# -- a new kind, plugged in as render.specs says: a spec, a builder, one registry line --------
@dataclasses.dataclass(kw_only=True)
class RingSpec(specs.LayerSpec):
    render = "demo-rings"
    centre: list = dataclasses.field(default_factory=list)
    ring_count: int = dataclasses.field(default=0, metadata={"wire": "rings"})


def demo_ring_spec(layer: Layer, ctx: specs.BuildContext) -> RingSpec:
    x, y = layer.gdf.geometry.iloc[0].x, layer.gdf.geometry.iloc[0].y
    return RingSpec(centre=[y, x], ring_count=len(layer.gdf),
                    legend=[{"label": "rings" if ctx.lang == "en" else "环"}])


def test_a_new_kind_plugs_in_with_one_registry_line(monkeypatch):
    monkeypatch.setitem(specs.BUILDERS, "demo", f"{__name__}:demo_ring_spec")
    d = MapDocument(lang="en")
    layer = d.add_layer(Layer(_points(3), "Rings", kind="demo", id="r1", opacity=0.5))
    spec = layer_spec(layer, d, 0.001)
    assert spec == {"render": "demo-rings", "id": "r1", "title": "Rings", "kind": "demo",
                    "group": layer.group, "visible": True, "opacity": 0.5,
                    "legend": [{"label": "rings"}], "centre": [39.0, 115.0], "rings": 3}
