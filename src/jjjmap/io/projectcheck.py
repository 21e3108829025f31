"""The whole ``.jjjmap`` project checked against its schema before anything is applied.

A project is a stranger's file. A NaN or 1e308 view, an unknown basemap or a style of the
wrong types used to be accepted, after which every later render failed; other bad values
raised ValueError, TypeError or RecursionError. Here every value is checked (types, ranges,
known names, finite numbers, nesting depth, number of layers) and the first problem is a
ProjectFileError naming the file and the value, before a single layer is opened.
The format: docs/project-format.md.
"""
from __future__ import annotations

import codecs
import math
from dataclasses import fields
from typing import Any

from .errors import ProjectFileError, display_name

# Limits: a layer listed hundreds of times builds a page of hundreds of MiB. A project
# may list this many layers, and the same data (built-in key, or file + options + part)
# this many times; both are far above what a map shows usefully.
MAX_LAYERS = 100
MAX_SAME_DATA = 10
MAX_DEPTH = 12            # the format nests 5 deep (project > layers > layer > style > dict)
MAX_BYTES = 32 * 1024 * 1024
MAX_TITLE = 65_536
MAX_PATH = 4096
MAX_FILTER_VALUES = 100_000

LANGS = ("en", "zh")
DATUMS = ("wgs84", "gcj02", "bd09")
PARTS = ("points", "lines", "polygons")
DERIVED_KINDS = ("rings", "shape")              # analysis.derived
PLACE_KINDS = ("search", "point", "file", "shape")
MAX_RINGS = 20
STATS = ("count", "sum", "mean")                 # analysis.aggregate
MAX_WKT = 8 * 1024 * 1024


def _basemaps() -> tuple[str, ...]:
    from jjjmap.render.basemaps import BASEMAPS

    return tuple(BASEMAPS)


def _builtin_keys() -> tuple[str, ...]:
    from jjjmap import catalog

    return tuple(catalog.LAYER_KEYS)


