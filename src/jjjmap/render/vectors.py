"""Custom (user) layers: points, lines, polygons with single / categorized / graduated styles.

Points never become one DOM element each. They go to the page as packed typed arrays
(base64 Float32 lon/lat, Uint16 colour indices, Float32 radii) and one canvas layer in
jjj.js draws them and hit-tests clicks with a grid index, so 1M points stay a few MB and
one <canvas>. (One L.circleMarker per point would cost a JS object, a hit-test entry and a
redraw path per point: fine for thousands, not for a million.) Lines and polygons use
GeoJSON on an SVG renderer, or a canvas renderer above a few thousand features.
"""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from jjjmap.model import Layer, Style

from .common import ramp, text, texts
from .geometry import decimals_for, layer_features, simplified, to_feature_geometries
from .labels import anchors
from .legendfmt import class_label, legend_header
from .pointbin import BINARY_ABOVE, binary_spec
from .specs import (BigPointsSpec, BuildContext, FeatureProperties, GeoJsonSpec, PointsSpec,
                    feature)

CATEGORY_PALETTE = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377",
                    "#EE7733", "#0077BB", "#009988", "#CC3311", "#33BBEE", "#EE3377"]
OTHER_COLOR = "#BBBBBB"
NO_DATA_COLOR = "#D0D0D0"   # missing values: a light grey of their own, not a class colour
MAX_CATEGORIES = 12
POPUP_FIELDS = 20           # attribute columns carried per feature for popups
FULL_ATTRS_BELOW = BINARY_ABOVE   # above this, attributes are fetched or decoded on demand
CANVAS_PATHS_ABOVE = 3000
RADIUS_RANGE = (3.0, 18.0)


