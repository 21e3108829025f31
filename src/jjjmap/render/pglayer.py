"""The page side of a view-driven PostGIS layer (kind ``postgis``), Qt-free.

In the app the page's ``JjjPgLayer`` (resources/web/jjj-pg.js) fetches
``jjjmap://app/<page dir>/pg/<layer>?bbox=w,s,e,n&z=Z&datum=D`` on every move and
``.../pg/<layer>/row?key=K`` on a click; ``answer`` turns those into JSON from the layer's
``io.pgview.ViewSource``. An export has no server to ask: it embeds the answer for the
document's view, so the file shows what the window showed.
"""
from __future__ import annotations

import base64
import json
import logging
import math

import numpy as np

from jjjmap.model import Layer

from . import pgstyle
from .specs import BuildContext, PgSpec
from .vectors import _legend

log = logging.getLogger(__name__)

# the view an export embeds when the window's size is not known (pixels)
EXPORT_SIZE = (1200, 800)


def is_view_layer(layer: Layer) -> bool:
    return layer.kind == "postgis" and layer.meta.get("pg_source") is not None


def pg_spec(layer: Layer, ctx: BuildContext) -> PgSpec:
    """What the page needs: style, the fields for popups, where to fetch (app) or the
    embedded answer for the document's view (exports)."""
    lang, shift, view = ctx.lang, ctx.shift, ctx.doc.view
    source = layer.meta["pg_source"]
    style = layer.style
    colour = style.fill_color or style.color
    types = {"Point"} if source.points else {"Polygon"}
    try:
        classes = pgstyle.classes_for(layer, lang)
    except Exception as exc:  # noqa: BLE001 - the server's fault shows in the view requests
        log.info("PostGIS layer %s: no classes (%s)", layer.id, exc)
        classes = None
    source.page_classes = classes
    colours = classes.colours if classes is not None else [colour]
    legend = _legend(layer, types, colours, classes.legend if classes else [], [], lang)
    if classes is not None and classes.sampled and legend and legend[0].get("header"):
        legend[0] = dict(legend[0], label=legend[0]["label"] + (
            f" (classes from a sample of {pgstyle.SAMPLE_ROWS:,} rows)" if lang == "en"
            else f"（分级依据 {pgstyle.SAMPLE_ROWS:,} 行样本）"))
    spec = PgSpec(
        points=bool(source.points), fields=list(source.res.columns),
        style={"color": style.color, "fillColor": colour, "weight": style.weight,
               "fillOpacity": style.fill_opacity if not source.points else 0.85,
               "dashArray": style.dash, "radius": style.radius},
        colors=colours, grid_color=colour,
        identify=bool(source.res.key or source.res.has_ctid),
        no_identify=("This layer has no primary key (a view or a query): jjjmap cannot "
                     "fetch one of its rows again, so it cannot show a feature's attributes."
                     if lang == "en" else "此图层没有主键（视图或查询），无法再次读取单行，"
                     "因此不能显示要素属性。"),
        legend=legend, row_cap=source.row_cap)
    if ctx.fetch:
        spec.url = f"pg/{layer.id}"
    elif view is not None:
        try:
            from jjjmap.geo.datum import wgs84_to_gcj02

            answer_ = source.query(view_bbox(view), view.zoom,
                                   wgs84_to_gcj02 if shift is not None else None,
                                   **_colouring(source))
            spec.data = json.loads(to_page(answer_))
        except Exception as exc:  # noqa: BLE001 - an export still writes, with the problem said
            spec.error = str(exc)
    return spec


def view_bbox(view, size=EXPORT_SIZE) -> tuple[float, float, float, float]:
    """The WGS-84 box a ``size``-pixel window shows around the document's view."""
    scale = 256 * 2 ** view.zoom
    x = (view.lon + 180) / 360 * scale
    s = math.sin(math.radians(max(-85.0511, min(85.0511, view.lat))))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale

    def lonlat(px, py):
        lon = px / scale * 360 - 180
        lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / scale))))
        return lon, lat

    w, n = lonlat(x - size[0] / 2, y - size[1] / 2)
    e, s_ = lonlat(x + size[0] / 2, y + size[1] / 2)
    return w, s_, e, n


def to_page(answer: dict | None) -> bytes:
    """An answer of ``ViewSource.query`` as the page reads it: coordinates as base64
    Float32 (what JjjPointCloud takes), features as GeoJSON text."""
    from jjjmap.io.pgview import to_json

    if answer is not None and "xy" in answer:
        answer = dict(answer)
        xy = np.asarray(answer.pop("xy"), dtype=np.float32)
        answer["xy"] = base64.b64encode(xy.tobytes()).decode("ascii")
    if answer is not None and "ci" in answer:
        ci = np.asarray(answer.pop("ci"))
        wide = bool(len(ci)) and int(ci.max()) > 255
        answer["ci"] = base64.b64encode(ci.astype(np.uint16 if wide else np.uint8)
                                        .tobytes()).decode("ascii")
        answer["ciBytes"] = 2 if wide else 1
    return to_json(answer)


def answer(layer: Layer, query: dict, datum: str = "wgs84") -> bytes:
    """The reply to one page request: a view (``bbox``, ``z``) or a row (``key``).
    ``datum``: the page's (a GCJ-02 basemap's page asks in GCJ-02 and gets GCJ-02 back)."""
    source = layer.meta["pg_source"]
    if "key" in query:
        record = source.row(query["key"])
        return json.dumps({"row": record}, default=str, ensure_ascii=False).encode("utf-8")
    bbox = [float(v) for v in query["bbox"].split(",")]
    if len(bbox) != 4 or not all(math.isfinite(v) for v in bbox):
        raise ValueError("bbox: four numbers")
    zoom = max(0.0, min(24.0, float(query.get("z", 10))))
    shift = None
    if datum == "gcj02":
        from jjjmap.geo.datum import gcj02_to_wgs84, wgs84_to_gcj02

        w, s = gcj02_to_wgs84(bbox[0], bbox[1])
        e, n = gcj02_to_wgs84(bbox[2], bbox[3])
        pad = 0.01   # the shift varies a little across the view
        bbox = [float(w) - pad, float(s) - pad, float(e) + pad, float(n) + pad]
        shift = wgs84_to_gcj02
    return to_page(source.query(bbox, zoom, shift, **_colouring(source)))


def _colouring(source) -> dict:
    """The field that travels with each feature and its classifier (render.pgstyle), as the
    page was last built with."""
    classes = getattr(source, "page_classes", None)
    if classes is None:
        return {}
    return {"field": classes.field, "classify": classes.index}


def error_json(exc: BaseException) -> bytes:
    """A failed request, for the page's error state (the message names the connection,
    never the password)."""
    return json.dumps({"error": str(exc)}, ensure_ascii=False).encode("utf-8")
