"""Layer order on the real map (issue 18 item 3): the layer panel's order is the drawing
order, built-in groups included (the top of the list is drawn on top, as in QGIS), and a
drop in the panel restacks the page's panes live."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import QModelIndex, Qt  # noqa: E402

from jjjmap.ui.layerpanel import ROLE_GROUP, ROLE_LAYER  # noqa: E402
from test_ui_helpers import js  # noqa: E402
from test_ui_pick import window  # noqa: E402,F401 - the default map, no tiles

# The page's own z-index of each layer's pane, top first (read from the DOM, not from jjj);
# the land mask, the highlight and the labels (jjj-labels.js: above every layer) are not layers.
PANES_TOP_FIRST = """(function () {
  var out = [];
  document.querySelectorAll('.leaflet-pane').forEach(function (p) {
    var m = /(?:^|\\s)leaflet-jjj-(\\S+)-pane(?:\\s|$)/.exec(p.className);
    if (m && ['land', 'hl', 'labels'].indexOf(m[1]) < 0) {
      out.push([m[1], +getComputedStyle(p).zIndex]);
    }
  });
  out.sort(function (a, b) { return b[1] - a[1]; });
  return out;
})()"""


def panel_top_first(model) -> list[str]:
    """The layer ids as the panel lists them, top to bottom (groups in their places)."""
    out = []
    for g in range(model.rowCount()):
        group = model.item(g)
        out.extend(group.child(r).data(ROLE_LAYER) for r in range(group.rowCount()))
    return out


def pane_ids(qtbot, window) -> list[str]:
    panes = js(qtbot, window.map, PANES_TOP_FIRST)
    zs = [z for _, z in panes]
    assert len(set(zs)) == len(zs), panes   # no two layers share a level
    return [name for name, _ in panes]


def test_the_panel_lists_the_drawing_order_and_a_drop_restacks_the_page(window, qtbot):
    model = window.layers.model
    # written out: the built-in map, top of the list first; counties above provinces so a
    # click inside a county picks the county (tests/test_ui_pick.py)
    assert panel_top_first(model) == ["relocated_institutions", "sector_clusters", "xiongan",
                                      "counties", "prefectures", "provinces"]
    groups = [model.item(g).data(ROLE_GROUP) for g in range(model.rowCount())]
    assert groups == ["custom", "relocations", "sectors", "boundaries"]
    assert pane_ids(qtbot, window) == panel_top_first(model)
    loads = window.map.load_count

    # drag the Boundaries group above Relocations (dropped between the groups)
    boundaries = next(model.item(g) for g in range(model.rowCount())
                      if model.item(g).data(ROLE_GROUP) == "boundaries")
    mime = model.mimeData([boundaries.index()])
    relocations_row = groups.index("relocations")
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, relocations_row, 0,
                              QModelIndex()) is False
    expected = ["xiongan", "counties", "prefectures", "provinces",
                "relocated_institutions", "sector_clusters"]
    qtbot.waitUntil(lambda: panel_top_first(model) == expected, timeout=5000)
    assert [lyr.id for lyr in reversed(window.doc.layers)] == expected
    qtbot.waitUntil(lambda: pane_ids(qtbot, window) == expected, timeout=5000)
    assert window.map.load_count == loads   # live: no new page

    # one layer: provinces dropped onto counties goes just above it
    mime = model.mimeData([model.layer_index("provinces")])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, model.layer_index("counties"))
    expected = ["xiongan", "provinces", "counties", "prefectures",
                "relocated_institutions", "sector_clusters"]
    qtbot.waitUntil(lambda: panel_top_first(model) == expected, timeout=5000)
    qtbot.waitUntil(lambda: pane_ids(qtbot, window) == expected, timeout=5000)
    assert window.map.load_count == loads


def test_a_layer_moved_among_another_groups_layers_splits_the_group(window, qtbot):
    """The panel never shows an order the map does not draw: clusters put between two
    boundary layers show the Boundaries group twice, around them."""
    model = window.layers.model
    window.layers.model.move_relative("sector_clusters", "prefectures", above=True)
    qtbot.waitUntil(lambda: pane_ids(qtbot, window)[3] == "sector_clusters", timeout=5000)
    groups = [(model.item(g).data(ROLE_GROUP), model.item(g).rowCount())
              for g in range(model.rowCount())]
    assert groups == [("custom", 0), ("relocations", 1), ("boundaries", 2), ("sectors", 1),
                      ("boundaries", 2)]
    assert pane_ids(qtbot, window) == panel_top_first(model)


def test_a_new_layer_goes_on_top_of_the_list_and_of_the_map(window, qtbot, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("name,lon,lat\nA,116.40,39.90\n", encoding="utf-8")   # invented
    with qtbot.waitSignal(window.mapReady, timeout=30000):
        window.files.open_path(str(path))
    added = window.doc.layers[-1]
    model = window.layers.model
    assert model.item(0).data(ROLE_GROUP) == "custom"
    assert panel_top_first(model)[0] == added.id
    assert pane_ids(qtbot, window) == panel_top_first(model)
