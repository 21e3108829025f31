"""PostGIS layers against a real server (tests/pg_fixture.py starts a throwaway cluster).

Expected values come from SQL written here (counts with ST_X/ST_Y ranges, not the && the
code uses) or from the same data read from its file, never from the code under test.
"""
from __future__ import annotations

import json
from urllib.parse import quote

import numpy as np
import pytest
import shapely

from pg_fixture import pg_data, pg_server  # noqa: F401 - fixtures

from jjjmap.io import LayerLoadError, open_layer
from jjjmap.io.pgsource import PasswordNeeded, PostgisError, parse_address, split_table_name
from jjjmap.io.postgis import list_tables, open_postgis

pytestmark = pytest.mark.postgis


def _app_spec(layer):
    """The app page's spec of a view-driven layer (render.pglayer via render.specs)."""
    from jjjmap.model import MapDocument
    from jjjmap.render.pglayer import pg_spec
    from jjjmap.render.specs import BuildContext

    return pg_spec(layer, BuildContext(MapDocument(lang="en"), 0.0, detail="fetch")).to_page()


def _view(pg, table, **kw):
    [layer] = open_postgis(pg.uri(table=table), whole_rows=kw.pop("whole_rows", 0), **kw)
    assert layer.kind == "postgis"
    return layer, layer.meta["pg_source"]


# -- addresses (no server needed, but the same module) -----------------------------------------

def test_address_syntax_keeps_libpq_parts_and_our_own():
    a = parse_address("postgresql://ann@db.example:5433/gis?table=other.roads&geometry=g"
                      "&sslmode=require")
    assert a.table == ("other", "roads") and a.geometry == "g"
    assert a.conninfo == "postgresql://ann@db.example:5433/gis?sslmode=require"
    assert a.display == "ann@db.example:5433/gis"
    s = parse_address("postgresql:///?service=jjj&table=pts")
    assert s.display == "service=jjj" and s.table == (None, "pts")
    q = parse_address("postgresql://h/db?sql=" + quote("SELECT * FROM t WHERE a LIKE 'x%';"))
    assert q.sql == "SELECT * FROM t WHERE a LIKE 'x%'"
    assert split_table_name('"京津冀数据"."weird ""name"""') == ("京津冀数据", 'weird "name"')
    assert split_table_name('"a.b".c') == ("a.b", "c")
    with pytest.raises(PostgisError):
        parse_address("postgresql://h/db")          # which layer?
    with pytest.raises(PostgisError):
        parse_address("postgresql://h/db?table=a&sql=SELECT 1")


def test_password_never_in_display_storable_or_messages():
    a = parse_address("postgresql://ann:s3cret-pw@db.example/gis?table=t&password=s3cret-pw")
    assert "s3cret-pw" not in a.display
    assert "s3cret-pw" not in a.storable()
    assert "ann@db.example/gis" in a.storable()
    assert a.scrub("failed for s3cret-pw") == "failed for ***"


# -- listing -----------------------------------------------------------------------------------

def test_lists_geometry_and_geography_tables_views_and_other_schemas(pg_data):
    found = {(t.schema, t.table): t for t in list_tables(pg_data.uri())}
    assert found[("public", "geog_pts")].kind == "geography"
    assert found[("public", "geog_pts")].column == "geog"
    assert found[("other", "places_3857")].srid == 3857
    assert found[("public", "nosrid")].srid == 0
    assert found[("public", "pts_big_values")].is_view
    assert found[("public", "counties")].geometry_type == "MULTIPOLYGON"
    assert found[("public", "counties")].estimated_rows == 199
    assert found[("京津冀数据", 'weird "name"')].column == "geom"
    assert ("public", "spatial_ref_sys") not in found


# -- small tables: ordinary layers ---------------------------------------------------------------

