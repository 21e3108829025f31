"""File actions on the real map: export, projects, dropping files on the window."""
from __future__ import annotations


import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402

from jjjmap import catalog  # noqa: E402
from jjjmap.ui.layerpanel import MIME, ROLE_SECTOR  # noqa: E402
from test_ui_helpers import capture_errors, js, shown_window  # noqa: E402




@pytest.fixture
def window(qtbot, tmp_path):
    doc = catalog.default_document()
    doc.basemap = "none"  # no tiles: loadFinished does not wait on the network
    with shown_window(qtbot, doc, tmp_path, timeout=60000) as w:
        # loadFinished comes once every subresource has (no tiles here, so soon)
        qtbot.waitUntil(lambda: w.map.load_count == 1, timeout=30000)
        yield w


@pytest.fixture
def points_csv(tmp_path):
    path = tmp_path / "my_sites.csv"
    path.write_text("name,lon,lat\n站点A,116.40,39.90\n站点B,117.20,39.13\n", encoding="utf-8")
    return path


def by_key(doc, key):
    return next(lyr for lyr in doc.layers if lyr.builtin == key)


def test_export_html(window, tmp_path):
    out = tmp_path / "map.html"
    assert window.files.export_html(str(out))
    text = out.read_text(encoding="utf-8")
    assert "jjjmap://" not in text  # self-contained: no app-only asset links
    assert "jjj" in text and len(text) > 100_000


def test_drop_file_on_window_adds_layer(window, qtbot, points_csv):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(points_csv))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    n = len(window.doc.layers)
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.dropEvent(event)
    assert len(window.doc.layers) == n + 1
    added = window.doc.layers[-1]
    assert added.group == "custom"
    assert js(qtbot, window.map, f"window.jjj.featureCount('{added.id}')") == 2


def test_project_roundtrip_keeps_layers_and_view(window, qtbot, tmp_path, points_csv):
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.files.open_path(str(points_csv))
    counties = by_key(window.doc, "counties")
    window.doc.set_visible(counties.id, False)
    window.doc.set_view(39.5, 116.5, 9)
    project = tmp_path / "p.jjjmap"
    from jjjmap.io.project import save_project

    save_project(window.doc, project)
    window.layers.set_current(window.doc.layers[-1].id)
    window.layers.remove_current()
    window.doc.set_visible(counties.id, True)
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        assert window.files.open_project(str(project))
    titles = [lyr.title_en for lyr in window.doc.layers]
    assert "my_sites" in " ".join(titles)
    assert by_key(window.doc, "counties").visible is False
    view = js(qtbot, window.map, "window.jjj.getView()")
    assert view["zoom"] == 9


def test_bad_project_shows_error(window, qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "bad.jjjmap"
    bad.write_text("{not json", encoding="utf-8")
    shown = capture_errors(monkeypatch)
    ids = [lyr.id for lyr in window.doc.layers]
    window.files.open_project(str(bad))
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "bad.jjjmap" in shown[0][1]
    assert [lyr.id for lyr in window.doc.layers] == ids


def test_panel_drop_reorders_layers_live(window, qtbot):
    model = window.layers.model
    provinces, counties = by_key(window.doc, "provinces"), by_key(window.doc, "counties")
    loads = window.map.load_count
    mime = model.mimeData([model.layer_index(counties.id)])
    assert mime.hasFormat(MIME)
    # drop counties onto provinces: counties now drawn just above provinces
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0,
                              model.layer_index(provinces.id)) is False
    qtbot.waitUntil(lambda: [lyr.id for lyr in window.doc.layers].index(counties.id)
                    == [lyr.id for lyr in window.doc.layers].index(provinces.id) + 1,
                    timeout=3000)
    ids = [lyr.id for lyr in window.doc.layers]
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.order()") == ids, timeout=5000)
    assert window.map.load_count == loads


def test_sector_filter_on_real_page(window, qtbot):
    clusters = by_key(window.doc, "sector_clusters")
    loads, requests = window.map.load_count, window.map.render_requests
    model = window.layers.model
    parent = model.itemFromIndex(model.layer_index(clusters.id))
    keys = [parent.child(r).data(ROLE_SECTOR) for r in range(parent.rowCount())]
    assert set(keys) == set(catalog.SECTORS)
    for r in range(1, parent.rowCount()):
        parent.child(r).setCheckState(Qt.CheckState.Unchecked)
    assert clusters.filter == {"sector": [keys[0]]}
    qtbot.waitUntil(lambda: js(qtbot, window.map,
                               f"window.jjj.activeCategories('{clusters.id}')") == [keys[0]],
                    timeout=5000)   # applied live by the page: no re-render was asked
    assert (window.map.load_count, window.map.render_requests) == (loads, requests)


def test_reprojected_files_open_one_after_another(window, qtbot, tmp_path):
    """Each open reprojects with pyproj on a worker thread; a second one on a reused thread
    used a freed PROJ context and crashed the app when workers were Qt pool threads."""
    import geopandas as gpd
    from shapely.geometry import Point

    paths = []
    for i in range(3):
        path = tmp_path / f"gk_{i}.gpkg"
        gpd.GeoDataFrame({"n": [i]}, geometry=[Point(116.3 + i / 10, 39.9)], crs=4326) \
            .to_crs(4548).to_file(path)
        paths.append(path)
    for path in paths:
        window.files.open_path(str(path))
        qtbot.waitUntil(lambda: not window.files.runner.active, timeout=30000)
    mine = [lyr for lyr in window.doc.layers if lyr.group == "custom"]
    assert [lyr.title_en for lyr in mine] == ["gk_0", "gk_1", "gk_2"]
    assert abs(mine[2].gdf.geometry.iloc[0].x - 116.5) < 1e-6
