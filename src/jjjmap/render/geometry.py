"""Geometry for display: simplification that keeps shared borders shared, compact GeoJSON.

``simplify_coverage`` (GEOS 3.12+) simplifies a polygon coverage as a whole, so the edge two
counties share is simplified once and stays shared: no slivers or gaps between neighbours,
unlike per-polygon ``simplify``. It is used only where the layer is a coverage (its polygons
share vertices: ``is_coverage``); other polygon layers are simplified one polygon at a time,
keeping their topology (``simplify_polygons``), 8x quicker than ``simplify_coverage`` on one
2M-vertex polygon. Results are cached per (layer data, tolerance): in memory, and on disk
(``displaycache``) so that the next start of the app skips the simplification. The memory
cache is shared by the render thread and the workers that build finer levels: a lock.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

import geopandas as gpd
import numpy as np
import shapely

from . import displaycache
from .common import pixel_degrees

_CACHE: "OrderedDict[tuple, gpd.GeoSeries]" = OrderedDict()
_CACHE_SIZE = 32
_LOCK = threading.Lock()


def display_tolerance(zoom: float) -> float:
    """The simplification tolerance for drawing at ``zoom``: a quarter of a screen pixel.

    ``simplify_coverage`` removes vertices by triangle area (Visvalingam-Whyatt), so its
    tolerance does not bound the distance a border moves: measured on the region's counties,
    half a pixel moved borders by up to 3.5 px (zoom 7) and 0.8 px (zoom 13), a quarter of a
    pixel kept them within a pixel at every zoom tried (0.95 px at 7, 0.6 at 10, 0.4 at 13;
    tests/test_render_detail.py).
    """
    return pixel_degrees(zoom) * 0.25


def decimals_for(tolerance: float) -> int:
    """Enough decimals that rounding moves a vertex by under a tenth of the tolerance."""
    if tolerance <= 0:
        return 6
    return int(min(7, max(3, np.ceil(-np.log10(tolerance / 10)))))


def simplified(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoSeries:
    """The layer's geometries simplified for display; polygon coverages keep shared edges."""
    if tolerance <= 0 or gdf.empty:
        return gdf.geometry
    geoms = gdf.geometry
    # a content hash: the catalog hands out fresh copies of the same boundaries for every
    # document, so object identity would miss the cache on every re-render
    key = displaycache.key(geoms.values, tolerance)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
    if hit is not None:
        if hit.index.equals(geoms.index):
            return hit
        return gpd.GeoSeries(hit.values, index=geoms.index, crs=geoms.crs)
    stored = displaycache.load(key, len(geoms))
    if stored is not None:
        out = gpd.GeoSeries(stored, index=geoms.index, crs=geoms.crs)
    else:
        out = _simplify(geoms, tolerance)
        displaycache.store(key, np.asarray(out.values, dtype=object))
    with _LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def _simplify(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    types = geom_types(geoms)
    arr = np.asarray(geoms.values, dtype=object)
    if types <= {"Polygon", "MultiPolygon"}:
        if is_coverage(arr):
            try:
                return geoms.simplify_coverage(tolerance)
            except Exception:  # noqa: BLE001 - not a valid coverage after all: per polygon
                pass
        return gpd.GeoSeries(simplify_polygons(arr, tolerance), index=geoms.index,
                             crs=geoms.crs)
    if types <= {"LineString", "MultiLineString", "Polygon", "MultiPolygon"}:
        return geoms.simplify(tolerance, preserve_topology=True)
    return geoms


# vertices looked up to tell a coverage; a layer's share of shared vertices is stable far
# below this (the counties: 0.90 of all, Voronoi cells 0.85, overlapping user shapes 0)
_SAMPLE = 20_000
COVERAGE_SHARE = 0.05


def shared_vertex_share(arr: np.ndarray, sample: int = _SAMPLE) -> float:
    """The share of (a sample of) the layer's distinct vertices that lie on two or more of its
    geometries: near 1 for a coverage (neighbours share their edges, vertex for vertex), 0
    for shapes drawn independently. Exact coordinates, no tolerance: a coverage's shared
    edges repeat the same vertices. Linear in the vertex count (one hash per vertex and a
    binary search into the sample): 0.03 s for the 216k vertices of the counties."""
    arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    if len(arr) < 2:
        return 0.0
    xy, owner = shapely.get_coordinates(arr, return_index=True)
    bits = np.ascontiguousarray(xy, dtype=np.float64).view(np.uint64)
    keys = bits[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ bits[:, 1]
    if len(keys) > sample:
        pick = np.random.default_rng(0).choice(len(keys), sample, replace=False)
        wanted = np.unique(keys[pick])
        pos = np.searchsorted(wanted, keys).clip(max=len(wanted) - 1)
        hit = wanted[pos] == keys
        keys, owner = keys[hit], owner[hit]
    else:
        wanted = np.unique(keys)
    order = np.lexsort((owner, keys))
    keys, owner = keys[order], owner[order]
    new_pair = np.ones(len(keys), bool)           # first of each distinct (vertex, geometry)
    new_pair[1:] = (keys[1:] != keys[:-1]) | (owner[1:] != owner[:-1])
    keys = keys[new_pair]
    again = keys[1:] == keys[:-1]                 # the same vertex on a second geometry
    return len(np.unique(keys[1:][again])) / len(wanted)


def is_coverage(arr: np.ndarray) -> bool:
    """Whether polygons share edges (boundaries, parcels, Voronoi cells): then
    ``simplify_coverage`` keeps the shared edges shared. Not for shapes drawn one by one:
    there it is slow (10.8 s for one 2M-vertex polygon, ``simplify`` 1.3 s) and gains
    nothing."""
    return shared_vertex_share(arr) >= COVERAGE_SHARE


def _ring_counts(arr: np.ndarray) -> np.ndarray:
    """Rings per polygon or multipolygon (only multipolygons are taken apart: get_parts
    copies, 0.24 s for one 2M-vertex polygon on a loaded machine)."""
    out = 1 + shapely.get_num_interior_rings(arr)        # 0 for a multipolygon
    multi = np.flatnonzero(shapely.get_type_id(arr) == 6)
    if len(multi):
        parts, owner = shapely.get_parts(arr[multi], return_index=True)
        rings = 1 + shapely.get_num_interior_rings(parts)
        out[multi] = np.bincount(owner, weights=rings, minlength=len(multi)).astype(out.dtype)
    return out


def simplify_polygons(arr: np.ndarray, tolerance: float) -> np.ndarray:
    """``shapely.simplify(arr, tolerance, preserve_topology=True)``, quicker: Douglas-Peucker
    first (0.15 s against 1.45 s for one 2M-vertex polygon), kept where it is valid and kept
    every part and ring (where nothing conflicted it is the same outline, vertex for vertex);
    the topology-preserving simplifier for the rest (a hole it dropped, a ring it crossed)."""
    out = shapely.simplify(arr, tolerance, preserve_topology=False)
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    bad = present & (shapely.is_missing(out) | shapely.is_empty(out))
    ok = present & ~bad
    if ok.any():
        idx = np.flatnonzero(ok)
        fine = shapely.is_valid(out[idx]) & (
            shapely.get_num_geometries(out[idx]) == shapely.get_num_geometries(arr[idx]))
        fine[fine] &= (_ring_counts(out[idx[fine]]) == _ring_counts(arr[idx[fine]]))
        bad[idx[~fine]] = True
    if bad.any():
        out[bad] = shapely.simplify(arr[bad], tolerance, preserve_topology=True)
    return out


def packed_or_geojson(geoms: gpd.GeoSeries, ndigits: int) -> tuple[list, int | None]:
    """(geometries, scale): packed polygons and their scale, else GeoJSON and None."""
    packed = pack_polygons(geoms, ndigits)
    if packed is not None:
        return packed, 10 ** ndigits
    return to_feature_geometries(geoms, ndigits), None


def to_feature_geometries(geoms: gpd.GeoSeries, ndigits: int) -> list[dict | None]:
    """GeoJSON geometry mappings with coordinates rounded to ``ndigits``."""
    arr = shapely.transform(np.asarray(geoms.values, dtype=object),
                            lambda c: np.round(c, ndigits))
    return [None if g is None or shapely.is_empty(g) else json.loads(shapely.to_geojson(g))
            for g in arr]


def pack_polygons(geoms: gpd.GeoSeries, ndigits: int) -> list | None:
    """Polygonal geometries in a compact form the page decodes (resources/web/jjj.js):
    per geometry a list of polygons, each a list of rings, each ring the flat integer
    deltas ``[x0, y0, dx1, dy1, ...]`` of its coordinates times ``10**ndigits``, without the
    closing vertex. About a third of the GeoJSON text, and quicker to write and to parse.
    None (use GeoJSON) unless every geometry is a polygon, a multipolygon or empty.
    """
    arr = np.asarray(geoms.values, dtype=object)
    missing = shapely.is_missing(arr) | shapely.is_empty(arr)
    types = set(shapely.get_type_id(arr[~missing]).tolist())
    if not types <= {3, 6}:
        return None
    out: list = [None] * len(arr)
    present = np.flatnonzero(~missing)
    if not len(present):
        return out
    parts, owner = shapely.get_parts(arr[present], return_index=True)
    multi = shapely.multipolygons(parts, indices=owner)
    _, coords, (ring_off, poly_off, geom_off) = shapely.to_ragged_array(multi)
    q = np.round(coords * 10.0 ** ndigits).astype(np.int64)
    starts, ends = ring_off[:-1], ring_off[1:] - 1          # drop each ring's closing vertex
    keep = np.ones(len(q), bool)
    keep[ends] = False
    first = np.zeros(len(q), bool)
    first[starts] = True
    delta = np.diff(q, axis=0, prepend=q[:1])
    delta[first] = q[first]
    flat = delta[keep].ravel().tolist()
    lengths = (ends - starts) * 2
    new_off = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    rings = [flat[new_off[i]:new_off[i + 1]] for i in range(len(starts))]
    polys = [rings[poly_off[i]:poly_off[i + 1]] for i in range(len(poly_off) - 1)]
    for k, pos in enumerate(present):
        out[pos] = polys[geom_off[k]:geom_off[k + 1]]
    return out


def lonlat_arrays(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Point coordinates (representative point for other shapes)."""
    arr = np.asarray(geoms.values, dtype=object)
    pts = arr.copy()
    not_point = shapely.get_type_id(arr) != 0
    if not_point.any():
        pts[not_point] = shapely.point_on_surface(arr[not_point])
    return shapely.get_x(pts), shapely.get_y(pts)


_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


def layer_features(layer, gcj02: bool = False, wgs84: bool = False):
    """The features of ``layer`` that pass its filter, for a builder: (attribute table, row
    positions in the layer, lon, lat, geometry types); lon/lat (None unless all are points)
    on the GCJ-02 basemap's datum when ``gcj02``, and with ``wgs84`` also as read, as
    (lon, lat, wgs84 lon, wgs84 lat). For a layer of points as arrays (``Layer.points``) the
    arrays themselves: no shapely Point is made to draw it. The table of a GeoDataFrame layer
    is the filtered GeoDataFrame."""
    pts = layer.points
    if pts is not None:
        keep = layer.kept_rows()
        if keep is None:
            table, rows, lon, lat = pts.frame, np.arange(len(pts)), pts.x, pts.y
        else:
            table, rows, lon, lat = (pts.frame.iloc[keep], keep.astype(np.int64),
                                     pts.x[keep], pts.y[keep])
        types = {"Point"}
    else:
        table = layer.filtered()
        whole = layer.gdf
        rows = whole.index.get_indexer(table.index).astype(np.int64) \
            if len(table) != len(whole) else np.arange(len(table))
        types = geom_types(table.geometry) if len(table) else {"Point"}
        lon = lat = None
        if types <= {"Point"}:
            lon, lat = lonlat_arrays(table.geometry)
    dlon, dlat = lon, lat
    if gcj02 and lon is not None:
        from jjjmap.geo.datum import wgs84_to_gcj02
        dlon, dlat = (np.asarray(v, dtype=float) for v in wgs84_to_gcj02(lon, lat))
    if wgs84:
        return table, rows, (dlon, dlat, lon, lat), types
    return table, rows, dlon, dlat, types


def layer_types(layer) -> set[str]:
    """The geometry type names of a layer; a layer of points as arrays (``Layer.points``)
    is points without looking."""
    if layer.points is not None:
        return {"Point"} if layer.feature_count else set()
    return geom_types(layer.gdf.geometry)


def geom_types(geoms) -> set[str]:
    """The geometry type names present (missing ones left out), as ``set(geom_type.dropna())``
    but from ``get_type_id``: no string per row (1.5 s at 3M points)."""
    ids = shapely.get_type_id(np.asarray(getattr(geoms, "values", geoms), dtype=object))
    return {_TYPE_NAMES[int(i)] for i in np.unique(ids) if i >= 0}
