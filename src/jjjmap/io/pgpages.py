"""The attribute table of a view-driven PostGIS layer, page by page from the server (Qt-free).

The rows never come to jjjmap all at once: ``Pager.page(p)`` asks for ``PAGE_ROWS`` rows in a
stable order (the sort column, NULLs last, then the primary key). With a primary key the
pages are found by *keyset*: the last row of page ``p`` (its sort value and key) is kept, and
page ``p + 1`` is ``WHERE (sort, key) > (that row) ... LIMIT n``, answered by an index walk
instead of counting off ``OFFSET`` rows. A jump to a page not reached yet starts from the
nearest kept row before it (``OFFSET`` only for the distance from there), or, when the row
count is known and the end is nearer, backwards from the end. Without a primary
key (a view, a query layer) there is nothing unique to continue from: the order is the sort
column, then the whole row as text (stable, since equal rows look alike), by ``OFFSET``.

The filter is a ``WHERE`` with the typed text as a parameter (``col::text ILIKE %s``: the
same "contains, any case" as a file layer's table). Identifiers go through
``psycopg.sql.Identifier``; no value is ever part of the SQL text. Memory: one page per call
and at most ``MAX_ANCHORS`` kept rows (two values each), whatever the table's size.
"""
from __future__ import annotations

import threading

from .pgsource import PostgisError, connect, query_error

PAGE_ROWS = 200
MAX_ANCHORS = 4096
# types compared as text when sorted (PostgreSQL has no ordering for them)
_UNORDERED = ("json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle")


def like_pattern(text: str) -> str:
    """``text`` as an ILIKE pattern that matches it anywhere, its own % _ and \\ literal."""
    text = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{text}%"


