"""`jjjmap join TABLE --to counties -o OUT`: a table of numbers on the region's boundaries.

Prints the match report first; writes nothing and exits 1 when a row is ambiguous, unmatched or
in conflict, unless --allow-unmatched (then those rows are left out, as the report says).
"""
from __future__ import annotations

import sys

TARGET_HELP = "counties | prefectures | provinces | xiongan | a polygon file"


def add_join_options(p, *, required_to: bool = True) -> None:
    """Options shared by `join` and `export --join` (the target, key, city, sheet, fixes)."""
    p.add_argument("--to", required=required_to, metavar="LAYER", help=TARGET_HELP)
    p.add_argument("--key", metavar="COLUMN", help="the table's key column (default: guessed)")
    p.add_argument("--city", metavar="COLUMN",
                   help="the column naming each row's city, for duplicate short names "
                        "(default: guessed)")
    p.add_argument("--sheet", metavar="NAME", help="sheet of an Excel workbook")
    p.add_argument("--table-encoding", metavar="NAME", help="text encoding of a CSV table")
    p.add_argument("--fix", action="append", default=[], metavar="ROW=CODE",
                   help="match data row ROW to the feature with code CODE by hand "
                        "(CODE none leaves the row out); repeatable")
    p.add_argument("--allow-unmatched", action="store_true",
                   help="write the result even if some rows are ambiguous or unmatched")


def add_parser(sub, common) -> None:
    p = sub.add_parser("join", parents=[common],
                       help="join a table (CSV/XLSX) to the built-in boundaries or a polygon file")
    p.add_argument("table", metavar="TABLE")
    add_join_options(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="OUT.gpkg, OUT.geojson or OUT.csv (attributes only)")


def parse_fixes(items) -> dict[int, str | None]:
    from jjjmap.commands import CliError

    out: dict[int, str | None] = {}
    for item in items:
        row, sep, code = str(item).partition("=")
        if not sep or not row.strip().isdigit():
            raise CliError(f"--fix {item!r}: write it as ROW=CODE, e.g. --fix 7=130104")
        code = code.strip()
        out[int(row)] = None if code.lower() in ("", "none", "-") else code
    return out


def join_from_args(args, out=sys.stdout):
    """Read, match, report; returns (layer, report) or raises CliError when rows are left."""
    from jjjmap.analysis import join as J
    from jjjmap.commands import CliError
    from jjjmap.io.tabledata import read_table

    path = getattr(args, "table", None) or args.join
    table = read_table(path, sheet=args.sheet, encoding=args.table_encoding)
    for warning in table.warnings:
        print(f"{path}: {warning}", file=sys.stderr)
    target = J.load_target(args.to)
    try:
        report = J.match_table(table, target, key=args.key, parent=args.city,
                               fixes=parse_fixes(args.fix))
    except J.JoinError as exc:
        raise CliError(str(exc)) from exc
    print("\n".join(report.lines()), file=out)
    if not report.complete and not args.allow_unmatched:
        left = len(report.rows) - sum(r.applied for r in report.rows)
        raise CliError(f"{path}: {left} row(s) are ambiguous, unmatched or in conflict "
                       f"(see the report above); nothing was written. Fix them with --key, "
                       f"--city or --fix ROW=CODE, or pass --allow-unmatched.")
    result = J.apply_join(table, target, report)
    return J.joined_layer(result, target, path), report


def run(args) -> int:
    from pathlib import Path

    from jjjmap.commands import CliError

    out = Path(args.output)
    if out.suffix.lower() not in (".gpkg", ".geojson", ".json", ".csv"):
        raise CliError(f"{args.output}: write the join as .gpkg, .geojson or .csv")
    layer, _ = join_from_args(args)
    if out.suffix.lower() == ".csv":
        table = layer.gdf.drop(columns=layer.gdf.geometry.name)
        try:
            table.to_csv(out, index=False, encoding="utf-8-sig")
        except OSError as exc:
            raise CliError(f"{args.output}: cannot write ({exc.strerror})") from exc
    else:
        from jjjmap.io import write_layer

        write_layer(layer.gdf, out)
    print(f"wrote {args.output}")
    return 0


def add_joined_layer(doc, args, style: dict | None) -> None:
    """`export --join TABLE --to X`: the joined layer on the map, in place of the plain X."""
    from jjjmap.commands import CliError
    from jjjmap.model import Style

    if not args.to:
        raise CliError("--join needs --to counties|prefectures|provinces|xiongan|FILE")
    layer, report = join_from_args(args, out=sys.stderr)
    if style is not None:
        layer.style = Style.from_dict(style)
        check_style_field(layer, report, args.join)
    index = None
    for i, other in enumerate(doc.layers):
        if other.builtin == args.to:
            other.visible = False
            index = i + 1
    doc.add_layer(layer, index)


def check_style_field(layer, report, table: str) -> None:
    """A style by a field the join did not bring, or graduated by a text column: say so."""
    import pandas as pd

    from jjjmap.commands import CliError

    st = layer.style
    if st.mode == "single" or not st.field:
        return
    gdf = layer.gdf
    if st.field not in gdf.columns:
        raise CliError(f"{table}: the style's field {st.field!r} is not a column of the joined "
                       f"layer; its columns are: "
                       f"{', '.join(repr(str(c)) for c in gdf.columns if c != 'geometry')}")
    if st.mode == "graduated" and not pd.api.types.is_numeric_dtype(gdf[st.field]):
        why = next((n.text for n in report.notes if n.column == st.field and n.problem),
                   f"{table}: column {st.field!r} holds text, not numbers")
        raise CliError(f"{why} Graduated colours need a numeric column.")