def test_small_table_equals_the_same_data_read_from_its_file(pg_data):
    from jjjmap import catalog

    [db] = open_postgis(pg_data.uri(table="counties"))
    [fl] = open_layer(catalog._path("boundaries/counties.shp"))
    assert db.kind == fl.kind == "vector"
    assert db.gdf.crs.to_epsg() == 4326
    a = db.gdf.sort_values("code").reset_index(drop=True)
    b = fl.gdf.sort_values("code").reset_index(drop=True)
    assert len(a) == len(b) == 199
    for col in ("code", "name_zh", "name_en", "level", "parent"):
        assert a[col].astype(str).tolist() == b[col].astype(str).tolist()
    assert np.allclose(a["area_km2"].to_numpy(), b["area_km2"].to_numpy())
    assert shapely.equals(a.geometry.array, b.geometry.array).all()


def test_reprojects_geography_and_srid_0(pg_data):
    [p3857] = open_postgis(pg_data.uri(table="other.places_3857"))
    want = pg_data.execute("SELECT id, ST_X(ST_Transform(geom, 4326)), ST_Y(ST_Transform(geom, 4326)) "
                           "FROM other.places_3857 ORDER BY id")
    got = p3857.gdf.sort_values("id")
    assert np.allclose(got.geometry.x, [w[1] for w in want], atol=1e-9)
    assert np.allclose(got.geometry.y, [w[2] for w in want], atol=1e-9)
    [geog] = open_postgis(pg_data.uri(table="geog_pts"))
    assert len(geog.gdf) == 40 and geog.gdf.geometry.x.min() == pytest.approx(116.01)
    [nosrid] = open_postgis(pg_data.uri(table="nosrid"))
    assert any("WGS-84" in w for w in nosrid.provenance.warnings)
    with pytest.raises(LayerLoadError, match="not longitude/latitude"):
        open_postgis(pg_data.uri(table="nosrid_projected"))


def test_query_layer_with_percent_signs(pg_data):
    sql = "SELECT id, name, geom FROM pts WHERE value < 5 AND name LIKE 'point 1%'"
    [layer] = open_postgis(pg_data.uri(sql=sql))
    want = pg_data.execute("SELECT count(*) FROM pts WHERE value < 5 AND name LIKE 'point 1%%'")
    assert len(layer.gdf) == want[0][0] > 0
    assert set(layer.gdf.columns) == {"id", "name", "geometry"}


def test_quoted_table_in_a_chinese_schema(pg_data):
    name = '"京津冀数据"."weird ""name"""'
    [layer] = open_postgis(pg_data.uri(table=name))
    assert sorted(layer.gdf["标签"]) == sorted(["天安门 (approximate, invented test row)",
                                               "second invented row"])
    _, source = _view(pg_data, name)
    answer = source.query((116, 39, 118, 40.5), 10)
    assert answer["n"] == 2


# -- large tables: view-driven ------------------------------------------------------------------

def test_large_table_is_view_driven_and_returns_exactly_the_view(pg_data):
    [layer] = open_postgis(pg_data.uri(table="pts"))     # 250k rows > WHOLE_ROWS
    assert layer.kind == "postgis" and len(layer.gdf) == 0
    source = layer.meta["pg_source"]
    box = (116.2, 39.8, 116.5, 40.0)
    answer = source.query(box, 13)
    want = pg_data.execute("SELECT id FROM pts WHERE ST_X(geom) BETWEEN %s AND %s "
                           "AND ST_Y(geom) BETWEEN %s AND %s", (box[0], box[2], box[1], box[3]))
    assert answer["mode"] == "points"
    assert sorted(answer["keys"]) == sorted(r[0] for r in want)
    xy = np.asarray(answer["xy"]).reshape(-1, 2)
    assert ((xy[:, 0] >= box[0]) & (xy[:, 0] <= box[2]) & (xy[:, 1] >= box[1])
            & (xy[:, 1] <= box[3])).all()


def test_a_crowded_view_is_counted_on_the_server(pg_data):
    _, source = _view(pg_data, "pts")
    box = (114.0, 37.0, 118.0, 41.0)
    answer = source.query(box, 8)
    want = pg_data.execute("SELECT count(*) FROM pts WHERE ST_X(geom) BETWEEN %s AND %s "
                           "AND ST_Y(geom) BETWEEN %s AND %s", (box[0], box[2], box[1], box[3]))
    assert want[0][0] > source.row_cap
    assert answer["mode"] == "grid"
    assert sum(answer["counts"]) == answer["n"] == want[0][0]
    assert answer["cells"] < source.row_cap


