"""The built-in point sets: sector clusters (colour by sector) and the institutions relocated
to Xiong'an (shape by kind, colour by status, flows from their origin district).

Both go through Leaflet.markercluster with a small radius: points that sit on one spot (all
28 institutions share the Xiong'an point; several clusters share a city point) gather into one
badge that spiderfies on click, so each feature can be seen and picked.
"""
from __future__ import annotations

import re

import numpy as np

from jjjmap.fieldnames import KIND_NAMES, STATUS_NAMES
from jjjmap.model import Layer

from .common import PRECISION_TEXT, both_names, safe_url, text
from .geometry import lonlat_arrays
from .specs import BuildContext, Flow, Marker, MarkerIcon, MarkersSpec, popup

# The built-in clusters' category column: the layer panel filters the clusters by it.
CATEGORY_FIELD = "sector"


# Institutions: shape by kind (drawn as inline SVG in the page), colour by status.
KIND_SHAPE = {"university": "triangle", "hospital": "cross", "state_owned_enterprise": "square",
              "research_institute": "diamond", "other": "circle"}
# Paul Tol "vibrant" picks: grey = only announced, orange = being built, blue = operating.
STATUS_COLOR = {"announced": "#9E9E9E", "under_construction": "#EE7733", "operating": "#0077BB"}
FALLBACK_COLORS = ["#009988", "#CC3311", "#EE3377", "#33BBEE", "#BBBBBB"]


