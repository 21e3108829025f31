"""Layers made in the program from files: a table joined to boundaries, points counted per
region. A project stores how to make them again (the table's path, key, city column, manual
fixes; the point and polygon layers and the statistic), never their data, and redoes them on
open: a table that moved is asked for like any data file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .errors import JjjmapIOError, ProjectFileError, display_name


def _ref(value, relative: Callable[[str], str], title: str) -> dict[str, Any]:
    """A layer named by a built-in key or a file path (as joined_layer / aggregated_layer
    record them) -> {"builtin": key} | {"path": relative path}."""
    from jjjmap.catalog import LAYER_KEYS

    if isinstance(value, dict):
        return value
    if value in LAYER_KEYS:
        return {"builtin": value}
    if value and Path(str(value)).exists():
        return {"path": relative(str(value))}
    raise ProjectFileError(f"Layer {title!r} was made from a layer that has no file behind it "
                           f"({value!r}), so a project cannot redo it. Export it to a file "
                           f"first.", None)


def _join_spec(join: dict, relative, title: str) -> dict[str, Any]:
    return {"table": relative(str(join["table"])), "sheet": join.get("sheet"),
            "key": join.get("key"), "parent": join.get("parent"),
            "to": _ref(join.get("to"), relative, title),
            "fixes": {str(k): v for k, v in (join.get("fixes") or {}).items()}}


def derived_entry(layer, relative: Callable[[str], str]) -> dict[str, Any]:
    """The project entry's "join" or "aggregate" member for ``layer``."""
    title = layer.title_en
    if "aggregate" in layer.meta:
        agg = layer.meta["aggregate"]
        polygons = ({"join": _join_spec(agg["on_join"], relative, title)} if agg.get("on_join")
                    else _ref(agg.get("polygons"), relative, title))
        return {"aggregate": {"points": _ref(agg.get("points"), relative, title),
                              "polygons": polygons, "stat": agg.get("stat"),
                              "field": agg.get("field"), "by": agg.get("by")}}
    return {"join": _join_spec(layer.meta["join"], relative, title)}


def load_derived(entry: dict, locate: Callable[[str], Path | None], project):
    """Redo the join or count of a project entry; None when a file was left out by the user."""
    title = entry.get("title") or "?"
    try:
        if entry.get("aggregate"):
            return _aggregate(entry["aggregate"], locate)
        return _join(entry["join"], locate)
    except _LeftOut:
        return None
    except (JjjmapIOError, ValueError, KeyError, TypeError) as exc:
        raise ProjectFileError(f"The project {display_name(project)} could not redo layer "
                               f"{title!r}: {exc}", project) from exc


class _LeftOut(Exception):
    pass


def _located(rel: str, locate) -> Path:
    found = locate(rel)
    if found is None:
        raise _LeftOut()
    return found


def _layer(ref: dict, locate):
    if ref.get("builtin"):
        from jjjmap import catalog

        return catalog.load_layer(ref["builtin"])
    if ref.get("join"):
        return _join(ref["join"], locate)
    from .readers import open_layer

    return open_layer(_located(ref["path"], locate))[0]


def _join(spec: dict, locate):
    from jjjmap.analysis import join as J

    from .tabledata import read_table

    table_path = _located(spec["table"], locate)
    table = read_table(table_path, sheet=spec.get("sheet"))
    target = _layer(spec["to"], locate)
    fixes = {int(k): v for k, v in (spec.get("fixes") or {}).items()}
    report = J.match_table(table, target, key=spec.get("key"), parent=spec.get("parent") or "",
                           fixes=fixes)
    layer = J.joined_layer(J.apply_join(table, target, report), target, str(table_path))
    layer.meta["join"]["sheet"] = table.sheet
    return layer


def _aggregate(spec: dict, locate):
    from jjjmap.analysis.aggregate import aggregate_layers, aggregated_layer

    points = _layer(spec["points"], locate)
    polygons = _layer(spec["polygons"], locate)
    res = aggregate_layers(points, polygons, stat=spec.get("stat") or "count",
                           field=spec.get("field"), by=spec.get("by"))
    return aggregated_layer(res, points, polygons)
