"""Geometry for display: simplification that keeps shared borders shared, compact GeoJSON.

``simplify_coverage`` (GEOS 3.12+) simplifies a polygon coverage as a whole, so the edge two
counties share is simplified once and stays shared: no slivers or gaps between neighbours,
unlike per-polygon ``simplify``. Results are cached per (layer data, tolerance).
"""
from __future__ import annotations

import json
from collections import OrderedDict

import geopandas as gpd
import numpy as np
import shapely

from .common import pixel_degrees

_CACHE: "OrderedDict[tuple, gpd.GeoSeries]" = OrderedDict()
_CACHE_SIZE = 32


def display_tolerance(zoom: float) -> float:
    """About one screen pixel at the initial zoom (half a pixel: one zoom step of headroom)."""
    return pixel_degrees(zoom) * 0.5


def decimals_for(tolerance: float) -> int:
    """Enough decimals that rounding moves a vertex by under a tenth of the tolerance."""
    if tolerance <= 0:
        return 6
    return int(min(7, max(3, np.ceil(-np.log10(tolerance / 10)))))


def _key(gdf: gpd.GeoDataFrame, tolerance: float) -> tuple:
    """A content fingerprint: the catalog hands out fresh copies of the same boundaries
    for every document, so object identity would miss the cache on every re-render."""
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    coords = shapely.get_coordinates(geoms)
    weights = np.arange(1, len(coords) + 1, dtype=float)   # order-sensitive
    return (len(gdf), len(coords), float(coords.sum()) if len(coords) else 0.0,
            float(coords[:, 0] @ weights) if len(coords) else 0.0,
            tuple(shapely.get_num_coordinates(geoms)[:64]), round(tolerance, 12))


def simplified(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoSeries:
    """The layer's geometries simplified for display; polygon coverages keep shared edges."""
    if tolerance <= 0 or gdf.empty:
        return gdf.geometry
    key = _key(gdf, tolerance)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    geoms = gdf.geometry
    types = set(geoms.geom_type.dropna())
    if types <= {"Polygon", "MultiPolygon"}:
        try:
            out = geoms.simplify_coverage(tolerance)
        except Exception:  # not a valid coverage (overlaps): fall back per polygon
            out = geoms.simplify(tolerance, preserve_topology=True)
    elif types <= {"LineString", "MultiLineString", "Polygon", "MultiPolygon"}:
        out = geoms.simplify(tolerance, preserve_topology=True)
    else:
        out = geoms
    _CACHE[key] = out
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out


def to_feature_geometries(geoms: gpd.GeoSeries, ndigits: int) -> list[dict | None]:
    """GeoJSON geometry mappings with coordinates rounded to ``ndigits``."""
    arr = shapely.transform(np.asarray(geoms.values, dtype=object),
                            lambda c: np.round(c, ndigits))
    return [None if g is None or shapely.is_empty(g) else json.loads(shapely.to_geojson(g))
            for g in arr]


def lonlat_arrays(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Point coordinates (representative point for other shapes)."""
    arr = np.asarray(geoms.values, dtype=object)
    pts = arr.copy()
    not_point = shapely.get_type_id(arr) != 0
    if not_point.any():
        pts[not_point] = shapely.point_on_surface(arr[not_point])
    return shapely.get_x(pts), shapely.get_y(pts)
