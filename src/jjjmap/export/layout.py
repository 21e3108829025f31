"""A print layout, described without Qt: page, frame, legend, scale bar, credits, extent.

QGIS's print layout is the model: a page of a given size and resolution holds a title, the map
frame, a legend of what is visible (outside the frame or in a corner the user picks, never over
the extent the user asked for), a scale bar, a north arrow, credits and the date. Everything
that can be decided without a browser is decided here, in CSS pixels (1/96 in), so the PDF
(Chromium prints the page at its size) and the PNG (the same page drawn at dpi/96 device
pixels per CSS pixel) come out alike and tests can check the geometry without a display.

The page itself is the ordinary map page (render.render_html, the one renderer) with the
layout's style, its configuration and resources/web/jjj-print.js added; that script builds the
layout's elements with textContent.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import html as _html
import re
from dataclasses import dataclass, field
from pathlib import Path

from jjjmap.catalog import SECTORS
from jjjmap.model import MapDocument

from .errors import ExportError
from .extent import LayoutError, fit_view, resolve_extent, view_bounds

MM_PER_IN = 25.4
CSS_DPI = 96.0
PAGES = {"a4": ("A4", 210.0, 297.0), "a3": ("A3", 297.0, 420.0),
         "letter": ("Letter", 215.9, 279.4)}
DEFAULT_DPI = 300
PIXEL_DPI = 96            # a WxHpx page without --dpi: screen pixels, one per CSS pixel
DPI_RANGE = (72, 600)
MAX_SIDE_PX = 12000       # a picture of 12000 x 12000 px takes 576 MB; A3 at 600 dpi is 9921
MIN_SIDE_CSS = 240        # below this the title, legend and footer cannot share the page
LEGEND_PLACES = ("outside", "topleft", "topright", "bottomleft", "bottomright")

# The layer panel's keys of the built-in layers, as --hide-layer takes them.
BUILTIN_NAMES = {"clusters": "sector_clusters", "institutions": "relocated_institutions",
                 "counties": "counties", "prefectures": "prefectures",
                 "provinces": "provinces", "xiongan": "xiongan"}

TEXT = {
    "en": {"legend": "Legend", "north": "N", "data": "Data", "basemap": "Basemap",
           "made": "Made with jjjmap", "scale_at": "scale at {lat}°N",
           "inset": "Whole region", "clusters_of": "{title}: {sectors}"},
    "zh": {"legend": "图例", "north": "北", "data": "数据", "basemap": "底图",
           "made": "jjjmap 制图", "scale_at": "比例尺位于北纬{lat}°",
           "inset": "全区位置", "clusters_of": "{title}：{sectors}"},
}


@dataclass(frozen=True)
class PageSize:
    """The page: its physical size and the pixel size of a PNG of it."""
    name: str               # "A4", "A3 landscape", "180x120mm", "1600x1000px"
    width_mm: float
    height_mm: float
    dpi: int

    @property
    def css(self) -> tuple[float, float]:
        """The page in CSS pixels, the unit the layout is drawn in."""
        return (self.width_mm / MM_PER_IN * CSS_DPI, self.height_mm / MM_PER_IN * CSS_DPI)

    @property
    def pixels(self) -> tuple[int, int]:
        """A PNG of the page at ``dpi``."""
        return (round(self.width_mm / MM_PER_IN * self.dpi),
                round(self.height_mm / MM_PER_IN * self.dpi))

    @property
    def zoom(self) -> float:
        """Device pixels per CSS pixel of the PNG."""
        return self.dpi / CSS_DPI


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|px)\s*$", re.I)


def page_size(size: str = "A4", *, landscape: bool = False, dpi: int | None = None) -> PageSize:
    """Parse ``A4|A3|Letter|WxHmm|WxHpx``. ``dpi`` None: 300 for paper, 96 for a pixel size
    (so ``1600x1000px`` is a 1600 x 1000 picture of a 1600 x 1000 CSS-pixel page)."""
    text = str(size or "A4").strip()
    match = _SIZE.match(text)
    if dpi is not None:
        try:
            dpi = int(dpi)
        except (TypeError, ValueError):
            raise LayoutError(f"The resolution {dpi!r} is not a number of dots per inch.") from None
        if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
            raise LayoutError(f"A resolution of {dpi} dpi cannot be used: choose between "
                              f"{DPI_RANGE[0]} and {DPI_RANGE[1]} dpi (the PDF is vector at "
                              "any resolution).")
    if match:
        w, h, unit = float(match.group(1)), float(match.group(2)), match.group(3).lower()
        if unit == "px":
            dpi = dpi or PIXEL_DPI
            if not (1 <= w <= MAX_SIDE_PX and 1 <= h <= MAX_SIDE_PX) or w != int(w) or h != int(h):
                raise LayoutError(f"A picture of {text} cannot be made: each side must be a whole "
                                  f"number of pixels up to {MAX_SIDE_PX}.")
            w_mm, h_mm = w / dpi * MM_PER_IN, h / dpi * MM_PER_IN
        else:
            dpi = dpi or DEFAULT_DPI
            w_mm, h_mm = w, h
        name = f"{match.group(1)}x{match.group(2)}{unit}"
    else:
        key = text.lower()
        if key not in PAGES:
            raise LayoutError(f"Unknown page size {text!r}: use A4, A3, Letter, or a size such "
                              "as 180x120mm or 1600x1000px.")
        name, w_mm, h_mm = PAGES[key]
        dpi = dpi or DEFAULT_DPI
    if landscape and h_mm > w_mm:
        w_mm, h_mm = h_mm, w_mm
        name += " landscape"
    page = PageSize(name, w_mm, h_mm, int(dpi))
    if min(page.css) < MIN_SIDE_CSS:
        raise LayoutError(f"The page {text} at {dpi} dpi is too small for a layout: each side "
                          f"needs at least {MIN_SIDE_CSS / CSS_DPI * MM_PER_IN:.0f} mm "
                          f"({MIN_SIDE_CSS * dpi / CSS_DPI:.0f} px at {dpi} dpi).")
    if max(page.pixels) > MAX_SIDE_PX:
        raise LayoutError(f"The page {text} at {dpi} dpi would be {page.pixels[0]} x "
                          f"{page.pixels[1]} pixels; the largest side is {MAX_SIDE_PX}: "
                          "choose a smaller size or resolution.")
    return page


@dataclass
class PrintLayout:
    """What the user chose. ``subtitle`` None: derived from what is visible. ``extent``: a
    name (see :func:`resolve_extent`), (W, S, E, N) in WGS-84, or None for the document's
    view."""
    size: str = "A4"
    landscape: bool = False
    dpi: int | None = None
    title: str | None = None
    subtitle: str | None = None
    hide: tuple[str, ...] = ()
    extent: str | tuple[float, float, float, float] | None = "region"
    legend: str = "outside"
    inset: bool = False
    date: _dt.date | None = None
    # the map window's size in CSS pixels, with extent None: the view is shown as it was seen
    view_size: tuple[int, int] | None = None

    def page(self) -> PageSize:
        return page_size(self.size, landscape=self.landscape, dpi=self.dpi)


# -- the document as printed --------------------------------------------------------------

def hidden_ids(doc: MapDocument, names) -> set[str]:
    """Layer ids for ``--hide-layer`` names: the built-in keys, or a layer's id or title."""
    out = set()
    for name in names or ():
        key = str(name).strip()
        wanted = BUILTIN_NAMES.get(key.lower(), key)
        found = [lyr.id for lyr in doc.layers
                 if wanted in (lyr.id, lyr.builtin) or key in (lyr.title_en, lyr.title_zh)]
        if not found:
            choices = sorted(set(BUILTIN_NAMES) & {k for k, v in BUILTIN_NAMES.items()
                                                    if doc.find(v) is not None})
            choices += [lyr.id for lyr in doc.layers if lyr.id not in BUILTIN_NAMES.values()]
            raise LayoutError(f"No layer {key!r} to hide; the map has: {', '.join(choices)}.")
        out.update(found)
    return out


