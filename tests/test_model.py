import geopandas as gpd
import pytest
from shapely.geometry import Point

from jjjmap.model import MapDocument, Layer, Style


def _layer(title="pts", **kw):
    gdf = gpd.GeoDataFrame({"name": ["a", "b", "c"], "sector": ["x", "y", "x"]},
                           geometry=[Point(116, 39), Point(117, 39), Point(115, 38)], crs=4326)
    return Layer(gdf, title, **kw)


def test_layer_refuses_a_non_wgs84_frame():
    gdf = gpd.GeoDataFrame(geometry=[Point(500000, 4300000)], crs=4548)
    with pytest.raises(ValueError, match="EPSG:4326"):
        Layer(gdf, "projected")


def test_document_emits_each_change_once_and_only_when_something_changed():
    doc = MapDocument()
    events = []
    doc.events.connect(lambda event, *payload: events.append((event, payload)))
    a, b = doc.add_layer(_layer("a")), doc.add_layer(_layer("b"))
    doc.set_visible(a.id, False)
    doc.set_visible(a.id, False)
    doc.set_opacity(b.id, 7)
    doc.move_layer(b.id, 0)
    doc.set_basemap("osm")
    doc.set_basemap("osm")
    assert [e for e, _ in events] == ["layer_added", "layer_added", "layer_changed",
                                      "layer_changed", "layers_reordered", "basemap_changed"]
    assert events[2][1] == (a, "visible")
    assert b.opacity == 1.0
    assert [lyr.title_en for lyr in doc.layers] == ["b", "a"]


def test_removing_the_selected_layer_clears_the_selection():
    doc = MapDocument()
    a = doc.add_layer(_layer())
    doc.select(a.id, [1, 2])
    assert doc.selection == (a.id, (1, 2))
    doc.remove_layer(a.id)
    assert doc.selection == (None, ())


def test_filter_keeps_only_allowed_values():
    doc = MapDocument()
    a = doc.add_layer(_layer())
    doc.set_filter(a.id, "sector", ["x"])
    assert list(a.filtered()["name"]) == ["a", "c"]
    doc.set_filter(a.id, "sector", None)
    assert len(a.filtered()) == 3


def test_style_round_trips_and_rejects_unknown_options():
    style = Style(mode="graduated", field="pop", k=4)
    assert Style.from_dict(style.to_dict()) == style
    with pytest.raises(ValueError, match="colour"):
        Style.from_dict({"colour": "red"})


def test_disconnecting_twice_is_harmless():
    doc = MapDocument()
    seen = []
    unsubscribe = doc.events.connect(lambda event, *payload: seen.append(event))
    unsubscribe()
    unsubscribe()
    doc.set_basemap("osm")
    assert seen == []


def test_each_new_custom_layer_gets_its_own_colour_unless_styled():
    doc = MapDocument()
    a, b = doc.add_layer(_layer("a")), doc.add_layer(_layer("b"))
    styled = doc.add_layer(_layer("c", style=Style(color="#000000")))
    assert a.style.color != b.style.color
    assert styled.style.color == "#000000"


def test_find_returns_none_for_unknown_or_removed_layers():
    doc = MapDocument()
    a = doc.add_layer(_layer())
    assert doc.find(a.id) is a
    doc.remove_layer(a.id)
    assert doc.find(a.id) is None and doc.find(None) is None


def test_a_snapshot_keeps_the_document_as_it_was():
    doc = MapDocument()
    a = doc.add_layer(_layer("a"))
    doc.set_view(39.5, 116.5, 9)
    shot = doc.snapshot()
    doc.set_visible(a.id, False)
    doc.set_filter(a.id, "sector", ["x"])
    doc.set_view(30.0, 110.0, 5)
    doc.set_basemap("osm")
    doc.add_layer(_layer("b"))
    assert [lyr.title_en for lyr in shot.layers] == ["a"]
    assert shot.find(a.id).visible is True and shot.find(a.id).filter == {}
    assert (shot.view.lat, shot.view.lon, shot.view.zoom) == (39.5, 116.5, 9)
    assert shot.basemap == "positron"
    assert shot.find(a.id) is not a and shot.find(a.id).gdf is a.gdf   # data shared, not copied
    with pytest.raises(KeyError):
        shot.layer("nope")
    with pytest.raises(AttributeError):
        shot.basemap = "osm"   # frozen