def _cells_sql(pg, box, cell):
    """Grid counts of the view, written here: (count, mean x, mean y) per cell, sorted."""
    rows = pg.execute(
        "SELECT count(*), avg(ST_X(geom)), avg(ST_Y(geom)) FROM pts WHERE ST_X(geom) BETWEEN %s "
        "AND %s AND ST_Y(geom) BETWEEN %s AND %s GROUP BY floor(ST_X(geom) / %s), "
        "floor(ST_Y(geom) / %s)", (box[0], box[2], box[1], box[3], cell, cell))
    return _by_cell([(n, x, y) for n, x, y in rows], cell)


def _by_cell(cells, cell):
    """{(column, row) of the cell its mean lies in: (count, mean x, mean y)}"""
    return {(int(np.floor(float(x) / cell)), int(np.floor(float(y) / cell))):
            (int(n), float(x), float(y)) for n, x, y in cells}


def _same_cells(answer, box, zoom, pg_data):
    cell = 360.0 / (256 * 2 ** zoom) * 12
    xy = np.asarray(answer["xy"]).reshape(-1, 2)
    got = _by_cell([(c, x, y) for c, (x, y) in zip(answer["counts"], xy)], cell)
    want = _cells_sql(pg_data, box, cell)
    assert got.keys() == want.keys() and len(got) > 100
    assert [got[k][0] for k in want] == [want[k][0] for k in want]
    assert np.allclose([got[k][1:] for k in want], [want[k][1:] for k in want],
                       rtol=0, atol=1e-9)


def test_low_zoom_views_come_from_the_overview_and_equal_the_grid_counted_in_sql(pg_data):
    _, source = _view(pg_data, "pts")
    # the first low-zoom view does not wait for the overview's pass over the table: it is
    # counted on the server (exactly the same cells), while the overview builds beside it
    box, zoom = (114.03, 37.11, 118.27, 41.05), 8
    first = source.query(box, zoom)
    assert first["mode"] == "grid" and not first.get("overview")
    _same_cells(first, box, zoom, pg_data)
    assert source.build_overview(timeout=120) is source.overview is not None
    for box, zoom in (((114.03, 37.11, 118.27, 41.05), 8), ((114.5, 37.5, 117.9, 40.7), 9),
                      ((113.0, 35.0, 121.0, 43.0), 7)):
        answer = source.query(box, zoom)
        assert answer["mode"] == "grid" and answer.get("overview"), (box, zoom)
        _same_cells(answer, box, zoom, pg_data)
    ov = source.overview
    assert ov.rows == 250_000 and ov.zoom == 11
    # memory: at most max_cells cells, whatever the table's size (a coarser grid if needed)
    from jjjmap.io import pgoverview
    from jjjmap.io.pgsource import connect
    from jjjmap.io.pgview import CELL_PX, pixel_degrees

    conn = connect(source.address)
    try:
        small = pgoverview.build(conn, source._points_sql(), lambda z: pixel_degrees(z) * CELL_PX,
                                 max_cells=5_000)
    finally:
        conn.close()
    assert small.cells <= 5_000 and small.zoom < 11 and small.rows == 250_000
    cell = pixel_degrees(small.zoom) * CELL_PX
    want = pg_data.execute("SELECT count(DISTINCT (floor(ST_X(geom) / %s), floor(ST_Y(geom) / %s)))"
                           " FROM pts", (cell, cell))[0][0]
    assert small.cells == want


def test_view_of_a_projected_table_and_of_polygons(pg_data):
    _, source = _view(pg_data, "other.places_3857")
    box = (114.0, 37.0, 117.0, 40.0)
    want = pg_data.execute(
        "SELECT id FROM other.places_3857 WHERE ST_X(ST_Transform(geom, 4326)) BETWEEN %s AND %s "
        "AND ST_Y(ST_Transform(geom, 4326)) BETWEEN %s AND %s", (box[0], box[2], box[1], box[3]))
    assert sorted(source.query(box, 9)["keys"]) == sorted(r[0] for r in want)
    _, counties = _view(pg_data, "counties")
    box = (116.0, 39.5, 116.8, 40.2)
    answer = counties.query(box, 10)
    from jjjmap import catalog
    from jjjmap.io.pgview import to_json

    [fl] = open_layer(catalog._path("boundaries/counties.shp"))   # the same data, from its file
    hit = shapely.intersects(fl.gdf.geometry.array, shapely.box(*box))
    codes = dict(pg_data.execute("SELECT gid, code FROM counties"))
    feats = json.loads(to_json(answer))["features"]
    assert sorted(codes[f["id"]] for f in feats) == sorted(fl.gdf["code"][hit])
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in feats)


