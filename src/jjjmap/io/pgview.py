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

from .pgsource import PostgisError, connect, query_error

ROW_CAP = 20_000        # rows per request; a view with more points is aggregated
CELL_PX = 12            # aggregation grid, in screen pixels
KEY_COLUMN_TYPES_INT = ("smallint", "integer", "bigint")


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
        from psycopg import sql
        self._sql = sql
        self.key_int = False
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
        for attempt in range(2):
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
        if res.key:
            def key_type(conn):
                row = conn.execute(sql.SQL("SELECT pg_typeof({})::text FROM {} LIMIT 1").format(
                    sql.Identifier(res.key), res.relation), {}).fetchone()
                return row[0] if row else ""
            self.key_int = (self._run(key_type) or "") in KEY_COLUMN_TYPES_INT
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

    def _filter(self, exact: bool = True):
        """``geom && envelope`` in the column's own SRID, so the GiST index answers it, then
        (``exact``) ``ST_Intersects`` with the same envelope: the index's boxes are float4,
        rounded outwards, so && alone lets in features a hair outside the view. (Points are
        checked by their coordinates instead: the same answer at half the cost.)"""
        sql, res = self._sql, self.res
        col = sql.Identifier(res.column)
        env = sql.SQL("ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)")
        if res.kind == "geography":   # the view is a lon/lat rectangle, not geodesic edges
            if not exact:
                return sql.SQL("{c} && {e}::geography").format(c=col, e=env)
            return sql.SQL("{c} && {e}::geography AND ST_Intersects({c}::geometry, {e})").format(
                c=col, e=env)
        if res.srid == 0:
            env = sql.SQL("ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 0)")
        elif res.srid != 4326:
            # the envelope's edges are curves in other projections: densify before
            # transforming, so the transformed box holds the whole view
            env = sql.SQL("ST_Transform(ST_Segmentize({}, %(step)s), %(srid)s)").format(env)
        if not exact:
            return sql.SQL("{c} && {e}").format(c=col, e=env)
        return sql.SQL("{c} && {e} AND ST_Intersects({c}, {e})").format(c=col, e=env)

    # -- the requests --------------------------------------------------------------------
    def query(self, bbox, zoom: float, shift: Callable | None = None) -> dict | None:
        """What is in ``bbox`` (west, south, east, north; WGS-84) at ``zoom``: a dict ready for
        JSON, or None when a newer request superseded this one. ``shift`` maps lon/lat arrays
        to the basemap's datum (GCJ-02 basemaps)."""
        w, s, e, n = (float(v) for v in bbox)
        w, e = max(-180.0, w), min(180.0, e)
        s, n = max(-90.0, s), min(90.0, n)
        if not (w < e and s < n):
            return {"mode": "features", "n": 0, "features": []}
        params = {"w": w, "s": s, "e": e, "n": n, "step": max((e - w), (n - s)) / 16,
                  "srid": self.res.srid, "cap": self.row_cap + 1,
                  "tol": pixel_degrees(zoom), "cell": pixel_degrees(zoom) * CELL_PX}
        self._set_status(state="loading")
        try:
            out = self._run(lambda conn: self._answer(conn, params, shift))
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

    def _answer(self, conn, params, shift) -> dict:
        sql, res = self._sql, self.res
        single = self.points and res.geometry_type.upper() == "POINT"
        inner = sql.SQL("SELECT {key} AS k, {geom} AS g FROM {rel} WHERE {flt}").format(
            key=self._key_expr(), geom=res.geom4326(sql), rel=res.relation,
            flt=self._filter(exact=not single))
        if self.points:
            if single:   # exact by the WGS-84 coordinates themselves
                pts = sql.SQL("SELECT k, ST_X(g) AS x, ST_Y(g) AS y FROM ({}) i WHERE ST_X(g) "
                              "BETWEEN %(w)s AND %(e)s AND ST_Y(g) BETWEEN %(s)s AND %(n)s"
                              ).format(inner)
            else:
                pts = sql.SQL("SELECT k, ST_X(ST_PointOnSurface(g)) AS x, "
                              "ST_Y(ST_PointOnSurface(g)) AS y FROM ({}) i").format(inner)
            rows = None
            if self._estimate(conn, params) < 4 * self.row_cap:
                rows = conn.execute(sql.SQL("SELECT k, x, y FROM ({}) q LIMIT %(cap)s")
                                    .format(pts), params).fetchall()
            if rows is not None and len(rows) <= self.row_cap:
                xy = np.array([(r[1], r[2]) for r in rows], dtype=float).reshape(-1, 2)
                xy = _shifted(xy, shift)
                return {"mode": "points", "n": len(rows), "keys": [r[0] for r in rows],
                        "xy": xy.ravel()}
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
                "SELECT k, ST_AsBinary(ST_SimplifyPreserveTopology(g, %(tol)s)) FROM ({}) q "
                "LIMIT %(cap)s").format(inner), params)
            rows = cur.fetchall()
        truncated = len(rows) > self.row_cap
        rows = rows[:self.row_cap]
        geoms = shapely.from_wkb([r[1] for r in rows], on_invalid="ignore")
        if len(geoms):   # 6 decimals: 0.1 m, finer than any pixel
            geoms = shapely.transform(geoms, lambda c: np.round(_shifted(c, shift), 6))
        texts = shapely.to_geojson(geoms)
        keys = [r[0] for r in rows]
        feats = [f'{{"type":"Feature","id":{json.dumps(k, default=str)},"geometry":{t}}}'
                 for k, t in zip(keys, texts) if t is not None]
        return {"mode": "features", "n": len(feats), "truncated": truncated,
                "features_json": "[" + ",".join(feats) + "]"}

    def row(self, key) -> dict | None:
        """The full row of one feature (identify), by primary key (or ctid)."""
        sql, res = self._sql, self.res
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in res.columns) if res.columns \
            else sql.SQL("1")
        if res.key:
            if self.key_int:
                cond, value = sql.SQL("{} = %s").format(sql.Identifier(res.key)), int(key)
            else:
                cond, value = sql.SQL("{}::text = %s").format(sql.Identifier(res.key)), str(key)
        elif res.has_ctid:
            cond, value = sql.SQL("ctid = %s::tid"), str(key)
        else:
            return None
        from .postgis import _plain

        def fetch(conn):
            cur = conn.execute(sql.SQL("SELECT {} FROM {} WHERE {} LIMIT 1").format(
                cols, res.relation, cond), (value,))
            row = cur.fetchone()
            if row is None:
                return {}
            return {d.name: _plain(v) for d, v in zip(cur.description, row)}
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
