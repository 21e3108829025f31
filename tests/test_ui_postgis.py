"""The window with a real PostGIS server: connect, add a large table, pan, identify."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = [pytest.mark.gui, pytest.mark.postgis]

from pg_fixture import pg_data, pg_server  # noqa: E402,F401 - fixtures
from test_ui_helpers import js, shown_window  # noqa: E402

from jjjmap.model import MapDocument  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path, pg_data):
    from jjjmap.io.postgis import open_postgis

    doc = MapDocument()
    doc.basemap = "none"
    doc.set_view(39.3, 116.6, 7)
    for layer in open_postgis(pg_data.uri(table="counties")):   # a small one: loaded whole
        doc.add_layer(layer)
    with shown_window(qtbot, doc, tmp_path, timeout=60000) as w:
        yield w


def _count_in(pg, b) -> int:
    return pg.execute("SELECT count(*) FROM pts WHERE ST_X(geom) BETWEEN %s AND %s "
                      "AND ST_Y(geom) BETWEEN %s AND %s",
                      (b["w"], b["e"], b["s"], b["n"]))[0][0]


BOUNDS = "(function () { var b = jjj.map.getBounds(); return {w: b.getWest(), s: b.getSouth(), " \
         "e: b.getEast(), n: b.getNorth()}; })()"


def test_connect_add_large_table_pan_identify(window, qtbot, pg_data):
    from jjjmap.ui.pgdialog import PgDialog, open_address

    w = window
    dialog = PgDialog(w)
    dialog.host.setText(pg_data.host)
    dialog.port.setText(str(pg_data.port))
    dialog.dbname.setText(pg_data.dbname)
    dialog.user.setText(pg_data.user)           # the password comes from PGPASSFILE
    dialog.test()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=30000)
    names = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "pts" in names and "pts_big_values (view)" in names
    dialog.table.selectRow(names.index("pts"))
    address = dialog.layer_address()
    assert address.table == ("public", "pts")
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        open_address(w.files, address, dialog.typed_password())
    layer = next(lyr for lyr in w.doc.layers if lyr.kind == "postgis")
    # zoom 7: the whole region, more points than a request carries: counted on the server
    qtbot.waitUntil(lambda: (js(qtbot, w.map, f"jjj.pgState('{layer.id}')") or {})
                    .get("state") == "ok", timeout=30000)
    st = js(qtbot, w.map, f"jjj.pgState('{layer.id}')")
    bounds = js(qtbot, w.map, BOUNDS)
    assert st["mode"] == "grid" and st["n"] == _count_in(pg_data, bounds)
    qtbot.waitUntil(lambda: "aggregated" in w.layers.model.layer_label(layer), timeout=10000)

    # pan and zoom in to 14: the page asks again and shows exactly the points in view
    js(qtbot, w.map, "jjj.setView(39.95, 116.35, 14)")
    qtbot.waitUntil(lambda: (js(qtbot, w.map, f"jjj.pgState('{layer.id}')") or {})
                    .get("mode") == "points", timeout=30000)
    qtbot.waitUntil(lambda: js(qtbot, w.map, f"jjj.pgState('{layer.id}').state") == "ok",
                    timeout=30000)
    st = js(qtbot, w.map, f"jjj.pgState('{layer.id}')")
    bounds = js(qtbot, w.map, BOUNDS)
    assert st["n"] == _count_in(pg_data, bounds) > 0
    qtbot.waitUntil(lambda: "in view" in w.layers.model.layer_label(layer), timeout=10000)
    # the panel's row shows it (relabelled from the worker's status)
    model = w.layers.model
    qtbot.waitUntil(lambda: f"{st['n']:,} in view" in
                    model.itemFromIndex(model.layer_index(layer.id)).text(), timeout=10000)
    # the counties, loaded whole, still draw
    assert js(qtbot, w.map, f"jjj.featureCount('{w.doc.layers[0].id}')") == 199

    # identify: click the first drawn point; its full row comes from the server by key
    clicked = js(qtbot, w.map, f"""(function () {{
        var cloud = jjj.layerGroup('{layer.id}')._drawn;
        var ll = L.latLng(cloud.lat[0], cloud.lon[0]);
        jjj.map.fire('click', {{latlng: ll, containerPoint: jjj.map.latLngToContainerPoint(ll)}});
        return true; }})()""")
    assert clicked
    qtbot.waitUntil(lambda: w.identify.value("id") is not None, timeout=20000)
    key = int(w.identify.value("id"))
    name, value = pg_data.execute("SELECT name, value FROM pts WHERE id = %s", (key,))[0]
    assert w.identify.value("name") == name
    assert w.identify.value("value") == str(value)
    qtbot.waitUntil(lambda: js(qtbot, w.map, "document.querySelectorAll('.jjj-popup').length") > 0,
                    timeout=10000)


def test_a_dropped_table_shows_an_error_and_the_rest_keeps_working(window, qtbot, pg_data):
    from jjjmap.io.postgis import open_postgis

    w = window
    pg_data.execute("CREATE TABLE pts_gui AS SELECT * FROM pts WHERE id <= 300000")
    [layer] = open_postgis(pg_data.uri(table="pts_gui"), whole_rows=0)
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        w.doc.add_layer(layer)
    qtbot.waitUntil(lambda: (js(qtbot, w.map, f"jjj.pgState('{layer.id}')") or {})
                    .get("state") == "ok", timeout=30000)
    pg_data.execute("DROP TABLE pts_gui")
    js(qtbot, w.map, "jjj.setView(39.95, 116.35, 13)")
    qtbot.waitUntil(lambda: (js(qtbot, w.map, f"jjj.pgState('{layer.id}')") or {})
                    .get("state") == "error", timeout=30000)
    message = js(qtbot, w.map, f"jjj.pgState('{layer.id}').message")
    assert "no longer exists" in message and pg_data.password not in message
    qtbot.waitUntil(lambda: "error" in w.layers.model.layer_label(layer), timeout=10000)
    assert js(qtbot, w.map, f"jjj.featureCount('{w.doc.layers[0].id}')") == 199
    # its table says so too (the server's message as a plain-text tooltip)
    w.table_dock.show()
    w.layers.set_current(w.doc.layers[0].id)
    w.layers.set_current(layer.id)
    qtbot.waitUntil(lambda: w.table.count_label.text().startswith("error"), timeout=20000)
    tip = w.table.count_label.toolTip()
    assert "no longer exists" in tip and "pts_gui" in tip and pg_data.password not in tip


def test_project_open_asks_for_a_password_libpq_cannot_find(window, qtbot, pg_data, tmp_path,
                                                            monkeypatch):
    from jjjmap.io.postgis import open_postgis
    from jjjmap.io.project import save_project
    from jjjmap.ui import pgdialog

    w = window
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        w.doc.add_layer(open_postgis(pg_data.uri(table="pts"))[0])
    path = save_project(w.doc, tmp_path / "pg.jjjmap")
    assert pg_data.password not in path.read_text(encoding="utf-8")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))   # libpq finds no password now
    asked = []

    def ask(parent, connection):   # stands in for the password field
        asked.append(connection)
        return pg_data.password
    monkeypatch.setattr(pgdialog, "ask_password", ask)
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        w.files.open_project(str(path))
    qtbot.waitUntil(lambda: [lyr.kind for lyr in w.doc.layers] == ["vector", "postgis"],
                    timeout=30000)
    assert asked == [f"{pg_data.user}@{pg_data.host}:{pg_data.port}/{pg_data.dbname}"]
    layer = w.doc.layers[1]
    qtbot.waitUntil(lambda: (js(qtbot, w.map, f"jjj.pgState('{layer.id}')") or {})
                    .get("state") == "ok", timeout=30000)


def _cell(model, row, col):
    return model.data(model.index(row, col))


def test_the_table_of_a_large_layer_pages_through_the_server(window, qtbot, pg_data):
    from PySide6.QtCore import Qt

    from jjjmap.io.postgis import open_postgis
    from jjjmap.ui.pgtable import KEEP_PAGES, PgTableModel

    w = window
    [layer] = open_postgis(pg_data.uri(table="pts"))
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        w.doc.add_layer(layer)
    w.layers.set_current(layer.id)
    w.table_dock.show()
    table = w.table
    assert table.layer is layer and isinstance(table.model, PgTableModel)
    model = table.model
    total = pg_data.execute("SELECT count(*) FROM pts")[0][0]
    qtbot.waitUntil(lambda: model.rowCount() == total, timeout=30000)
    assert table.count_label.text() == f"{total:,} in the database"
    # the view shows the first rows; they arrive from the server in key order
    qtbot.waitUntil(lambda: _cell(model, 0, 0) == "1", timeout=30000)
    assert _cell(model, 1, 1) == "point 2"
    # to the end and back: only a few pages are ever held
    for _ in range(3):
        table.view.scrollToBottom()
        qtbot.waitUntil(lambda: _cell(model, total - 1, 0) == str(total), timeout=30000)
        table.view.scrollToTop()
        qtbot.waitUntil(lambda: _cell(model, 0, 0) == "1", timeout=30000)
    middle = total // 2
    table.view.scrollTo(model.index(middle, 0))
    qtbot.waitUntil(lambda: _cell(model, middle, 0) == str(middle + 1), timeout=30000)
    assert model.pages_in_memory() <= KEEP_PAGES
    # sorting is the server's ORDER BY: the largest value first, ties by key
    table.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    want = pg_data.execute("SELECT id, value FROM pts ORDER BY value DESC, id LIMIT 1")[0]
    qtbot.waitUntil(lambda: _cell(model, 0, 0) == str(want[0]), timeout=30000)
    assert _cell(model, 0, 2) == str(want[1])
    # the filter is the server's WHERE; the count says how many of how many
    table.set_filter("point 4242", "name")
    n = pg_data.execute("SELECT count(*) FROM pts WHERE strpos(name, 'point 4242') > 0")[0][0]
    qtbot.waitUntil(lambda: model.rowCount() == n and not model.counting, timeout=30000)
    assert n == 11    # point 4242 and point 42420 ... 42429 (hand count)
    assert table.count_label.text() == f"{n} of {total:,} in the database"
    qtbot.waitUntil(lambda: _cell(model, 0, 1) not in (None, "…"), timeout=30000)
    assert {_cell(model, r, 1) for r in range(n)} == {"point 4242"} | {
        f"point 4242{d}" for d in range(10)}
    # another layer (loaded whole) gets the ordinary table back; the table's own
    # connection to the server closes
    # (the table's own backend, by its pid: the map's view requests come and go beside it)
    pid = model.pager._conn.info.backend_pid
    alive = f"SELECT count(*) FROM pg_stat_activity WHERE pid = {int(pid)}"
    assert pg_data.execute(alive)[0][0] == 1
    w.layers.set_current(w.doc.layers[0].id)
    assert table.model is table.file_model and table.model.rowCount() == 199
    qtbot.waitUntil(lambda: pg_data.execute(alive)[0][0] == 0, timeout=20000)
    # the interface in Chinese: the database's columns keep their own names (a user's table)
    w.layers.set_current(layer.id)
    qtbot.waitUntil(lambda: table.model is model and model.rowCount() > 0, timeout=30000)
    w.set_language("zh")
    try:
        qtbot.waitUntil(lambda: table.filter_column.itemText(0) == "任一列", timeout=10000)
        assert model.headerData(1, Qt.Orientation.Horizontal) == "name"
        assert table.filter_column.itemText(table.filter_column.findData("name")) == "name"
    finally:
        w.set_language("en")


def test_a_statement_timeout_during_a_view_says_so_and_the_next_pan_works(window, qtbot,
                                                                          pg_data):
    import psycopg

    from jjjmap.io.postgis import open_postgis

    w = window
    js(qtbot, w.map, "jjj.setView(39.95, 116.35, 13)")
    [layer] = open_postgis(pg_data.uri(table="pts", options="-c statement_timeout=2000"))
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        w.doc.add_layer(layer)
    state = f"jjj.pgState('{layer.id}')"
    qtbot.waitUntil(lambda: (js(qtbot, w.map, state) or {}).get("state") == "ok", timeout=30000)
    # another session holds the table: the view's query waits for its lock until the
    # statement timeout ends it
    with psycopg.connect(pg_data.conninfo()) as locker:
        locker.execute("LOCK TABLE pts IN ACCESS EXCLUSIVE MODE")
        js(qtbot, w.map, "jjj.setView(39.9, 116.4, 14)")
        # the statement waits on the server, and meanwhile the window answers and draws:
        # the page's other layer is there, the panel says loading
        qtbot.waitUntil(lambda: bool(pg_data.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'jjjmap' "
            "AND wait_event_type = 'Lock'")), timeout=20000)
        assert js(qtbot, w.map, f"jjj.featureCount('{w.doc.layers[0].id}')") == 199
        qtbot.waitUntil(lambda: "loading" in w.layers.model.layer_label(layer), timeout=10000)
        qtbot.waitUntil(lambda: (js(qtbot, w.map, state) or {}).get("state") == "error",
                        timeout=30000)
        message = js(qtbot, w.map, f"{state}.message")
        assert "statement timeout" in message and f"{pg_data.host}:{pg_data.port}" in message
        assert pg_data.password not in message
        qtbot.waitUntil(lambda: "error" in w.layers.model.layer_label(layer), timeout=10000)
        locker.rollback()
    # the lock is gone: the next pan draws exactly the points in view
    js(qtbot, w.map, "jjj.setView(39.92, 116.42, 14)")
    qtbot.waitUntil(lambda: (js(qtbot, w.map, state) or {}).get("state") == "ok", timeout=30000)
    st = js(qtbot, w.map, state)
    assert st["n"] == _count_in(pg_data, js(qtbot, w.map, BOUNDS)) > 0


def test_identify_on_a_view_without_a_key_says_why_no_row_comes(window, qtbot, pg_data):
    from jjjmap.io.postgis import open_postgis

    w = window
    js(qtbot, w.map, "jjj.setView(39.95, 116.35, 13)")
    [layer] = open_postgis(pg_data.uri(table="pts_big_values"), whole_rows=0)
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        w.doc.add_layer(layer)
    state = f"jjj.pgState('{layer.id}')"
    qtbot.waitUntil(lambda: (js(qtbot, w.map, state) or {}).get("mode") == "points"
                    and js(qtbot, w.map, state)["n"] > 0, timeout=30000)
    js(qtbot, w.map, f"""(function () {{
        var cloud = jjj.layerGroup('{layer.id}')._drawn;
        var ll = L.latLng(cloud.lat[0], cloud.lon[0]);
        jjj.map.fire('click', {{latlng: ll, containerPoint: jjj.map.latLngToContainerPoint(ll)}});
        return true; }})()""")
    qtbot.waitUntil(lambda: js(qtbot, w.map, "document.querySelectorAll('.jjj-popup').length") > 0,
                    timeout=10000)
    # the popup open now (a popup it replaced fades out for 0.2 s, still in the page)
    text = js(qtbot, w.map, "jjj.map._popup.getElement().querySelector('.jjj-popup').textContent")
    assert "no primary key" in text
    # and the pick offers what else lies under the click (a county, with its row), top first
    hits = js(qtbot, w.map, "window.JjjPick.last.hits")
    assert len(hits) == 2 and hits[0] == [layer.id, None] and hits[1][1] is not None
    assert w.identify.value("id") is None        # no row was fetched or invented


def test_pages_scrolled_past_before_their_turn_are_not_fetched(qtbot, pg_data):
    from jjjmap.io.postgis import open_postgis
    from jjjmap.ui.pgtable import PENDING, PgTableModel

    [layer] = open_postgis(pg_data.uri(table="pts"))
    model = PgTableModel(keep_pages=4)
    model.set_layer(layer)
    qtbot.waitUntil(lambda: model.rowCount() == 250_000, timeout=30000)
    counted = model.pager.statements
    size = model.pager.page_rows
    # a scroll bar dragged from the top to row 60 pages down: every page on the way asked
    # for at once (the asks take microseconds, a page from the server milliseconds)
    for p in range(61):
        assert model.data(model.index(p * size, 0)) == PENDING
    qtbot.waitUntil(lambda: model.data(model.index(60 * size, 0)) == str(60 * size + 1),
                    timeout=30000)
    qtbot.waitUntil(lambda: not model._asked, timeout=30000)
    fetched = model.pager.statements - counted
    assert fetched <= 4 + 1 + 3, fetched     # pages 56-60, and a few begun before the drag
    assert model.pages_in_memory() <= 4
    model.close()
