"""A view-driven PostGIS layer: the features stay on the server and arrive view by view.

Each request names a view (a WGS-84 bounding box and a zoom) and gets only what is in it:
``geom && envelope`` on the GiST index (the envelope transformed to the table's SRID, so the
index is used), geometries transformed to WGS-84 and simplified to about a pixel on the
server, at most ``ROW_CAP`` rows. When a point layer has more than that in view, the server
counts them on a grid instead (``floor(x / cell)`` ... ``GROUP BY``) and only the cells travel.
Nothing is kept between requests, so memory follows what is on screen, not the table.

A newer request of the same layer means the view moved on: the older one still running is
cancelled on the server (``conn.cancel_safe()``) and answers ``{"stale": true}``. A lost
connection is dropped and the next request connects again, so a restarted server recovers.
Qt-free: the app calls ``query`` on a worker thread.
"""
from __future__ import annotations

import json
import threading
from typing import Callable

import numpy as np

from . import pgoverview
from .pgoverview import OVERVIEW_ZOOM
from .pgsource import PostgisError, connect, plain_value, query_error

ROW_CAP = 20_000        # rows per request; a view with more points is aggregated
CELL_PX = 12            # aggregation grid, in screen pixels


def empty_frame(res):
    """The layer's GeoDataFrame: its columns, no rows (the rows stay on the server)."""
    import geopandas as gpd
    import pandas as pd

    return gpd.GeoDataFrame(pd.DataFrame({c: pd.Series([], dtype=object) for c in res.columns}),
                            geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def pixel_degrees(zoom: float) -> float:
    """Degrees of longitude per screen pixel at ``zoom`` (256-pixel web-mercator tiles)."""
    return 360.0 / (256.0 * 2.0 ** float(zoom))


class ViewSource:
    """Answers view requests for one layer over its own connection."""

    background_overview = True    # False: the first low-zoom view waits for the overview

    def __init__(self, res, conn=None, *, row_cap: int = ROW_CAP):
        self.res = res
        self.address = res.address
        self.row_cap = row_cap
        self._conn = conn
        self._lock = threading.Lock()          # one statement at a time on the connection
        self._state = threading.Lock()         # guards _gen and _running
        self._gen = 0
        self._running = None
        self.on_status: Callable[[dict], None] | None = None
        self.status: dict = {"state": "idle"}
        self._closed = False
        self.overview = None                   # io.pgoverview.Overview, at the first need
        self._ov_lock = threading.Lock()
        self._ov_conn = None
        self._ov_thread: threading.Thread | None = None
        self.overview_error: str | None = None
        from psycopg import sql
        self._sql = sql
        self.points = self._probe_points()

    # -- connection ---------------------------------------------------------------------
    def _connection(self):
        if self._conn is None or self._conn.closed or self._conn.broken:
            if self._conn is not None:
                self._conn.close()
            self._conn = connect(self.address)
        return self._conn

    def close(self) -> None:
        self._closed = True
        with self._state:
            running = self._running
        if running is not None:
            _cancel(running)
        if self._ov_conn is not None:
            _cancel(self._ov_conn)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _set_status(self, **status) -> None:
        self.status = status
        if self.on_status is not None:
            try:
                self.on_status(dict(status))
            except Exception:  # noqa: BLE001 - a listener never breaks a request
                pass

    def _run(self, fn):
        """Run ``fn(conn)`` as the newest request; older ones still running are cancelled."""
        import psycopg
        from psycopg import errors as pe

        with self._state:
            self._gen += 1
            gen = self._gen
            running = self._running
        if running is not None:
            _cancel(running)
        for _attempt in range(2):
            with self._lock:
                if gen != self._gen or self._closed:
                    return None
                try:
                    conn = self._connection()
                except PostgisError:
                    raise
                with self._state:
                    self._running = conn
                try:
                    return fn(conn)
                except pe.QueryCanceled as exc:
                    if "timeout" in str(exc) or gen != self._gen:
                        if gen != self._gen:
                            return None
                        raise query_error(self.address, exc) from None
                    continue   # a late cancel meant for an older request: once more
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    if self._conn is not None:
                        self._conn.close()
                    self._conn = None     # the next request connects again
                    raise query_error(self.address, exc) from None
                except psycopg.Error as exc:
                    raise query_error(self.address, exc) from None
                finally:
                    with self._state:
                        self._running = None
        return None

    # -- what the layer holds ------------------------------------------------------------
    def _probe_points(self) -> bool:
        res, sql = self.res, self._sql
        gtype = (res.geometry_type or "").upper()
        if gtype in ("POINT", "MULTIPOINT"):
            found = {gtype}
        else:
            def probe(conn):
                return {t for (t,) in conn.execute(sql.SQL(
                    "SELECT DISTINCT upper(GeometryType(g)) FROM (SELECT {} AS g FROM {} "
                    "LIMIT 1000) q").format(res.geom4326(sql), res.relation), {}).fetchall() if t}
            found = self._run(probe) or set()
        if res.srid == 0 and res.kind == "geometry":
            self._check_lonlat()
        return bool(found) and found <= {"POINT", "MULTIPOINT"}

    def _check_lonlat(self) -> None:
        res, sql = self.res, self._sql

        def extent(conn):
            return conn.execute(sql.SQL(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(g) e"
                " FROM (SELECT {} AS g FROM {} LIMIT %s) q) q2").format(
                sql.Identifier(res.column), res.relation), (10_000,)).fetchone()
        ext = self._run(extent)
        if ext and ext[0] is not None and not (-180 <= ext[0] <= ext[2] <= 180
                                               and -90 <= ext[1] <= ext[3] <= 90):
            raise PostgisError(
                f"PostGIS {self.address.display}, {self.address.what}: the column "
                f"{res.column!r} does not say its SRID (0) and its coordinates (x {ext[0]:,.0f} "
                f"to {ext[2]:,.0f}) are not longitude/latitude; give it one with "
                f"UpdateGeometrySRID or use a query layer with ST_SetSRID.", None)
        res.warnings.append("The geometry column does not say its SRID (0); its coordinates "
                            "look like longitude/latitude, so WGS-84 was assumed.")

    def _key_expr(self):
        sql = self._sql
        if self.res.key:
            return sql.Identifier(self.res.key)
        if self.res.has_ctid:
            return sql.SQL("ctid::text")
        return sql.SQL("NULL")

    def _filter(self, exact: bool = True, p: str = ""):
        """``geom && envelope`` in the column's own SRID, so the GiST index answers it, then
        (``exact``) ``ST_Intersects`` with the same envelope: the index's boxes are float4,
        rounded outwards, so && alone lets in features a hair outside the view. (Points are
        checked by their coordinates instead: the same answer at half the cost.) ``p``: the
        suffix of the box's parameter names (w{p}, s{p}, e{p}, n{p}, step{p})."""
        sql, res = self._sql, self.res
        col = sql.Identifier(res.column)
        w, s, e, n, step = (sql.Placeholder(k + p) for k in ("w", "s", "e", "n", "step"))
        srid = 0 if res.srid == 0 and res.kind != "geography" else 4326
        env = sql.SQL("ST_MakeEnvelope({}, {}, {}, {}, {})").format(w, s, e, n,
                                                                     sql.Literal(srid))
        if res.kind == "geography":   # the view is a lon/lat rectangle, not geodesic edges
            if not exact:
                return sql.SQL("{c} && {e}::geography").format(c=col, e=env)
            return sql.SQL("{c} && {e}::geography AND ST_Intersects({c}::geometry, {e})").format(
                c=col, e=env)
        if res.srid not in (0, 4326):
            # the envelope's edges are curves in other projections: densify before
            # transforming, so the transformed box holds the whole view
            env = sql.SQL("ST_Transform(ST_Segmentize({}, {}), %(srid)s)").format(env, step)
        if not exact:
            return sql.SQL("{c} && {e}").format(c=col, e=env)
        return sql.SQL("{c} && {e} AND ST_Intersects({c}, {e})").format(c=col, e=env)

    # -- the requests --------------------------------------------------------------------
    def query(self, bbox, zoom: float, shift: Callable | None = None, field: str | None = None,
              classify: Callable | None = None) -> dict | None:
        """What is in ``bbox`` (west, south, east, north; WGS-84) at ``zoom``: a dict ready for
        JSON, or None when a newer request superseded this one. ``shift`` maps lon/lat arrays
        to the basemap's datum (GCJ-02 basemaps). ``field``: its value travels with each
        feature; ``classify(values)`` turns them into class indexes (``ci``, render.pgstyle)."""
        if field is not None and field not in self.res.columns:
            field = None
        w, s, e, n = (float(v) for v in bbox)
        w, e = max(-180.0, w), min(180.0, e)
        s, n = max(-90.0, s), min(90.0, n)
        if not (w < e and s < n):
            return {"mode": "features", "n": 0, "features": []}
        params = {"w": w, "s": s, "e": e, "n": n, "step": max((e - w), (n - s)) / 16, "z": zoom,
                  "srid": self.res.srid, "cap": self.row_cap + 1,
                  "tol": pixel_degrees(zoom), "cell": pixel_degrees(zoom) * CELL_PX}
        self._set_status(state="loading")
        try:
            out = self._run(lambda conn: self._answer(conn, params, shift, field, classify))
        except PostgisError as exc:
            self._set_status(state="error", message=str(exc))
            raise
        if out is None:
            return None
        self._set_status(state="ok", features=out["n"], aggregated=out["mode"] == "grid",
                         truncated=bool(out.get("truncated")))
        return out

    def _estimate(self, conn, params) -> float:
        """The planner's guess of the rows in view (statistics of the GiST column): a crowded
        view goes straight to the grid counts without first fetching a capped page."""
        sql, res = self._sql, self.res
        plan = conn.execute(sql.SQL("EXPLAIN (FORMAT JSON) SELECT 1 FROM {} WHERE {}").format(
            res.relation, self._filter(exact=False)), params).fetchone()[0]
        try:
            return float(plan[0]["Plan"]["Plan Rows"])
        except (KeyError, IndexError, TypeError, ValueError):
            return 0.0

    def _answer(self, conn, params, shift, field=None, classify=None) -> dict:
        sql, res = self._sql, self.res
        single = self.points and res.geometry_type.upper() == "POINT"
        value = sql.Identifier(field) if field is not None else sql.SQL("NULL")
        inner = sql.SQL("SELECT {key} AS k, {geom} AS g, {v} AS v FROM {rel} WHERE {flt}").format(
            key=self._key_expr(), geom=res.geom4326(sql), v=value, rel=res.relation,
            flt=self._filter(exact=not single))
        if self.points:
            if single:   # exact by the WGS-84 coordinates themselves
                pts = sql.SQL("SELECT k, ST_X(g) AS x, ST_Y(g) AS y, v FROM ({}) i WHERE ST_X(g) "
                              "BETWEEN %(w)s AND %(e)s AND ST_Y(g) BETWEEN %(s)s AND %(n)s"
                              ).format(inner)
            else:
                pts = sql.SQL("SELECT k, ST_X(ST_PointOnSurface(g)) AS x, "
                              "ST_Y(ST_PointOnSurface(g)) AS y, v FROM ({}) i").format(inner)
            if single and self._overview_wanted(params["z"]):
                out = self._grid_from_overview(conn, self._overview_ready(), params, shift)
                if out is not None:
                    return out
            rows = None
            if self._estimate(conn, params) < 4 * self.row_cap:
                rows = conn.execute(sql.SQL("SELECT k, x, y, v FROM ({}) q LIMIT %(cap)s")
                                    .format(pts), params).fetchall()
            if rows is not None and len(rows) <= self.row_cap:
                xy = np.array([(r[1], r[2]) for r in rows], dtype=float).reshape(-1, 2)
                xy = _shifted(xy, shift)
                out = {"mode": "points", "n": len(rows), "keys": [r[0] for r in rows],
                       "xy": xy.ravel()}
                if classify is not None:
                    out["ci"] = classify([r[3] for r in rows])
                return out
            # a grid of CELL_PX-pixel cells, counted on the server; each drawn at the mean
            # position of its points
            cells = conn.execute(sql.SQL(
                "SELECT avg(x), avg(y), count(*) FROM ({}) q "
                "GROUP BY floor(x / %(cell)s), floor(y / %(cell)s)").format(pts),
                params).fetchall()
            xy = _shifted(np.array([(c[0], c[1]) for c in cells], dtype=float).reshape(-1, 2),
                          shift)
            counts = [int(c[2]) for c in cells]
            return {"mode": "grid", "n": int(sum(counts)), "cells": len(cells),
                    "xy": xy.ravel(), "counts": counts,
                    "cell": params["cell"]}
        import shapely

        with conn.cursor(binary=True) as cur:
            cur.execute(sql.SQL(
                "SELECT k, ST_AsBinary(ST_SimplifyPreserveTopology(g, %(tol)s)), v FROM ({}) q "
                "LIMIT %(cap)s").format(inner), params)
            rows = cur.fetchall()
        truncated = len(rows) > self.row_cap
        rows = rows[:self.row_cap]
        geoms = shapely.from_wkb([r[1] for r in rows], on_invalid="ignore")
        if len(geoms):   # 6 decimals: 0.1 m, finer than any pixel
            geoms = shapely.transform(geoms, lambda c: np.round(_shifted(c, shift), 6))
        texts = shapely.to_geojson(geoms)
        keys = [r[0] for r in rows]
        ci = classify([r[2] for r in rows]) if classify is not None else np.zeros(len(rows), int)
        feats = [f'{{"type":"Feature","id":{json.dumps(k, default=str)},"geometry":{t},'
                 f'"properties":{{"_c":{int(c)}}}}}'
                 for k, t, c in zip(keys, texts, ci) if t is not None]
        return {"mode": "features", "n": len(feats), "truncated": truncated,
                "features_json": "[" + ",".join(feats) + "]"}

    # -- the low-zoom overview (io.pgoverview) -------------------------------------------
    def _overview_wanted(self, zoom: float) -> bool:
        return (float(zoom).is_integer() and zoom <= OVERVIEW_ZOOM
                and (self.res.estimated_rows or 0) > 4 * self.row_cap)

    def _points_sql(self, where=None):
        sql, res = self._sql, self.res
        inner = sql.SQL("SELECT {g} AS g FROM {rel}").format(g=res.geom4326(sql), rel=res.relation)
        if where is not None:
            inner = sql.SQL("{} WHERE {}").format(inner, where)
        return sql.SQL("SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ({}) i").format(inner)

    def _overview_ready(self):
        """The overview if it is built. If not, None, and (the first time) its build starts
        on a thread of its own: the first low-zoom view is counted on the server meanwhile
        and does not wait for a pass over the whole table (at 10M rows that pass took longer
        than the view's own count); later views use the overview once it is there. A build
        that fails is not retried: the views stay exact, counted on the server."""
        if self.overview is not None or not self.background_overview:
            return self.overview if self.overview is not None else self._overview_built()
        with self._state:
            if self._ov_thread is None and not self._closed:
                self._ov_thread = threading.Thread(target=self._build_in_background,
                                                   name="jjjmap-pg-overview", daemon=True)
                self._ov_thread.start()
        return None

    def _build_in_background(self) -> None:
        try:
            self._overview_built(report=False)
        except Exception as exc:  # noqa: BLE001 - PostgisError, psycopg's: views still work
            self.overview_error = str(exc)

    def build_overview(self, timeout: float | None = None):
        """The overview, built now if needed (waits for a build already running)."""
        thread = self._ov_thread
        if thread is not None:
            thread.join(timeout)
        return self._overview_built() if self.overview is None else self.overview

    def _overview_built(self, report: bool = True):
        """The layer's overview (one pass over the table on a connection of its own; a
        second caller waits for the first one's)."""
        with self._ov_lock:
            if self.overview is None:
                if report:
                    self._set_status(state="loading", message="counting the table for low zooms")
                conn = connect(self.address)
                self._ov_conn = conn
                try:
                    self.overview = pgoverview.build(
                        conn, self._points_sql(), lambda z: pixel_degrees(z) * CELL_PX,
                        cancelled=lambda: self._closed)
                except InterruptedError:
                    return None
                finally:
                    self._ov_conn = None
                    conn.close()
            return self.overview

    def _grid_from_overview(self, conn, ov, params, shift) -> dict | None:
        """Grid counts of the view: fine cells inside it from memory, the strips along its
        edges counted on the server. None: the view is small or sparse (ask the server)."""
        if ov is None or not ov.covers(params["z"]):
            return None
        w, s, e, n = params["w"], params["s"], params["e"], params["n"]
        box = ov.inner_box(w, s, e, n)
        if box is None:
            return None
        inner = ov.interior(box, int(params["z"]))
        if int(inner[2].sum()) <= self.row_cap:
            return None
        sql, f = self._sql, ov.fine
        i0, i1, j0, j1 = box
        x0, x1, y0, y1 = i0 * f, i1 * f, j0 * f, j1 * f
        # four strips one fine cell wider inwards than the cut cells (the index's boxes
        # only pre-filter; the cell test below decides, the same floor() as the overview's)
        strips = [(w, s, x0 + f, n), (x1 - f, s, e, n), (x0, s, x1, y0 + f), (x0, y1 - f, x1, n)]
        p = dict(params)
        for k, (a, b, c, d) in enumerate(strips):
            p.update({f"w{k}": a, f"s{k}": b, f"e{k}": c, f"n{k}": d,
                      f"step{k}": max(c - a, d - b) / 16})
        p.update(f=f, i0=i0, i1=i1 - 1, j0=j0, j1=j1 - 1)
        where = sql.SQL(" OR ").join(sql.SQL("({})").format(self._filter(exact=False, p=str(k)))
                                     for k in range(4))
        rows = conn.execute(sql.SQL(
            "SELECT floor(x / %(cell)s)::bigint, floor(y / %(cell)s)::bigint, count(*), sum(x), "
            "sum(y) FROM ({}) q WHERE x BETWEEN %(w)s AND %(e)s AND y BETWEEN %(s)s AND %(n)s "
            "AND NOT (floor(x / %(f)s) BETWEEN %(i0)s AND %(i1)s "
            "AND floor(y / %(f)s) BETWEEN %(j0)s AND %(j1)s) GROUP BY 1, 2").format(
            self._points_sql(sql.SQL("({})").format(where))), p).fetchall()
        a = np.array(rows, dtype=float).reshape(-1, 5)
        edge = (a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2].astype(np.int64),
                a[:, 3], a[:, 4])
        _, _, counts, mx, my = pgoverview.combine([inner, edge])
        xy = _shifted(np.column_stack([mx, my]).reshape(-1, 2), shift)
        return {"mode": "grid", "n": int(counts.sum()), "cells": len(counts), "xy": xy.ravel(),
                "counts": [int(c) for c in counts], "cell": params["cell"], "overview": True}

    def sample_values(self, field: str, n: int) -> tuple[list, bool]:
        """Up to ``n`` values of ``field`` for classifying (render.pgstyle): a
        ``TABLESAMPLE SYSTEM`` of a large table, else the first rows; (values, sampled)."""
        sql, res = self._sql, self.res
        rows = res.estimated_rows or 0
        col = sql.Identifier(field)
        if res.has_ctid and rows > n:
            pct = min(100.0, 100.0 * 2 * n / rows)
            query = sql.SQL("SELECT {} FROM {} TABLESAMPLE SYSTEM (%s) LIMIT %s").format(
                col, res.relation)
            args = (pct, n)
        else:
            query = sql.SQL("SELECT {} FROM {} LIMIT %s").format(col, res.relation)
            args = (n,)
        values = self._run_plain(lambda conn: [plain_value(v) for (v,) in
                                               conn.execute(query, args).fetchall()])
        return values, rows > n

    def row(self, key) -> dict | None:
        """The full row of one feature (identify), by primary key (or ctid)."""
        sql, res = self._sql, self.res
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in res.columns) if res.columns \
            else sql.SQL("1")
        if res.key:
            # the key as a parameter of unknown type: the server reads it as the key's own
            # type (bigint, text, uuid, ...), so the primary key's index answers (a ``::text``
            # cast of the column would scan the table)
            cond, value = sql.SQL("{} = %s").format(sql.Identifier(res.key)), str(key)
        elif res.has_ctid:
            cond, value = sql.SQL("ctid = %s::tid"), str(key)
        else:
            return None
        def fetch(conn):
            cur = conn.execute(sql.SQL("SELECT {} FROM {} WHERE {} LIMIT 1").format(
                cols, res.relation, cond), (value,))
            row = cur.fetchone()
            if row is None:
                return {}
            return {d.name: plain_value(v) for d, v in zip(cur.description, row)}
        found = self._run_plain(fetch)
        return found or None

    def _run_plain(self, fn):
        """Like _run but never cancels a view request (identify is not a new view)."""
        import psycopg

        with self._lock:
            try:
                return fn(self._connection())
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                raise query_error(self.address, exc) from None
            except psycopg.Error as exc:
                raise query_error(self.address, exc) from None


def to_json(answer: dict | None) -> bytes:
    """The answer as the page reads it (features are already GeoJSON text)."""
    if answer is None:
        return b'{"stale":true}'
    answer = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in answer.items()}
    feats = answer.pop("features_json", None)
    text = json.dumps(answer, default=str, ensure_ascii=False)
    if feats is not None:
        text = text[:-1] + (', ' if len(answer) else '') + '"features":' + feats + "}"
    return text.encode("utf-8")


def _shifted(xy: np.ndarray, shift) -> np.ndarray:
    if shift is None or not len(xy):
        return xy
    lon, lat = shift(xy[:, 0], xy[:, 1])
    return np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])


def _cancel(conn) -> None:
    try:
        if hasattr(conn, "cancel_safe"):
            conn.cancel_safe(timeout=5)
        else:
            conn.cancel()
    except Exception:  # noqa: BLE001 - a connection already gone needs no cancelling
        pass
