"""Density views of point layers: heatmap and H3 hexbin specs, and dense-point defaults.

``heatmap``: the points travel packed (as for the canvas point layer) with an optional
weight; resources/web/jjj-heat.js sums them into a grid and draws a kernel per cell on a
canvas, recoloured through a ramp, on every move (our own code: leaflet.heat projects every
point through Leaflet objects on each redraw, too slow for a million).
``hexbin``: the same packed points; the page bins them into hexagons about 17 px across
on a web-mercator grid at each zoom, or (a fixed ``hex_resolution``) into H3 cells binned
here, each point carrying its cell (analysis.hexbins). Either way the page counts, sums
and selects a hexagon's points under the time slider's mask, colours by count or by the
sum / mean of the weight field, draws its legend and identifies a clicked hexagon
(resources/web/jjj-hexbin.js).
Dense points: a large layer drawn with the default symbol gets small translucent discs, so
where points crowd shows as depth of colour rather than one opaque blob; points sharing one
position are spread on a spiral around it (their rank in the stack travels with them).
"""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from jjjmap.model import Layer, Style

from .geometry import layer_features
from .specs import BuildContext, HeatmapSpec, HexbinSpec

HEAT_COLOURS = ["#2c7bb6", "#00a6ca", "#00ccbc", "#90eb9d", "#ffff8c", "#f9d057",
                "#f29e2e", "#e76818", "#d7191c"]
HEX_CLASSES = 7
DEFAULT_RADIUS = Style().radius
STACK_SPREAD_MAX = 50_000      # stacked points above this stay stacked (a spiral per spot)


