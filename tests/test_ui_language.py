"""The interface language reaches the data's words: the attribute table's headers and coded
values of the built-in layers, the field lists of the style dialog, and the search box's hits
(named in the UI language, found by pinyin initials or whole pinyin)."""
from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pytest
from PySide6.QtCore import Qt
from shapely.geometry import Point

from jjjmap import catalog
from jjjmap.model import Layer, MapDocument
from jjjmap.ui import i18n
from jjjmap.ui.attrtable import AttributeTable
from jjjmap.ui.searchbox import ROLE_DETAIL, SearchBox

H = Qt.Orientation.Horizontal
TIP = Qt.ItemDataRole.ToolTipRole
CSV = Path(__file__).resolve().parents[1] / "geodata" / "relocated_institutions.csv"


@pytest.fixture
def chinese(qapp):
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def _headers(model) -> list[str]:
    return [model.headerData(i, H) for i in range(model.columnCount())]


def _column(model, name: str) -> int:
    return model.columns.index(name)


def test_table_in_chinese_shows_display_names_and_keeps_raw_ones_in_tooltips(qtbot, chinese):
    table = AttributeTable()
    qtbot.addWidget(table)
    table.set_layer(catalog.load_layer("relocated_institutions"))
    m = table.model
    assert _headers(m) == ["英文名称", "中文名称", "类型", "迁出地", "落地", "宣布年份", "状态",
                           "经度（近似）", "纬度（近似）", "位置精度", "地区", "依据", "来源链接",
                           "几何类型"]
    status = _column(m, "status")
    assert "name_en" in m.headerData(0, H, TIP) and "status" in m.headerData(status, H, TIP)
    # row 0 of the CSV: Beijing Jiaotong University, under_construction, a university
    assert m.index(0, status).data() == "建设中"
    assert "under_construction" in m.index(0, status).data(TIP)
    assert m.index(0, _column(m, "kind")).data() == "高校"
    assert m.index(0, _column(m, "region")).data() == "雄安新区"
    assert m.index(0, _column(m, "coord_precision")).data() == "城市代表点"
    assert m.index(0, 0).data() == "Beijing Jiaotong University Xiong'an campus"  # names as is
    # the filter column list names the fields the same way, the raw name as its data
    i = table.filter_column.findData("status")
    assert table.filter_column.itemText(i) == "状态"

    with open(CSV, encoding="utf-8", newline="") as f:
        statuses = [r["status"] for r in csv.DictReader(f)]
    building = statuses.count("under_construction")
    # sorting is on the real values: announced < operating < under_construction
    m.sort(status, Qt.SortOrder.AscendingOrder)
    shown = [m.index(r, status).data() for r in range(m.rowCount())]
    assert shown == (["已宣布"] * statuses.count("announced") + ["已运营"] * statuses.count(
        "operating") + ["建设中"] * building)
    # filtering finds a row by the word shown and by the real value
    table.set_filter("建设中")
    assert m.rowCount() == building
    table.set_filter("under_construction", "status")
    assert m.rowCount() == building
    table.set_filter("")

    i18n.set_language("en")   # LanguageChange: the table follows
    qtbot.waitUntil(lambda: m.headerData(0, H) == "English name", timeout=5000)
    assert m.headerData(status, H) == "Status"
    assert m.index(m.rowCount() - 1, status).data() == "Under construction"
    assert m.index(0, _column(m, "region")).data() == "Xiongan"   # English already
    assert table.filter_column.itemText(table.filter_column.findData("status")) == "Status"


def test_boundary_and_sector_tables_in_chinese(qtbot, chinese):
    table = AttributeTable()
    qtbot.addWidget(table)
    table.set_layer(catalog.load_layer("counties"))
    m = table.model
    assert _headers(m) == ["行政区划代码", "中文名称", "英文名称", "级别", "上级区划代码",
                           "面积（平方千米）", "几何类型"]
    assert m.index(0, _column(m, "level")).data() == "县级"
    table.set_layer(catalog.load_layer("sector_clusters"))
    m = table.model
    # row 0: Beijing E-Town integrated circuit cluster
    assert m.index(0, _column(m, "sector")).data() == "集成电路"
    assert m.index(0, _column(m, "city")).data() == "北京市"
    assert m.index(0, _column(m, "coord_precision")).data() == "区县政府驻地"
    assert m.headerData(_column(m, "sector_en"), H) == "产业（英文）"


