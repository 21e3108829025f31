"""The attribute table of a view-driven PostGIS layer pages through a real server.

Expected rows come from SQL written here (ORDER BY ... OFFSET ... LIMIT over the whole table),
never from io.pgpages itself.
"""
from __future__ import annotations

import pytest

from pg_fixture import pg_data, pg_server  # noqa: F401 - fixtures

from jjjmap.io.pgpages import MAX_ANCHORS, Pager, like_pattern
from jjjmap.io.postgis import open_postgis

pytestmark = pytest.mark.postgis


def _pager(pg, table, page_rows=200):
    [layer] = open_postgis(pg.uri(table=table), whole_rows=0)
    return Pager(layer.meta["pg_source"].res, page_rows=page_rows)


def _walk(pager, pages):
    out = []
    for p in range(pages):
        out.extend(pager.page(p))
    return out


@pytest.fixture(scope="module")
def nulls_table(pg_data):
    # invented rows: every 7th value missing, many equal values (ties broken by the key)
    pg_data.execute("""
        DROP TABLE IF EXISTS pages_nulls;
        CREATE TABLE pages_nulls AS
          SELECT id, name, CASE WHEN id % 7 = 0 THEN NULL ELSE value % 10 END AS value, geom
          FROM pts WHERE id <= 1000;
        ALTER TABLE pages_nulls ADD PRIMARY KEY (id);
        CREATE INDEX ON pages_nulls USING gist (geom);
        ANALYZE pages_nulls;""")
    return "pages_nulls"


