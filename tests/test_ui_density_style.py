"""The style dialog's "Density and time" section: it builds the Style's renderer, weight and
time options, reports bad dates and weights as counts (the layer still draws), and the map
is re-rendered as a heatmap / hexbin with a time slider."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import js, shown_window  # noqa: E402
from test_ui_style import choose  # noqa: E402

from jjjmap.model import Layer, MapDocument  # noqa: E402
from jjjmap.ui.mapview import default_renderer  # noqa: E402
from jjjmap.ui.styledialog import StyleDialog  # noqa: E402


def firms_layer() -> Layer:
    """Invented test points (not data): founding years with bad ones, weights with bad ones."""
    years = ["2001", "2005", "", "0", "9999", "2010-03-04", "abc", "2015"]
    staff = ["10", "-5", "x", "40", "", "7", "3", "12"]
    gdf = gpd.GeoDataFrame({"name": [f"firm {i}" for i in range(8)], "founded": years,
                            "staff": staff, "size": [1.0, 2, 3, 4, 5, 6, 7, 8]},
                           geometry=[Point(115.5 + i * 0.1, 39.0) for i in range(8)], crs=4326)
    return Layer(gdf, "Firms (invented)")


def test_section_reports_bad_dates_and_builds_the_style(qtbot):
    doc = MapDocument()
    firms = doc.add_layer(firms_layer())
    dlg = StyleDialog(doc, firms.id)
    qtbot.addWidget(dlg)
    box = dlg.density
    assert box.isVisibleTo(dlg)
    fields = [box.time_field.itemData(i) for i in range(box.time_field.count())]
    assert fields[:2] == [None, "founded"]                   # detected dates come first
    choose(box.time_field, "founded")
    note = box.time_note.text()
    # by hand: 2001, 2005, 2010-03-04, 2015 read; "" empty; "abc" unreadable; 0, 9999 out
    assert "4 dated (2001-01-01 – 2015-01-01)" in note
    assert "1 empty" in note and "1 unreadable" in note and "2 with a year outside" in note
    choose(box.renderer, "hexbin")
    choose(box.hex_stat, "sum")
    assert dlg.problem() == "Hexagons coloured by a sum or mean need a weight field."
    choose(box.weight, "size")
    assert dlg.problem() is None
    choose(box.hex_resolution, 7)
    style = dlg.style()
    assert (style.renderer, style.weight_field, style.hex_stat, style.hex_resolution,
            style.time_field) == ("hexbin", "size", "sum", 7, "founded")
    assert dlg.apply() and firms.style == style


def test_heatmap_and_time_slider_reach_the_page(qtbot, tmp_path):
    doc = MapDocument(basemap="none")
    firms = doc.add_layer(firms_layer())
    with shown_window(qtbot, doc, tmp_path, timeout=60000, quiet=True,
                      renderer=lambda d: default_renderer(d, tianditu_key="")) as w:
        dlg = StyleDialog(w.doc, firms.id, w)
        box = dlg.density
        choose(box.renderer, "heatmap")
        # "staff" is text with mostly numbers: offered, its bad cells counted (by hand:
        # "-5" negative, "x" not a number, "" empty), and the layer still draws
        assert box.weight.findData("name") < 0
        choose(box.weight, "staff")
        assert box.weight_note.text() == "1 empty; 1 not a number; 1 negative: counted as 0"
        choose(box.weight, "size")
        choose(box.time_field, "founded")
        with qtbot.waitSignal(w.mapReady, timeout=60000):
            assert dlg.apply()
        qtbot.waitUntil(lambda: js(qtbot, w.map, f"jjj.layerInfo('{firms.id}').spec.render")
                        == "heatmap", timeout=30000)
        assert js(qtbot, w.map, f"jjj.featureCount('{firms.id}')") == 8
        assert js(qtbot, w.map, "jjj.time.state().undated") == 4
        # "2010-03-04" makes the dates daily; 14 years of them step by month
        assert js(qtbot, w.map, "jjj.time.state().step") == "month"
        js(qtbot, w.map, "jjj.time.setStep('year') && jjj.time.setRange(2001, 2005)")
        assert js(qtbot, w.map, "jjj.time.state().shown") == 2 + 4   # undated still shown
        assert js(qtbot, w.map, f"jjj.featureCount('{firms.id}')") == 6
        dlg.close()
