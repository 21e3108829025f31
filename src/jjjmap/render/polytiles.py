"""Large user polygon layers drawn in 256 px canvas tiles (issue 21 item 4).

Leaflet's canvas renderer redraws every path of a layer at each pan end: at 50k polygons
that is a frame of seconds (bench case ``polygons_50k``). A layer of more than
``tiling.TILED_ABOVE`` polygons goes to the page packed (``geometry.pack_polygons``) as render
"polytiles" instead; the page (resources/web/jjj-polytiles.js) draws it into an
``L.GridLayer``'s canvas tiles through a grid index, so a pan draws only the tiles that came
into view and each tile only the polygons whose box meets it. Smaller layers keep the
GeoJSON path (render.vectors), with its hover outline and labels.
"""
from __future__ import annotations

import numpy as np

from jjjmap.model import Layer

from .common import texts
from .geometry import decimals_for, layer_features, pack_polygons, simplified
from .specs import BuildContext, PolyTilesSpec
from .vectors import _legend, _popup_fields, colour_classes

def polytiles_spec(layer: Layer, ctx: BuildContext) -> PolyTilesSpec:
    style = layer.style
    gdf, rows, _, _, _ = layer_features(layer)
    idx, colours, cls_legend = colour_classes(gdf, style, ctx.lang)
    fields = _popup_fields(layer, len(gdf), style)
    label = style.label_field if style.label_field in gdf.columns else None
    tips = [f for f in style.tooltip_fields if f in gdf.columns]
    legend = _legend(layer, {"Polygon"}, colours, cls_legend, [], ctx.lang)
    geoms = simplified(gdf, ctx.tolerance)
    if ctx.shift is not None:
        geoms = ctx.shift(geoms)
    ndigits = decimals_for(ctx.tolerance) if ctx.tolerance else 6
    packed = pack_polygons(geoms, ndigits)
    keep = np.array([g is not None for g in packed], dtype=bool)
    path_style = {"color": style.color, "fillColor": style.fill_color, "weight": style.weight,
                  "fillOpacity": style.fill_opacity, "dashArray": style.dash}
    sub = gdf[keep]
    return PolyTilesSpec(
        style=path_style, colors=colours,
        colour_classes=idx[keep].tolist() if len(colours) > 1 else None,
        rows=rows[keep].tolist(),
        packed={"scale": 10 ** ndigits, "geoms": [g for g in packed if g is not None]},
        fields=[str(f) for f in fields], tip_fields=tips, legend=legend,
        attributes=[texts(sub[f]) for f in fields],
        labels=texts(sub[label]) if label else None, label_field=label,
        detail=ctx.finer(layer) if ctx.tolerance else None)


__all__ = ["polytiles_spec"]
