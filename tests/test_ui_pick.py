"""Identify on the real map (issue 18 item 1): a click picks the topmost feature whose drawn
geometry contains it (an unfilled outline counts inside its area), the identify panel offers
the others under the same point, and one selection shows at a time."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from jjjmap import catalog  # noqa: E402
from test_ui_helpers import js, shown_window  # noqa: E402


def _inside(key: str, name_en: str):
    """A point inside the named feature (shapely, from the geodata itself), and its row."""
    gdf = catalog.load_layer(key).gdf
    rows = [i for i, n in enumerate(gdf["name_en"]) if str(n).startswith(name_en)]
    assert len(rows) == 1, rows
    pt = gdf.geometry.iloc[rows[0]].representative_point()
    return pt.x, pt.y, rows[0]


@pytest.fixture
def window(qtbot, tmp_path):
    doc = catalog.default_document()
    doc.basemap = "none"   # no tiles: the page is ready without the network
    with shown_window(qtbot, doc, tmp_path, timeout=60000) as w:
        w.resize(1280, 800)
        qtbot.waitUntil(lambda: w.map.load_count == 1, timeout=30000)
        yield w


def click_at(qtbot, window, lon: float, lat: float, zoom: float = 10) -> None:
    """Centre the map near (lon, lat) and click there with the mouse, as a user would."""
    # Leaflet has seen the window's size (its resize handler would move the map after)
    qtbot.waitUntil(lambda: js(qtbot, window.map, "[window.jjj.map.getSize().x, "
                               "window.jjj.map.getSize().y]")
                    == [window.map.width(), window.map.height()], timeout=10000)
    # the window settles its layout after showing (and the page refits the region to it
    # until the map is moved): set the view until it stays
    # until it has read back unchanged on ten polls in a row (a round trip each)
    steady = [0]

    def stays() -> bool:
        view = js(qtbot, window.map, "window.jjj.getView()")
        if (view["lat"], view["lon"], view["zoom"]) != (lat, lon, zoom):
            js(qtbot, window.map, f"window.jjj.setView({lat}, {lon}, {zoom})")
            steady[0] = 0
            return False
        steady[0] += 1
        return steady[0] >= 10
    qtbot.waitUntil(stays, timeout=20000)
    x, y = js(qtbot, window.map, f"(function () {{ var p = window.jjj.map.latLngToContainerPoint("
              f"[{lat}, {lon}]); var r = window.jjj.map.getContainer().getBoundingClientRect(); "
              f"return [Math.round(p.x + r.left), Math.round(p.y + r.top)]; }})()")
    target = window.map.focusProxy() or window.map
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, y))


def popup_open(qtbot, window) -> bool:
    """A popup is on the map (Leaflet fades a closed one out for 0.2 s: it is not counted)."""
    return js(qtbot, window.map, "!!(window.jjj.map._popup && "
              "window.jjj.map.hasLayer(window.jjj.map._popup))")


def hits(window):
    return list(window.identify.hits.hits)


def test_a_click_inside_haidian_identifies_haidian_and_offers_beijing(window, qtbot):
    lon, lat, haidian = _inside("counties", "Haidian")
    beijing_pref = _inside("prefectures", "Beijing")[2]
    beijing_prov = _inside("provinces", "Beijing")[2]
    click_at(qtbot, window, lon, lat)
    qtbot.waitUntil(lambda: window.identify.row == haidian, timeout=10000)
    assert window.identify.layer_id == "counties"
    assert window.doc.selection == ("counties", (haidian,))
    # county, then prefecture, then province: the drawing order, top first
    assert hits(window) == [("counties", haidian), ("prefectures", beijing_pref),
                            ("provinces", beijing_prov)]
    assert window.identify.hits.isVisible()
    labels = window.identify.hits.labels()
    assert labels[0].startswith("Haidian") and labels[1].startswith("Beijing")
    assert js(qtbot, window.map, "window.jjj.highlighted()") == {"counties": [haidian]}
    popup = js(qtbot, window.map, "document.querySelector('.leaflet-popup-content').textContent")
    assert "Haidian" in popup and "Beijing" in popup

    # the user chooses the prefecture in the panel: it becomes the one selection
    window.identify.hits.setCurrentRow(1)
    assert window.doc.selection == ("prefectures", (beijing_pref,))
    assert window.identify.layer_id == "prefectures" and window.identify.row == beijing_pref
    assert hits(window)[1] == ("prefectures", beijing_pref)   # the list stays
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.highlighted()")
                    == {"prefectures": [beijing_pref]}, timeout=5000)
    # the popup was the county's: it went with the county's selection
    qtbot.waitUntil(lambda: popup_open(qtbot, window) is False, timeout=5000)


def test_with_provinces_hidden_a_click_still_identifies_haidian(window, qtbot):
    lon, lat, haidian = _inside("counties", "Haidian")
    window.doc.set_visible("provinces", False)
    click_at(qtbot, window, lon, lat)
    qtbot.waitUntil(lambda: window.identify.row == haidian, timeout=10000)
    assert window.identify.layer_id == "counties"
    assert [layer_id for layer_id, _ in hits(window)] == ["counties", "prefectures"]


def test_a_second_selection_clears_the_first_highlight_and_popup(window, qtbot):
    lon, lat, haidian = _inside("counties", "Haidian")
    click_at(qtbot, window, lon, lat)
    qtbot.waitUntil(lambda: window.doc.selection == ("counties", (haidian,)), timeout=10000)
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.highlighted()")
                    == {"counties": [haidian]}, timeout=10000)
    assert popup_open(qtbot, window) is True
    # rows of another layer chosen in the attribute table (a search goes the same way)
    window.layers.set_current("sector_clusters")
    window.table.set_layer(window.doc.find("sector_clusters"))
    window.table.select_rows([0], emit=True)   # as a click on the row does
    assert window.doc.selection == ("sector_clusters", (0,))
    qtbot.waitUntil(lambda: js(qtbot, window.map, "window.jjj.highlighted()")
                    == {"sector_clusters": [0]}, timeout=5000)
    qtbot.waitUntil(lambda: popup_open(qtbot, window) is False, timeout=5000)
    assert window.identify.layer_id == "sector_clusters"
    assert hits(window) == []   # the pick list belonged to the click
    assert not window.identify.hits.isVisible()
