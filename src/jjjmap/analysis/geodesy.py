"""Distances on the WGS-84 ellipsoid, and the local projection used to buffer around a shape.

Everything the analysis tools measure goes through here: pyproj.Geod for point-to-point
distances (Karney's algorithm, nanometre-exact), and an azimuthal equidistant projection
centred on the shape for buffers and nearest points, whose distances from the centre are
true. Never degrees: a degree of longitude is 85 km at Beijing's latitude, 111 km of latitude.
"""
from __future__ import annotations

import re

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from .errors import AnalysisError

GEOD = pyproj.Geod(ellps="WGS84")
# A ring wider than this is no longer a question about this region: a geodesic circle of
# 20,000 km is the whole Earth, and local projections break down long before.
MAX_DISTANCE_KM = 5000.0

_DISTANCE = re.compile(r"^\s*([+-]?\d+(?:\.\d*)?|[+-]?\.\d+)\s*(km|m|公里|千米|米)?\s*$",
                       re.IGNORECASE)


def parse_distance(text, default_unit: str = "km") -> float:
    """'50km', '50 km', '500m', '50' (km), 50 -> kilometres; AnalysisError if not sensible."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        km = float(text) if default_unit == "km" else float(text) / 1000.0
        return check_distance(km, str(text))
    match = _DISTANCE.match(str(text))
    if not match:
        raise AnalysisError(f"'{text}' is not a distance; write it like 50km or 500m")
    value, unit = float(match.group(1)), (match.group(2) or default_unit).lower()
    km = value / 1000.0 if unit in ("m", "米") else value
    return check_distance(km, str(text).strip())


def parse_distances(text) -> list[float]:
    """'30,50,100km' -> [30, 50, 100]: a unit written once applies to every number before it."""
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not parts:
        raise AnalysisError("no distance given; write them like 30,50,100km")
    unit = "km"
    last = _DISTANCE.match(parts[-1])
    if last and last.group(2):
        unit = last.group(2)
    out = [parse_distance(p, default_unit="m" if unit.lower() in ("m", "米") else "km")
           for p in parts]
    return sorted(set(out))


def check_distance(km: float, shown: str | None = None) -> float:
    shown = shown or f"{km:g} km"
    if not np.isfinite(km):
        raise AnalysisError(f"'{shown}' is not a distance")
    if km <= 0:
        raise AnalysisError(f"the distance must be more than 0 (got {shown})")
    if km > MAX_DISTANCE_KM:
        raise AnalysisError(f"{shown} is too far for a ring or a search on this map "
                            f"(at most {MAX_DISTANCE_KM:,.0f} km)")
    return float(km)


def km_label(km: float) -> str:
    """50.0 -> '50 km', 2.5 -> '2.5 km', 0.5 -> '500 m'."""
    if km < 1:
        return f"{km * 1000:g} m"
    return f"{km:g} km"


def aeqd(lon: float, lat: float) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    """(WGS-84 -> local, local -> WGS-84) for an azimuthal equidistant projection in metres
    centred on (lon, lat)."""
    local = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat:.10f} +lon_0={lon:.10f} "
                                  "+ellps=WGS84 +units=m +no_defs")
    wgs84 = pyproj.CRS.from_epsg(4326)
    return (pyproj.Transformer.from_crs(wgs84, local, always_xy=True),
            pyproj.Transformer.from_crs(local, wgs84, always_xy=True))


def centre_of(geom: BaseGeometry) -> tuple[float, float]:
    """A point to centre a local projection on: the centroid of the shape's bounding box
    is enough (the projection is only near-true away from its centre, and this keeps every
    part of a compact shape close to it)."""
    west, south, east, north = geom.bounds
    return (west + east) / 2.0, (south + north) / 2.0


def to_local(geoms, fwd: pyproj.Transformer):
    return shapely.transform(geoms, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))


def to_wgs84(geoms, inv: pyproj.Transformer):
    return to_local(geoms, inv)


def geodesic_circle(lon: float, lat: float, radius_km: float, n: int = 256) -> shapely.Polygon:
    """The geodesic circle of ``radius_km`` around a point, as a polygon of ``n`` vertices each
    exactly that far (on the ellipsoid) from the centre."""
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_km * 1000.0))
    return shapely.Polygon(np.column_stack([lons, lats]))


def distances_km(geoms, target: BaseGeometry) -> np.ndarray:
    """Geodesic distance (km) from each geometry to ``target``; 0 where they touch or overlap.

    Points to a point: pyproj.Geod directly. Otherwise the two nearest points are found in an
    azimuthal equidistant projection centred on the target and their distance is then measured
    on the ellipsoid, so the figure is a true geodesic distance between those two points.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), np.nan)
    if target is None or target.is_empty or len(geoms) == 0:
        return out
    valid = np.array([g is not None and not g.is_empty for g in geoms])
    if not valid.any():
        return out
    g = geoms[valid]
    if target.geom_type == "Point" and all(x.geom_type == "Point" for x in g):
        lon = shapely.get_x(g)
        lat = shapely.get_y(g)
        _, _, d = GEOD.inv(lon, lat, np.full(len(g), target.x), np.full(len(g), target.y))
        out[valid] = np.asarray(d) / 1000.0
        return out
    fwd, inv = aeqd(*centre_of(target))
    local_t = to_local(target, fwd)
    local_g = to_local(g, fwd)
    touching = shapely.intersects(local_g, local_t)
    lines = shapely.shortest_line(local_g, local_t)
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    lon1, lat1 = inv.transform(coords[:, 0, 0], coords[:, 0, 1])
    lon2, lat2 = inv.transform(coords[:, 1, 0], coords[:, 1, 1])
    _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    d = np.asarray(d, dtype=float) / 1000.0
    d[touching] = 0.0
    out[valid] = d
    return out


def buffer_km(geom: BaseGeometry, km: float) -> BaseGeometry:
    """``geom`` grown by ``km`` on the ellipsoid (a geodesic circle for a point)."""
    if geom.geom_type == "Point":
        return geodesic_circle(geom.x, geom.y, km)
    fwd, inv = aeqd(*centre_of(geom))
    grown = to_local(geom, fwd).buffer(km * 1000.0, quad_segs=64)
    return shapely.make_valid(to_wgs84(grown, inv))


def area_km2(geom: BaseGeometry) -> float:
    """Area on the ellipsoid (pyproj.Geod), km²."""
    area, _ = GEOD.geometry_area_perimeter(shapely.geometry.polygon.orient(geom) if
                                           geom.geom_type == "Polygon" else geom)
    return abs(area) / 1e6
