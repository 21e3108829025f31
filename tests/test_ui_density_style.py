"""The style dialog's "Density and time" section: it builds the Style's renderer, weight and
time options, reports bad dates and weights as counts (the layer still draws), and the map
is re-rendered as a heatmap / hexbin with a time slider."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import Qt  # noqa: E402
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


def test_a_density_style_comes_back_into_the_dialog(qtbot):
    """The round trip: every option the section sets is shown again when the dialog is
    reopened (from the layer, or from a style file's dict), and applying it unchanged
    changes nothing."""
    from jjjmap.model import Style

    doc = MapDocument()
    firms = doc.add_layer(firms_layer())
    dlg = StyleDialog(doc, firms.id)
    qtbot.addWidget(dlg)
    box = dlg.density
    choose(box.renderer, "heatmap")
    choose(box.weight, "size")
    box.heat_radius.setValue(33.5)
    box.heat_intensity.setValue(0.05)          # below 0.1: Style accepts down to 0.01
    choose(box.hex_resolution, 9)
    choose(box.hex_stat, "mean")
    box.spread.setChecked(False)
    choose(box.time_field, "founded")
    choose(box.time_step, "month")
    choose(box.time_mode, "window")
    assert dlg.apply()
    written = {"renderer": "heatmap", "weight_field": "size", "heat_radius": 33.5,
               "heat_intensity": 0.05, "hex_resolution": 9, "hex_stat": "mean",
               "spread_stacked": False, "time_field": "founded", "time_step": "month",
               "time_mode": "window"}
    assert {k: getattr(firms.style, k) for k in written} == written

    for style in (firms.style, Style.from_dict(written)):
        doc.set_style(firms.id, style)
        again = StyleDialog(doc, firms.id)
        qtbot.addWidget(again)
        b = again.density
        shown = {"renderer": b.renderer.currentData(), "weight_field": b.weight.currentData(),
                 "heat_radius": b.heat_radius.value(), "heat_intensity": b.heat_intensity.value(),
                 "hex_resolution": b.hex_resolution.currentData(),
                 "hex_stat": b.hex_stat.currentData(), "spread_stacked": b.spread.isChecked(),
                 "time_field": b.time_field.currentData(), "time_step": b.time_step.currentData(),
                 "time_mode": b.time_mode.currentData()}
        assert shown == written
        assert b.hex_resolution.currentText() == "H3 resolution 9 (about 402 m across)"
        assert again.style() == style                 # nothing moved on the way
        assert again.apply() and firms.style is style  # so nothing was re-rendered


def test_changing_the_time_field_drops_the_kept_range(qtbot):
    from dataclasses import replace

    doc = MapDocument()
    lyr = firms_layer()
    lyr.gdf["approved"] = ["2019-05-01"] * 8          # invented
    firms = doc.add_layer(lyr)
    doc.set_style(firms.id, replace(firms.style, time_field="founded",
                                    time_range=["2001", "2005"]))
    dlg = StyleDialog(doc, firms.id)
    qtbot.addWidget(dlg)
    assert dlg.style().time_range == ["2001", "2005"]      # same field: the range stays
    choose(dlg.density.time_field, "approved")
    assert dlg.style().time_range is None


def bad_dates_layer() -> Layer:
    """Invented test points (not data): a date column in five spellings with bad cells, one
    column with no dates at all, weights that are negative or words; a field name with
    markup in it (a stranger's file)."""
    dates = ["2019", "2019-03-04", "2020/7/1", "2021年5月", "0", "9999", "", None, "soon",
             "2022.01.15"]
    weights = [1, -2, "three", "", 5, "-0.5", "6", None, "7", "x"]
    gdf = gpd.GeoDataFrame({"<b>opened</b>": dates, "registered": [None] * 5 + [""] * 5,
                            "w": weights},
                           geometry=[Point(116.0 + i * 0.01, 39.5) for i in range(10)],
                           crs=4326)
    return Layer(gdf, "Bad input (invented)")


def test_bad_input_is_counted_in_the_dialog_as_plain_text(qtbot):
    doc = MapDocument()
    layer = doc.add_layer(bad_dates_layer())
    dlg = StyleDialog(doc, layer.id)
    qtbot.addWidget(dlg)
    box = dlg.density
    choose(box.time_field, "<b>opened</b>")
    # by hand: 2019, 2019-03-04, 2020/7/1, 2021年5月, 2022.01.15 read (earliest 2019-01-01,
    # latest 2022-01-15); "" and None empty; "soon" unreadable; 0 and 9999 out of range
    assert box.time_note.text() == (
        "5 dated (2019-01-01 – 2022-01-15)\n2 empty\n1 unreadable\n"
        "2 with a year outside 1000–2200\n"
        "mixed formats: YYYY, YYYY-MM-DD, YYYY/M/D, YYYY年M月D日, YYYY.MM.DD")
    assert box.time_note.textFormat() == Qt.TextFormat.PlainText
    assert box.time_field.currentText() == "<b>opened</b> (dates)"
    choose(box.time_field, "registered")                 # a date field with no dates
    assert box.time_note.text() == "no readable dates\n10 empty"
    choose(box.renderer, "hexbin")
    choose(box.weight, "w")
    # by hand: "" and None empty; "three", "x" not numbers; -2 and "-0.5" negative
    assert box.weight_note.text() == "2 empty; 2 not a number; 2 negative: counted as 0"
    assert box.weight_note.isVisibleTo(dlg)
    assert dlg.problem() is None and dlg.apply()           # reported, never refused
    assert (layer.style.renderer, layer.style.weight_field,
            layer.style.time_field) == ("hexbin", "w", "registered")


def test_bad_input_counts_in_chinese(qtbot):
    doc = MapDocument(lang="zh")
    layer = doc.add_layer(bad_dates_layer())
    dlg = StyleDialog(doc, layer.id)
    qtbot.addWidget(dlg)
    choose(dlg.density.time_field, "registered")
    assert dlg.density.time_note.text() == "没有可读的日期\n10 个为空"
    choose(dlg.density.weight, "w")
    assert dlg.density.weight_note.text() == "2 个为空；2 个不是数字；2 个为负：按 0 计"


def test_builtin_institutions_offer_their_time_slider(qtbot):
    from jjjmap import catalog

    doc = catalog.default_document()
    inst = next(lyr for lyr in doc.layers if lyr.kind == "institutions")
    dlg = StyleDialog(doc, inst.id)
    qtbot.addWidget(dlg)
    box = dlg.density
    assert box.isVisibleTo(dlg) and not box.renderer.isVisibleTo(dlg)   # time rows only
    assert box.time_field.currentData() == "year_announced"
    # by hand from geodata/relocated_institutions.csv: 24 years from 2021 to 2025, 4 blank
    assert box.time_note.text() == "24 dated (2021 – 2025)\n4 empty"
    assert dlg.style() == inst.style                       # shown as it is
    choose(box.time_step, "year")
    choose(box.time_mode, "window")
    before = inst.style
    assert dlg.apply()
    assert (inst.style.time_step, inst.style.time_mode) == ("year", "window")
    assert inst.style.time_field is None                  # still the built-in default
    assert {k: v for k, v in inst.style.to_dict().items()
            if k not in ("time_step", "time_mode")} == {
        k: v for k, v in before.to_dict().items() if k not in ("time_step", "time_mode")}
    choose(box.time_field, None)                           # the slider can be switched off
    assert dlg.apply() and inst.style.time_field == ""


def test_the_counts_are_never_cut_off(qtbot):
    """A wrapped note in the form was given the height of fewer lines than it wraps to; in
    a shown dialog each note is as tall as its text at its width, before and after the
    field changes."""
    doc = MapDocument()
    layer = doc.add_layer(bad_dates_layer())
    dlg = StyleDialog(doc, layer.id)
    qtbot.addWidget(dlg)
    choose(dlg.density.weight, "w")
    dlg.show()
    qtbot.waitExposed(dlg)
    note = dlg.density.time_note
    choose(dlg.density.time_field, "<b>opened</b>")       # five lines, one of them long
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()) > 0)
    lines = note.text().count("\n") + 1
    assert note.height() >= lines * note.fontMetrics().lineSpacing()
    weight = dlg.density.weight_note
    assert weight.height() >= weight.heightForWidth(weight.width()) > 0
