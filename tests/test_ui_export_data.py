"""Layer > Export layer data…: GeoPackage / GeoJSON / Shapefile, filtered or not, in the
background; failures name the file and the problem."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import SECTORS, shown_window, standin_renderer, synthetic_document  # noqa: E402

from jjjmap.ui.layeractions import with_extension  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    with shown_window(qtbot, synthetic_document(), tmp_path, quiet=True,
                      renderer=standin_renderer, sectors=SECTORS) as w:
        yield w


def export(window, qtbot, layer, path, filtered=False):
    actions = window.layer_actions
    actions.last_message = ""
    errors = len(window.errors)
    task = actions.export_layer_data(layer.id, str(path), filtered=filtered)
    assert task is not None
    qtbot.waitUntil(lambda: bool(actions.last_message) or len(window.errors) > errors,
                    timeout=20000)
    assert not window.files.runner.active
    return actions.last_message


@pytest.mark.parametrize("name", ["out.gpkg", "out.geojson", "out.shp"])
def test_export_unfiltered(window, qtbot, tmp_path, name):
    counties = window.doc.layers[0]    # a built-in kind (boundary)
    message = export(window, qtbot, counties, tmp_path / name)
    back = gpd.read_file(tmp_path / name)
    assert len(back) == len(counties.gdf) == 5
    assert set(back["name_zh"]) == set(counties.gdf["name_zh"])
    assert back.crs.to_epsg() == 4326
    assert name in message and str(tmp_path) in message and "5 feature" in message
    if name.endswith(".shp"):   # every part of the Shapefile is named
        for part in ("out.shx", "out.dbf", "out.prj", "out.cpg"):
            assert part in message and (tmp_path / part).exists()
    assert not window.errors


@pytest.mark.parametrize("name", ["sel.gpkg", "sel.geojson", "sel.shp"])
def test_export_only_filtered(window, qtbot, tmp_path, name):
    clusters = window.doc.layers[1]
    window.doc.set_filter(clusters.id, "sector", ["ai"])
    message = export(window, qtbot, clusters, tmp_path / name, filtered=True)
    back = gpd.read_file(tmp_path / name)
    assert sorted(back["name"]) == ["A", "C"]
    assert "2 feature" in message
    # unticked: the whole layer, filter or not
    export(window, qtbot, clusters, tmp_path / f"all_{name}", filtered=False)
    assert len(gpd.read_file(tmp_path / f"all_{name}")) == 3


def test_export_into_a_missing_folder_reports_it(window, qtbot, tmp_path):
    counties = window.doc.layers[0]
    target = tmp_path / "no_such_folder" / "counties.gpkg"
    export(window, qtbot, counties, target)
    title, text = window.errors[-1]
    assert "counties.gpkg" in title
    assert "no_such_folder" in text and "does not exist" in text
    assert not target.parent.exists()


def test_export_actions_in_menu_and_panel(window):
    actions = window.layer_actions
    assert actions.export_data_action in actions.menu.actions()
    assert actions.style_action in actions.menu.actions()
    assert actions.export_data_action.isEnabled()
    assert actions.export_data_action.text().replace("&", "") == "Export layer data…"


def test_extension_follows_the_chosen_filter():
    assert with_extension("/d/a", "Shapefile (*.shp)") == "/d/a.shp"
    assert with_extension("/d/a", "GeoJSON (*.geojson *.json)") == "/d/a.geojson"
    assert with_extension("/d/a.gpkg", "Shapefile (*.shp)") == "/d/a.gpkg"
    assert with_extension("/d/a.b", "GeoPackage (*.gpkg)") == str(Path("/d/a.b.gpkg"))


def test_export_dialog_offers_the_filter_checkbox(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog

    clusters = window.doc.layers[1]
    window.doc.set_filter(clusters.id, "sector", ["ai"])
    seen = []

    def fake_exec(dialog):
        boxes = dialog.findChildren(QCheckBox)
        seen.append([b.text() for b in boxes])
        dialog.selectNameFilter(dialog.nameFilters()[2])      # Shapefile
        dialog.selectFile(str(tmp_path / "picked"))           # no extension typed
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "exec", fake_exec)
    window.layer_actions.last_message = ""
    window.layers.exportData.emit(clusters.id)                # as the context menu does
    qtbot.waitUntil(lambda: bool(window.layer_actions.last_message), timeout=20000)
    assert seen and any("2 of 3" in t for t in seen[0])
    assert len(gpd.read_file(tmp_path / "picked.shp")) == 2   # ticked by default
