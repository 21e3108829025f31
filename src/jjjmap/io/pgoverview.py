"""A low-zoom overview of a view-driven point layer, built once per layer and session (Qt-free).

Why: at zoom 8 a view of 10M points holds most of the table, and counting it on a grid on
the server scans most of the table again on every pan (15.9 s a pan, measured). Instead one
pass over the table counts the points per *fine* cell (the aggregation grid of zoom
``OVERVIEW_ZOOM``: ``floor(x / fine)``), and keeps, per occupied cell, its indexes, its count
and the sums of x and y, in memory (32 bytes a cell, at most ``MAX_CELLS`` cells: 32 MB,
however large the table). A view at a zoom z <= OVERVIEW_ZOOM is then answered from memory:
the grid of zoom z is exactly the fine grid divided by 2^(OVERVIEW_ZOOM - z) (the cell sizes
are powers of two apart, so ``floor(floor(x / fine) / 2^k) == floor(x / cell)``).

Exact, not approximate: fine cells wholly inside the view come from memory; the points in the
one-fine-cell-wide strips along the view's edges (cells the view cuts) are counted on the
server (four thin boxes on the GiST index, a few thousand rows), so the counts equal a
``count(*)`` of the view. The overview is a snapshot of the table when it was built: rows
written later show at high zoom (the server is asked) but not in the low-zoom counts until
the layer is opened again.

The user's role needs no rights beyond SELECT: nothing is written on the server (no TEMP or
UNLOGGED table).
"""
from __future__ import annotations

import math

import numpy as np

OVERVIEW_ZOOM = 11        # the fine grid is the aggregation grid of this zoom
MAX_CELLS = 1 << 20       # at most this many occupied cells are kept (coarser grid if more)
FETCH_ROWS = 50_000       # rows per fetch while building (memory stays flat)
BUILD_TIMEOUT_MS = 600_000


class Overview:
    """Counts and coordinate sums per occupied fine cell (``fine`` degrees, zoom ``zoom``)."""

    def __init__(self, zoom: int, fine: float, i, j, n, sx, sy, rows: int):
        self.zoom, self.fine = int(zoom), float(fine)
        self.i, self.j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        self.n = np.asarray(n, dtype=np.int64)
        self.sx, self.sy = np.asarray(sx, dtype=float), np.asarray(sy, dtype=float)
        self.rows = int(rows)

    @property
    def cells(self) -> int:
        return len(self.n)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.i, self.j, self.n, self.sx, self.sy))

    def covers(self, zoom: float) -> bool:
        return float(zoom).is_integer() and 0 <= zoom <= self.zoom

    def inner_box(self, w: float, s: float, e: float, n: float):
        """The fine-cell index ranges wholly inside the view: (i0, i1, j0, j1), half-open; the
        box they span in degrees is [i0 * fine, i1 * fine) x [j0 * fine, j1 * fine)."""
        f = self.fine
        i0, i1 = math.ceil(w / f), math.floor(e / f)
        j0, j1 = math.ceil(s / f), math.floor(n / f)
        if i1 <= i0 or j1 <= j0:
            return None
        return i0, i1, j0, j1

    def interior(self, box, zoom: int):
        """The cells of zoom ``zoom``'s grid, from the fine cells inside ``box`` (inner_box):
        (I, J, count, sum x, sum y) arrays."""
        i0, i1, j0, j1 = box
        m = (self.i >= i0) & (self.i < i1) & (self.j >= j0) & (self.j < j1)
        k = self.zoom - int(zoom)
        return (self.i[m] >> k, self.j[m] >> k, self.n[m], self.sx[m], self.sy[m])


def combine(parts) -> tuple:
    """Sum (I, J, count, sum x, sum y) parts by cell: (I, J, count, mean x, mean y)."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        e = np.zeros(0)
        return e.astype(np.int64), e.astype(np.int64), e.astype(np.int64), e, e
    ii = np.concatenate([p[0] for p in parts])
    jj = np.concatenate([p[1] for p in parts])
    keys = np.stack([ii, jj], axis=1)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    inv = inv.ravel()
    cnt = np.bincount(inv, weights=np.concatenate([p[2] for p in parts]), minlength=len(uniq))
    sx = np.bincount(inv, weights=np.concatenate([p[3] for p in parts]), minlength=len(uniq))
    sy = np.bincount(inv, weights=np.concatenate([p[4] for p in parts]), minlength=len(uniq))
    return uniq[:, 0], uniq[:, 1], cnt.astype(np.int64), sx / cnt, sy / cnt


def _coarsen(i, j, n, sx, sy):
    """The same cells on a grid twice as coarse."""
    return combine_sums([(i >> 1, j >> 1, n, sx, sy)])


def combine_sums(parts):
    """Like combine, but keeping sums (for building)."""
    ii = np.concatenate([p[0] for p in parts])
    jj = np.concatenate([p[1] for p in parts])
    uniq, inv = np.unique(np.stack([ii, jj], axis=1), axis=0, return_inverse=True)
    inv = inv.ravel()

    def add(k):
        return np.bincount(inv, weights=np.concatenate([p[k] for p in parts]),
                           minlength=len(uniq))
    return uniq[:, 0], uniq[:, 1], add(2).astype(np.int64), add(3), add(4)


def build(conn, points_sql, cell_of, *, zoom: int = OVERVIEW_ZOOM,
          max_cells: int = MAX_CELLS, cancelled=lambda: False) -> Overview:
    """One pass over the table: ``points_sql`` (a psycopg Composable selecting ``x, y`` in
    WGS-84, one row a point) counted per fine cell on the server, streamed here in chunks.
    ``cell_of(zoom)``: the cell size in degrees at ``zoom``. More occupied cells than
    ``max_cells``: the grid is made twice as coarse (exactly, here) until it fits."""
    from psycopg import sql

    fine = cell_of(zoom)
    query = sql.SQL("SELECT floor(x / %(f)s)::bigint, floor(y / %(f)s)::bigint, count(*), "
                    "sum(x), sum(y) FROM ({}) q WHERE x IS NOT NULL AND y IS NOT NULL "
                    "GROUP BY 1, 2").format(points_sql)
    held: list = []     # parts; the server's rows are one per fine cell already
    held_cells = 0
    level = zoom
    with conn.transaction():
        conn.execute("SELECT set_config('statement_timeout', %s, true)",
                     (str(BUILD_TIMEOUT_MS),))
        with conn.cursor(name="jjj_overview") as cur:
            cur.execute(query, {"f": fine})
            while True:
                rows = cur.fetchmany(FETCH_ROWS)
                if not rows or cancelled():
                    break
                a = np.array(rows, dtype=float)
                k = zoom - level
                held.append((a[:, 0].astype(np.int64) >> k, a[:, 1].astype(np.int64) >> k,
                             a[:, 2].astype(np.int64), a[:, 3], a[:, 4]))
                held_cells += len(a)
                if held_cells > max_cells:
                    merged = combine_sums(held)
                    while len(merged[0]) > max_cells and level > 0:
                        merged = _coarsen(*merged)
                        level -= 1
                    held, held_cells = [merged], len(merged[0])
    if cancelled():
        raise InterruptedError("overview build cancelled")
    if held:
        i, j, n, sx, sy = held[0] if len(held) == 1 else combine_sums(held)
        total = int(n.sum())
    else:
        i = j = n = np.zeros(0, dtype=np.int64)
        sx = sy = np.zeros(0)
    return Overview(level, cell_of(level), i, j, n, sx, sy, total)
