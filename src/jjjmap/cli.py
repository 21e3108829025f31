"""`jjjmap` command line: gui (default), export, info, convert.

Everything but `gui` runs headless. Errors a user can cause print one line naming the file and
the problem and exit non-zero; `--debug` shows the traceback as well.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from jjjmap.commands import CliError  # also jjjmap.cli.CliError

log = logging.getLogger("jjjmap")

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 3


def _user_errors() -> tuple[type[BaseException], ...]:
    """Typed errors of the core whose messages are written for the user."""
    errors: list[type[BaseException]] = [CliError, FileNotFoundError, PermissionError]
    for module, name in (("jjjmap.io", "LayerLoadError"), ("jjjmap.io", "LayerExportError"),
                         ("jjjmap.io.project", "ProjectFileError"),
                         ("jjjmap.export", "ExportError")):
        try:
            mod = __import__(module, fromlist=[name])
            errors.append(getattr(mod, name))
        except (ImportError, AttributeError):
            pass
    return tuple(errors)


def _add_layer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--layer", action="append", default=[], metavar="PATH",
                   help="add a custom layer (repeatable; PATH::name picks a layer of a GeoPackage)")
    p.add_argument("--crs", help="CRS of the custom layers when the file does not say (e.g. EPSG:4548)")
    p.add_argument("--encoding", help="text encoding of the custom layers' attributes (e.g. gbk)")
    p.add_argument("--datum", choices=["wgs84", "gcj02", "bd09"], default=None,
                   help="declare that the custom layers are in GCJ-02 or BD-09 and convert them")
    p.add_argument("--style", metavar="FILE", help="style file (JSON or TOML) for the custom layers")
    p.add_argument("--basemap", help="basemap name (see `jjjmap export --list-basemaps`)")
    p.add_argument("--lang", choices=["en", "zh"],
                   help="language of labels and legends (and of the window, for gui)")


def _window_size(text: str) -> tuple[int, int]:
    """'1280x800' -> (1280, 800)."""
    w, sep, h = text.lower().partition("x")
    try:
        size = (int(w), int(h)) if sep else None
    except ValueError:
        size = None
    if size is None or not (320 <= size[0] <= 8192 and 240 <= size[1] <= 8192):
        raise argparse.ArgumentTypeError(f"{text!r} is not a window size such as 1280x800 "
                                         f"(320x240 to 8192x8192)")
    return size


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jjjmap", description="Jing-Jin-Ji map explorer")
    p.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    # --debug is accepted after the command too; SUPPRESS keeps it from resetting the global one.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks and debug logging")
    sub = p.add_subparsers(dest="command")

    g = sub.add_parser("gui", parents=[common], help="open the desktop explorer (the default)")
    _add_layer_options(g)
    g.add_argument("--screenshot", metavar="PATH",
                   help="open the window, wait for the map, save a PNG of it and exit")
    g.add_argument("--size", metavar="WxH", type=_window_size, default=None,
                   help="with --screenshot: the window's size in pixels (default 1400x900)")
    g.add_argument("--texts", metavar="JSON", help="with --screenshot: also write the window's "
                   "own texts (menus, docks, layer panel) to JSON, e.g. to check a translation")

    e = sub.add_parser("export", parents=[common], help="write the map as HTML (and/or PNG), headless")
    _add_layer_options(e)
    e.add_argument("-o", "--output", metavar="HTML", help="HTML file to write")
    e.add_argument("--light", action="store_true",
                   help="a small page with Leaflet's files in a folder beside it (map_files/ "
                        "for map.html; keep or publish both) instead of one self-contained file")
    e.add_argument("--png", metavar="PATH",
                   help="write the print layout as a PNG (see the options below)")
    e.add_argument("--title", help="map title")
    e.add_argument("--sectors", help="comma-separated sector keys to show (default: all)")
    e.add_argument("--list-basemaps", action="store_true", help="list basemap names and exit")
    e.add_argument("--tianditu-key-in-page", action="store_true",
                   help="write the Tianditu key (JJJMAP_TIANDITU_KEY) into a page on a Tianditu "
                        "basemap; anyone with the file can read and use it")
    e.add_argument("--include-hidden", action="store_true",
                   help="also put hidden layers into the page (hidden, to be ticked on)")
    from jjjmap.commands import layoutopts
    layoutopts.add_options(e)
    e.add_argument("--join", metavar="TABLE",
                   help="join TABLE to the layer named by --to and map it (styled by --style)")
    from jjjmap.commands.join import add_join_options
    add_join_options(e, required_to=False)

    i = sub.add_parser("info", parents=[common], help="describe what a file holds")
    i.add_argument("path")

    c = sub.add_parser("convert", parents=[common],
                       help="convert a layer to GeoPackage, GeoJSON or Shapefile")
    c.add_argument("input")
    c.add_argument("output")
    c.add_argument("--crs")
    c.add_argument("--encoding")
    c.add_argument("--datum", choices=["wgs84", "gcj02", "bd09"], default=None)
    for module in _command_modules():
        module.add_parser(sub, common)
    return p


def _command_modules() -> list:
    import importlib

    from jjjmap import commands

    return [importlib.import_module(f"jjjmap.commands.{name}") for name in commands.NAMES]


def _open_custom_layers(args) -> list:
    from jjjmap.io import open_layer
    from jjjmap.model import Style

    style = _read_style(args.style) if getattr(args, "style", None) else None
    layers = []
    for path in args.layer:
        for layer in open_layer(path, **_layer_open_options(args)):
            if style is not None:
                layer.style = Style.from_dict(style)
            for warning in layer.provenance.warnings:
                print(f"{path}: {warning}", file=sys.stderr)
            layers.append(layer)
    return layers


def _read_style(path: str) -> dict:
    import json
    import tomllib

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except OSError as exc:
        raise CliError(f"{path}: cannot read the style file ({exc.strerror})") from exc
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = p.suffix.lstrip('.') or 'JSON'
        raise CliError(f"{path}: the style file is not valid {kind}: {exc}") from exc
    if not isinstance(data, dict):
        raise CliError(f"{path}: a style file holds one object of style options")
    try:
        from jjjmap.model import Style
        Style.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise CliError(f"{path}: {exc}") from exc
    return data


def _document(args):
    from jjjmap import catalog

    doc = catalog.default_document()
    if getattr(args, "title", None):
        doc.title = args.title
    if args.basemap:
        from jjjmap.render import basemaps
        if args.basemap not in basemaps.BASEMAPS:
            raise CliError(f"unknown basemap {args.basemap!r}; choose one of: "
                           + ", ".join(basemaps.BASEMAPS))
        doc.basemap = args.basemap
    if args.lang:
        doc.lang = args.lang
    if getattr(args, "sectors", None):
        wanted = [s.strip() for s in args.sectors.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in catalog.SECTORS]
        if unknown:
            raise CliError(f"unknown sector(s) {', '.join(unknown)}; choose from: "
                           + ", ".join(catalog.SECTORS))
        for layer in doc.layers:
            if layer.kind == "clusters":
                doc.set_filter(layer.id, "sector", wanted)
    custom = _open_custom_layers(args)
    for layer in custom:
        doc.add_layer(layer)
    if getattr(args, "join", None):
        from jjjmap.commands.join import add_joined_layer
        add_joined_layer(doc, args, _read_style(args.style) if args.style else None)
    doc.frame(custom)
    return doc


def cmd_export(args) -> int:
    if args.list_basemaps:
        from jjjmap.render import basemaps
        for name, bm in basemaps.BASEMAPS.items():
            print(f"{name:20s} {bm.title_en} ({bm.datum})")
        return 0
    if not args.output and not args.png and not args.pdf:
        raise CliError("say where to write: -o map.html, --pdf map.pdf and/or --png map.png")
    from jjjmap import export
    from jjjmap.commands import layoutopts
    from jjjmap.export.targets import check_target

    inputs = [*args.layer, *([args.style] if args.style else [])]
    outputs = [t for t in (args.output, args.png, args.pdf) if t]
    for target, kind in ((args.output, "html"), (args.png, "png"), (args.pdf, "pdf")):
        if target:
            check_target(target, kind, inputs + [t for t in outputs if t != target])
    doc = _document(args)
    layoutopts.hide_layers(args, doc)
    layout = layoutopts.prepare(args, doc)     # bad layout options fail before any writing
    if args.output:
        export.write_html(doc, args.output, self_contained=not args.light,
                          tianditu_key=_page_key(args, doc),
                          include_hidden=args.include_hidden)
        print(f"wrote {args.output}")
        if args.light:
            print(f"wrote {export.files_folder(args.output)}/ (keep it beside the page)")
    # Qt WebEngine draws the layout: every install (and the desktop bundle) has it, unlike
    # the playwright + Chromium pair that jjjmap.export.write_png (the Qt-free path) needs.
    layoutopts.write(args, doc, layout)
    return 0


def _page_key(args, doc) -> str:
    """The Tianditu key for the exported page: only on a Tianditu basemap, only when asked."""
    from jjjmap.render import basemaps

    uses = basemaps.get(doc.basemap).needs_key
    if not uses:
        return ""
    key = basemaps.tianditu_key()
    if not args.tianditu_key_in_page:
        print(f"jjjmap: note: the page shows no {doc.basemap} tiles without a key; "
              f"--tianditu-key-in-page writes yours ({basemaps.TIANDITU_ENV}) into it, "
              f"where anyone with the file can read it", file=sys.stderr)
        return ""
    if key is None:
        raise CliError(f"--tianditu-key-in-page needs a key in {basemaps.TIANDITU_ENV} "
                       "(a free key from https://console.tianditu.gov.cn/)")
    return key


def cmd_info(args) -> int:
    from jjjmap.io import describe, format_description

    print(format_description(describe(args.path)))
    return 0


def cmd_convert(args) -> int:
    from jjjmap.io import convert

    notes: list[str] = []
    written = convert(args.input, args.output, notes=notes, **_layer_open_options(args))
    for note in notes:
        print(f"{args.input}: {note}", file=sys.stderr)
    for path in dict.fromkeys(written):   # one line per file (several layers: several files)
        print(f"wrote {path}")
    return 0


def _layer_open_options(args) -> dict:
    """--crs / --encoding / --datum as ``io.open_layer`` keywords (one reading for every
    command that opens custom layers)."""
    datum = getattr(args, "datum", None)
    options = {"crs": getattr(args, "crs", None), "encoding": getattr(args, "encoding", None),
               "datum": None if datum == "wgs84" else datum}
    return {k: v for k, v in options.items() if v is not None}


def cmd_gui(args) -> int:
    from jjjmap.ui.app import main as gui_main

    style = _read_style(args.style) if getattr(args, "style", None) else None
    return gui_main(screenshot=getattr(args, "screenshot", None),
                    layers=tuple(getattr(args, "layer", ()) or ()),
                    basemap=getattr(args, "basemap", None), lang=getattr(args, "lang", None),
                    layer_options=_layer_open_options(args), style=style,
                    texts=getattr(args, "texts", None), size=getattr(args, "size", None))


COMMANDS = {"gui": cmd_gui, "export": cmd_export, "info": cmd_info, "convert": cmd_convert}


def _run(args) -> int:
    if args.command in COMMANDS:
        return COMMANDS[args.command](args)
    import importlib

    return importlib.import_module(f"jjjmap.commands.{args.command}").run(args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "gui"])
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args)
    except _user_errors() as exc:
        if args.debug:
            log.exception("failed")
        print(f"jjjmap: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: no traceback for users
        if args.debug:
            log.exception("internal error")
        print(f"jjjmap: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
