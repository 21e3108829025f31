"""Geometry for display: simplification that keeps shared borders shared, compact GeoJSON.

``simplify_coverage`` (GEOS 3.12+) simplifies a polygon coverage as a whole, so the edge two
counties share is simplified once and stays shared: no slivers or gaps between neighbours,
unlike per-polygon ``simplify``. Results are cached per (layer data, tolerance): in memory,
and on disk (``displaycache``) so that the next start of the app skips the simplification.
"""
from __future__ import annotations

import json
from collections import OrderedDict

import geopandas as gpd
import numpy as np
import shapely

from . import displaycache
from .common import pixel_degrees

_CACHE: "OrderedDict[tuple, gpd.GeoSeries]" = OrderedDict()
_CACHE_SIZE = 32


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
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        if hit.index.equals(geoms.index):
            return hit
        return gpd.GeoSeries(hit.values, index=geoms.index, crs=geoms.crs)
    stored = displaycache.load(key, len(geoms))
    if stored is not None:
        out = gpd.GeoSeries(stored, index=geoms.index, crs=geoms.crs)
    else:
        out = _simplify(geoms, tolerance)
        displaycache.store(key, np.asarray(out.values, dtype=object))
    _CACHE[key] = out
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out


def _simplify(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    types = set(geoms.geom_type.dropna())
    if types <= {"Polygon", "MultiPolygon"}:
        try:
            return geoms.simplify_coverage(tolerance)
        except Exception:  # noqa: BLE001 - not a valid coverage (overlaps): per polygon
            return geoms.simplify(tolerance, preserve_topology=True)
    if types <= {"LineString", "MultiLineString", "Polygon", "MultiPolygon"}:
        return geoms.simplify(tolerance, preserve_topology=True)
    return geoms


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


def geom_types(geoms) -> set[str]:
    """The geometry type names present (missing ones left out), as ``set(geom_type.dropna())``
    but from ``get_type_id``: no string per row (1.5 s at 3M points)."""
    ids = shapely.get_type_id(np.asarray(getattr(geoms, "values", geoms), dtype=object))
    return {_TYPE_NAMES[int(i)] for i in np.unique(ids) if i >= 0}