def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class _Checker:
    def __init__(self, path):
        self.path = path
        self.name = display_name(path) if path is not None else "the project"

    def fail(self, what: str) -> ProjectFileError:
        return ProjectFileError(f"The project {self.name} is damaged: {what}.", self.path)

    # -- values -----------------------------------------------------------------------------
    def text(self, where: str, value: Any, limit: int = MAX_TITLE, optional: bool = True) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str):
            raise self.fail(f"{where} must be text")
        if len(value) > limit:
            raise self.fail(f"{where} is longer than {limit} characters")
        if "\x00" in value:
            raise self.fail(f"{where} holds a NUL character")

    def number(self, where: str, value: Any, lo: float, hi: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{where} must be a number")
        if not math.isfinite(value) or not lo <= value <= hi:
            raise self.fail(f"{where} must be a finite number from {lo:g} to {hi:g}, "
                            f"not {value!r}")

    def one_of(self, where: str, value: Any, allowed) -> None:
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            raise self.fail(f"{where} is {shown}; it must be one of {', '.join(allowed)}")

    # -- the document -----------------------------------------------------------------------
    def project(self, data: dict) -> None:
        if depth(data) > MAX_DEPTH:
            raise self.fail(f"it nests deeper than {MAX_DEPTH} levels")
        self.text("the title", data.get("title"))
        if "basemap" in data:
            self.one_of("the basemap", data["basemap"], _basemaps())
        if "lang" in data:
            self.one_of("the language", data["lang"], LANGS)
        if data.get("view") is not None:
            self.view(data["view"])
        layers = data.get("layers", [])
        if not isinstance(layers, list):
            raise self.fail("'layers' is not a list")
        if len(layers) > MAX_LAYERS:
            raise ProjectFileError(
                f"The project {self.name} lists {len(layers)} layers; jjjmap opens at most "
                f"{MAX_LAYERS} layers from a project.", self.path)
        seen: dict[tuple, int] = {}
        for i, entry in enumerate(layers):
            self.layer(i + 1, entry)
            key = _data_key(entry)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > MAX_SAME_DATA:
                raise ProjectFileError(
                    f"The project {self.name} lists the same data ({_describe(entry)}) more "
                    f"than {MAX_SAME_DATA} times; jjjmap opens one data set at most "
                    f"{MAX_SAME_DATA} times from a project.", self.path)

    def view(self, view: Any) -> None:
        if not isinstance(view, dict):
            raise self.fail("the view must be an object of lat, lon and zoom")
        for key, lo, hi in (("lat", -90, 90), ("lon", -180, 180), ("zoom", 0, 22)):
            if key in view:
                self.number(f"the view's {key}", view[key], lo, hi)

    def layer(self, number: int, entry: Any) -> None:
        where = f"layer {number}"
        if not isinstance(entry, dict):
            raise self.fail(f"{where} is not an object")
        builtin, path = entry.get("builtin"), entry.get("path")
        if builtin:
            self.one_of(f"the built-in layer of {where}", builtin, _builtin_keys())
        elif builtin not in (None, "", False):
            raise self.fail(f"the built-in key of {where} must be text")
        if entry.get("derived") is not None:
            self.derived(where, entry["derived"])
        elif entry.get("join") is not None:
            self.join(where, entry["join"])
        elif entry.get("aggregate") is not None:
            self.aggregate(where, entry["aggregate"])
        elif entry.get("postgis") is not None:   # a PostGIS layer's address (io.postgis)
            self.text(f"the PostGIS address of {where}", entry["postgis"], MAX_PATH,
                      optional=False)
            if not str(entry["postgis"]).lower().startswith(("postgresql://", "postgres://")):
                raise self.fail(f"the PostGIS address of {where} must start with postgresql://")
        elif not builtin:
            if not isinstance(path, str) or not path:
                raise self.fail(f"{where} has neither a built-in key nor a file path")
            self.text(f"the file path of {where}", path, MAX_PATH)
        for key in ("title", "title_zh"):
            self.text(f"the {key} of {where}", entry.get(key))
        if "visible" in entry and not isinstance(entry["visible"], bool):
            raise self.fail(f"'visible' of {where} must be true or false")
        if "opacity" in entry:
            self.number(f"the opacity of {where}", entry["opacity"], 0, 1)
        if entry.get("part") is not None:
            self.one_of(f"the part of {where}", entry["part"], PARTS)
        self.open_options(where, entry.get("open"))
        self.style(where, entry.get("style"))
        self.filter(where, entry.get("filter"))

    def derived(self, where: str, derived: Any) -> None:
        """A layer computed in the program (rings, a drawn study area: analysis.derived)."""
        if not isinstance(derived, dict):
            raise self.fail(f"the computed layer of {where} is not an object")
        kind = derived.get("kind")
        self.one_of(f"the kind of computed layer of {where}", kind, DERIVED_KINDS)
        for key in ("name", "name_zh"):
            self.text(f"the {key} of {where}", derived.get(key))
        if kind == "shape":
            self.text(f"the shape of {where}", derived.get("wkt"), MAX_WKT, optional=False)
            return
        distances = derived.get("distances_km")
        if distances is not None:
            if not isinstance(distances, list) or not 1 <= len(distances) <= MAX_RINGS:
                raise self.fail(f"the ring distances of {where} must be a list of 1 to "
                                f"{MAX_RINGS} numbers")
            for d in distances:
                self.number(f"a ring distance of {where}", d, 0.001, 5000)
        place = derived.get("place")
        if not isinstance(place, dict):
            raise self.fail(f"the rings of {where} have no place")
        pkind = place.get("kind")
        self.one_of(f"the place kind of {where}", pkind, PLACE_KINDS)
        if pkind == "point":
            self.number(f"the place longitude of {where}", place.get("lon"), -180, 180)
            self.number(f"the place latitude of {where}", place.get("lat"), -90, 90)
        elif pkind == "shape":
            self.text(f"the place shape of {where}", place.get("wkt"), MAX_WKT, optional=False)
        else:
            field = "text" if pkind == "search" else "path"
            self.text(f"the place of {where}", place.get(field), MAX_PATH, optional=False)

    def source(self, where: str, ref: Any, joins: bool = False, level: int = 0) -> None:
        """A layer a join or count is made from: {"builtin": key}, {"path": ...}, or (for
        the polygons of a count) {"join": {...}} (io.derived)."""
        if not isinstance(ref, dict):
            raise self.fail(f"{where} does not name a layer")
        if ref.get("builtin"):
            self.one_of(where, ref["builtin"], _builtin_keys())
        elif joins and ref.get("join") is not None and level < 2:
            self.join(where, ref["join"], level + 1)
        else:
            self.text(where, ref.get("path"), MAX_PATH, optional=False)

    def join(self, where: str, join: Any, level: int = 0) -> None:
        """A table joined to a boundary layer (io.derived): table, sheet, key, parent, to,
        fixes."""
        if not isinstance(join, dict):
            raise self.fail(f"the join of {where} is not an object")
        self.text(f"the joined table of {where}", join.get("table"), MAX_PATH, optional=False)
        sheet = join.get("sheet")
        if sheet is not None and not isinstance(sheet, (str, int)) or isinstance(sheet, bool):
            raise self.fail(f"the sheet of {where} must be a name or a number")
        for key in ("key", "parent"):
            self.text(f"the {key} column of {where}", join.get(key))
        self.source(f"the layer {where} is joined to", join.get("to"), level=level)
        fixes = join.get("fixes") or {}
        if not isinstance(fixes, dict) or len(fixes) > MAX_FILTER_VALUES:
            raise self.fail(f"the hand-made matches of {where} must be an object")
        for row, code in fixes.items():
            if not str(row).isdigit():
                raise self.fail(f"a hand-made match of {where} names row {row!r}")
            self.text(f"the hand-made match of row {row} of {where}", code)

    def aggregate(self, where: str, agg: Any) -> None:
        """Points counted per polygon (io.derived): points, polygons, stat, field, by."""
        if not isinstance(agg, dict):
            raise self.fail(f"the count of {where} is not an object")
        self.source(f"the points counted in {where}", agg.get("points"))
        self.source(f"the polygons of {where}", agg.get("polygons"), joins=True)
        stat = agg.get("stat")
        stats = stat if isinstance(stat, list) else [stat] if stat is not None else []
        for one in stats:
            self.one_of(f"the statistic of {where}", one, STATS)
        for key in ("field", "by"):
            self.text(f"the {key} of {where}", agg.get(key))

    def open_options(self, where: str, opts: Any) -> None:
        if opts is None:
            return
        if not isinstance(opts, dict):
            raise self.fail(f"the open options of {where} must be an object")
        chosen = opts.get("layer")
        if chosen is not None and not (isinstance(chosen, int) and not isinstance(chosen, bool)):
            self.text(f"the 'layer' option of {where}", chosen, 1024)   # a name, or an index
        crs = opts.get("crs")
        if crs is not None and not (isinstance(crs, int) and not isinstance(crs, bool)):
            self.text(f"the 'crs' option of {where}", crs, 4000)
        if opts.get("encoding") is not None:
            enc = opts["encoding"]
            self.text(f"the 'encoding' option of {where}", enc, 64)
            try:
                codecs.lookup(enc)
            except LookupError:
                raise self.fail(f"the encoding {enc!r} of {where} is not a known encoding") \
                    from None
        if opts.get("datum") is not None:
            self.one_of(f"the datum of {where}", opts["datum"], DATUMS)

    def style(self, where: str, style: Any) -> None:
        if style is None:
            return
        if not isinstance(style, dict):
            raise self.fail(f"the style of {where} must be an object")
        from jjjmap.model import Style
        from jjjmap.model.stylecheck import check_style_dict

        known = {f.name for f in fields(Style)}   # options of later versions are dropped
        try:
            check_style_dict({k: v for k, v in style.items() if k in known})
        except ValueError as exc:
            raise self.fail(f"in the style of {where}, {exc}") from None

    def filter(self, where: str, flt: Any) -> None:
        if flt is None:
            return
        if not isinstance(flt, dict):
            raise self.fail(f"the filter of {where} must be an object")
        total = 0
        for column, values in flt.items():
            self.text(f"a filter column of {where}", column, 1000)
            if not isinstance(values, list):
                raise self.fail(f"the filter of {where} on {column[:40]!r} must be a list")
            total += len(values)
            if total > MAX_FILTER_VALUES:
                raise self.fail(f"the filter of {where} has more than {MAX_FILTER_VALUES} "
                                f"values")
            for value in values:
                if value is None or isinstance(value, (str, bool, int)):
                    continue
                if isinstance(value, float) and math.isfinite(value):
                    continue
                raise self.fail(f"the filter of {where} on {column[:40]!r} holds a value that "
                                f"is not text or a finite number")


def _data_key(entry: dict) -> tuple:
    if entry.get("builtin"):
        return ("builtin", entry["builtin"])
    for member in ("derived", "join", "aggregate"):
        if isinstance(entry.get(member), dict):
            import json

            return (member, json.dumps(entry[member], sort_keys=True, default=str))
    if entry.get("postgis") is not None:
        return ("postgis", entry["postgis"], entry.get("part"))
    opts = entry.get("open") or {}
    return ("file", entry.get("path"), entry.get("part"),
            tuple(sorted((str(k), str(v)) for k, v in opts.items())))


def _describe(entry: dict) -> str:
    if entry.get("builtin"):
        return f"built-in layer {entry['builtin']!r}"
    return f"file {str(entry.get('path'))[:80]!r}"


def check_project(data: dict, path=None) -> None:
    """ProjectFileError for the first value of ``data`` the format does not allow."""
    _Checker(path).project(data)


__all__ = ["MAX_LAYERS", "MAX_SAME_DATA", "MAX_DEPTH", "MAX_BYTES", "check_project", "depth"]
