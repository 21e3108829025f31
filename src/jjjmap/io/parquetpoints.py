"""GeoParquet read at the speed of the format (issue 21 item 3).

``geopandas.read_parquet`` decodes the whole WKB column in one call: 4.3 s for 10M points,
holding the GIL, so the window froze while a file was read on a worker thread. Here the
table comes from pyarrow and the geometry column is decoded chunk by chunk with a cancel
checkpoint between chunks. A column of 2D points in little-endian WKB (21 bytes each, the
usual writers' output) is read straight from the Arrow buffer with numpy, no per-row
Python and no WKB parser; other geometry goes through ``shapely.from_wkb`` per chunk, and a
GeoArrow ``point`` column through its x/y children. Anything else (another encoding, a
covering, a CRS we cannot read) falls back to geopandas.
"""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .cancel import checkpoint

CHUNK = 10_000        # geometries per GIL-holding call
WKB_POINT = 21        # byte order, type (uint32), x, y (float64)


def _point_xy(arr) -> tuple[np.ndarray, np.ndarray] | None:
    """(x, y) of an Arrow binary chunk of little-endian 2D WKB points, else None."""
    import pyarrow as pa

    if arr.null_count or len(arr) == 0 or not (pa.types.is_binary(arr.type)
                                              or pa.types.is_large_binary(arr.type)):
        return None
    _, offsets, data = arr.buffers()
    odt = np.int64 if pa.types.is_large_binary(arr.type) else np.int32
    off = np.frombuffer(offsets, dtype=odt, count=len(arr) + 1, offset=arr.offset * np.dtype(odt).itemsize)
    start = int(off[0])
    if int(off[-1]) - start != WKB_POINT * len(arr) or not (np.diff(off) == WKB_POINT).all():
        return None
    raw = np.frombuffer(data, dtype=np.uint8, count=WKB_POINT * len(arr), offset=start)
    raw = raw.reshape(len(arr), WKB_POINT)
    if not ((raw[:, 0] == 1).all() and (raw[:, 1] == 1).all() and not raw[:, 2:5].any()):
        return None   # big-endian, or not a plain 2D point (Z, M, SRID flags)
    xy = np.ascontiguousarray(raw[:, 5:]).view("<f8")
    return xy[:, 0].copy(), xy[:, 1].copy()


def _all_point_xy(column) -> tuple[np.ndarray, np.ndarray] | None:
    """(x, y) of a WKB column when every chunk is plain little-endian 2D points, else None."""
    xs, ys = [], []
    for chunk in column.chunks:
        for start in range(0, len(chunk), 1_000_000):
            xy = _point_xy(chunk.slice(start, 1_000_000))
            if xy is None:
                return None
            xs.append(xy[0])
            ys.append(xy[1])
            checkpoint()
    if not xs:
        return None
    return np.concatenate(xs), np.concatenate(ys)


def _geometries(column) -> np.ndarray:
    """The geometry column as a shapely array, chunk by chunk."""
    out = np.empty(len(column), dtype=object)
    at = 0
    for chunk in column.chunks:
        for start in range(0, len(chunk), CHUNK):
            part = chunk.slice(start, CHUNK)
            xy = _point_xy(part)
            if xy is not None:
                geoms = shapely.points(*xy)
            else:
                geoms = shapely.from_wkb(part.to_numpy(zero_copy_only=False), on_invalid="ignore")
            out[at:at + len(part)] = geoms
            at += len(part)
            checkpoint()
    return out


def _geoarrow_points(column) -> np.ndarray:
    out = np.empty(len(column), dtype=object)
    at = 0
    for chunk in column.chunks:
        x = chunk.field("x").to_numpy(zero_copy_only=False)
        y = chunk.field("y").to_numpy(zero_copy_only=False)
        for start in range(0, len(chunk), CHUNK):
            out[at + start:at + start + CHUNK] = shapely.points(x[start:start + CHUNK],
                                                                y[start:start + CHUNK])
            checkpoint()
        at += len(chunk)
    return out


def read_geoparquet(path, schema, defer: bool = False):
    """The file as a GeoDataFrame, as a ``model.PointData`` when it holds only plain finite
    2D points, or None when geopandas should read it. ``defer``: a large file of points is
    read from its geometry column alone, the other columns pending (io.deferred)."""
    import pyarrow.parquet as pq

    try:
        meta = json.loads(schema.metadata[b"geo"])
        name = meta["primary_column"]
        info = meta["columns"][name]
    except (KeyError, ValueError, TypeError):
        return None
    encoding = str(info.get("encoding", "WKB")).lower()
    if encoding not in ("wkb", "point") or info.get("edges", "planar") != "planar":
        return None
    crs = info.get("crs", "OGC:CRS84")
    if isinstance(crs, dict):
        from pyproj import CRS
        try:
            crs = CRS.from_json_dict(crs)
        except Exception:  # noqa: BLE001 - geopandas says what is wrong with it
            return None
    from .deferred import DEFER_ABOVE_BYTES
    others = [f.name for f in schema if f.name != name]
    first = defer and bool(others) and Path(path).stat().st_size >= DEFER_ABOVE_BYTES
    table = pq.read_table(path, columns=[name] if first else None)
    checkpoint()
    column = table.column(name)
    if encoding == "wkb":
        xy = _all_point_xy(column)
    else:
        xy = (column.combine_chunks().field("x").to_numpy(zero_copy_only=False),
              column.combine_chunks().field("y").to_numpy(zero_copy_only=False)) \
            if column.null_count == 0 else None
    if xy is not None and np.isfinite(xy[0]).all() and np.isfinite(xy[1]).all():
        # points as arrays (model.PointData): no shapely Point per row
        from jjjmap.model.pointdata import PointData

        if first:
            from .deferred import parquet_pending, small_read_whole
            rows = len(xy[0])
            points = PointData(pd.DataFrame(index=pd.RangeIndex(rows)), xy[0], xy[1], crs=crs)
            return small_read_whole(points.pending_columns(parquet_pending(path, others, rows)))
        df = table.drop([name]).to_pandas()
        checkpoint()
        return PointData(df, xy[0], xy[1], crs=crs)
    if first:   # not plain points: read whole after all
        table = pq.read_table(path)
        column = table.column(name)
    geoms = _geometries(column) if encoding == "wkb" else _geoarrow_points(column)
    df = table.drop([name]).to_pandas()
    checkpoint()
    return gpd.GeoDataFrame(df, geometry=gpd.array.GeometryArray(geoms), crs=crs)


__all__ = ["read_geoparquet"]
