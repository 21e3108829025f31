"""The GUI asks for a missing CRS and lets the user pick a text encoding (issue 17, item 4).

The Beijing point and the GBK names are invented test data."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

import geopandas as gpd  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from jjjmap import catalog  # noqa: E402
from jjjmap.ui.crsdialog import ROLE_CODE, CrsDialog, EncodingDialog  # noqa: E402
from test_ui_helpers import shown_window  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    doc = catalog.default_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, timeout=60000) as w:
        yield w


def _answer(qtbot, kind, act):
    """Run ``act(dialog)`` on the next modal dialog of ``kind`` once it shows."""
    seen = {}

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            seen["dialog"] = dialog
            act(dialog)
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_a_file_without_crs_asks_and_lands_where_the_preview_said(window, qtbot, tmp_path):
    to_gk = Transformer.from_crs(4326, 4548, always_xy=True)   # CGCS2000 GK CM 117E
    x, y = to_gk.transform(116.30, 39.96)                      # Haidian
    csv = tmp_path / "survey.csv"
    csv.write_text(f"name,x,y\nsite,{x:.3f},{y:.3f}\n", encoding="utf-8")

    def pick(dialog):
        first = dialog.list.item(0)
        seen["first"] = first.data(ROLE_CODE)
        seen["preview"] = dialog.preview.text()
        dialog.accept()

    seen = _answer(qtbot, CrsDialog, pick)
    n = len(window.doc.layers)
    window.files.open_path(str(csv))
    qtbot.waitUntil(lambda: len(window.doc.layers) == n + 1, timeout=30000)
    assert seen["first"] == "EPSG:4548"
    assert "Haidian District, Beijing" in seen["preview"]
    added = window.doc.layers[-1]
    assert added.gdf.geometry.iloc[0].x == pytest.approx(116.30, abs=1e-5)
    assert added.provenance.reopen["crs"] == "EPSG:4548"   # the project keeps the choice


def test_the_crs_search_finds_by_code_and_name(qtbot):
    dialog = CrsDialog(None, "a.shp", (500000, 4400000, 500100, 4400100), ["EPSG:4548"])
    qtbot.addWidget(dialog)
    dialog.search.setText("4527")
    assert dialog.list.item(0).data(ROLE_CODE) == "EPSG:4527"
    dialog.search.setText("utm 50n")
    codes = {dialog.list.item(i).data(ROLE_CODE) for i in range(dialog.list.count())}
    assert "EPSG:32650" in codes
    dialog.search.setText("no such system at all")
    assert dialog.list.count() == 0 and not dialog.ok.isEnabled()


def test_choosing_an_encoding_reads_the_layer_again_in_place(window, qtbot, tmp_path):
    path = tmp_path / "names.shp"
    names = ["北京市海淀区", "石家庄市桥西区"]
    gpd.GeoDataFrame({"name": names}, geometry=[Point(116.3, 39.96), Point(114.5, 38.04)],
                     crs=4326).to_file(path, engine="pyogrio", encoding="GBK")
    n = len(window.doc.layers)
    window.files.open_path(str(path), {"encoding": "cp1252"})   # a wrong choice
    qtbot.waitUntil(lambda: len(window.doc.layers) == n + 1, timeout=30000)
    layer = window.doc.layers[-1]
    assert list(layer.gdf["name"]) != names

    def pick(dialog):
        for i in range(dialog.list.count()):
            if dialog.list.item(i).data(ROLE_CODE) == "gb18030":
                dialog.list.setCurrentRow(i)
        seen["preview"] = dialog.preview.text()
        dialog.accept()

    seen = _answer(qtbot, EncodingDialog, pick)
    window.files.choose_encoding(layer.id)
    qtbot.waitUntil(lambda: list(layer.gdf["name"]) == names, timeout=30000)
    assert "北京市海淀区" in seen["preview"]
    assert window.doc.layers[-1] is layer and layer.provenance.reopen["encoding"] == "gb18030"
