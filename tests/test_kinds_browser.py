"""The page's layer kinds (resources/web/jjj.js "layer kinds", window.JjjKinds): every
render the Python side sends has its L.Layer class with the same interface, the map events a
layer takes go with it, and a new kind plugs in by registering one class."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from jjjmap.model import Layer, Style
from jjjmap.render import render_html

from browser import needs_browser, open_page, real_errors
from test_render_fixtures import synthetic_document

pytestmark = [pytest.mark.browser, needs_browser]

INTERFACE = ("count", "bounds", "highlight", "setFilter", "hitsAt", "popupOf", "nameOf", "onAdd",
             "onRemove")


def _points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    return gpd.GeoDataFrame({"w": rng.random(n)},
                            geometry=[Point(115.2 + x, 38.7 + y) for x, y in rng.random((n, 2))],
                            crs=4326)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    from jjjmap.render import vectors

    doc = synthetic_document()
    doc.add_layer(Layer(_points(40), "Big", kind="vector", id="big"))
    doc.add_layer(Layer(_points(30), "Heat", kind="vector", id="heat",
                        style=Style(renderer="heatmap")))
    doc.add_layer(Layer(_points(30), "Hex", kind="vector", id="hex",
                        style=Style(renderer="hexbin")))
    path = tmp_path_factory.mktemp("kinds") / "kinds.html"
    with pytest.MonkeyPatch.context() as mp:
        # a small layer goes the big layers' way (binary buffer, JjjBigPoints) above this
        mp.setattr(vectors, "BINARY_ABOVE", 20)
        path.write_text(render_html(doc), encoding="utf-8")
    return path


def test_each_layer_is_drawn_by_the_class_of_its_kind_with_the_one_interface(chromium, page_file):
    expected = {"counties": "geojson", "mylines": "geojson", "clusters": "markers",
                "institutions": "markers", "mypoints": "points", "big": "bigpoints",
                "heat": "heatmap", "hex": "hexbin"}
    with open_page(page_file, b=chromium) as (page, log):
        assert sorted(page.evaluate("Object.keys(window.JjjKinds)")) == [
            "bigpoints", "geojson", "heatmap", "hexbin", "markers", "pg", "points", "polytiles"]
        for layer_id, kind in expected.items():
            got = page.evaluate("""([id, kind, names]) => {
                const g = jjj.layerGroup(id);
                return {cls: g instanceof window.JjjKinds[kind], layer: g instanceof L.Layer,
                        missing: names.filter(n => typeof g[n] !== 'function')};
            }""", [layer_id, kind, list(INTERFACE)])
            assert got == {"cls": True, "layer": True, "missing": []}, layer_id
        counts = dict(page.evaluate("jjj.layerIds().map(id => [id, jjj.featureCount(id)])"))
        assert counts == {"counties": 9, "clusters": 3, "institutions": 3, "mypoints": 5,
                          "mylines": 2, "big": 40, "heat": 30, "hex": 30}
        # only the kinds with categories take a filter
        assert page.evaluate("jjj.layerGroup('clusters').setFilter(['robotics'])") is True
        assert page.evaluate("jjj.featureCount('clusters')") == 1
        assert page.evaluate("jjj.layerGroup('counties').setFilter(['x'])") is False
        # highlight: polygons are restyled, points get a ring at their position
        assert page.evaluate("jjj.layerGroup('mypoints').highlight([2], true).length") == 1
        ring = page.evaluate("(() => { const ll = jjj.layerGroup('big').highlight([5], true)[0];"
                             " return [ll.lat, ll.lng]; })()")
        big = _points(40).geometry.iloc[5]
        assert ring == pytest.approx([big.y, big.x], abs=1e-4)
        assert page.evaluate("jjj.layerGroup('counties').highlight([0], true)") == []
    assert real_errors(log) == []


def test_a_layers_zoom_handler_goes_with_it(chromium, page_file):
    with open_page(page_file, b=chromium) as (page, log):
        handlers = "(jjj.map._events.zoomend || []).length"
        before = page.evaluate(handlers)
        assert page.evaluate("jjj.layerGroup('counties').getEvents().zoomend !== undefined")
        assert page.evaluate("jjj.setVisible('counties', false)") is True
        assert page.evaluate(handlers) == before - 1
        # zoomed while hidden: shown again, it swaps to the finer outlines of the new zoom
        page.evaluate("jjj.setView(39.2, 115.8, 9.5)")
        assert page.evaluate("jjj.detailLevel('counties')") is None
        page.evaluate("jjj.setVisible('counties', true)")
        assert page.evaluate(handlers) == before
        assert page.evaluate("jjj.detailLevel('counties')") == 10   # the embedded level
        assert page.evaluate("jjj.removeLayer('counties')") is True
        assert page.evaluate(handlers) == before - 1
    assert real_errors(log) == []


def test_a_new_kind_plugs_in_by_registering_its_class(chromium, page_file):
    with open_page(page_file, b=chromium) as (page, log):
        page.evaluate("""() => {
            window.JjjKinds.rings = L.LayerGroup.extend({
                initialize: function (spec, ctx) {
                    this.spec = spec;
                    L.LayerGroup.prototype.initialize.call(this, spec.centres.map(c =>
                        L.circle(c, {radius: spec.radius, pane: ctx.pane})));
                },
                count: function () { return this.getLayers().length; },
                bounds: function (rows) {
                    const b = L.latLngBounds([]);
                    (rows.length ? rows : this.spec.centres.map((c, i) => i))
                        .forEach(i => b.extend(this.spec.centres[i]));
                    return b;
                },
                highlight: function (rows, on) { return on ? rows.map(i => this.spec.centres[i]) : []; },
                setFilter: function () { return false; },
                hitsAt: function () { return []; },
                popupOf: function () { return null; },
                nameOf: function () { return ''; }
            });
        }""")
        spec = {"render": "rings", "id": "r1", "title": "Rings", "kind": "rings", "group": "",
                "visible": True, "opacity": 1, "legend": [], "radius": 5000,
                "centres": [[39.0, 115.5], [39.4, 116.0]]}
        assert page.evaluate("spec => jjj.addLayer(spec)", spec) is True
        assert page.evaluate("jjj.featureCount('r1')") == 2
        assert page.evaluate("jjj.highlight('r1', [1])") is True
        assert page.evaluate("jjj.highlighted()") == {"r1": [1]}
        assert page.evaluate("jjj.zoomTo('r1', [0])") is True
        assert page.evaluate("jjj.addLayer({render: 'nothing-known', id: 'x'})") is False
        assert "x" not in page.evaluate("jjj.layerIds()")
    assert [e for e in real_errors(log) if "no layer kind" not in e] == []