def _page_answer(layer, box, zoom):
    from jjjmap.render import pglayer

    return json.loads(pglayer.answer(layer, {"bbox": ",".join(map(str, box)), "z": str(zoom)}))


def _ci(answer):
    import base64

    raw = base64.b64decode(answer["ci"])
    return np.frombuffer(raw, dtype=np.uint8 if answer["ciBytes"] == 1 else np.uint16)


def test_a_view_driven_layer_coloured_by_a_category(pg_data):
    pg_data.execute("""CREATE TABLE IF NOT EXISTS pts_cat AS SELECT id, (ARRAY['farm', 'firm',
        'lab'])[1 + id % 3] AS kind, geom FROM pts; ALTER TABLE pts_cat ADD PRIMARY KEY (id);
        CREATE INDEX IF NOT EXISTS pts_cat_geom ON pts_cat USING gist (geom); ANALYZE pts_cat""")
    layer, _ = _view(pg_data, "pts_cat")
    layer.style.mode, layer.style.field = "categorized", "kind"
    spec = _app_spec(layer)
    colour_of = {e["label"]: e["symbol"]["fill"] for e in spec["legend"] if "symbol" in e}
    assert {"farm", "firm", "lab"} <= set(colour_of)
    assert len({colour_of[k] for k in ("farm", "firm", "lab")}) == 3
    box = (116.2, 39.8, 116.5, 40.0)
    answer = _page_answer(layer, box, 13)
    assert answer["mode"] == "points"
    kind = dict(pg_data.execute("SELECT id, kind FROM pts_cat WHERE ST_X(geom) BETWEEN %s AND %s"
                                " AND ST_Y(geom) BETWEEN %s AND %s", (box[0], box[2], box[1], box[3])))
    shown = [spec["colors"][c] for c in _ci(answer)]
    assert shown == [colour_of[kind[k]] for k in answer["keys"]]
    # polygons: each feature's class travels in its properties
    counties, _ = _view(pg_data, "counties")
    counties.style.mode, counties.style.field = "categorized", "parent"
    spec = _app_spec(counties)
    colour_of = {e["label"]: e["symbol"]["fill"] for e in spec["legend"] if "symbol" in e}
    feats = _page_answer(counties, (116.0, 39.5, 116.8, 40.2), 10)["features"]
    parent = dict(pg_data.execute("SELECT gid, parent FROM counties"))
    assert feats and all(spec["colors"][f["properties"]["_c"]] == colour_of[parent[f["id"]]]
                         for f in feats)


def test_a_view_driven_layer_graduated_by_a_number(pg_data):
    layer, _ = _view(pg_data, "pts")
    layer.style.mode, layer.style.field, layer.style.k = "graduated", "value", 4
    spec = _app_spec(layer)
    assert "sample" in spec["legend"][0]["label"]           # 250k rows: classes from a sample
    assert len([e for e in spec["legend"] if "symbol" in e]) == 4
    box = (116.0, 39.5, 116.6, 40.0)
    answer = _page_answer(layer, box, 12)
    value = dict(pg_data.execute("SELECT id, value FROM pts WHERE ST_X(geom) BETWEEN %s AND %s "
                                 "AND ST_Y(geom) BETWEEN %s AND %s", (box[0], box[2], box[1], box[3])))
    v = np.array([value[k] for k in answer["keys"]])
    ci = _ci(answer)
    assert len(v) == answer["n"] > 1000
    order = np.argsort(v, kind="stable")
    assert (np.diff(ci[order].astype(int)) >= 0).all()        # classes follow the values
    shares = np.bincount(ci, minlength=4) / len(ci)           # quartiles: about a quarter each
    assert np.allclose(shares, 0.25, atol=0.05), shares


