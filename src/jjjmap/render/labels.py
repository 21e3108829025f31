"""Where a feature's label may go, worked out once in Python for the page's label engine
(resources/web/jjj-labels.js), which places the labels after every move.

A polygon's label goes at the centre of its largest inscribed circle (the pole of
inaccessibility: the point deepest inside, where a name reads as belonging to that polygon),
and the circle's radius says how far the label may move to get clear of a marker and how
big a label fits inside. Both are worked out in web-mercator metres because the screen is
web-mercator: a circle there is a circle on screen at every zoom, so the radius becomes
pixels by one factor per zoom (``radius_px0``: pixels at zoom 0). This is a drawing aid, not
a measurement shown to anyone; the ranking area is the mercator area scaled back by the
local scale factor (cos² of the latitude), close enough to order labels by size.
"""
from __future__ import annotations

import functools
import re

import numpy as np
import shapely

CIRCLES_UP_TO = 5000   # polygons; above, a point on the surface (20k circles take 3 s)
EARTH_RADIUS = 6378137.0                        # web-mercator sphere (EPSG:3857)
PX0_PER_METRE = 256.0 / (2 * np.pi * EARTH_RADIUS)   # pixels per mercator metre at zoom 0


def _to_mercator(xy: np.ndarray) -> np.ndarray:
    lon, lat = xy[:, 0], np.clip(xy[:, 1], -85.0511, 85.0511)
    return np.column_stack([np.radians(lon) * EARTH_RADIUS,
                            np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS])


def _to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (np.degrees(x / EARTH_RADIUS),
            np.degrees(2 * np.arctan(np.exp(y / EARTH_RADIUS)) - np.pi / 2))


def anchors(geoms) -> list[dict | None]:
    """Per geometry (WGS-84, or the basemap's datum if shifted): ``{"lp": [lat, lon],
    "r": radius_px0, "a": rank area km²}`` or None for an empty one. Lines get their middle
    point and radius 0, points themselves."""
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    out: list[dict | None] = [None] * len(values)
    if not len(values):
        return out
    merc = shapely.transform(values, _to_mercator)
    kinds = shapely.get_type_id(merc)
    empty = shapely.is_empty(merc) | shapely.is_missing(merc)
    polys = np.flatnonzero(((kinds == 3) | (kinds == 6)) & ~empty)
    lines = np.flatnonzero(((kinds == 1) | (kinds == 2) | (kinds == 5)) & ~empty)
    points = np.flatnonzero(((kinds == 0) | (kinds == 4)) & ~empty)
    if len(polys):
        shapes = merc[polys]
        bad = ~shapely.is_valid(shapes)
        if bad.any():
            shapes[bad] = shapely.make_valid(shapes[bad])
        if len(polys) <= CIRCLES_UP_TO:
            b = shapely.bounds(shapes)   # a 100th of the size: radii within 4%, 2x faster
            circles = shapely.maximum_inscribed_circle(
                shapes, np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) / 100)
            centre = shapely.get_point(circles, 0)
            radius = shapely.length(circles)
        else:   # the label stays on its point (radius 0: the page moves it only a line)
            centre = shapely.point_on_surface(shapes)
            radius = np.zeros(len(polys))
        cx, cy = shapely.get_x(centre), shapely.get_y(centre)
        lon, lat = _to_lonlat(cx, cy)
        area = shapely.area(shapes) * np.cos(np.radians(lat)) ** 2 / 1e6
        for k, i in enumerate(polys):
            if np.isfinite(lon[k]) and np.isfinite(lat[k]):
                out[i] = {"lp": [round(float(lat[k]), 5), round(float(lon[k]), 5)],
                          "r": round(float(radius[k] * PX0_PER_METRE), 6),
                          "a": round(float(area[k]), 3)}
    if len(lines):
        mid = shapely.line_interpolate_point(merc[lines], 0.5, normalized=True)
        lon, lat = _to_lonlat(shapely.get_x(mid), shapely.get_y(mid))
        length = shapely.length(merc[lines]) * np.cos(np.radians(lat)) / 1e3
        for k, i in enumerate(lines):
            out[i] = {"lp": [round(float(lat[k]), 5), round(float(lon[k]), 5)], "r": 0.0,
                      "a": round(float(length[k]), 3)}
    if len(points):
        c = shapely.centroid(values[points])
        for k, i in enumerate(points):
            out[i] = {"lp": [round(float(shapely.get_y(c[k])), 5),
                             round(float(shapely.get_x(c[k])), 5)], "r": 0.0, "a": 0.0}
    return out


_AUTONOMOUS = re.compile(r"\s+(?:[A-Z][a-z]+\s+)(?:and\s+[A-Z][a-z]+\s+)?Autonomous County$")
_GENERIC = (" District", " County", " City", " Municipality")
_VOWELS = re.compile(r"[aeiouü]+")


def short_name(name: str, level: str = "county") -> str:
    """The name a map prints: "Zhangjiakou City" -> "Zhangjiakou", "Haidian District" ->
    "Haidian", "Fengning Manchu Autonomous County" -> "Fengning", but "Xian County" stays
    (one syllable is not a name on its own); "张家口市" -> "张家口", counties keep 区/县 in
    Chinese (海淀区, 雄县). Popups keep the full name."""
    if re.search(r"[\u3400-\u9fff]", name):
        keep = level == "county" or len(name) <= 2
        return name[:-1] if name.endswith("市") and not keep else name
    m = _AUTONOMOUS.search(name)
    if m:
        return name[: m.start()]
    for suffix in _GENERIC:
        rest = name[: -len(suffix)]
        if name.endswith(suffix) and len(_VOWELS.findall(rest.lower())) >= 2:
            # "Chengde County" is not Chengde (the city): a county keeps its word then
            return name if level == "county" and rest in _city_names() else rest
    return name


@functools.lru_cache(maxsize=1)
def _city_names() -> frozenset[str]:
    """The region's prefecture-level cities as their labels read ("Chengde")."""
    from jjjmap import catalog
    try:
        names = catalog.load_layer("prefectures").gdf["name_en"]
    except (catalog.CatalogError, OSError, KeyError):   # said elsewhere; names stay long
        return frozenset()
    return frozenset(short_name(str(n), "prefecture") for n in names)
