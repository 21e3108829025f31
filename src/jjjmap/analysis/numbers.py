"""Numbers as statistical tables write them: ``1,234.5``, ``１２３４``, ``1,234.5亿元``, ``12.5%``.

A column is made numeric only when its text reads as numbers in one unit; a column of mixed
units or mostly words stays text and says why (``ColumnNote``), so nothing turns into text or
into numbers without the user being told.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .keys import is_missing, nfkc

_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(?P<unit>[^\d\s]{0,8})$")
NUMERIC_SHARE = 0.8   # at least this share of the filled cells must be numbers


@dataclass
class ColumnNote:
    column: str
    problem: bool       # True: the column could not be read as numbers although it looks meant to
    text: str


def is_text(series) -> bool:
    """A column of text cells (pandas 3's ``str`` dtype, or mixed objects from Excel)."""
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def parse_number(value) -> tuple[float, str] | None:
    """(number, unit) or None. The unit is returned, never applied: 万 and 亿 stay the user's."""
    text = nfkc(value).replace("，", ",")
    m = _NUMBER.match(text)
    if not m:
        return None
    return float(m.group("num").replace(",", "")), m.group("unit")


def numeric_columns(df: pd.DataFrame, skip: set[str], where: str) -> tuple[pd.DataFrame,
                                                                          list[ColumnNote],
                                                                          dict[str, str]]:
    """Text columns that hold numbers become numbers; returns (table, notes, units per column).

    ``where`` names the file in the notes. Integer columns stay integers (nullable Int64 when a
    cell is missing).
    """
    out = df.copy()
    notes: list[ColumnNote] = []
    units: dict[str, str] = {}
    for col in df.columns:
        if col in skip or not is_text(df[col]):
            continue
        cells = df[col]
        filled = [(i, v) for i, v in cells.items() if not is_missing(v)]
        if not filled:
            continue
        parsed = {i: parse_number(v) for i, v in filled if not isinstance(v, (int, float))
                  or isinstance(v, bool)}
        parsed.update({i: (float(v), "") for i, v in filled
                       if isinstance(v, (int, float)) and not isinstance(v, bool)})
        good = {i: p for i, p in parsed.items() if p is not None}
        bad = [(i, v) for i, v in filled if parsed.get(i) is None]
        share = len(good) / len(filled)
        if not good:
            continue
        found_units = sorted({u for _, u in good.values() if u})
        if share < NUMERIC_SHARE:
            examples = ", ".join(repr(str(v)) for _, v in bad[:3])
            notes.append(ColumnNote(str(col), True,
                                    f"{where}: column {col!r} is mostly text ({len(bad)} of "
                                    f"{len(filled)} filled cells are not numbers, e.g. "
                                    f"{examples}); kept as text, so it cannot be graduated."))
            continue
        unitless = [i for i, (_, u) in good.items() if not u]
        if len(found_units) > 1 or (found_units and unitless and len(unitless) < len(good)
                                    and _has_scale(found_units)):
            notes.append(ColumnNote(str(col), True,
                                    f"{where}: column {col!r} mixes units "
                                    f"({', '.join(found_units + (['none'] if unitless else []))})"
                                    f"; kept as text: convert it to one unit first."))
            continue
        values = np.full(len(df), np.nan)
        pos = {idx: k for k, idx in enumerate(df.index)}
        for i, (num, _) in good.items():
            values[pos[i]] = num
        series = pd.Series(values, index=df.index)
        if np.all(np.mod(values[np.isfinite(values)], 1) == 0):
            series = series.astype("Int64")
        out[col] = series
        if found_units:
            units[str(col)] = found_units[0]
            notes.append(ColumnNote(str(col), False,
                                    f"{where}: column {col!r} read as numbers in "
                                    f"{found_units[0]} (the unit is kept as the column's unit, "
                                    f"not multiplied out)."))
        if bad:
            rows = ", ".join(str(pos[i] + 1) for i, _ in bad[:5])
            notes.append(ColumnNote(str(col), False,
                                    f"{where}: column {col!r}: {len(bad)} cell(s) are not numbers "
                                    f"(data row(s) {rows}) and count as no data."))
    return out, notes, units


def _has_scale(units: list[str]) -> bool:
    """A unit that changes the magnitude (万, 亿, ...): numbers without it would be wrong."""
    return any(u and u[0] in "万亿千百kKmM" for u in units)