def test_identify_fetches_the_full_row_by_primary_key(pg_data):
    _, source = _view(pg_data, "pts")
    want = pg_data.execute("SELECT name, value, note FROM pts WHERE id = 4242")[0]
    row = source.row(4242)
    assert (row["name"], row["value"], row["note"]) == want
    # no primary key: a table's rows are found again by ctid; a view's cannot be
    pg_data.execute("CREATE TABLE IF NOT EXISTS nokey AS SELECT id, name, geom FROM pts WHERE id <= 50")
    _, nokey = _view(pg_data, "nokey")
    answer = nokey.query((113, 36, 120, 43), 10)
    assert answer["n"] == 50
    found = nokey.row(answer["keys"][0])
    assert found["name"] == pg_data.execute("SELECT name FROM nokey WHERE ctid = %s::tid",
                                            (answer["keys"][0],))[0][0]
    _, view = _view(pg_data, "pts_big_values")
    assert view.row(1) is None


def test_identify_by_a_text_or_uuid_primary_key_uses_its_index(pg_data):
    pg_data.execute("""
        CREATE TABLE IF NOT EXISTS pts_textkey AS
          SELECT 'firm-' || lpad(id::text, 7, '0') AS code, md5(id::text)::uuid AS uid,
                 name, value, geom FROM pts;
        ALTER TABLE pts_textkey ADD PRIMARY KEY (code);
        CREATE TABLE IF NOT EXISTS pts_uuidkey AS SELECT uid, name, geom FROM pts_textkey;
        ALTER TABLE pts_uuidkey ADD PRIMARY KEY (uid);
        ANALYZE pts_textkey; ANALYZE pts_uuidkey;""")
    for table, key, pick in (("pts_textkey", "code", "firm-0004242"),
                             ("pts_uuidkey", "uid", None)):
        _, source = _view(pg_data, table)
        assert source.res.key == key
        answer = source.query((116.2, 39.8, 116.5, 40.0), 13)
        pick = pick or answer["keys"][0]
        row = source.row(pick)
        want = pg_data.execute(f"SELECT name FROM {table} WHERE {key}::text = %s", (str(pick),))
        assert row["name"] == want[0][0]
        # the statement identify runs is answered by the primary key's index, not a scan
        plan = pg_data.execute(f"EXPLAIN SELECT name FROM {table} WHERE {key} = %s", (str(pick),))
        assert "Index Scan" in plan[0][0], plan


def test_a_newer_view_cancels_the_older_query(pg_data, qtbot):
    """A request still running on the server when a newer view comes is cancelled there."""
    import threading

    _, source = _view(pg_data, "pts")
    results = {}

    def slow():   # stands in for a slow view query: 30 s on the server unless cancelled
        results["old"] = source._run(lambda conn: conn.execute("SELECT pg_sleep(30)").fetchall())
    t = threading.Thread(target=slow)
    t.start()
    qtbot.waitUntil(lambda: bool(pg_data.execute(   # the slow query runs on the server
        "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' "
        "AND state = 'active'")), timeout=30000)
    box = (116.0, 39.0, 116.01, 39.01)
    results["new"] = source.query(box, 16)
    t.join(10)
    assert not t.is_alive()
    assert results["old"] is None                # superseded, not an error
    assert results["new"]["n"] == len(pg_data.execute(
        "SELECT 1 FROM pts WHERE ST_X(geom) BETWEEN 116 AND 116.01 "
        "AND ST_Y(geom) BETWEEN 39 AND 39.01"))
    assert not pg_data.execute("SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' "
                               "AND state = 'active'")


# -- faults ----------------------------------------------------------------------------------------

def test_wrong_password_is_named_without_the_password(pg_data):
    uri = f"postgresql://{pg_data.user}:wrong-pw-123@{pg_data.host}:{pg_data.port}/jjjtest?table=pts"
    with pytest.raises(PostgisError) as err:
        open_postgis(uri)
    text = str(err.value)
    assert "refused the password" in text and f"{pg_data.host}:{pg_data.port}" in text
    assert "wrong-pw-123" not in text


