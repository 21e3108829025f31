"""Tables without geometry (statistics per county or city) opened as tables, not layers.

``open_layer`` refuses a table with no coordinate columns, because it makes map layers; a
table of GDP per county is still worth opening: ``read_table`` reads it as a plain
DataFrame (same CSV reader and encoding detection as the custom layers, GBK included; Excel
workbooks with a sheet choice) for ``analysis.join`` to put on the boundaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import tables
from .errors import LayerLoadError, display_name
from .sniff import check_readable, sniff

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm")


@dataclass
class Table:
    df: pd.DataFrame
    path: str
    sheet: str | None = None             # the sheet read (workbooks)
    sheets: list[str] = field(default_factory=list)   # every sheet of a workbook
    encoding: str | None = None          # text files
    warnings: list[str] = field(default_factory=list)


def read_table(path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """The table in ``path`` as it is (types inferred by pandas; nothing dropped).

    Raises LayerLoadError naming the file (and sheet) when it is unreadable or empty.
    """
    path = Path(str(path))
    check_readable(path)
    fmt = sniff(path)
    warnings: list[str] = []
    if fmt == "csv":
        if sheet is not None:
            raise LayerLoadError(f"{display_name(path)} is a text table; it has no sheets "
                                 f"(asked for sheet {sheet!r}).", path)
        df, enc = tables.read_csv(path, encoding, warnings)
        out = Table(df=df, path=str(path), encoding=enc, warnings=warnings)
    elif fmt == "xlsx":
        out = _read_workbook(path, sheet, warnings)
    else:
        raise LayerLoadError(f"{display_name(path)} is not a table (CSV, TSV, TXT, XLSX or "
                             f"XLSM); it looks like {fmt}.", path)
    where = f"{display_name(path)}" + (f", sheet {out.sheet!r}," if out.sheet else "")
    out.df = out.df.dropna(how="all").dropna(axis=1, how="all")
    out.df = out.df.loc[:, [not str(c).startswith("Unnamed: ") or out.df[c].notna().any()
                            for c in out.df.columns]]
    if out.df.shape[0] == 0:
        raise LayerLoadError(f"{where} has no data rows.", path)
    out.df = out.df.reset_index(drop=True)
    return out


def _read_workbook(path: Path, sheet: str | None, warnings: list[str]) -> Table:
    try:
        book = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    except Exception as exc:  # openpyxl raises zipfile/KeyError/... on damage
        raise LayerLoadError(f"{display_name(path)} could not be read as an Excel workbook; it "
                             f"may be damaged or password-protected ({exc}).", path) from exc
    names = [str(n) for n in book]
    if not names:
        raise LayerLoadError(f"{display_name(path)} has no sheets.", path)
    if sheet is not None:
        if sheet not in book:
            raise LayerLoadError(f"{display_name(path)} has no sheet named {sheet!r}; its sheets "
                                 f"are: {', '.join(names)}.", path)
        if book[sheet].dropna(how="all").empty:
            raise LayerLoadError(f"{display_name(path)}, sheet {sheet!r}, is empty.", path)
        return Table(df=book[sheet], path=str(path), sheet=sheet, sheets=names,
                     warnings=warnings)
    full = [n for n in names if not book[n].dropna(how="all").empty]
    if not full:
        raise LayerLoadError(f"{display_name(path)}: every sheet is empty "
                             f"({', '.join(names)}).", path)
    if len(names) > 1:
        warnings.append(f"Read sheet {full[0]!r} (the workbook has {len(names)} sheets: "
                        f"{', '.join(names)}; choose another with --sheet).")
    return Table(df=book[full[0]], path=str(path), sheet=full[0], sheets=names,
                 warnings=warnings)
