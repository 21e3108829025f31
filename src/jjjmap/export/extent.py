"""Map extents for the print layout and the Python API, in WGS-84: named places and the
web-mercator maths of a view (what Leaflet's fitBounds does, without zoom snapping)."""
from __future__ import annotations

import math
import re

from jjjmap.model import MapDocument

from .errors import ExportError


class LayoutError(ExportError):
    """A print layout option the user gave cannot be used (message written for them)."""


def _bounds_of(data) -> tuple[float, float, float, float]:
    """W, S, E, N of a GeoDataFrame or a Layer."""
    w, s, e, n = (float(v) for v in data.total_bounds)
    return (w, s, e, n)


def boundary_layer(doc: MapDocument, level: str):
    """The document's boundary layer of ``level`` (province, prefecture, county, xiongan)."""
    from jjjmap.render.boundaries import level_of

    return next((lyr for lyr in doc.layers if lyr.kind == "boundary" and level_of(lyr) == level),
                None)


def resolve_extent(doc: MapDocument, extent) -> tuple[float, float, float, float]:
    """(W, S, E, N) in WGS-84 for ``region``, ``xiongan``, a province, prefecture or county
    name (Chinese, English or pinyin), ``layer:ID`` or a layer's id or title, or
    ``W,S,E,N``."""
    if extent is None:
        extent = "region"
    if isinstance(extent, (tuple, list)):
        return _check_bounds(tuple(float(v) for v in extent), str(tuple(extent)))
    text = str(extent).strip()
    if re.match(r"^[-+\d.,\s]+$", text):
        try:
            values = tuple(float(v) for v in text.split(","))
        except ValueError:
            values = ()
        if len(values) != 4:
            raise LayoutError(f"The extent {text!r} is not W,S,E,N (four numbers in degrees, "
                              "e.g. 115.4,38.5,117.6,40.3).")
        return _check_bounds(values, text)
    key = text.lower()
    if key == "region":
        layer = boundary_layer(doc, "province") or boundary_layer(doc, "prefecture")
        if layer is not None:
            return _bounds_of(layer)
        frames = [lyr for lyr in doc.layers if lyr.feature_count]
        if not frames:
            raise LayoutError("The map has no layers, so it has no region to show.")
        b = [_bounds_of(g) for g in frames]
        return (min(x[0] for x in b), min(x[1] for x in b), max(x[2] for x in b),
                max(x[3] for x in b))
    if key in ("xiongan", "xiong'an", "雄安", "雄安新区"):
        layer = boundary_layer(doc, "xiongan")
        if layer is not None and layer.feature_count:
            return _bounds_of(layer)
    name = text.removeprefix("layer:")
    for lyr in doc.layers:
        if name in (lyr.id, lyr.builtin, lyr.title_en, lyr.title_zh) and lyr.feature_count:
            return _bounds_of(lyr)
    place = _place(doc, text)
    if place is not None:
        return place
    raise LayoutError(f"Unknown extent {text!r}: use region, xiongan, a province, prefecture "
                      "or county name, a layer's name, or W,S,E,N in degrees.")


def _place(doc: MapDocument, text: str):
    """The boundary feature named ``text`` exactly (higher levels first)."""
    from jjjmap.search import fold

    def short(name: str) -> str:      # "Baoding City" and "baoding" meet
        return re.sub(r"(city|county|district|municipality|province)$", "", fold(name))

    want, folded = text.strip(), short(text)
    for level in ("province", "prefecture", "county"):
        layer = boundary_layer(doc, level)
        if layer is None:
            continue
        gdf = layer.gdf
        for column in ("name_zh", "name_en"):
            if column not in gdf.columns:
                continue
            values = gdf[column].astype(str)
            hit = values == want
            if not hit.any() and folded and column == "name_en":
                hit = values.map(short) == folded
            if not hit.any() and column == "name_zh" and len(want) >= 2:
                hit = values.str.startswith(want)   # 保定 for 保定市
            if hit.any():
                return _bounds_of(gdf[hit.to_numpy()])
    return None


def _check_bounds(b: tuple, text: str) -> tuple[float, float, float, float]:
    w, s, e, n = b
    if not all(math.isfinite(v) for v in b) or not (-180 <= w < e <= 180 and -85 <= s < n <= 85):
        raise LayoutError(f"The extent {text} is not W,S,E,N with west < east and south < north "
                          "in degrees (longitude -180..180, latitude -85..85).")
    return (w, s, e, n)


def view_bounds(lat: float, lon: float, zoom: float, width: float, height: float):
    """(W, S, E, N) of a web-mercator view of ``width`` x ``height`` CSS px (what the app's
    map window shows)."""
    cx, cy = _merc(lon, lat)
    scale = 256.0 * 2.0 ** zoom
    w, n = _unmerc(cx - width / 2 / scale, cy - height / 2 / scale)
    e, s = _unmerc(cx + width / 2 / scale, cy + height / 2 / scale)
    return (w, s, e, n)


def _merc(lon: float, lat: float) -> tuple[float, float]:
    """Web mercator in [0, 1] (y down), as Leaflet's world pixels at zoom 0 / 256."""
    lat = max(-85.0511, min(85.0511, lat))
    x = (lon + 180.0) / 360.0
    y = 0.5 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)
    return x, y


def _unmerc(x: float, y: float) -> tuple[float, float]:
    lon = x * 360.0 - 180.0
    lat = math.degrees(2 * math.atan(math.exp((0.5 - y) * 2 * math.pi)) - math.pi / 2)
    return lon, lat


def fit_view(bounds, frame: tuple[float, float], pad_left: float = 0.0,
             pad_right: float = 0.0, max_zoom: float = 18.0) -> tuple[float, float, float]:
    """(lat, lon, zoom) showing ``bounds`` whole in a frame of ``frame`` CSS px, clear of
    ``pad_left`` / ``pad_right`` px (a corner legend), as Leaflet's fitBounds with no zoom
    snapping would."""
    w, s, e, n = bounds
    x0, y1 = _merc(w, s)
    x1, y0 = _merc(e, n)
    room_w = max(20.0, frame[0] - pad_left - pad_right - 16)
    room_h = max(20.0, frame[1] - 16)
    dx, dy = max(x1 - x0, 1e-12) * 256, max(y1 - y0, 1e-12) * 256
    zoom = min(max_zoom, math.log2(min(room_w / dx, room_h / dy)))
    zoom = max(1.0, zoom)
    scale = 256.0 * 2.0 ** zoom
    cx = (x0 + x1) / 2 - (pad_left - pad_right) / 2 / scale   # the data centred in the room
    lon, lat = _unmerc(cx, (y0 + y1) / 2)
    return lat, lon, zoom
