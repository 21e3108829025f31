"""`jjjmap export --pdf/--png` and the print layout's options (export.layout, ui.printout).

Not a subcommand of its own (so not in NAMES): cli.py's export adds these options and calls
:func:`prepare` before writing anything (bad options fail before the slow drawing, and before
an HTML file is written beside) and :func:`write` at the end.
"""
from __future__ import annotations

import argparse

SIZE_HELP = ("page size: A4 (default), A3, Letter, or WxHmm (e.g. 180x120mm) or WxHpx (e.g. "
             "1600x1000px: the PNG's exact pixels; the page is laid out at --dpi, 96 if not given)")


def add_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "print layout (--pdf, --png)",
        "A page with the title, the map in a frame, a legend of the visible layers outside it, "
        "a geodesic scale bar, a north arrow, credits and the date. The PDF is vector (text "
        "selectable, boundaries and points as paths); the PNG has exactly the page's pixels "
        "at --dpi. Fixed texts follow --lang.")
    g.add_argument("--pdf", metavar="PATH", help="write the print layout as a vector PDF")
    g.add_argument("--size", default="A4", help=SIZE_HELP)
    g.add_argument("--landscape", action="store_true", help="turn the page sideways")
    g.add_argument("--dpi", type=int, default=None,
                   help="resolution of the PNG (default 300 for paper sizes; 72-600)")
    g.add_argument("--subtitle", help="line under the title (default: what the visible "
                                      "layers show, with the sector filter)")
    g.add_argument("--hide-layer", action="append", default=[], metavar="NAME",
                   help="hide a layer (repeatable): clusters, institutions, counties, "
                        "prefectures, provinces, xiongan, or a custom layer's name; also "
                        "hidden in the HTML page")
    g.add_argument("--extent", default=None, metavar="WHERE",
                   help="what the frame shows: region (default), xiongan, a province, "
                        "prefecture or county name (保定, Baoding), a layer's name, or W,S,E,N "
                        "in degrees")
    g.add_argument("--legend", default="outside",
                   choices=["outside", "topleft", "topright", "bottomleft", "bottomright"],
                   help="where the legend goes: outside the frame (default) or in a corner "
                        "(the extent is kept clear of it)")
    g.add_argument("--inset", action="store_true",
                   help="add a small map of the whole region with the frame's extent on it")


def hide_layers(args, doc) -> None:
    """--hide-layer: those layers are invisible in the document (HTML and layout alike)."""
    from jjjmap.export.layout import hidden_ids

    for layer_id in hidden_ids(doc, args.hide_layer):
        doc.set_visible(layer_id, False)


def prepare(args, doc):
    """The layout for --pdf/--png, checked (size, dpi, extent, output folders), or None."""
    if not (args.pdf or args.png):
        return None
    from jjjmap.export.layout import (PrintLayout, check_output, resolve_extent)

    layout = PrintLayout(size=args.size, landscape=args.landscape, dpi=args.dpi,
                         title=args.title, subtitle=args.subtitle, legend=args.legend,
                         extent=args.extent or "region", inset=args.inset)
    layout.page()
    resolve_extent(doc, layout.extent)
    for path in (args.pdf, args.png):
        if path:
            check_output(path)
    return layout


def write(args, doc, layout) -> None:
    if layout is None:
        return
    from jjjmap.ui.printout import write_layout

    for path, fmt in ((args.pdf, "pdf"), (args.png, "png")):
        if path:
            write_layout(doc, layout, path, fmt)
            if fmt == "png":
                w, h = layout.page().pixels
                print(f"wrote {path} ({w} x {h} px, {layout.page().dpi} dpi)")
            else:
                print(f"wrote {path}")