def test_pages_follow_the_primary_key_by_keyset(pg_data):
    pager = _pager(pg_data, "pts")
    assert pager.keyset and pager.columns == ["id", "name", "value", "note", "geom"]
    first = pager.page(0)
    want = pg_data.execute("SELECT id, name, value, note, GeometryType(geom) FROM pts "
                           "ORDER BY id LIMIT 200")
    assert first == want
    # page 1 continues from page 0's last key: no OFFSET in the statement
    second = pager.page(1)
    assert [r[0] for r in second] == list(range(201, 401))
    # a jump far ahead: from the nearest kept row, then onwards by keyset again
    jump = pager.page(500)
    assert [r[0] for r in jump] == [r[0] for r in pg_data.execute(
        "SELECT id FROM pts ORDER BY id OFFSET 100000 LIMIT 200")]
    assert [r[0] for r in pager.page(501)] == list(range(100_201, 100_401))
    # the last page, and past the end there is nothing
    last = pager.page((250_000 - 1) // 200)
    assert last[-1][0] == 250_000 and len(last) == 200
    assert pager.page(250_000 // 200) == []
    # read backwards from the end when the count is known, in the same order
    ender = _pager(pg_data, "pts")
    assert [r[0] for r in ender.page(1249, total=250_000)] == list(range(249_801, 250_001))
    assert [r[0] for r in ender.page(1000, total=250_000)] == list(range(200_001, 200_201))
    assert ender.page(0, total=250_000) == first


@pytest.mark.parametrize("descending", [False, True])
def test_sorted_by_a_column_with_nulls_pages_join_up_exactly(pg_data, nulls_table, descending):
    pager = _pager(pg_data, nulls_table, page_rows=37)
    pager.set_order("value", descending)
    walked = _walk(pager, 1000 // 37 + 2)
    direction = "DESC" if descending else "ASC"
    want = pg_data.execute(f"SELECT id, name, value, GeometryType(geom) FROM {nulls_table} "
                           f"ORDER BY value {direction} NULLS LAST, id")
    assert walked == want
    assert walked[-1][2] is None and walked[0][2] == (9 if descending else 0)
    # a page reached by a jump equals the same page reached by walking
    jumper = _pager(pg_data, nulls_table, page_rows=37)
    jumper.set_order("value", descending)
    assert jumper.page(20) == want[20 * 37:21 * 37]
    assert jumper.page(21) == want[21 * 37:22 * 37]
    # with the count known, pages near the end are read backwards from it: the same rows
    ender = _pager(pg_data, nulls_table, page_rows=37)
    ender.set_order("value", descending)
    assert ender.page(27, total=1000) == want[27 * 37:] and len(want[27 * 37:]) == 1
    assert ender.page(26, total=1000) == want[26 * 37:27 * 37]
    assert ender.page(15, total=1000) == want[15 * 37:16 * 37]
    assert ender.page(16, total=1000) == want[16 * 37:17 * 37]   # after page 15's kept row


def test_sorted_by_the_key_descending_and_by_text(pg_data, nulls_table):
    pager = _pager(pg_data, nulls_table, page_rows=100)
    pager.set_order("id", descending=True)
    assert [r[0] for r in _walk(pager, 3)] == list(range(1000, 700, -1))
    pager.set_order("name")
    want = pg_data.execute(f"SELECT id FROM {nulls_table} ORDER BY name, id LIMIT 300")
    assert [r[0] for r in _walk(pager, 3)] == [r[0] for r in want]


def test_filter_is_a_parameterised_where(pg_data, nulls_table):
    pager = _pager(pg_data, nulls_table, page_rows=50)
    pager.set_filter("POINT 12", "name")   # contains, any case, as in a file layer's table
    want = pg_data.execute(f"SELECT id FROM {nulls_table} WHERE strpos(lower(name), "
                           f"'point 12') > 0 ORDER BY id")
    assert pager.count() == len(want) == 11   # point 12, 120-129 (hand count)
    assert [r[0] for r in pager.page(0)] == [r[0] for r in want]
    # any column: the number 7 is in id 7, 17, 70..79, 107, ... and in the names
    pager.set_filter("7")
    assert pager.count() == pg_data.execute(
        f"SELECT count(*) FROM {nulls_table} WHERE strpos(id::text, '7') > 0 OR "
        f"strpos(name, '7') > 0 OR strpos(coalesce(value::text, ''), '7') > 0")[0][0]
    # the filter's own % and _ are literal, and SQL in it is only text
    assert like_pattern("5%_x") == "%5\\%\\_x%"
    pager.set_filter("5%")
    assert pager.count() == 0
    pager.set_filter("'; DROP TABLE pages_nulls; --")
    assert pager.count() == 0
    assert pg_data.execute(f"SELECT count(*) FROM {nulls_table}")[0][0] == 1000


def test_without_a_primary_key_the_order_is_stable_by_offset(pg_data):
    # pts_big_values is a view (no key): every row once, in the same order each time
    pager = _pager(pg_data, "pts_big_values", page_rows=1000)
    assert not pager.keyset
    n = pg_data.execute("SELECT count(*) FROM pts WHERE value > 900")[0][0]
    assert pager.count() == n
    walked = _walk(pager, n // 1000 + 1)
    assert len(walked) == n and len({r[0] for r in walked}) == n
    again = _pager(pg_data, "pts_big_values", page_rows=1000)
    assert again.page(3) == walked[3000:4000]
    last = (n - 1) // 1000
    assert again.page(last, total=n) == walked[last * 1000:]     # backwards from the end
    assert again.page(last - 1, total=n) == walked[(last - 1) * 1000:last * 1000]
    pager.set_order("value", descending=True)
    top = pager.page(0)
    assert [r[1] for r in top] == sorted((r[1] for r in walked), reverse=True)[:1000]


def test_a_quoted_table_in_a_chinese_schema_pages(pg_data):
    [layer] = open_postgis(pg_data.uri(table='"京津冀数据"."weird ""name"""'), whole_rows=0)
    pager = Pager(layer.meta["pg_source"].res)
    pager.set_order("标签")
    rows = pager.page(0)
    assert [r[1] for r in rows] == sorted(["天安门 (approximate, invented test row)",
                                           "second invented row"])


def test_memory_is_a_page_and_a_bounded_set_of_kept_rows(pg_data, monkeypatch):
    import jjjmap.io.pgpages as pgpages

    monkeypatch.setattr(pgpages, "MAX_ANCHORS", 5)
    pager = _pager(pg_data, "pts", page_rows=10)
    for p in range(20):
        assert [r[0] for r in pager.page(p)] == list(range(p * 10 + 1, p * 10 + 11))
    assert pager.anchors == 5 and MAX_ANCHORS == 4096
