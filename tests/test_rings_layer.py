"""Rings as a map layer: labelled on their edge, kept in projects (as the question, recomputed
on open) and in exports."""
import json

import pyproj
import pytest
import shapely

from jjjmap.analysis.places import resolve_place
from jjjmap.analysis.rings import rings_layer, study_area_layer
from jjjmap.io import ProjectFileError
from jjjmap.io.project import load_project, save_project
from jjjmap.model import MapDocument, Style
from jjjmap.render.page import layer_spec, render_html

GEOD = pyproj.Geod(ellps="WGS84")


def _doc():
    doc = MapDocument(title="rings test")
    doc.add_layer(rings_layer(resolve_place("115.904,39.048"), [30, 50, 100]))
    bow = shapely.Polygon([(115.8, 39.0), (116.0, 39.1), (116.0, 39.0), (115.8, 39.1)])
    doc.add_layer(study_area_layer(bow))   # invented shape, drawn with crossing edges
    return doc


def test_ring_labels_sit_on_the_ring_north_of_the_centre():
    doc = _doc()
    spec = layer_spec(doc.layers[0], doc, 0.0)
    feats = spec["data"]["features"]
    assert [f["properties"]["_lb"] for f in feats] == ["100 km", "50 km", "30 km"]
    for f, km in zip(feats, (100, 50, 30)):
        lat, lon = f["properties"]["_lp"]
        az, _, d = GEOD.inv(115.904, 39.048, lon, lat)
        assert d / 1000 == pytest.approx(km, abs=0.01)
        assert abs(az) < 0.01           # due north


def test_labels_move_with_the_overlays_on_a_gcj02_basemap():
    from jjjmap.geo.datum import to_gcj02

    doc = _doc()
    plain = layer_spec(doc.layers[0], doc, 0.0)["data"]["features"][0]["properties"]["_lp"]
    shifted = layer_spec(doc.layers[0], doc, 0.0, shift=to_gcj02)
    lat, lon = shifted["data"]["features"][0]["properties"]["_lp"]
    want = to_gcj02(shapely.Point(plain[1], plain[0]))
    assert (lon, lat) == pytest.approx((want.x, want.y), abs=1e-5)
    assert (lon, lat) != pytest.approx((plain[1], plain[0]), abs=1e-4)


def test_rings_are_stored_as_the_question_and_recomputed(tmp_path):
    doc = _doc()
    doc.set_style(doc.layers[0].id, Style(color="#112233", label_field="label"))
    path = save_project(doc, tmp_path / "rings.jjjmap")
    saved = json.loads(path.read_text(encoding="utf-8"))
    entry = saved["layers"][0]
    assert entry["derived"] == {"kind": "rings", "place": {"kind": "point", "lon": 115.904,
                                                          "lat": 39.048},
                                "distances_km": [30.0, 50.0, 100.0], "name": "115.9040,39.0480"}
    assert entry["path"] is None and entry["builtin"] is None
    assert "POLYGON" not in json.dumps(entry)          # the rings themselves are not stored
    back = load_project(path)
    rings, area = back.layers
    assert rings.gdf["label"].tolist() == ["100 km", "50 km", "30 km"]
    assert rings.style.color == "#112233"
    for a, b in zip(rings.gdf.geometry, doc.layers[0].gdf.geometry):
        assert a.equals_exact(b, 1e-9)
    assert area.gdf.geometry.iloc[0].is_valid
    assert area.gdf.geometry.iloc[0].equals_exact(doc.layers[1].gdf.geometry.iloc[0], 1e-9)


def test_rings_around_a_searched_place_come_back(tmp_path):
    doc = MapDocument()
    doc.add_layer(rings_layer(resolve_place("雄安"), [50]))
    back = load_project(save_project(doc, tmp_path / "x.jjjmap"))
    assert back.layers[0].gdf["place"].tolist() == ["雄安新区"]


def test_a_ring_place_that_is_gone_is_a_project_error(tmp_path):
    doc = _doc()
    path = save_project(doc, tmp_path / "rings.jjjmap")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["layers"][0]["derived"]["place"] = {"kind": "search", "text": "Atlantis"}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProjectFileError, match="Atlantis"):
        load_project(path)


def test_exported_page_carries_the_ring_labels():
    html = render_html(_doc())
    assert '"_lb": "50 km"' in html or '"_lb":"50 km"' in html
