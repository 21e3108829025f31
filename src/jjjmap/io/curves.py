"""Geometry types GEOS cannot hold, turned into ones it can, the way GDAL would.

Curves (CIRCULARSTRING, COMPOUNDCURVE, CURVEPOLYGON, MULTICURVE, MULTISURFACE) are linearised
with GDAL's default step of 4 degrees of arc; surfaces made of patches (TIN, TRIANGLE,
POLYHEDRALSURFACE, and the GeometryCollection Z of TINs that GDAL reads a Shapefile
MultiPatch as) become polygons and multipolygons. Heights and measures are dropped: the map
is 2-D. The input is WKB (from GDAL) or WKT (from a table's text column).
"""
from __future__ import annotations

import math
import re
import struct

from shapely.geometry import (GeometryCollection, LineString, MultiLineString, MultiPoint,
                              MultiPolygon, Point, Polygon)

ARC_STEP_DEG = 4.0   # GDAL's OGR_ARC_STEPSIZE default

_NAMES = {1: "POINT", 2: "LINESTRING", 3: "POLYGON", 4: "MULTIPOINT", 5: "MULTILINESTRING",
          6: "MULTIPOLYGON", 7: "GEOMETRYCOLLECTION", 8: "CIRCULARSTRING", 9: "COMPOUNDCURVE",
          10: "CURVEPOLYGON", 11: "MULTICURVE", 12: "MULTISURFACE", 15: "POLYHEDRALSURFACE",
          16: "TIN", 17: "TRIANGLE"}
_COORDS = {"POINT", "LINESTRING", "CIRCULARSTRING"}     # a list of positions
_RINGS = {"POLYGON", "TRIANGLE"}                         # a list of rings of positions


class Unsupported(ValueError):
    """Not a geometry this module can read."""


# -- reading ---------------------------------------------------------------------------------
def parse_wkb(data: bytes):
    """(name, body) for ISO WKB or EWKB; body is positions, rings, or child nodes."""
    node, _ = _wkb(memoryview(bytes(data)), 0)
    return node