def _b64(arr: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")


def colour_classes(gdf, style: Style, lang: str) -> tuple[np.ndarray, list[str], list[dict]]:
    """(class index per feature, colour per class, legend entries)."""
    n = len(gdf)
    field = style.field
    if style.mode == "categorized" and field in gdf.columns:
        # factorize once, turn only the distinct values into text (1M rows: ~50 ms, not 2 s)
        codes, uniques = pd.factorize(gdf[field], use_na_sentinel=True)
        utext = [text(u) for u in uniques] + [""]          # last: missing values
        codes = np.where(codes < 0, len(uniques), codes)
        counts: dict[str, int] = {}
        for t, c in zip(utext, np.bincount(codes, minlength=len(utext))):
            if c:
                counts[t] = counts.get(t, 0) + int(c)
        by_count = sorted(counts, key=lambda t: -counts[t])
        cats = [c for c in by_count if c not in style.categories][:MAX_CATEGORIES]
        cats = [c for c in style.categories if c in counts] + cats
        cats = sorted(cats, key=lambda c: (c == "", c))
        colours = [style.categories.get(c) or (NO_DATA_COLOR if c == "" else
                                               CATEGORY_PALETTE[i % len(CATEGORY_PALETTE)])
                   for i, c in enumerate(cats)]
        index = {c: i for i, c in enumerate(cats)}
        lut = np.array([index.get(t, len(cats)) for t in utext], dtype=np.uint16)
        idx = lut[codes]
        legend = [{"label": c or ("no data" if lang == "en" else "无数据"), "color": col}
                  for c, col in zip(cats, colours)]
        if (idx == len(cats)).any():
            colours.append(OTHER_COLOR)
            legend.append({"label": "other" if lang == "en" else "其他", "color": OTHER_COLOR})
        return idx, colours, legend
    if style.mode == "graduated" and field in gdf.columns:
        y = pd.to_numeric(gdf[field], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(y)
        if ok.sum() >= 2 and np.unique(y[ok]).size >= 2:
            import mapclassify
            k = max(2, min(int(style.k), np.unique(y[ok]).size))
            scheme = {"quantiles": "quantiles", "equal_interval": "equal_interval",
                      "natural_breaks": "natural_breaks", "fisher_jenks": "fisher_jenks"}.get(
                style.scheme, "quantiles")
            cls = mapclassify.classify(y[ok], scheme, k=k)
            bins = list(cls.bins)
            colours = ramp(style.cmap, len(bins))
            idx = np.full(n, len(bins), dtype=np.uint16)
            idx[ok] = cls.yb.astype(np.uint16)
            lo = float(np.nanmin(y[ok]))
            legend = []
            for i, hi in enumerate(bins):
                legend.append({"label": class_label(lo, hi, lang), "color": colours[i]})
                lo = hi
            if (~ok).any():
                colours.append(NO_DATA_COLOR)
                legend.append({"label": "no data" if lang == "en" else "无数据",
                               "color": NO_DATA_COLOR})
            return idx, colours, legend
    return np.zeros(n, dtype=np.uint16), [style.color], []


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def radii(gdf, style: Style) -> tuple[np.ndarray | None, list[dict]]:
    if not style.radius_field or style.radius_field not in gdf.columns:
        return None, []
    y = pd.to_numeric(gdf[style.radius_field], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(y) & (y >= 0)
    if not ok.any():
        return None, []
    hi = float(y[ok].max()) or 1.0
    lo_r, hi_r = RADIUS_RANGE
    r = np.where(ok, lo_r + (hi_r - lo_r) * np.sqrt(np.clip(y, 0, None) / hi), lo_r)
    samples = [hi / 4, hi]
    legend = [{"label": f"{style.radius_field} {_num(v)}",
               "radius": float(lo_r + (hi_r - lo_r) * np.sqrt(v / hi))} for v in samples]
    return r.astype(np.float32), legend


def _popup_fields(layer: Layer, count: int, style: Style) -> list[str]:
    """The columns carried per feature for ``count`` features (a large layer's popups fetch
    or decode theirs, popup_fields)."""
    cols = layer.fields(hidden=False)
    if count > FULL_ATTRS_BELOW:
        cols = [c for c in cols if c in set(style.tooltip_fields) | {style.label_field}]
    return cols[:POPUP_FIELDS]


def vector_spec(layer: Layer, ctx: BuildContext) -> PointsSpec | BigPointsSpec | GeoJsonSpec:
    """The page's spec of a user layer. In the app's page (``ctx.fetch``) a large point
    layer's data and attributes are fetched from the app instead of carried."""
    lang, tolerance, shift = ctx.lang, ctx.tolerance, ctx.shift
    style = layer.style
    gdf, rows, lon, lat, types = layer_features(layer, shift is not None)
    idx, colours, cls_legend = colour_classes(gdf, style, lang)
    r, size_legend = radii(gdf, style)
    fields = _popup_fields(layer, len(gdf), style)
    label = style.label_field if style.label_field in gdf.columns else None
    tips = [f for f in style.tooltip_fields if f in gdf.columns]
    path_style = {"color": style.color, "fillColor": style.fill_color, "weight": style.weight,
                  "fillOpacity": style.fill_opacity, "dashArray": style.dash,
                  "radius": style.radius}
    legend = _legend(layer, types, colours, cls_legend, size_legend, lang)
    if types <= {"Point"}:
        good = np.isfinite(lon) & np.isfinite(lat)
        n = int(good.sum())
        if n == len(good):   # all drawable (points as arrays always are): views, no copies
            good = slice(None)
        from .density import dense_point_style, stack_ranks
        point_style = dict(path_style, **dense_point_style(n, style))
        quick = ctx.quick and n > BINARY_ABOVE   # the first frame: spread with the index
        ranks = stack_ranks(lon[good], lat[good]) if style.spread_stacked and not quick else None
        ci = (idx[good].astype(np.uint8 if len(colours) <= 256 else np.uint16)
              if len(colours) > 1 else None)
        if n > BINARY_ABOVE:   # large: one binary buffer, attributes on demand (pointbin)
            return _binary_points(layer, gdf, colours, tips, legend, point_style, lon[good],
                                  lat[good], rows[good], ci,
                                  r[good] if r is not None else None, ranks, good, label,
                                  ctx.fetch, quick)
        identity = n == len(lon) and len(gdf) == layer.feature_count
        xy = np.empty(2 * n, dtype=np.float32)
        xy[0::2], xy[1::2] = lon[good], lat[good]
        cols = {f: texts(gdf[f][good]) for f in fields}
        return PointsSpec(
            colors=colours, fields=[str(f) for f in fields], tip_fields=tips, legend=legend,
            count=n, xy=_b64(xy),
            rows=None if identity else _b64(rows[good].astype(np.int32)),
            colour_index=_b64(ci) if ci is not None else None,
            colour_index_bytes=1 if len(colours) <= 256 else 2,
            radii=_b64(r[good]) if r is not None else None,
            attributes=[cols[f] for f in fields],
            labels=texts(gdf[label][good]) if label else None,
            label_field=label, style=point_style,
            stack=_b64(ranks) if ranks is not None else None)
    tol = tolerance if types & {"Polygon", "MultiPolygon", "LineString", "MultiLineString"} else 0
    geoms = simplified(gdf, tol)
    if shift is not None:
        geoms = shift(geoms)
    coords = to_feature_geometries(geoms, decimals_for(tol) if tol else 6)
    features = []
    attrs = {f: gdf[f].to_numpy() for f in fields}
    labels = gdf[label].to_numpy() if label else None
    places = _label_places(gdf, shift) if label else None
    where = anchors(geoms) if label else None   # for the page's label engine (jjj-labels.js)
    for i, geom in enumerate(coords):
        if geom is None:
            continue
        props = FeatureProperties(row=int(rows[i]), colour_class=int(idx[i]))
        if labels is not None:
            props.label = text(labels[i])
            if places is not None:
                props.label_point = places[i]
            elif where[i] is not None:
                props.label_point, props.label_radius = where[i]["lp"], where[i]["r"]
            if where[i] is not None:
                props.label_area = where[i]["a"]
        if r is not None:
            props.radius = round(float(r[i]), 1)
        props.attributes = [text(attrs[f][i]) for f in fields]
        features.append(feature(geom, props))
    # outlines drawn at the initial zoom's tolerance get finer as the user zooms in, as the
    # boundaries do (a user's parcels stay within a pixel at zoom 14)
    return GeoJsonSpec(
        style=path_style, colors=colours, fields=[str(f) for f in fields], tip_fields=tips,
        legend=legend, canvas=len(features) > CANVAS_PATHS_ABOVE,
        data={"type": "FeatureCollection", "features": features}, label_field=label,
        hover=True, detail=ctx.finer(layer) if tol else None)


def _binary_points(layer: Layer, gdf, colours, tips, legend, point_style: dict, lon, lat,
                   rows, ci, r, ranks, good, label, fetch: bool,
                   quick: bool = False) -> BigPointsSpec:
    """A large point layer: positions and style as binary (render.pointbin); attributes
    fetched from the app row by row (``rowUrl``, ui.mapview) or, in an export, as columns
    of codes into each column's distinct texts, decoded in the page when a point is
    clicked."""
    from urllib.parse import quote

    fields = popup_fields(layer)
    spec = binary_spec(lon, lat, rows, ci, r, ranks, fetch=fetch, quick=quick)
    out = BigPointsSpec(count=int(spec["n"]), binary=spec, style=point_style, colors=colours,
                        fields=[str(f) for f in fields], tip_fields=tips, legend=legend,
                        label_field=label)
    if fetch:
        out.row_url = f"row/{quote(layer.id, safe='')}/{{row}}.json"
        return out
    order = spec_order(lon, lat, rows)
    out.columns = [_codes(gdf[f][good], order) for f in fields]
    out.label_column = _codes(gdf[label][good], order) if label else None
    return out


def spec_order(lon, lat, rows) -> np.ndarray:
    from .pointbin import geometry_of
    return geometry_of(lon, lat, rows)["order"]


def _codes(values: pd.Series, order: np.ndarray) -> dict:
    """A column as its distinct texts and, per point in drawing order, a code into them."""
    codes, uniques = pd.factorize(values.reset_index(drop=True), use_na_sentinel=True)
    u = texts(pd.Series(uniques)) if len(uniques) else []
    codes = np.where(codes < 0, len(u), codes)[order]      # len(u): a missing value
    dtype = np.uint8 if len(u) < 255 else np.uint16 if len(u) < 65535 else np.uint32
    # the texts as one JSON string, parsed in the page when first needed: V8 took a minute
    # over a literal array of 250k strings in the page's script (measured), a string none
    import json
    return {"u": json.dumps(u, ensure_ascii=False), "n": len(u), "c": _b64(codes.astype(dtype)),
            "t": {np.uint8: "Uint8Array", np.uint16: "Uint16Array",
                  np.uint32: "Uint32Array"}[dtype]}


def popup_fields(layer: Layer) -> list:
    """The columns a popup shows, at any layer size."""
    return layer.fields(hidden=False)[:POPUP_FIELDS]


def row_values(layer: Layer, row: int) -> dict:
    """One feature's popup: its fields' names and values (the app answers a large layer's
    click with them; the names too, as the page may have been given the layer before all
    its columns were read, io.deferred)."""
    gdf = layer.table
    fields = popup_fields(layer)
    rec = gdf.iloc[int(row)]
    label = layer.style.label_field if layer.style.label_field in gdf.columns else None
    return {"f": [str(f) for f in fields], "v": [text(rec[f]) for f in fields],
            "lb": text(rec[label]) if label else None}


def _label_places(gdf, shift) -> list | None:
    """Where labels go when the layer says (``_label_lon``/``_label_lat`` columns, e.g. on a
    distance ring's edge rather than at its centre, where all rings would meet)."""
    if not {"_label_lon", "_label_lat"} <= set(gdf.columns):
        return None
    import geopandas as gpd

    pts = gpd.GeoSeries.from_xy(gdf["_label_lon"], gdf["_label_lat"], crs="EPSG:4326")
    if shift is not None:
        pts = shift(pts)
    return [[round(float(y), 5), round(float(x), 5)] for x, y in zip(pts.x, pts.y)]


def _legend(layer: Layer, types, colours, cls_legend, size_legend, lang) -> list[dict]:
    style = layer.style
    if types <= {"Point", "MultiPoint"}:
        kind = "circle"
    elif types <= {"LineString", "MultiLineString"}:
        kind = "line"
    else:
        kind = "fill"

    def sym(colour):
        return {"type": kind, "color": style.color if kind == "fill" else colour,
                "fill": colour if kind == "fill" else (style.fill_color or colour),
                "weight": style.weight, "dash": style.dash,
                "fillOpacity": max(style.fill_opacity, 0.5)}

    if cls_legend:
        head = [{"label": legend_header(style, lang, layer), "header": True}]
        return head + [{"label": e["label"], "symbol": sym(e["color"])} for e in cls_legend] + [
            {"label": e["label"], "symbol": {"type": "circle", "color": colours[0],
                                             "radius": e["radius"]}} for e in size_legend]
    entries = [{"label": layer.title(lang), "symbol": sym(style.fill_color or style.color)}]
    entries += [{"label": e["label"], "symbol": {"type": "circle", "color": colours[0],
                                                 "radius": e["radius"]}} for e in size_legend]
    return entries


__all__ = ["vector_spec", "ramp"]