def printed_document(doc: MapDocument, layout: PrintLayout) -> MapDocument:
    """A copy of ``doc`` with the layout's title and hidden layers (the user's map is not
    changed; the layers share their data)."""
    hide = hidden_ids(doc, layout.hide)
    out = MapDocument(title=doc.title if layout.title is None else str(layout.title),
                      basemap=doc.basemap, lang=doc.lang)
    out.view = dataclasses.replace(doc.view)
    # gdf=lyr.data: replace() would read lyr.gdf, which builds the Points of a layer of
    # point arrays (model.PointData; 13 s at 10M) only to copy them
    out.layers = [dataclasses.replace(lyr, gdf=lyr.data,
                                      visible=lyr.visible and lyr.id not in hide,
                                      filter=dict(lyr.filter), meta=dict(lyr.meta),
                                      provenance=dataclasses.replace(lyr.provenance))
                  for lyr in doc.layers]
    return out


def derived_subtitle(doc: MapDocument) -> str:
    """What the map shows, from the visible layers and their filters: the point and user
    layers (with the sectors a filter keeps), or the boundaries when there are none."""
    t = TEXT.get(doc.lang, TEXT["en"])
    sep = "，" if doc.lang == "zh" else ", "
    visible = [lyr for lyr in reversed(doc.layers) if lyr.visible]
    parts = []
    for lyr in visible:
        if lyr.kind == "boundary":
            continue
        title = lyr.title(doc.lang)
        keep = lyr.filter.get("sector") if lyr.kind == "clusters" else None
        sectors = SECTORS if lyr.kind == "clusters" else {}
        if keep is not None and set(keep) != set(sectors):
            names = [sectors.get(k, {}).get(doc.lang) or str(k) for k in sectors if k in keep]
            names += [str(k) for k in keep if k not in sectors]
            title = t["clusters_of"].format(title=title, sectors=sep.join(names) or "—")
        parts.append(title)
    if not parts:
        parts = [lyr.title(doc.lang) for lyr in visible]
    return ("；" if doc.lang == "zh" else " · ").join(parts)