def test_no_password_found_asks(pg_data, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", str(pg_data.base / "no-such-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with pytest.raises(PasswordNeeded):
        open_postgis(pg_data.uri(table="counties"))
    [layer] = open_postgis(pg_data.uri(table="counties"), password=pg_data.password)
    assert len(layer.gdf) == 199
    monkeypatch.setenv("PGPASSWORD", pg_data.password)      # libpq's own variable
    assert len(open_postgis(pg_data.uri(table="counties"))[0].gdf) == 199


def test_unknown_host_and_no_server(pg_data):
    with pytest.raises(PostgisError, match="host no-such-host.invalid is unknown"):
        open_postgis("postgresql://u@no-such-host.invalid:5432/db?table=t")
    from pg_fixture import _free_port
    with pytest.raises(PostgisError, match="no database server answers"):
        open_postgis(f"postgresql://u@127.0.0.1:{_free_port()}/db?table=t")


def test_sql_errors_timeouts_mixed_srids_and_invalid_geometries(pg_data):
    with pytest.raises(PostgisError, match="syntax error"):
        open_postgis(pg_data.uri(sql="SELEC geom FROM pts"))
    with pytest.raises(PostgisError, match="statement timeout"):
        open_postgis(pg_data.uri(sql="SELECT geom, pg_sleep(2) FROM pts LIMIT 1",
                                 options="-c statement_timeout=300"))
    with pytest.raises(PostgisError, match="mixes SRIDs"):
        open_postgis(pg_data.uri(table="mixed_srid"))
    [layer] = open_postgis(pg_data.uri(table="invalid_polys"))
    assert shapely.is_valid(layer.gdf.geometry.array).all()
    assert any("Repaired 1 invalid" in w for w in layer.provenance.warnings)
    with pytest.raises(PostgisError, match="only reads|read-only"):
        open_postgis(pg_data.uri(sql="SELECT geom FROM pts, LATERAL (SELECT "
                                     "nextval('counties_gid_seq')) s LIMIT 1"))


def test_table_dropped_while_shown_and_backend_killed(pg_data):
    pg_data.execute("CREATE TABLE pts_copy AS SELECT * FROM pts WHERE id <= 1000; "
                    "ALTER TABLE pts_copy ADD PRIMARY KEY (id)")
    _, copy = _view(pg_data, "pts_copy")
    _, other = _view(pg_data, "pts")
    box = (113, 36, 120, 43)
    assert copy.query(box, 7)["n"] == 1000
    pg_data.execute("DROP TABLE pts_copy")
    with pytest.raises(PostgisError, match="no longer exists"):
        copy.query(box, 7)
    assert copy.status["state"] == "error"
    assert other.query((116.2, 39.8, 116.3, 39.9), 14)["mode"] == "points"   # others work
    # the backend killed mid-session: an error, then the next request connects again
    pg_data.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'jjjmap'")
    with pytest.raises(PostgisError, match="connection to the server was lost"):
        other.query((116.2, 39.8, 116.3, 39.9), 14)
    assert other.query((116.2, 39.8, 116.3, 39.9), 14)["mode"] == "points"


def test_server_down_and_back(pg_data):
    _, source = _view(pg_data, "pts")
    box = (116.2, 39.8, 116.3, 39.9)
    n = source.query(box, 14)["n"]
    pg_data.stop()
    try:
        with pytest.raises(PostgisError) as err:
            source.query(box, 14)
        assert pg_data.password not in str(err.value)
        with pytest.raises(PostgisError, match="no database server answers"):
            source.query(box, 14)
    finally:
        pg_data.start()
    assert source.query(box, 14)["n"] == n


# -- projects --------------------------------------------------------------------------------------

def test_project_keeps_the_connection_without_its_password(pg_data, tmp_path, monkeypatch):
    from jjjmap.io import load_project, save_project
    from jjjmap.model import MapDocument

    uri = (f"postgresql://{pg_data.user}:{quote(pg_data.password)}@{pg_data.host}:{pg_data.port}"
           f"/jjjtest?table=counties")
    doc = MapDocument()
    for layer in open_postgis(uri) + open_postgis(pg_data.uri(table="pts")):
        doc.add_layer(layer)
    path = save_project(doc, tmp_path / "p.jjjmap")
    text = path.read_text(encoding="utf-8")
    assert pg_data.password not in text
    entries = json.loads(text)["layers"]
    assert [e["postgis"] for e in entries] == [pg_data.uri(table="counties"), pg_data.uri(table="pts")]
    back = load_project(path)
    assert [lyr.kind for lyr in back.layers] == ["vector", "postgis"]
    assert len(back.layers[0].gdf) == 199
    # no password anywhere libpq looks: the project asks, once per connection
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    asked = []

    def ask(display):
        asked.append(display)
        return pg_data.password
    back = load_project(path, ask_password=ask)
    assert asked == [f"{pg_data.user}@{pg_data.host}:{pg_data.port}/jjjtest"]
    assert len(back.layers) == 2
    with pytest.raises(Exception, match="password"):
        load_project(path)   # nobody to ask: a clear error, not a hang


def test_cli_info_and_export(pg_data, tmp_path, capsys):
    from jjjmap.cli import main

    assert main(["info", pg_data.uri()]) == 0
    out = capsys.readouterr().out
    assert "places_3857" in out and 'weird "name"' in out and "(geog.)" in out
    assert main(["info", pg_data.uri(table="nope")]) == 1
    assert "no table or view named nope" in capsys.readouterr().err
    html = tmp_path / "m.html"
    assert main(["export", "--layer", pg_data.uri(table="pts"), "-o", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert '"render": "pg"' in text or '"render":"pg"' in text
    assert pg_data.password not in text


def test_invalid_geometries_in_a_view_driven_table_still_draw(pg_data):
    """A self-intersecting polygon (invented) is not dropped or fatal in a view request; it
    is drawn as stored, at every zoom, and the valid one beside it too."""
    _, source = _view(pg_data, "invalid_polys")
    assert not source.points
    invalid = pg_data.execute("SELECT count(*) FROM invalid_polys WHERE NOT ST_IsValid(geom)")
    assert invalid[0][0] == 1    # the fixture's bow-tie is really invalid
    from jjjmap.render.pglayer import to_page

    for zoom in (6, 10, 16):
        answer = json.loads(to_page(source.query((115.9, 38.9, 116.7, 39.3), zoom)))
        assert answer["n"] == 2 and len(answer["features"]) == 2
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon")
                   for f in answer["features"])
    assert source.status["state"] == "ok"


def test_a_view_request_waiting_on_the_server_is_cancelled_when_the_view_moves_on(pg_data,
                                                                                   qtbot):
    """A real view query (not a stand-in) blocked on the server by another session's lock:
    the next view cancels it there (it answers stale at once, with the lock still held), and
    pg_stat_activity shows one statement of the layer waiting, the newer one."""
    import threading

    import psycopg

    _, source = _view(pg_data, "pts")
    waiting = ("SELECT query_start FROM pg_stat_activity WHERE application_name = 'jjjmap' "
               "AND wait_event_type = 'Lock' AND state = 'active'")
    results = {}
    with psycopg.connect(pg_data.conninfo()) as locker:
        locker.execute("LOCK TABLE pts IN ACCESS EXCLUSIVE MODE")
        old = threading.Thread(target=lambda: results.update(
            old=source.query((116.0, 39.0, 116.05, 39.05), 15)))
        old.start()
        qtbot.waitUntil(lambda: len(pg_data.execute(waiting)) == 1, timeout=20000)
        first = pg_data.execute(waiting)[0][0]
        new = threading.Thread(target=lambda: results.update(
            new=source.query((116.1, 39.1, 116.15, 39.15), 15)))
        new.start()
        old.join(20)
        assert not old.is_alive() and results["old"] is None      # stale, lock still held
        qtbot.waitUntil(lambda: [r[0] for r in pg_data.execute(waiting)] != [first]
                        and len(pg_data.execute(waiting)) == 1, timeout=20000)
        locker.rollback()
    new.join(30)
    assert results["new"]["n"] == pg_data.execute(
        "SELECT count(*) FROM pts WHERE ST_X(geom) BETWEEN 116.1 AND 116.15 "
        "AND ST_Y(geom) BETWEEN 39.1 AND 39.15")[0][0] > 0
    assert source.status["state"] == "ok"