def _wkb(buf, pos):
    order = "<" if buf[pos] == 1 else ">"
    (raw,) = struct.unpack_from(order + "I", buf, pos + 1)
    pos += 5
    dims = 2 + bool(raw & 0x80000000) + bool(raw & 0x40000000)
    if raw & 0x20000000:
        pos += 4   # EWKB SRID
    base = raw & 0x0FFFFFFF
    dims += {1: 1, 2: 1, 3: 2}.get(base // 1000, 0)
    name = _NAMES.get(base % 1000)
    if name is None:
        raise Unsupported(f"WKB geometry type {base}")
    point = struct.Struct(order + "d" * dims)

    def positions(count, at):
        out = []
        for _ in range(count):
            out.append(point.unpack_from(buf, at)[:2])
            at += point.size
        return out, at

    if name == "POINT":
        coords, pos = positions(1, pos)
        return (name, [] if any(math.isnan(c) for c in coords[0]) else coords), pos
    (count,) = struct.unpack_from(order + "I", buf, pos)
    pos += 4
    if name in _COORDS:
        coords, pos = positions(count, pos)
        return (name, coords), pos
    if name in _RINGS:
        rings = []
        for _ in range(count):
            (n,) = struct.unpack_from(order + "I", buf, pos)
            ring, pos = positions(n, pos + 4)
            rings.append(ring)
        return (name, rings), pos
    children = []
    for _ in range(count):
        child, pos = _wkb(buf, pos)
        children.append(child)
    return (name, children), pos


_TOKEN = re.compile(r"\s*(?:([A-Za-z]+)|(\()|(\))|(,)|([-+0-9.eE]+|nan|NaN))")


def parse_wkt(text: str):
    """(name, body) for WKT of any of the types above (Z/M/ZM allowed)."""
    tokens = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported("not WKT")
        tokens.append(m.group(0).strip())
        pos = m.end()
    node, at = _wkt(tokens, 0)
    if at != len(tokens):
        raise Unsupported("trailing text after the WKT geometry")
    return node


def _wkt(tokens, i, name=None):
    if name is None:
        name = tokens[i].upper()
        i += 1
        if name not in _NAMES.values():
            raise Unsupported(f"WKT type {name}")
        if i < len(tokens) and tokens[i].upper() in ("Z", "M", "ZM"):
            i += 1
    if i < len(tokens) and tokens[i].upper() == "EMPTY":
        return (name, []), i + 1
    if tokens[i] != "(":
        raise Unsupported("expected '('")
    i += 1
    body = []
    while True:
        if name in _COORDS or name == "MULTIPOINT" and tokens[i] != "(":
            nums = []
            while tokens[i] not in (",", ")"):
                nums.append(float(tokens[i]))
                i += 1
            if len(nums) < 2:
                raise Unsupported("a position needs x and y")
            body.append(tuple(nums[:2]))
            item = None
        elif name in _RINGS:
            (_, ring), i = _wkt(tokens, i, "LINESTRING")
            body.append(ring)
            item = None
        elif tokens[i] == "(":
            # an unnamed member: a linestring in COMPOUNDCURVE/MULTICURVE/MULTILINESTRING, a
            # ring in CURVEPOLYGON, a polygon in MULTIPOLYGON/MULTISURFACE/TIN/POLYHEDRAL...
            implied = {"MULTIPOINT": "POINT", "MULTIPOLYGON": "POLYGON",
                       "MULTISURFACE": "POLYGON", "POLYHEDRALSURFACE": "POLYGON",
                       "TIN": "TRIANGLE"}.get(name, "LINESTRING")
            item, i = _wkt(tokens, i, implied)
        else:
            item, i = _wkt(tokens, i)
        if item is not None:
            body.append(item)
        if tokens[i] == ",":
            i += 1
            continue
        if tokens[i] == ")":
            return (name, body), i + 1
        raise Unsupported("expected ',' or ')'")


# -- linearising -----------------------------------------------------------------------------
def _arc(p0, p1, p2, step=math.radians(ARC_STEP_DEG)):
    """Positions along the circular arc from p0 through p1 to p2 (p0 excluded, p2 included)."""
    (x0, y0), (x1, y1), (x2, y2) = p0, p1, p2
    d = 2 * (x0 * (y1 - y2) + x1 * (y2 - y0) + x2 * (y0 - y1))
    if abs(d) < 1e-12 * max(1.0, abs(x0) + abs(y0)) ** 2:
        return [p1, p2]   # collinear: two straight pieces
    ux = ((x0 ** 2 + y0 ** 2) * (y1 - y2) + (x1 ** 2 + y1 ** 2) * (y2 - y0)
          + (x2 ** 2 + y2 ** 2) * (y0 - y1)) / d
    uy = ((x0 ** 2 + y0 ** 2) * (x2 - x1) + (x1 ** 2 + y1 ** 2) * (x0 - x2)
          + (x2 ** 2 + y2 ** 2) * (x1 - x0)) / d
    r = math.hypot(x0 - ux, y0 - uy)
    a0, a1, a2 = (math.atan2(y - uy, x - ux) for x, y in (p0, p1, p2))
    ccw = (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1) > 0
    if ccw:
        sweep = (a2 - a0) % math.tau or math.tau
    else:
        sweep = -((a0 - a2) % math.tau or math.tau)
    if p0 == p2:    # a full circle through p1
        sweep = math.tau if ccw else -math.tau
    n = max(2, math.ceil(abs(sweep) / step))
    out = [(ux + r * math.cos(a0 + sweep * k / n), uy + r * math.sin(a0 + sweep * k / n))
           for k in range(1, n)]
    return out + [p2]


def _curve_positions(node) -> list:
    name, body = node
    if name == "LINESTRING":
        return list(body)
    if name == "CIRCULARSTRING":
        if len(body) < 3:
            return list(body)
        out = [body[0]]
        for i in range(0, len(body) - 2, 2):
            out.extend(_arc(body[i], body[i + 1], body[i + 2]))
        return out
    if name == "COMPOUNDCURVE":
        out: list = []
        for child in body:
            part = _curve_positions(child)
            out.extend(part[1:] if out and part and part[0] == out[-1] else part)
        return out
    raise Unsupported(f"{name} is not a curve")


def _ring(node_or_positions) -> list:
    ring = (list(node_or_positions) if isinstance(node_or_positions, list)
            else _curve_positions(node_or_positions))
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def _polygons(node) -> list[Polygon]:
    """Every polygon a surface node stands for."""
    name, body = node
    if name in ("POLYGON", "TRIANGLE"):
        return [Polygon(_ring(body[0]), [_ring(r) for r in body[1:]])] if body else []
    if name == "CURVEPOLYGON":
        return [Polygon(_ring(body[0]), [_ring(r) for r in body[1:]])] if body else []
    if name in ("MULTIPOLYGON", "MULTISURFACE", "POLYHEDRALSURFACE", "TIN",
                "GEOMETRYCOLLECTION"):
        return [p for child in body for p in _polygons(child)]
    raise Unsupported(f"{name} is not a surface")


def to_shapely(node):
    """A shapely geometry for the node, linear and 2-D."""
    name, body = node
    if name == "POINT":
        return Point(body[0]) if body else Point()
    if name in ("LINESTRING", "CIRCULARSTRING", "COMPOUNDCURVE"):
        return LineString(_curve_positions(node)) if body else LineString()
    if name in ("POLYGON", "TRIANGLE", "CURVEPOLYGON"):
        parts = _polygons(node)
        return parts[0] if parts else Polygon()
    if name in ("MULTIPOLYGON", "MULTISURFACE", "POLYHEDRALSURFACE", "TIN"):
        return MultiPolygon(_polygons(node))
    if name == "MULTIPOINT":
        return MultiPoint([to_shapely(c) for c in body])
    if name in ("MULTILINESTRING", "MULTICURVE"):
        return MultiLineString([_curve_positions(c) for c in body])
    if name == "GEOMETRYCOLLECTION":
        parts = [to_shapely(c) for c in body]
        # a MultiPatch (a collection of TINs and polygons) is one surface
        if parts and all(p.geom_type in ("Polygon", "MultiPolygon") for p in parts):
            return MultiPolygon([q for p in parts for q in getattr(p, "geoms", [p])])
        return GeometryCollection(parts)
    raise Unsupported(name)


def from_wkb_any(values) -> tuple[list, int]:
    """shapely geometries for WKB values that shapely could not read; (geometries, how
    many were curves or surfaces made linear). Unreadable values stay None."""
    out, converted = [], 0
    for value in values:
        try:
            out.append(to_shapely(parse_wkb(value)))
            converted += 1
        except (Unsupported, struct.error, IndexError, ValueError, TypeError):
            out.append(None)
    return out, converted


def from_wkt_any(values) -> tuple[list, int]:
    out, converted = [], 0
    for value in values:
        try:
            out.append(to_shapely(parse_wkt(str(value))))
            converted += 1
        except (Unsupported, IndexError, ValueError, TypeError):
            out.append(None)
    return out, converted
