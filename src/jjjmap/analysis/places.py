"""What a question is asked about: a place (a built-in feature found by name, ``LON,LAT``, a
file) and a layer (a built-in name or a file).

A Place keeps the ``spec`` it was made from, so a ring layer saved in a project records the
question (place + distances) and is recomputed when the project opens.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from .errors import AnalysisError

# Names of the built-in layers on the command line -> catalog keys.
LAYER_NAMES = {"clusters": "sector_clusters", "institutions": "relocated_institutions",
               "counties": "counties", "prefectures": "prefectures", "provinces": "provinces",
               "xiongan": "xiongan", "sector_clusters": "sector_clusters",
               "relocated_institutions": "relocated_institutions"}

_LONLAT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[,，]\s*([+-]?\d+(?:\.\d+)?)\s*$")


@dataclass
class Place:
    name: str                   # how messages and ring labels name it
    geometry: BaseGeometry      # WGS-84, valid, not empty
    spec: dict[str, Any] = field(default_factory=dict)   # how to find it again


def valid_geometry(geom: BaseGeometry | None, what: str) -> BaseGeometry:
    """``geom`` repaired with make_valid (a drawn polygon whose edges cross becomes the
    polygons it encloses); AnalysisError if nothing is left."""
    if geom is None or geom.is_empty:
        raise AnalysisError(f"{what} has no shape to measure from")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        # a bow-tie repaired keeps its areas; stray lines from the repair are dropped
        if geom.geom_type == "GeometryCollection":
            polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            geom = shapely.union_all(polys) if polys else geom
    if geom.is_empty:
        raise AnalysisError(f"{what} has no shape left once its crossing edges are repaired")
    return geom


def union_of(geoms, what: str) -> BaseGeometry:
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        raise AnalysisError(f"{what} is empty: select or give at least one feature")
    return valid_geometry(shapely.union_all([valid_geometry(g, what) for g in geoms]), what)


def parse_lonlat(text: str) -> tuple[float, float] | None:
    match = _LONLAT.match(str(text))
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise AnalysisError(f"'{text}' is not a position: write LON,LAT in degrees "
                            f"(longitude -180..180 first, latitude -90..90), e.g. 115.904,39.048")
    return lon, lat


def point_place(lon: float, lat: float) -> Place:
    return Place(f"{lon:.4f},{lat:.4f}", shapely.Point(lon, lat),
                 {"kind": "point", "lon": float(lon), "lat": float(lat)})


def shape_place(geom: BaseGeometry, name: str) -> Place:
    """A drawn study area, a ring, a selection: the shape itself is the parameter."""
    geom = valid_geometry(geom, name)
    return Place(name, geom, {"kind": "shape", "wkt": geom.wkt, "name": name})


@functools.lru_cache(maxsize=1)
def _builtin_index():
    """The built-in map and its search index, read once per process (shapes are immutable,
    and the document is never handed out)."""
    from jjjmap import catalog
    from jjjmap.search import SearchIndex

    doc = catalog.default_document()
    return doc, SearchIndex(doc)


def search_place(text: str, doc=None) -> Place:
    """The feature the search index ranks first for ``text`` (雄安, Xiongan, Haidian, 天津市)."""
    from jjjmap.search import SearchIndex

    if doc is None:
        doc, index = _builtin_index()
    else:
        index = SearchIndex(doc)
    hits = index.find(text, limit=1)
    if not hits:
        raise AnalysisError(f"no place called '{text}' in the built-in map; give a name "
                            f"(雄安, Xiongan, Haidian, 天津市), LON,LAT or a file")
    hit = hits[0]
    layer = doc.layer(hit.layer_id)
    geom = valid_geometry(layer.gdf.geometry.iloc[hit.row], hit.label)
    spec = {"kind": "search", "text": str(text)}
    return Place(hit.label, geom, spec)


def file_place(path: str) -> Place:
    """The union of every feature in a file."""
    from jjjmap.io.readers import open_layer

    layers = open_layer(path)
    geoms = [g for lyr in layers for g in lyr.gdf.geometry]
    name = os.path.basename(str(path))
    return Place(name, union_of(geoms, name), {"kind": "file", "path": os.path.abspath(path)})


def resolve_place(text: str, doc=None) -> Place:
    """``LON,LAT``, then an existing file, then a name in the built-in search index."""
    text = str(text).strip()
    if not text:
        raise AnalysisError("say which place: a name (雄安, Xiongan), LON,LAT or a file")
    lonlat = parse_lonlat(text)
    if lonlat is not None:
        return point_place(*lonlat)
    if os.path.isfile(text):
        return file_place(text)
    return search_place(text, doc)


def place_from_spec(spec: dict, base_dir: str | None = None) -> Place:
    """Find a place again from its ``spec`` (projects). ``base_dir`` resolves a relative file."""
    kind = spec.get("kind")
    if kind == "point":
        return point_place(float(spec["lon"]), float(spec["lat"]))
    if kind == "search":
        return search_place(str(spec["text"]))
    if kind == "file":
        path = str(spec["path"])
        if base_dir and not os.path.isabs(path):
            path = os.path.join(base_dir, path)
        return file_place(path)
    if kind == "shape":
        return shape_place(shapely.from_wkt(spec["wkt"]), str(spec.get("name") or "study area"))
    raise AnalysisError(f"unknown kind of place {kind!r}")


def open_named_layer(name: str):
    """A built-in layer by its short name (clusters, institutions, counties, prefectures,
    provinces, xiongan), or the first layer of a file (``PATH::layer`` picks another)."""
    from jjjmap import catalog
    from jjjmap.io.readers import open_layer

    key = LAYER_NAMES.get(str(name).strip().lower())
    if key is not None and not os.path.exists(name):
        return catalog.load_layer(key)
    if not os.path.exists(str(name).split("::")[0]):
        raise AnalysisError(f"'{name}' is neither a built-in layer ("
                            + ", ".join(k for k in LAYER_NAMES if "_" not in k)
                            + ") nor an existing file")
    layers = open_layer(name)
    return layers[0]