_TAG = re.compile(r"<[^>]*>")


def plain(html_text: str) -> str:
    """Attribution HTML (a basemap's, ours) as plain text."""
    return re.sub(r"\s+", " ", _html.unescape(_TAG.sub("", html_text or ""))).strip()


def credits(doc: MapDocument) -> list[str]:
    """Data sources of the visible layers (licence and source, once each) and the basemap's
    attribution, as plain text lines."""
    from jjjmap.render import basemaps

    t = TEXT.get(doc.lang, TEXT["en"])
    seen: list[str] = []
    for lyr in reversed(doc.layers):
        if not lyr.visible:
            continue
        source = lyr.source
        if source and not re.match(r"^https?://", source) and ("/" in source or "\\" in source):
            source = Path(source).name    # a local file: its name, not the folders above it
        if lyr.licence and not re.match(r"^https?://", source or ""):
            source = ""   # a description ("source_url column ...") is no credit line
        line = " — ".join(p for p in (lyr.licence, source) if p)
        if line and line not in seen:
            seen.append(line)
    out = [f"{t['data']}: {s}" for s in seen]
    bm = basemaps.get(doc.basemap)
    if bm.url and plain(bm.attribution):
        out.append(f"{t['basemap']}: {bm.title(doc.lang)}, {plain(bm.attribution)}")
    return out


# -- scale bar ----------------------------------------------------------------------------

