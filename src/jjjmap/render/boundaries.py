"""Administrative boundaries drawn as a hierarchy: provinces strong, prefectures medium,
counties fine, Xiongan highlighted. Counties carry both names in their tooltips."""
from __future__ import annotations

from jjjmap.fieldnames import field_label
from jjjmap.model import Layer, Style

from .common import both_names, text
from .detail import row_positions
from .geometry import decimals_for, packed_or_geojson, simplified
from .labels import anchors, short_name
from .legendfmt import legend_header
from .specs import BuildContext, FeatureProperties, GeoJsonSpec, feature, popup
from .vectors import _legend as vector_legend, colour_classes


def choropleth_classes(layer: Layer, gdf, lang: str):
    """(class per feature, colours, legend) when the boundary is styled by a field."""
    st = layer.style
    if st.mode not in ("graduated", "categorized") or st.field not in gdf.columns:
        return None
    idx, colours, legend = colour_classes(gdf, st, lang)
    return (idx, colours, legend) if legend else None

# Stroke hierarchy: what a printed atlas does (dark, heavier lines for higher levels).
LEVEL_STYLE = {
    "province": {"color": "#2b2b2b", "weight": 2.4, "fill": False, "fillOpacity": 0.0},
    "prefecture": {"color": "#5a5a5a", "weight": 1.3, "fill": False, "fillOpacity": 0.0,
                   "dashArray": None},
    "county": {"color": "#9a9a9a", "weight": 0.6, "fill": True, "fillColor": "#ffffff",
               "fillOpacity": 0.0},
    "xiongan": {"color": "#c0392b", "weight": 2.2, "fill": True, "fillColor": "#e74c3c",
                "fillOpacity": 0.18},
}
# levels whose names the page labels, in this priority (jjj-labels.js)
LABELLED = ("province", "prefecture", "county")
LEVEL_NAMES = {
    "province": ("Province boundary", "省级界线"),
    "prefecture": ("Prefecture boundary", "地级界线"),
    "county": ("County boundary", "县级界线"),
    "xiongan": ("Xiong'an New Area", "雄安新区"),
}


def level_of(layer: Layer) -> str:
    level = layer.level or ""
    if not level and "level" in layer.gdf.columns and len(layer.gdf):
        level = text(layer.gdf["level"].iloc[0])
    if "xiong" in level.lower() or "xiong" in layer.id.lower():
        return "xiongan"
    for known in ("province", "prefecture", "county"):
        if known in level.lower():
            return known
    if level.lower() in ("city", "prefecture-level"):
        return "prefecture"
    return "county"


def boundary_spec(layer: Layer, ctx: BuildContext) -> GeoJsonSpec:
    """An administrative level, with the finer outlines the page gets when the user zooms
    in (``ctx.finer``: same features, same rows)."""
    lang, tolerance, shift = ctx.lang, ctx.tolerance, ctx.shift
    level = level_of(layer)
    gdf = layer.filtered()
    rows = row_positions(layer, gdf)
    geoms = simplified(gdf, tolerance)
    if shift is not None:
        geoms = shift(geoms)
    coords, scale = packed_or_geojson(geoms, decimals_for(tolerance))
    packed: list = []
    features: list[tuple[dict | None, FeatureProperties]] = []
    labelled = []
    shown = {"name_zh", "name_en", "code", "area_km2", "level", "parent", "geometry"}
    extras = [f for f in layer.style.tooltip_fields if f in gdf.columns and f not in shown]
    classes = choropleth_classes(layer, gdf, lang)
    for pos, (row, geom, (_, rec)) in enumerate(zip(rows, coords, gdf.iterrows())):
        if geom is None:
            continue
        first, second = both_names(rec, lang)
        props = FeatureProperties(row=int(row), tooltip=[first, second] if second else [first])
        code = text(rec.get("code", ""))
        area = rec.get("area_km2", None)
        rows_ = [("code" if lang == "en" else "代码", code)]
        if area is not None and text(area):
            rows_.append(("area" if lang == "en" else "面积", f"{float(area):,.0f} km²"))
        for extra in extras:   # e.g. Xiongan's note (note_zh in Chinese) and member counties
            value = text(rec.get(f"{extra}_zh", "")) if lang == "zh" else ""
            rows_.append((field_label(layer, extra, lang), value or text(rec.get(extra, ""))))
        if classes is not None:
            props.colour_class = int(classes[0][pos])
            field = layer.style.field
            rows_.append((legend_header(layer.style, lang, layer) or field,
                          text(rec.get(field, "")) or ("no data" if lang == "en" else "无数据")))
        props.popup = popup(first, second, rows_)
        if scale is not None:   # the page unpacks it into the feature (resources/web/jjj.js)
            packed.append(geom)
            geom = None
        features.append((geom, props))
        if level in LABELLED:
            labelled.append((len(features) - 1, pos, area))
    if labelled:   # the page's label engine places them (resources/web/jjj-labels.js)
        places = anchors(geoms.values[[p for _, p, _ in labelled]])
        for (fi, _, area), place in zip(labelled, places):
            if place is None:
                continue
            props = features[fi][1]
            props.label_point, props.label_radius = place["lp"], place["r"]
            props.label_area = _area(area, place["a"])
            props.label = short_name(props.tooltip[0], level)
    style = dict(LEVEL_STYLE[level])
    if layer.style != Style():   # the user restyled it: their stroke and fill win
        st = layer.style
        style.update(color=st.color, weight=st.weight, dashArray=st.dash,
                     fill=st.fill_opacity > 0, fillColor=st.fill_color or st.color,
                     fillOpacity=st.fill_opacity)
    en, zh = LEVEL_NAMES[level]
    if classes is not None:   # a choropleth: filled; the outline stays the level's unless set
        style.update(fill=True, fillOpacity=max(layer.style.fill_opacity, 0.75))
        if layer.style.color == Style().color:
            style.update(color=LEVEL_STYLE[level]["color"], weight=LEVEL_STYLE[level]["weight"])
    legend = [{"label": zh if lang == "zh" else en,
               "symbol": {"type": "fill" if (style.get("fillOpacity") or 0) >= 0.1 else "line",
                          "color": style["color"], "weight": style["weight"],
                          "dash": style.get("dashArray"),
                          "fill": style.get("fillColor"), "fillOpacity": style["fillOpacity"]}}]
    if classes is not None:
        legend = vector_legend(layer, {"Polygon"}, classes[1], classes[2], [], lang)
        for entry in legend:
            if "symbol" in entry:
                entry["symbol"].update(color=style["color"], weight=style["weight"],
                                       fillOpacity=style["fillOpacity"])   # as on the map
    return GeoJsonSpec(
        level=level, style=style, styles=[], hover=level in ("county", "xiongan", "prefecture"),
        label_level=level if level in LABELLED else None,
        data={"type": "FeatureCollection", "features": [feature(g, p) for g, p in features]},
        legend=legend, colors=classes[1] if classes is not None else None,
        packed={"scale": scale, "geoms": packed} if scale is not None else None,
        detail=(ctx.finer(layer) or None) if features else None)


def _area(area, fallback: float) -> float:
    """The layer's own area (km², geodesic) for ranking labels, else the drawing estimate."""
    try:
        value = float(area)
    except (TypeError, ValueError):
        return fallback
    return value if value == value and value >= 0 else fallback
