"""The Style dialog builds the right Style per mode, refuses what cannot be drawn, and the
map page is re-rendered with the style applied (real renderer, no tiles)."""
from __future__ import annotations


import geopandas as gpd
import pytest
from shapely.geometry import Point, box

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402
from test_ui_helpers import SECTORS, cluster_layer, county_layer, js, shown_window  # noqa: E402

from jjjmap.model import Layer, MapDocument, Style  # noqa: E402
from jjjmap.render.vectors import ramp  # noqa: E402
from jjjmap.ui.mapview import default_renderer  # noqa: E402
from jjjmap.ui.styledialog import StyleDialog  # noqa: E402


def parks_layer() -> Layer:
    gdf = gpd.GeoDataFrame(
        {"name": [f"Park {i}" for i in range(8)],
         "kind": ["city", "forest", "city", "wetland", "forest", "city", "city", "wetland"],
         "area": [12.0, 40.0, 7.5, 90.0, 33.0, 5.0, 61.0, 18.0]},
        geometry=[box(115.5 + (i % 4) * 0.4, 39.0 + (i // 4) * 0.4,
                      115.8 + (i % 4) * 0.4, 39.3 + (i // 4) * 0.4) for i in range(8)],
        crs=4326)
    return Layer(gdf, "Parks", "公园")


def firms_layer() -> Layer:
    gdf = gpd.GeoDataFrame({"firm": ["a", "b", "c"], "staff": [10, 200, 45],
                            "city": ["Beijing", "Tianjin", "Baoding"]},
                           geometry=[Point(116.4, 39.9), Point(117.2, 39.1), Point(115.5, 38.9)],
                           crs=4326)
    return Layer(gdf, "Firms", "企业")




@pytest.fixture
def window(qtbot, tmp_path):
    doc = MapDocument(basemap="none")
    doc.add_layer(county_layer())
    doc.add_layer(cluster_layer())
    doc.add_layer(parks_layer())
    doc.add_layer(firms_layer())
    with shown_window(qtbot, doc, tmp_path, timeout=60000, quiet=True,
                      renderer=lambda d: default_renderer(d, tianditu_key=""),
                      sectors=SECTORS) as w:
        yield w


def by_title(doc, title):
    return next(lyr for lyr in doc.layers if lyr.title_en == title)


def choose(combo, value):
    i = combo.findData(value)
    assert i >= 0, value
    combo.setCurrentIndex(i)


def test_single_symbol_style(qtbot):
    doc = MapDocument()
    parks = doc.add_layer(parks_layer())
    dlg = StyleDialog(doc, parks.id)
    qtbot.addWidget(dlg)
    choose(dlg.mode, "single")
    dlg.stroke.set_color("#112233")
    dlg.fill_same.setChecked(False)
    dlg.fill.set_color("#445566")
    dlg.weight.setValue(3.0)
    dlg.opacity.setValue(60)
    choose(dlg.label_field, "name")
    assert not dlg.field.isEnabled() and not dlg.cmap.isEnabled()
    assert not dlg.points_box.isVisibleTo(dlg)     # polygons: no point options
    style = dlg.style()
    assert (style.mode, style.field, style.color, style.fill_color, style.weight,
            style.fill_opacity, style.label_field) == (
        "single", None, "#112233", "#445566", 3.0, 0.6, "name")
    assert dlg.apply()
    assert parks.style == style


def test_categorized_style(qtbot):
    doc = MapDocument()
    parks = doc.add_layer(parks_layer())
    dlg = StyleDialog(doc, parks.id)
    qtbot.addWidget(dlg)
    choose(dlg.mode, "categorized")
    assert dlg.field.isEnabled() and not dlg.scheme.isEnabled()
    assert [dlg.field.itemData(i) for i in range(dlg.field.count())] == ["name", "kind", "area"]
    choose(dlg.field, "kind")
    dlg.fill_same.setChecked(True)
    style = dlg.style()
    assert style.mode == "categorized" and style.field == "kind" and style.fill_color is None


def test_graduated_style_with_point_size(qtbot):
    doc = MapDocument()
    firms = doc.add_layer(firms_layer())
    dlg = StyleDialog(doc, firms.id)
    qtbot.addWidget(dlg)
    assert dlg.points_box.isVisibleTo(dlg)
    choose(dlg.mode, "graduated")
    # numeric fields only
    assert [dlg.field.itemData(i) for i in range(dlg.field.count())] == ["staff"]
    assert [dlg.radius_field.itemData(i) for i in range(dlg.radius_field.count())] \
        == [None, "staff"]
    choose(dlg.scheme, "equal_interval")
    dlg.k.setValue(3)
    choose(dlg.cmap, "Blues")
    dlg.radius.setValue(9)
    choose(dlg.radius_field, "staff")
    choose(dlg.label_field, "firm")
    assert dlg.swatch.pixmap() is not None and not dlg.swatch.pixmap().isNull()
    style = dlg.style()
    assert (style.mode, style.field, style.scheme, style.k, style.cmap, style.radius,
            style.radius_field, style.label_field) == (
        "graduated", "staff", "equal_interval", 3, "Blues", 9.0, "staff", "firm")


def test_graduated_on_a_text_field_is_refused(qtbot):
    doc = MapDocument()
    parks = doc.add_layer(parks_layer())
    before = Style(mode="graduated", field="kind")   # e.g. from a style file
    doc.set_style(parks.id, before)
    dlg = StyleDialog(doc, parks.id)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.current_mode() == "graduated" and dlg.field.currentData() == "kind"
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dlg.isVisible()                      # not accepted
    assert dlg.message.isVisible()
    assert "kind" in dlg.message.text() and "numeric" in dlg.message.text()
    assert parks.style is before                # nothing applied
    choose(dlg.field, "area")                   # a numeric one: accepted
    assert not dlg.message.isVisible()
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dlg.isVisible()
    assert parks.style.field == "area"


def test_graduated_without_numeric_fields_is_refused(qtbot):
    doc = MapDocument()
    gdf = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(116, 39), Point(117, 40)],
                           crs=4326)
    layer = doc.add_layer(Layer(gdf, "Names"))
    before = layer.style
    dlg = StyleDialog(doc, layer.id)
    qtbot.addWidget(dlg)
    choose(dlg.mode, "graduated")
    assert dlg.field.count() == 0
    assert not dlg.apply()
    assert "no numeric field" in dlg.message.text()
    assert layer.style is before


def test_builtin_layers(qtbot):
    doc = MapDocument()
    counties = doc.add_layer(county_layer())
    clusters = doc.add_layer(cluster_layer())
    dlg = StyleDialog(doc, counties.id)
    qtbot.addWidget(dlg)
    # issue 12: choropleths on the built-in boundaries
    assert [dlg.mode.itemData(i) for i in range(dlg.mode.count())] == ["single", "categorized",
                                                                         "graduated"]
    assert dlg.stroke.color() == "#9a9a9a"        # what the county outlines are drawn with
    dlg.stroke.set_color("#aa0000")
    dlg.weight.setValue(2.0)
    assert dlg.apply()
    assert counties.style.color == "#aa0000" and counties.style.weight == 2.0
    dlg2 = StyleDialog(doc, clusters.id)
    qtbot.addWidget(dlg2)
    assert not dlg2.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert not dlg2.apply()


def test_applying_rerenders_the_page_with_the_style(window, qtbot):
    parks = by_title(window.doc, "Parks")
    spec = js(qtbot, window.map, f"window.jjj.layerInfo('{parks.id}').spec")
    assert len(spec["colors"]) == 1                # single symbol at first
    # double-click in the layer panel opens the dialog
    index = window.layers.model.layer_index(parks.id)
    window.layers.tree.doubleClicked.emit(index)
    dlg = window.layer_actions.style_dialog
    assert dlg is not None and dlg.layer is parks and dlg.isVisible()
    choose(dlg.mode, "graduated")
    choose(dlg.field, "area")
    choose(dlg.scheme, "quantiles")
    dlg.k.setValue(4)
    choose(dlg.cmap, "Greens")
    choose(dlg.label_field, "name")
    renders = window.map.render_count
    js(qtbot, window.map, "window.jjj.setView(39.4, 116.2, 9)")
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.map.render_count == renders + 1
    assert parks.style.mode == "graduated" and parks.style.field == "area"
    spec = js(qtbot, window.map, f"window.jjj.layerInfo('{parks.id}').spec")
    assert spec["colors"] == ramp("Greens", 4)
    assert spec["legend"][0] == {"label": "area", "header": True}
    assert len(spec["legend"]) == 5 and spec["labelField"] == "name"
    view = js(qtbot, window.map, "window.jjj.getView()")
    assert (round(view["lat"], 3), round(view["lon"], 3), view["zoom"]) == (39.4, 116.2, 9)


def test_layer_menu_action_opens_the_dialog(window, qtbot):
    firms = by_title(window.doc, "Firms")
    window.layers.set_current(firms.id)
    titles = [a.text() for a in window.menuBar().actions()]
    assert any(t.replace("&", "") == "Layer" for t in titles)
    assert window.layer_actions.style_action.isEnabled()
    window.layer_actions.style_action.trigger()
    dlg = window.layer_actions.style_dialog
    assert dlg is not None and dlg.layer is firms
    dlg.stroke.set_color("#ff0000")
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        dlg.buttons.button(QDialogButtonBox.StandardButton.Apply).click()
    assert dlg.isVisible()                       # Apply keeps the dialog open
    spec = js(qtbot, window.map, f"window.jjj.layerInfo('{firms.id}').spec")
    assert spec["style"]["color"] == "#ff0000"
    dlg.reject()
    qtbot.waitUntil(lambda: window.layer_actions.style_dialog is None, timeout=2000)