def _loc(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def _words(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _labels(lang: str) -> dict[str, str]:
    if lang == "zh":
        return {"sector": "产业", "city": "城市", "district": "区县", "evidence": "依据",
                "kind": "类型", "status": "状态", "origin": "迁出地", "destination": "落地",
                "year": "宣布年份", "source": "来源链接"}
    return {"sector": "Sector", "city": "City", "district": "District / county",
            "evidence": "Evidence", "kind": "Kind", "status": "Status", "origin": "Origin",
            "destination": "Destination", "year": "Announced", "source": "Source"}


def _precision(value, lang: str) -> str:
    key = text(value).strip().lower()
    return PRECISION_TEXT[lang].get(key, (f"position precision: {key}" if lang == "en"
                                          else f"位置精度：{key}") if key else "")


def _positions(layer: Layer, shift):
    gdf = layer.filtered()
    rows = [layer.gdf.index.get_loc(i) for i in gdf.index]
    geoms = gdf.geometry if shift is None else shift(gdf.geometry)
    lon, lat = lonlat_arrays(geoms)
    return gdf, rows, lon, lat


def sector_categories(layer: Layer, lang: str) -> list[dict]:
    gdf = layer.gdf
    # Colours and legend order: the catalog's colour-blind-safe palette, under the style's own.
    from jjjmap.catalog import SECTOR_COLOURS

    chosen = dict(SECTOR_COLOURS)
    if layer.style.field in (None, CATEGORY_FIELD):
        chosen.update(layer.style.categories or {})
    keys = list(dict.fromkeys(text(v) for v in gdf.get(CATEGORY_FIELD, [])))
    order = {k: i for i, k in enumerate(chosen)}
    keys.sort(key=lambda k: (order.get(k, 99), k))
    out = []
    for i, key in enumerate(keys):
        sub = gdf[gdf[CATEGORY_FIELD].astype(str) == key]
        col = "sector_zh" if lang == "zh" else "sector_en"
        label = text(sub[col].iloc[0]) if col in sub.columns and len(sub) else ""
        colour = chosen.get(key) or FALLBACK_COLORS[i % len(FALLBACK_COLORS)]
        out.append({"key": key, "label": label or _words(key), "color": colour})
    return out


def _placed(gdf, rows, lon, lat):
    """(row, lon, lat, record) of every feature with a finite position (see _positions)."""
    for row, x, y, (_, rec) in zip(rows, lon, lat, gdf.iterrows()):
        if np.isfinite(x) and np.isfinite(y):
            yield int(row), float(x), float(y), rec


def _marker(row: int, x: float, y: float, rec, lang: str, details: list, cat: str,
            icon: MarkerIcon) -> Marker:
    """One marker of a built-in point layer: position, symbol, tooltip and popup."""
    first, second = both_names(rec, lang)
    p = popup(first, second, details, safe_url(rec.get("source_url")),
              _precision(rec.get("coord_precision"), lang))
    return Marker(row=row, lat=round(y, 6), lon=round(x, 6), category=cat, icon=icon,
                  tooltip=[first, second] if second else [first], popup=p)


def clusters_spec(layer: Layer, ctx: BuildContext) -> MarkersSpec:
    lang, shift = ctx.lang, ctx.shift
    cats = sector_categories(layer, lang)
    colour = {c["key"]: c["color"] for c in cats}
    label = {c["key"]: c["label"] for c in cats}
    lab = _labels(lang)
    feats = []
    for row, x, y, rec in _placed(*_positions(layer, shift)):
        sector = text(rec.get(CATEGORY_FIELD, ""))
        feats.append(_marker(row, x, y, rec, lang, [
            (lab["sector"], label.get(sector, sector)),
            (lab["city"], text(rec.get("city", ""))),
            (lab["district"], text(rec.get("district_or_county", ""))),
            (lab["evidence"], text(rec.get("evidence", ""))),
        ], sector, MarkerIcon("circle", colour.get(sector, "#777"))))
    legend = [{"label": c["label"], "key": c["key"],
               "symbol": {"type": "shape", "shape": "circle", "color": c["color"]}}
              for c in cats]
    shown = layer.filter.get(CATEGORY_FIELD)
    return MarkersSpec(filter_field=CATEGORY_FIELD, categories=cats,
                       filter=[text(v) for v in shown] if shown is not None else None,
                       features=feats, legend=legend, cluster_radius=10)


_ORIGIN = re.compile(r"^\s*([^()]+?)\s*(\((.*)\))?\s*$")


def _origin(value) -> tuple[str, bool]:
    """(district, sourced) from e.g. "Haidian (origin district not in cited source)"."""
    m = _ORIGIN.match(text(value))
    if not m:
        return "", False
    name, note = m.group(1).strip(), (m.group(3) or "").lower()
    if name.lower() in ("beijing", "n/a", "") or "n/a" in name.lower():
        return "", False
    return name, not ("not in cited source" in note or "not verified" in note
                      or "not sourced" in note)


def _district_points(counties: Layer | None, shift) -> dict[str, tuple[float, float]]:
    if counties is None or "name_en" not in counties.gdf.columns:
        return {}
    geoms = counties.gdf.geometry if shift is None else shift(counties.gdf.geometry)
    lon, lat = lonlat_arrays(geoms)
    out = {}
    for name, x, y in zip(counties.gdf["name_en"], lon, lat):
        key = text(name).lower().replace(" district", "").replace(" county", "").strip()
        out.setdefault(key, (float(y), float(x)))
    return out


def institutions_spec(layer: Layer, ctx: BuildContext) -> MarkersSpec:
    """Shape by kind, colour by status, and a flow from each origin district to Xiong'an
    (drawn from the document's county layer, if it has one)."""
    from .boundaries import level_of

    lang, shift = ctx.lang, ctx.shift
    counties = next((lyr for lyr in ctx.doc.layers if lyr.kind == "boundary"
                     and level_of(lyr) == "county"), None)
    lab = _labels(lang)
    gdf, rows, lon, lat = _positions(layer, shift)
    feats = []
    for row, x, y, rec in _placed(gdf, rows, lon, lat):
        kind, status = text(rec.get("kind", "")), text(rec.get("status", ""))
        feats.append(_marker(row, x, y, rec, lang, [
            (lab["kind"], _loc(KIND_NAMES.get(kind, (_words(kind),) * 2), lang)),
            (lab["status"], _loc(STATUS_NAMES.get(status, (_words(status),) * 2), lang)),
            (lab["origin"], text(rec.get("origin", ""))),
            (lab["destination"], text(rec.get("destination", ""))),
            (lab["year"], text(rec.get("year_announced", ""))),
            (lab["evidence"], text(rec.get("evidence", ""))),
        ], kind, MarkerIcon(KIND_SHAPE.get(kind, "circle"), STATUS_COLOR.get(status, "#444"))))
    kinds = list(dict.fromkeys(text(v) for v in layer.gdf.get("kind", [])))
    statuses = [s for s in STATUS_COLOR if s in set(map(text, layer.gdf.get("status", [])))]
    zh = lang == "zh"
    legend = [{"label": "符号：类型" if zh else "Symbol: kind", "header": True}]
    legend += [{"label": _loc(KIND_NAMES.get(k, (_words(k),) * 2), lang),
                "symbol": {"type": "shape", "shape": KIND_SHAPE.get(k, "circle"),
                           "color": "#555"}} for k in kinds]
    legend.append({"label": "颜色：状态" if zh else "Colour: status", "header": True})
    legend += [{"label": _loc(STATUS_NAMES[s], lang),
                "symbol": {"type": "swatch", "color": STATUS_COLOR[s]}} for s in statuses]
    flows = _flows(gdf, rows, lon, lat, lang, counties, shift)
    if flows:
        legend.append({"label": "迁出区 → 雄安" if zh else "Origin district → Xiong'an",
                       "header": True})
        legend.append({"label": "有来源" if zh else "in the cited source",
                       "symbol": {"type": "line", "color": "#0077BB", "weight": 2.5}})
        legend.append({"label": "来源未注明" if zh else "not in the cited source",
                       "symbol": {"type": "line", "color": "#888", "weight": 1.5,
                                  "dash": "4 4"}})
    return MarkersSpec(features=feats, legend=legend, flows=flows, cluster_radius=10)


def _flows(gdf, rows, lon, lat, lang: str, counties: Layer | None, shift) -> list[Flow]:
    """One line per origin district, to the institutions' point; dashed where the origin
    district is not backed by the cited source (the CSV says so). Each line carries the
    rows it stands for, so the time slider can recount or hide it (jjj.js)."""
    if "origin" not in gdf.columns:
        return []
    places = _district_points(counties, shift)
    groups: dict[tuple[str, bool], list] = {}
    for row, x, y, origin in zip(rows, lon, lat, gdf["origin"]):
        name, sourced = _origin(origin)
        if not name or name.lower() not in places:
            continue
        g = groups.setdefault((name, sourced), [[], (float(y), float(x))])
        g[0].append(int(row))
    out = []
    for (name, sourced), (members, dest) in groups.items():
        src = places[name.lower()]
        if lang == "zh":
            label = f"{name} → 雄安：%n" + ("" if sourced else "（迁出区来源未注明）")
        else:
            label = f"{name} → Xiong'an: %n" + ("" if sourced else
                                                " (origin district not in cited source)")
        out.append(Flow(origin=[round(src[0], 5), round(src[1], 5)],
                        destination=[round(dest[0], 5), round(dest[1], 5)],
                        sourced=sourced, count=len(members), rows=members,
                        label=label.replace("%n", str(len(members))), label_template=label))
    return out
