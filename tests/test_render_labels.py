"""Where labels may go (render/labels.py) and what the page gets for its label engine: the
centre of the largest inscribed circle in web-mercator, its radius in pixels at zoom 0, the
names a map prints. Expected values are worked out here with pyproj and by hand."""
from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, box

from jjjmap import catalog
from jjjmap.model import Layer, MapDocument, Style
from jjjmap.render.labels import anchors, short_name
from jjjmap.render.page import layer_spec

TO_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
PX0 = 256 / (2 * math.pi * 6378137.0)


def test_a_square_degree_gets_its_inscribed_circle_in_mercator():
    # lon 116..117, lat 39..40: in mercator the square is taller than wide, so the circle
    # touches the sides: radius half the width, centre on the middle meridian
    a = anchors([box(116, 39, 117, 40)])[0]
    (x0, y0), (x1, y1) = TO_3857.transform(116, 39), TO_3857.transform(117, 40)
    assert a["r"] == pytest.approx((x1 - x0) / 2 * PX0, rel=0.02)
    assert a["lp"][1] == pytest.approx(116.5, abs=0.01)
    # the circle fits between top and bottom: its centre is a radius or more from each
    _, cy = TO_3857.transform(a["lp"][1], a["lp"][0])
    r_m = (x1 - x0) / 2
    assert y0 + r_m * 0.98 <= cy <= y1 - r_m * 0.98
    assert a["a"] == pytest.approx(111.2 * 111.2 * math.cos(math.radians(39.5)), rel=0.02)


def test_a_c_shaped_polygon_gets_a_point_inside_it_not_its_centroid():
    c = box(0, 0, 3, 3).difference(box(1, 1, 3, 2))   # the centroid falls in the notch
    a = anchors([c])[0]
    assert not c.centroid.within(c)
    assert Point(a["lp"][1], a["lp"][0]).within(c)


def test_lines_points_and_empties():
    line, pt = LineString([(116, 39), (118, 39)]), Point(116.25, 39.5)
    got = anchors([line, pt, shapely.Polygon()])
    assert got[0]["lp"] == pytest.approx([39.0, 117.0], abs=1e-4) and got[0]["r"] == 0
    assert got[1]["lp"] == [39.5, 116.25] and got[1]["r"] == 0
    assert got[2] is None


@pytest.mark.parametrize("name, level, short", [
    ("Zhangjiakou City", "prefecture", "Zhangjiakou"),
    ("Haidian District", "county", "Haidian"),
    ("Fengning Manchu Autonomous County", "county", "Fengning"),
    ("Weichang Manchu and Mongol Autonomous County", "county", "Weichang"),
    ("Xian County", "county", "Xian County"),         # one syllable is not a name alone
    ("Xiong County", "county", "Xiong County"),
    ("Chengde County", "county", "Chengde County"),   # not the city of Chengde
    ("Zhuozhou City", "county", "Zhuozhou"),
    ("Binhai New Area", "county", "Binhai New Area"),
    ("张家口市", "prefecture", "张家口"),
    ("北京市", "province", "北京"),
    ("涿州市", "county", "涿州市"),                    # counties keep 市/县/区 in Chinese
    ("雄县", "county", "雄县"),
])
def test_short_names(name, level, short):
    assert short_name(name, level) == short


@pytest.mark.parametrize("key", ["provinces", "prefectures", "counties"])
def test_every_boundary_name_is_labelled_at_a_point_inside_its_polygon(key):
    doc = catalog.default_document()
    layer = next(lyr for lyr in doc.layers if lyr.id == key)
    spec = layer_spec(layer, doc, 0.005)
    assert spec["labelLevel"] == {"provinces": "province", "prefectures": "prefecture",
                                  "counties": "county"}[key]
    feats = spec["data"]["features"]
    assert len(feats) == len(layer.gdf)
    for f in feats:
        p = f["properties"]
        geom = layer.gdf.geometry.iloc[p["_row"]]
        assert geom.buffer(0.01).contains(Point(p["_lp"][1], p["_lp"][0])), p["_lb"]
        assert p["_lr"] > 0 and p["_la"] > 0 and p["_lb"]
    areas = {f["properties"]["_lb"]: f["properties"]["_la"] for f in feats}
    if key == "prefectures":   # the data's own (geodesic) areas rank the labels
        assert areas["Chengde"] == pytest.approx(
            float(layer.gdf.loc[layer.gdf["name_en"] == "Chengde City", "area_km2"].iloc[0]))


def test_xiongan_has_no_label_and_a_user_layer_only_with_a_label_field():
    doc = catalog.default_document()
    xiongan = next(lyr for lyr in doc.layers if lyr.id == "xiongan")
    assert layer_spec(xiongan, doc, 0.005)["labelLevel"] is None
    # invented test data: two squares
    gdf = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[box(116, 39, 116.1, 39.1),
                                                          box(117, 39, 117.2, 39.2)],
                           crs="EPSG:4326")
    user = MapDocument()
    plain = Layer(gdf=gdf, title_en="plain", kind="vector")
    named = Layer(gdf=gdf.copy(), title_en="named", kind="vector", style=Style(label_field="name"))
    for lyr in (plain, named):
        user.add_layer(lyr)
    assert "_lb" not in layer_spec(plain, user, 0.0)["data"]["features"][0]["properties"]
    props = [f["properties"] for f in layer_spec(named, user, 0.0)["data"]["features"]]
    assert [p["_lb"] for p in props] == ["A", "B"]
    assert props[1]["_lr"] > props[0]["_lr"] > 0 and props[1]["_la"] > props[0]["_la"]


def test_many_polygons_get_a_point_on_their_surface(monkeypatch):
    import jjjmap.render.labels as labels
    monkeypatch.setattr(labels, "CIRCLES_UP_TO", 1)
    c = box(0, 0, 3, 3).difference(box(1, 1, 3, 2))
    got = labels.anchors([c, box(10, 10, 11, 11)])
    assert all(a["r"] == 0 for a in got)
    assert Point(got[0]["lp"][1], got[0]["lp"][0]).within(c)
