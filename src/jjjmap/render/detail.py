"""Boundary level of detail: the page starts with the outlines its initial zoom can show, and
finer ones arrive as the user zooms in.

Level ``z`` is simplified to half a screen pixel at zoom ``z`` (``display_tolerance``), and
the page shows level ``ceil(zoom)`` (or its own initial outlines below that), so a drawn
boundary is never more than about half a pixel off its source from the initial zoom to
``MAX_LEVEL``. The app fetches levels on demand from its URL scheme
(``detail/<layer>/<z>.json``, see ``level_json``); the self-contained export embeds one
finer level (``EMBED_STEP`` zooms deeper) to stay small; the light export carries none.
"""
from __future__ import annotations

import json
import math
from urllib.parse import quote

from jjjmap.model import Layer

from .geometry import decimals_for, display_tolerance, packed_or_geojson, simplified

MAX_LEVEL = 14
EMBED_STEP = 2


def row_positions(layer: Layer, gdf) -> list[int]:
    """Positions in ``layer.gdf`` of the rows of ``gdf`` (a filtered view of it)."""
    if len(gdf) == len(layer.gdf):
        return list(range(len(gdf)))
    return [layer.gdf.index.get_loc(i) for i in gdf.index]


def level_of_zoom(zoom: float) -> int:
    return max(0, math.ceil(zoom - 1e-9))


def level_geometries(layer: Layer, level: int, shift=None) -> dict:
    """``{"rows": [...], "geoms": [...], "scale": n}``: the layer's outlines at ``level``, by
    row; packed (``geometry.pack_polygons``) with their scale, or GeoJSON with scale null."""
    gdf = layer.filtered()
    tolerance = display_tolerance(min(level, MAX_LEVEL))
    geoms = simplified(gdf, tolerance)
    if shift is not None:
        geoms = shift(geoms)
    coords, scale = packed_or_geojson(geoms, decimals_for(tolerance))
    pairs = [(r, g) for r, g in zip(row_positions(layer, gdf), coords) if g is not None]
    return {"rows": [r for r, _ in pairs], "geoms": [g for _, g in pairs], "scale": scale}


def level_json(layer: Layer, level: int, shift=None) -> bytes:
    return json.dumps(level_geometries(layer, level, shift), separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def page_spec(layer: Layer, zoom: float, mode: str | None, shift=None,
              datum: str = "wgs84") -> dict | None:
    """What the page needs to get finer outlines: ``mode`` "fetch" (the app), "embed" (the
    self-contained export) or anything else for none."""
    first = level_of_zoom(zoom) if level_of_zoom(zoom) > zoom else level_of_zoom(zoom) + 1
    if first > MAX_LEVEL:
        return None
    spec = {"base": zoom, "max": MAX_LEVEL}
    if mode == "fetch":
        spec["url"] = f"detail/{quote(layer.id, safe='')}/{{z}}.json?datum={quote(datum)}"
    elif mode == "embed":
        level = min(MAX_LEVEL, level_of_zoom(zoom) + EMBED_STEP)
        spec["levels"] = {str(level): level_geometries(layer, level, shift)}
    else:
        return None
    return spec