def _b64(arr: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")


# -- dense point defaults --------------------------------------------------------------------
def dense_point_style(n: int, style: Style) -> dict:
    """Radius and alpha for ``n`` points: the user's radius if set, else smaller and more
    translucent as the layer grows (above 20k points), so that density shows."""
    if n <= 20_000:
        return {"alpha": 0.85}
    alpha = 0.5 if n <= 100_000 else 0.3 if n <= 400_000 else 0.2
    out = {"alpha": alpha}
    if style.radius == DEFAULT_RADIUS and not style.radius_field:
        out["radius"] = 3.0 if n <= 100_000 else 2.0
    return out


def stack_ranks(lon: np.ndarray, lat: np.ndarray) -> np.ndarray | None:
    """For each point, how many earlier points share its exact position (0: the first);
    None when no two points share one (or too many do to spread)."""
    if len(lon) < 2:
        return None
    # the two float32 coordinates' bits as one uint64. Which are stacked: a sort of the
    # values (0.5 s for 10M; np.unique with its inverse and an argsort of that took 10 s),
    # then only those sorted by position
    key = np.ascontiguousarray(lon, dtype=np.float32).view(np.uint32).astype(np.uint64)
    key <<= np.uint64(32)    # in place: at 10M points each temporary is 80 MB
    key |= np.ascontiguousarray(lat, dtype=np.float32).view(np.uint32)
    s = np.sort(key)
    same = s[1:] == s[:-1]
    if not same.any():
        return None
    dup = np.unique(s[1:][same])
    del s, same
    if len(dup) > STACK_SPREAD_MAX:
        return None
    at = np.minimum(np.searchsorted(dup, key), len(dup) - 1)
    stacked = np.flatnonzero(dup[at] == key)
    if len(stacked) > STACK_SPREAD_MAX:
        return None
    order = stacked[np.argsort(key[stacked], kind="stable")]   # by position, then row
    ks = key[order]
    start = np.ones(len(order), dtype=bool)
    start[1:] = ks[1:] != ks[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
    ranks = np.zeros(len(lon), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - first
    return np.minimum(ranks, 65535).astype(np.uint16)


# -- weights ---------------------------------------------------------------------------------
def read_weights(gdf, field: str | None) -> tuple[np.ndarray | None, dict[str, int]]:
    """The weight per row (bad values weigh 0) and how many were bad, for the dialog."""
    if not field or field not in gdf.columns:
        return None, {}
    raw = gdf[field]
    v = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    texty = pd.api.types.is_object_dtype(raw) or pd.api.types.is_string_dtype(raw)
    blank = (raw.isna() | (raw.astype(str).str.strip() == "")) if texty else raw.isna()
    missing = int(blank.sum())
    problems = {"missing": missing, "not_numeric": int(np.isnan(v).sum()) - missing,
                "negative": int((v < 0).sum())}
    w = np.where(np.isfinite(v) & (v > 0), v, 0.0)
    return w, {k: c for k, c in problems.items() if c}


def weight_summary(problems: dict[str, int], lang: str = "en") -> str:
    if not problems:
        return ""
    zh = lang == "zh"
    names = {"missing": ("empty", "个为空"), "not_numeric": ("not a number", "个不是数字"),
             "negative": ("negative", "个为负")}
    parts = [f"{c} {names[k][1]}" if zh else f"{c} {names[k][0]}" for k, c in problems.items()]
    return ("；".join(parts) + "：按 0 计") if zh else ("; ".join(parts) + ": counted as 0")


def _points(layer: Layer, shift):
    """(rows, display lon, display lat, wgs84 lon, wgs84 lat) of the finite points."""
    gdf, rows, (dlon, dlat, lon, lat), _ = layer_features(layer, shift is not None, wgs84=True)
    good = np.isfinite(lon) & np.isfinite(lat)
    return gdf, rows[good], dlon[good], dlat[good], lon[good], lat[good], good


# -- heatmap ---------------------------------------------------------------------------------
def heatmap_spec(layer: Layer, ctx: BuildContext) -> HeatmapSpec:
    lang, shift = ctx.lang, ctx.shift
    style = layer.style
    gdf, rows, dlon, dlat, _lon, _lat, good = _points(layer, shift)
    weights, problems = read_weights(gdf, style.weight_field)
    xy = np.empty(2 * len(rows), dtype=np.float32)
    xy[0::2], xy[1::2] = dlon, dlat
    zh = lang == "zh"
    head = ("点密度" if zh else "Point density") + (
        f"（按 {style.weight_field} 加权）" if zh and weights is not None else
        f" (weighted by {style.weight_field})" if weights is not None else "")
    legend = [{"label": head, "header": True}]
    for i, word in ((0, "低" if zh else "low"), (4, "中" if zh else "medium"),
                    (8, "高" if zh else "high")):
        legend.append({"label": word, "symbol": {"type": "swatch", "color": HEAT_COLOURS[i]}})
    return HeatmapSpec(
        count=int(len(rows)), xy=_b64(xy), rows=_b64(rows.astype(np.int32)),
        weights=_b64(weights[good].astype(np.float32)) if weights is not None else None,
        radius=float(style.heat_radius), intensity=float(style.heat_intensity),
        colors=HEAT_COLOURS, legend=legend, weight_problems=problems)


# -- hexbin ----------------------------------------------------------------------------------
HEX_PX = 10          # grid hexagons' circumradius on screen, px (about 17 px across)


def hexbin_spec(layer: Layer, ctx: BuildContext) -> HexbinSpec:
    """The points (as for the heatmap), each with its row and weight; the page bins them.

    Without a fixed resolution the page puts them on a hexagonal grid in web-mercator
    whose hexagons are HEX_PX across at every zoom. With ``hex_resolution`` they are
    binned into H3 cells here, and each point carries its cell's position in the list of
    cells, so the page can count, sum and select the points of a cell under the time
    slider's mask without h3."""
    from .common import ramp

    lang, shift = ctx.lang, ctx.shift
    style = layer.style
    gdf, rows, dlon, dlat, lon, lat, good = _points(layer, shift)
    weights, problems = read_weights(gdf, style.weight_field)
    w = weights[good] if weights is not None else None
    stat = style.hex_stat if w is not None else "count"
    xy = np.empty(2 * len(rows), dtype=np.float32)
    xy[0::2], xy[1::2] = dlon, dlat
    zh = lang == "zh"
    stat_label = {"count": "点数" if zh else "points",
                  "sum": (f"{style.weight_field} 合计" if zh else f"sum of {style.weight_field}"),
                  "mean": (f"{style.weight_field} 平均" if zh else f"mean {style.weight_field}")}
    title = f"六边形：{stat_label[stat]}" if zh else f"Hexagons: {stat_label[stat]}"
    ui = {"title": title, "res": "H3 分辨率" if zh else "H3 resolution",
          "grid": "六边形宽约 %s" if zh else "hexagons about %s across",
          "km": "公里" if zh else "km", "m": "米" if zh else "m",
          "points": "点数" if zh else "Points", "sum": "合计" if zh else "Sum",
          "mean": "平均" if zh else "Mean", "cell": "H3 单元" if zh else "H3 cell",
          "hexagon": "六边形" if zh else "Hexagon",
          "select": "选择这 %n 个点" if zh else "Select these %n points",
          "weight": style.weight_field or ""}
    fixed = style.hex_resolution is not None
    return HexbinSpec(
        count=int(len(rows)), xy=_b64(xy), rows=_b64(rows.astype(np.int32)),
        weights=_b64(w.astype(np.float32)) if w is not None else None,
        stat=stat, ui=ui, legend=[{"label": title, "header": True}],
        colors=ramp(style.cmap, HEX_CLASSES), hex_px=HEX_PX, weight_problems=problems,
        fixed=fixed, fill_opacity=max(0.35, min(0.9, style.fill_opacity * 2.5)),
        h3=_h3_level(lon, lat, int(style.hex_resolution), shift) if fixed else None)


def _h3_level(lon, lat, res: int, shift) -> dict:
    from jjjmap.analysis.hexbins import bin_points, cell_boundaries

    level = bin_points(lon, lat, res)                          # WGS-84 positions
    ring = cell_boundaries(level.cells)
    if shift is not None:
        from jjjmap.geo.datum import wgs84_to_gcj02
        glon, glat = wgs84_to_gcj02(ring[..., 0].ravel(), ring[..., 1].ravel())
        ring = np.stack([np.asarray(glon).reshape(ring.shape[:2]),
                         np.asarray(glat).reshape(ring.shape[:2])], axis=-1)
    return {"res": res, "edge": level.edge_m, "n": int(len(level.cells)),
            "nv": int(ring.shape[1]),                          # vertices per cell
            "ring": _b64(ring.astype(np.float32)),             # lon, lat x nv per cell
            "index": _b64(level.index.astype(np.int32)),       # per point: its cell
            "cells": [format(int(c), "x") for c in level.cells]}   # H3 ids, for identify


__all__ = ["heatmap_spec", "hexbin_spec", "dense_point_style", "stack_ranks", "read_weights",
           "weight_summary"]