class Pager:
    """The rows of one layer's relation in one order and filter, page by page.

    ``set_order`` and ``set_filter`` start over (the kept rows belong to one order). Calls
    may come from any thread; one statement runs at a time on the pager's own connection
    (not the map's: paging never waits for a view, nor a view for paging)."""

    def __init__(self, res, *, page_rows: int = PAGE_ROWS):
        from psycopg import sql

        self._sql = sql
        self.res = res
        self.address = res.address
        self.page_rows = page_rows
        self.columns = list(res.columns) + [res.column]   # the geometry shows as its type
        self.key = res.key
        self._conn = None
        self._lock = threading.Lock()
        self._busy = False
        self.sort_column: str | None = None
        self.descending = False
        self.filter_text = ""
        self.filter_column: str | None = None
        self._anchors: dict[int, tuple] = {}   # page -> (sort value, key) of the row before it
        self.statements = 0                    # (tests) statements sent

    # -- settings -----------------------------------------------------------------------
    def set_order(self, column: str | None, descending: bool = False) -> None:
        if column is not None and column not in self.columns:
            raise ValueError(f"no column {column!r}")
        self.sort_column, self.descending = column, bool(descending)
        self._anchors.clear()

    def set_filter(self, text: str, column: str | None = None) -> None:
        self.filter_text = (text or "").strip()
        self.filter_column = column if column in self.columns else None
        self._anchors.clear()

    @property
    def keyset(self) -> bool:
        return self.key is not None

    # -- SQL pieces ---------------------------------------------------------------------
    def _col(self, name: str):
        sql = self._sql
        if name == self.res.column:   # the geometry: its type, as the file table shows it
            return sql.SQL("GeometryType({})").format(sql.Identifier(name))
        return sql.Identifier(name)

    def _sort_expr(self):
        sql, name = self._sql, self.sort_column
        if name is None or name == self.key:
            return None
        kind = (self.res.types.get(name) or "").split("(")[0].strip()
        if name == self.res.column or kind in _UNORDERED:
            return sql.SQL("({})::text").format(self._col(name))
        return self._col(name)

    def _tiebreak(self):
        sql = self._sql
        if self.key is not None:
            return sql.Identifier(self.key)
        parts = sql.SQL(", ").join(self._col(c) for c in self.columns)
        return sql.SQL("(ROW({}))::text").format(parts)

    def _where(self, params: dict):
        sql = self._sql
        if not self.filter_text:
            return sql.SQL("TRUE")
        params["pat"] = like_pattern(self.filter_text)
        cols = [self.filter_column] if self.filter_column else self.columns
        return sql.SQL("({})").format(sql.SQL(" OR ").join(
            sql.SQL("({})::text ILIKE %(pat)s").format(self._col(c)) for c in cols))

    def _order(self, reverse: bool = False):
        """ORDER BY of the current order; ``reverse``: the same order backwards (exactly:
        NULLs first, the tie-break descending)."""
        sql = self._sql
        desc = self.descending != reverse
        direction = sql.SQL("DESC" if desc else "ASC")
        tie = sql.SQL("DESC" if reverse else "ASC")
        key = self._tiebreak()
        sort = self._sort_expr()
        if sort is None:
            return sql.SQL("{} {}").format(key, direction) if self.sort_column == self.key \
                and self.key is not None else sql.SQL("{} {}").format(key, tie)
        nulls = sql.SQL("NULLS FIRST" if reverse else "NULLS LAST")
        return sql.SQL("{} {} {}, {} {}").format(sort, direction, nulls, key, tie)

    def _after(self, anchor: tuple, params: dict):
        """Rows after ``anchor`` (sort value, key) in the order of ``_order``."""
        sql = self._sql
        value, key = anchor
        k = sql.Identifier(self.key)
        params["ak"] = key
        sort = self._sort_expr()
        if sort is None:
            op = sql.SQL("<" if self.descending and self.sort_column == self.key else ">")
            return sql.SQL("{} {} %(ak)s").format(k, op)
        if value is None:   # inside the NULLs, which come last
            return sql.SQL("({s} IS NULL AND {k} > %(ak)s)").format(s=sort, k=k)
        params["av"] = value
        op = sql.SQL("<" if self.descending else ">")
        return sql.SQL("({s} {op} %(av)s OR ({s} = %(av)s AND {k} > %(ak)s) OR {s} IS NULL)"
                       ).format(s=sort, op=op, k=k)

    # -- running ------------------------------------------------------------------------
    def _execute(self, query, params):
        import psycopg

        with self._lock:
            try:
                if self._conn is None or self._conn.closed or self._conn.broken:
                    self._conn = connect(self.address)
                self.statements += 1
                self._busy = True
                try:
                    return self._conn.execute(query, params).fetchall()
                finally:
                    self._busy = False
            except PostgisError:
                raise
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                self.close_connection()
                raise query_error(self.address, exc, f"{self.address.what}, table") from None
            except psycopg.Error as exc:
                raise query_error(self.address, exc, f"{self.address.what}, table") from None

    def close_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def cancel(self) -> None:
        """Cancel the statement running now (the table moved on or closed)."""
        conn = self._conn
        if conn is not None and self._busy:   # (a cancel of nothing would still connect)
            try:
                conn.cancel_safe(timeout=5)
            except Exception:  # noqa: BLE001 - nothing running, or the connection is gone
                pass

    def count(self) -> int:
        """Rows that pass the filter (exact: ``count(*)`` on the server)."""
        sql, params = self._sql, {}
        query = sql.SQL("SELECT count(*) FROM {} WHERE {}").format(self.res.relation,
                                                                   self._where(params))
        return int(self._execute(query, params)[0][0])

    def page(self, p: int, total: int | None = None) -> list[tuple]:
        """Rows ``p * page_rows`` ... of the current order and filter: tuples of the values
        of ``columns`` (as the database gives them; the geometry as its type name).
        ``total``: the rows that pass the filter (``count``), if known: a page nearer the end
        than to any kept row is then read backwards from the end (the last page of ten
        million rows without stepping over the other ten million)."""
        if p < 0:
            raise ValueError("page < 0")
        sql, params = self._sql, {"n": self.page_rows}
        known = [q for q in self._anchors if q <= p] if self.keyset else []
        start = max(known) if known else 0
        where = [self._where(params)]
        first = p * self.page_rows
        reverse = total is not None and first < total \
            and total - first - self.page_rows < first - start * self.page_rows
        if reverse:
            params["n"] = min(self.page_rows, total - first)
            params["skip"] = max(0, total - first - self.page_rows)
        else:
            if start > 0:
                where.append(self._after(self._anchors[start], params))
            params["skip"] = (p - start) * self.page_rows
        sort = self._sort_expr()
        extra = [sort if sort is not None else sql.SQL("NULL"),
                 sql.Identifier(self.key) if self.key else sql.SQL("NULL")]
        query = sql.SQL("SELECT {cols}, {extra} FROM {rel} WHERE {where} ORDER BY {order} "
                        "OFFSET %(skip)s LIMIT %(n)s").format(
            cols=sql.SQL(", ").join(self._col(c) for c in self.columns),
            extra=sql.SQL(", ").join(extra), rel=self.res.relation,
            where=sql.SQL(" AND ").join(where), order=self._order(reverse))
        rows = self._execute(query, params)
        if reverse:
            rows = rows[::-1]
        width = len(self.columns)
        if self.keyset and len(rows) == self.page_rows:
            if len(self._anchors) >= MAX_ANCHORS:   # keep the nearest ones: drop the farthest
                far = max(self._anchors, key=lambda q: abs(q - p))
                del self._anchors[far]
            self._anchors[p + 1] = (rows[-1][width], rows[-1][width + 1])
        return [tuple(r[:width]) for r in rows]

    @property
    def anchors(self) -> int:
        return len(self._anchors)
