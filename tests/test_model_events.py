"""The document's typed events (model.events): connecting, disconnecting, blocking."""
import geopandas as gpd
import pytest
from shapely.geometry import Point

from jjjmap.model import Layer, MapDocument, View
from jjjmap.model.events import Emitter


def _layer(title="pts"):
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(116, 39)], crs=4326)
    return Layer(gdf, title)


def test_each_change_reaches_only_its_own_event_with_its_payload():
    doc = MapDocument()
    seen = []
    doc.events.observe(
        layer_added=lambda layer: seen.append(("added", layer.title_en)),
        layer_changed=lambda layer, what: seen.append(("changed", layer.title_en, what)),
        view_changed=lambda view: seen.append(("view", view)),
        selection_changed=lambda layer_id, rows: seen.append(("selected", layer_id, rows)),
        layers_reordered=lambda ids: seen.append(("order", len(ids))),
        basemap_changed=lambda name: seen.append(("basemap", name)),
        language_changed=lambda lang: seen.append(("lang", lang)),
        layer_removed=lambda layer: seen.append(("removed", layer.title_en)))
    a = doc.add_layer(_layer("a"))
    doc.set_opacity(a.id, 0.5)
    doc.set_view(39.0, 116.0, 9)
    doc.select(a.id, [0])
    doc.move_layer(a.id, 0)
    doc.set_basemap("osm")
    doc.set_language("zh")
    doc.remove_layer(a.id)
    assert seen == [("added", "a"), ("changed", "a", "opacity"),
                    ("view", View(39.0, 116.0, 9)), ("selected", a.id, (0,)), ("order", 1),
                    ("basemap", "osm"), ("lang", "zh"),
                    ("selected", None, ()), ("removed", "a")]


def test_an_unknown_event_name_is_refused():
    with pytest.raises(AttributeError, match="layer_add"):
        MapDocument().events.observe(layer_add=print)


def test_disconnect_is_idempotent_and_leaves_other_connections_of_the_same_handler():
    emitter = Emitter("e")
    seen = []
    first = emitter.connect(seen.append)
    emitter.connect(seen.append)   # the same handler twice: two connections
    first()
    first()
    emitter.emit(1)
    assert seen == [1]   # the second connection still hears it, once
    assert len(emitter) == 1


def test_group_disconnect_is_idempotent():
    doc = MapDocument()
    seen = []
    disconnect = doc.events.observe(basemap_changed=seen.append, language_changed=seen.append)
    disconnect()
    disconnect()
    doc.set_basemap("osm")
    doc.set_language("zh")
    assert seen == []
    assert sum(len(e) for e in doc.events.emitters) == 0


def test_blocker_nests_and_restores_also_after_an_error():
    emitter = Emitter("e")
    seen = []
    emitter.connect(seen.append)
    with emitter.blocker():
        emitter.emit(1)
        with emitter.blocker():
            emitter.emit(2)
        emitter.emit(3)   # still inside the outer block
    emitter.emit(4)
    with pytest.raises(RuntimeError):
        with emitter.blocker():
            raise RuntimeError("in the block")
    emitter.emit(5)
    assert seen == [4, 5]
    assert not emitter.blocked


def test_blocking_one_handler_keeps_the_others_hearing():
    class Observer:
        def __init__(self):
            self.seen = []

        def on_view(self, view):
            self.seen.append(view.zoom)

    doc = MapDocument()
    mover, other = Observer(), Observer()
    doc.events.view_changed.connect(mover.on_view)
    doc.events.view_changed.connect(other.on_view)
    with doc.events.view_changed.blocker(mover.on_view):   # a fresh bound method: equal
        with doc.events.view_changed.blocker(mover.on_view):
            doc.set_view(39, 116, 8)
        doc.set_view(39, 116, 9)
    doc.set_view(39, 116, 10)
    assert mover.seen == [10]
    assert other.seen == [8, 9, 10]


def test_a_failing_handler_stops_the_change_there_as_a_plain_call_would():
    # The behaviour the single listener list had: the error reaches the code that made the
    # change, and handlers connected after the failing one do not hear it.
    doc = MapDocument()
    seen = []

    def fails(name):
        raise ValueError("handler bug")

    doc.events.basemap_changed.connect(lambda name: seen.append(("before", name)))
    doc.events.basemap_changed.connect(fails)
    doc.events.basemap_changed.connect(lambda name: seen.append(("after", name)))
    with pytest.raises(ValueError, match="handler bug"):
        doc.set_basemap("osm")
    assert doc.basemap == "osm"
    assert seen == [("before", "osm")]


def test_a_handler_connected_during_an_emit_hears_the_next_one():
    emitter = Emitter("e")
    seen = []

    def connect_another(value):
        seen.append(("first", value))
        emitter.connect(lambda v: seen.append(("late", v)))

    disconnect = emitter.connect(connect_another)
    emitter.emit(1)
    disconnect()
    emitter.emit(2)
    assert seen == [("first", 1), ("late", 2)]


def test_connect_to_every_event_names_each():
    doc = MapDocument()
    seen = []
    doc.events.connect(lambda name, *payload: seen.append((name, payload)))
    doc.set_basemap("osm")
    doc.set_language("zh")
    assert seen == [("basemap_changed", ("osm",)), ("language_changed", ("zh",))]