def scale_bar(lat: float, lon: float, zoom: float, max_px: float, lang: str = "en") -> dict:
    """The longest round length (1, 2 or 5 x 10^k m) that fits in ``max_px`` CSS px along the
    parallel through the frame's centre, measured on the WGS-84 ellipsoid (pyproj.Geod)."""
    from pyproj import Geod

    deg_per_px = 360.0 / (256.0 * 2.0 ** zoom)
    span = 2.0   # short: a geodesic over a long span cuts inside the parallel
    _, _, metres = Geod(ellps="WGS84").inv(lon - deg_per_px * span / 2, lat,
                                           lon + deg_per_px * span / 2, lat)
    m_per_px = metres / span
    limit = max_px * m_per_px
    length = 1.0
    for exp in range(0, 8):
        for step in (1, 2, 5):
            if step * 10 ** exp <= limit:
                length = step * 10 ** exp
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    t = TEXT.get(lang, TEXT["en"])
    return {"px": length / m_per_px, "metres": length, "label": label,
            "note": t["scale_at"].format(lat=f"{lat:.1f}"), "m_per_px": m_per_px}


# -- the page -----------------------------------------------------------------------------

@dataclass
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def intersects(self, other: "Box") -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def css(self) -> dict:
        return {k: round(v, 2) for k, v in dataclasses.asdict(self).items()}


@dataclass
class Plan:
    """Where everything goes on the page (CSS px) and the view the frame shows."""
    page: PageSize
    unit: float
    header: Box
    frame: Box
    legend: Box
    footer: Box
    view: tuple[float, float, float]           # lat, lon, zoom (WGS-84)
    bounds: tuple[float, float, float, float]  # the extent asked for
    scale: dict = field(default_factory=dict)


def plan(doc: MapDocument, layout: PrintLayout) -> Plan:
    """Place the title, frame, legend and footer and choose the view."""
    from jjjmap.render import basemaps

    if layout.legend not in LEGEND_PLACES:
        raise LayoutError(f"Unknown legend place {layout.legend!r}: use "
                          + ", ".join(LEGEND_PLACES) + ".")
    page = layout.page()
    W, H = page.css
    u = min(W, H) / 100.0
    m = 4 * u
    header = Box(m, m, W - 2 * m, 7.2 * u)
    footer = Box(m, H - m - 7.5 * u, W - 2 * m, 7.5 * u)
    top, bottom = header.bottom + 1.2 * u, footer.top - 1.2 * u
    pad_left = pad_right = 0.0
    if layout.legend == "outside" and W >= H * 1.05:      # landscape: a column on the right
        lw = max(30 * u, min(0.28 * (W - 2 * m), 60 * u))
        frame = Box(m, top, W - 2 * m - lw - 2 * u, bottom - top)
        legend = Box(frame.right + 2 * u, top, lw, bottom - top)
    elif layout.legend == "outside":                        # portrait: a band under the map
        lh = 24 * u
        frame = Box(m, top, W - 2 * m, bottom - top - lh - 2 * u)
        legend = Box(m, frame.bottom + 2 * u, W - 2 * m, lh)
    else:                                                   # in a corner, the extent kept clear
        frame = Box(m, top, W - 2 * m, bottom - top)
        lw = min(34 * u, frame.width * 0.4)
        inset = 1.5 * u
        left = frame.left + inset if layout.legend.endswith("left") else frame.right - inset - lw
        legend = Box(left, frame.top + inset, lw, frame.height - 2 * inset)
        if layout.legend.endswith("left"):
            pad_left = lw + inset
        else:
            pad_right = lw + inset
    if layout.extent is None and layout.view_size:
        v = doc.view
        bounds = view_bounds(v.lat, v.lon, v.zoom, *layout.view_size)
    elif layout.extent is None and doc.view.fit is None:
        v = doc.view
        bounds = view_bounds(v.lat, v.lon, v.zoom, frame.width, frame.height)
    else:
        bounds = resolve_extent(doc, layout.extent)
    max_zoom = basemaps.get(doc.basemap).max_zoom
    view = fit_view(bounds, (frame.width, frame.height), pad_left, pad_right, max_zoom)
    out = Plan(page, u, header, frame, legend, footer, view, bounds)
    out.scale = scale_bar(view[0], view[1], view[2], min(frame.width * 0.3, 40 * u), doc.lang)
    return out