def test_user_layers_and_markup_stay_plain_text(qtbot, chinese):
    # invented rows: a column name and values that look like HTML
    gdf = gpd.GeoDataFrame({"<img src=/dev/zero>": ["<b>bold</b>"], "status": ["operating"]},
                           geometry=[Point(116, 39)], crs=4326)
    table = AttributeTable()
    qtbot.addWidget(table)
    table.set_layer(Layer(gdf, "mine"))
    m = table.model
    assert _headers(m)[:2] == ["<img src=/dev/zero>", "status"]   # a user's names stay
    assert m.index(0, 1).data() == "operating"                    # and so do its values
    assert "&lt;img src=/dev/zero&gt;" in m.headerData(0, H, TIP)
    assert m.index(0, 0).data() == "<b>bold</b>"
    assert "&lt;b&gt;bold&lt;/b&gt;" in m.index(0, 0).data(TIP)
    # a built-in layer's coded column with a value not in the tables: shown as it is
    inst = catalog.load_layer("relocated_institutions")
    inst.gdf.loc[inst.gdf.index[0], "status"] = "<i>x</i>"
    table.set_layer(inst)
    status = _column(table.model, "status")
    assert table.model.index(0, status).data() == "<i>x</i>"
    assert "&lt;i&gt;x&lt;/i&gt;" in table.model.index(0, status).data(TIP)


def _items(box: SearchBox) -> list[tuple[str, str]]:
    return [(box.model.item(i).text(), box.model.item(i).data(ROLE_DETAIL))
            for i in range(box.model.rowCount())]


@pytest.fixture(scope="module")
def builtin_doc():
    return catalog.default_document()


@pytest.mark.parametrize("query, en, zh", [
    ("hdq", "Haidian District", "海淀区"),     # initials
    ("zjk", "Zhangjiakou City", "张家口市"),
    ("haidian", "Haidian District", "海淀区"),   # whole pinyin, no tones or spaces
    ("zhangjiakou", "Zhangjiakou City", "张家口市"),
    ("botou", "Botou City", "泊头市"),          # 泊 read as in the place name (geo.names)
])
def test_search_lists_hits_in_the_interface_language(qtbot, builtin_doc, query, en, zh):
    box = SearchBox(builtin_doc)
    qtbot.addWidget(box)
    try:
        builtin_doc.lang = "en"
        hits = box.search(query)
        assert hits and _items(box)[0][0] == en
        assert _items(box)[0][1].startswith(zh)   # the other name, then the layer
        layer = builtin_doc.layer(hits[0].layer_id)
        assert layer.gdf.iloc[hits[0].row]["name_zh"] == zh
        builtin_doc.lang = "zh"
        box.search(query)
        assert _items(box)[0][0] == zh and _items(box)[0][1].startswith(en)
    finally:
        builtin_doc.lang = "en"
        box.detach()


def test_search_hits_with_markup_are_plain_text(qtbot):
    # an invented point whose name looks like HTML
    gdf = gpd.GeoDataFrame({"name": ["<b>Pier</b>"]}, geometry=[Point(116, 39)], crs=4326)
    doc = MapDocument()
    doc.add_layer(Layer(gdf, "mine"))
    box = SearchBox(doc)
    qtbot.addWidget(box)
    box.search("pier")
    item = box.model.item(0)
    assert item.text() == "<b>Pier</b>"
    assert "&lt;b&gt;Pier&lt;/b&gt;" in item.toolTip()
    box.detach()


def test_style_dialog_lists_builtin_fields_by_display_name(qtbot):
    from jjjmap.ui.styledialog import StyleDialog

    doc = catalog.default_document()
    doc.lang = "zh"
    dialog = StyleDialog(doc, "relocated_institutions")
    qtbot.addWidget(dialog)
    i = dialog.label_field.findData("status")
    assert i >= 0 and dialog.label_field.itemText(i) == "状态"
    assert "status" in dialog.label_field.itemData(i, TIP)


def test_count_dialog_lists_builtin_fields_by_display_name(qtbot):
    from PySide6.QtWidgets import QWidget

    from jjjmap.ui.joindialog import AggregateDialog

    class Window(QWidget):
        doc = catalog.default_document()

    window = Window()
    qtbot.addWidget(window)
    window.doc.lang = "zh"
    dialog = AggregateDialog(window.doc, lambda *args: None, window)
    dialog.points.setCurrentIndex(dialog.points.findData("sector_clusters"))
    i = dialog.by.findData("sector")
    assert i >= 0 and dialog.by.itemText(i) == "产业"
    assert "sector" in dialog.by.itemData(i, TIP)


def test_identify_panel_names_builtin_fields_and_values_in_chinese(qtbot, chinese):
    from jjjmap.ui.identify import IdentifyPanel

    panel = IdentifyPanel()
    qtbot.addWidget(panel)
    # row 0 of the CSV: Beijing Jiaotong University's Xiong'an campus, under construction
    panel.show_feature(catalog.load_layer("relocated_institutions"), 0, "zh")
    text = panel.browser.toPlainText()
    assert "状态" in text and "建设中" in text and "高校" in text
    assert "status" in text            # the raw column name stays beside its display name
    assert "under_construction" not in text
    assert panel.value("status") == "under_construction"   # the raw names and values, kept