def page_config(doc: MapDocument, layout: PrintLayout, the_plan: Plan) -> dict:
    """What resources/web/jjj-print.js needs (all text plain; the page uses textContent)."""
    from jjjmap.render import basemaps

    t = TEXT.get(doc.lang, TEXT["en"])
    lat, lon, zoom = the_plan.view
    dlon, dlat = basemaps.wgs84_to_display(doc.basemap, lon, lat)
    subtitle = derived_subtitle(doc) if layout.subtitle is None else str(layout.subtitle)
    day = layout.date or _dt.date.today()
    p = the_plan
    return {
        "page": {"width": round(p.page.css[0], 2), "height": round(p.page.css[1], 2),
                 "unit": round(p.unit, 3)},
        "header": p.header.css(), "frame": p.frame.css(), "legend": p.legend.css(),
        "footer": p.footer.css(), "legendPlace": layout.legend,
        "view": {"lat": dlat, "lon": dlon, "zoom": zoom},
        "title": doc.title, "subtitle": subtitle,
        "layers": [lyr.id for lyr in reversed(doc.layers) if lyr.visible],
        "credits": credits(doc), "date": day.isoformat(),
        "scale": {"px": round(p.scale["px"], 3), "label": p.scale["label"],
                  "note": p.scale["note"]},
        "inset": bool(layout.inset), "text": t,
    }


def page_css(the_plan: Plan) -> str:
    """The page at its printed size, the map div in the frame (over folium's own style)."""
    W, H = the_plan.page.css
    f = the_plan.frame
    return (
        f"@page {{ size: {the_plan.page.width_mm:.3f}mm {the_plan.page.height_mm:.3f}mm; margin: 0; }}\n"
        f"html, body {{ width: {W:.2f}px !important; height: {H:.2f}px !important; "
        "overflow: hidden; background: #fff; -webkit-print-color-adjust: exact; "
        "print-color-adjust: exact; }\n"
        f"body > .folium-map {{ position: absolute !important; left: {f.left:.2f}px !important; "
        f"top: {f.top:.2f}px !important; width: {f.width:.2f}px !important; "
        f"height: {f.height:.2f}px !important; }}\n"
    )


def print_html(doc: MapDocument, layout: PrintLayout) -> tuple[str, Plan]:
    """The layout page (self-contained, offline but for basemap tiles) and its plan."""
    from jjjmap.render import render_html
    from jjjmap.render.assets import inline_text
    from jjjmap.render.common import script_json

    printed = printed_document(doc, layout)
    the_plan = plan(printed, layout)
    config = page_config(printed, layout, the_plan)
    try:
        page = render_html(printed, assets="inline", show_panel=False)
    except ValueError as exc:
        raise ExportError(f"The map could not be laid out: {exc}", detail=repr(exc)) from exc
    extra = (f"<style>/* print layout */\n{page_css(the_plan)}\n"
             f"{inline_text('jjj-print.css')}</style>\n"
             f"<script>window.jjjPrint = {script_json(config)};</script>\n"
             f"<script>/* jjj-print.js */\n{inline_text('jjj-print.js')}</script>\n")
    head_end = page.index("</head>")
    return page[:head_end] + extra + page[head_end:], the_plan


def check_output(path) -> Path:
    """Fail before the (slow) drawing if ``path`` cannot be written: a missing or read-only
    folder, or a folder where the file should go."""
    import os
    import tempfile

    path = Path(path)
    if path.is_dir():
        raise LayoutError(f"{path} is a folder; choose a file name to export to.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise LayoutError(f"The folder {folder} does not exist, so {path.name} cannot be written.")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise LayoutError(f"Cannot write into the folder {folder}: "
                          f"{exc.strerror or exc}.") from exc
    return path
