"""Reading a column as points in time, for the time slider: years, dates, datetimes.

A user's column may hold whole years (2023, "2023"), dates in several spellings
("2023-05-01", "2023/5/1", "2023年5月1日", "2023.05.01", "2023-05"), datetimes, or a mix.
Every value becomes days since 1970-01-01 (a year is its 1 January, a month its first day);
what cannot be read is counted, never guessed: missing (empty), unreadable (no format fits)
and out of range (a year before 1000 or after 2200, such as 0 or 9999). The layer draws in
any case; the counts go to the slider ("4 without a year") and the style dialog.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

YEAR_RANGE = (1000, 2200)          # outside: out of range (0, 9999 are placeholders)
_EPOCH = np.datetime64("1970-01-01", "D")

_NAME_HINT = re.compile(r"(year|date|time|day|month|found|establish|regist|opened|announced|"
                        r"年|日期|时间|月份|成立|注册|登记)", re.I)

# (name, regex, granularity): tried in order on the text of each value
_FORMATS = (
    ("year", re.compile(r"^\s*(\d{4})(?:\.0+)?\s*$"), "year"),
    ("iso", re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+(?:Z|[+-][\d:]+)?)?\s*$"),
     "day"),
    ("slash", re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T][\d:.]+)?\s*$"), "day"),
    ("dot", re.compile(r"^\s*(\d{4})\.(\d{1,2})\.(\d{1,2})\s*$"), "day"),
    ("zh", re.compile(r"^\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?)?\s*$"),
     "zh"),
    ("month", re.compile(r"^\s*(\d{4})[-/.](\d{1,2})\s*$"), "month"),
    ("compact", re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$"), "day"),
    # any other whole number is a year, which then is out of range ("0", "99999")
    ("year", re.compile(r"^\s*(-?\d{1,7})(?:\.0+)?\s*$"), "year"),
)

# how each format is spelt, for the summary ("mixed formats: YYYY, YYYY-MM-DD")
FORMAT_EXAMPLES = {"year": "YYYY", "iso": "YYYY-MM-DD", "slash": "YYYY/M/D",
                   "dot": "YYYY.MM.DD", "zh": "YYYY年M月D日", "month": "YYYY-MM",
                   "compact": "YYYYMMDD", "datetime": "date and time"}


@dataclass
class TimeValues:
    """A column read as time. ``days``: float64 days since 1970-01-01, NaN where unknown."""

    field: str
    days: np.ndarray
    unit: str                       # finest granularity seen: "year", "month" or "day"
    missing: int = 0                # empty cells
    unreadable: int = 0             # text no format fits
    out_of_range: int = 0           # years outside YEAR_RANGE
    formats: list[str] = field(default_factory=list)   # formats seen, most used first

    @property
    def dated(self) -> int:
        return int(np.isfinite(self.days).sum())

    @property
    def undated(self) -> int:
        return len(self.days) - self.dated

    def span(self) -> tuple[float, float] | None:
        ok = np.isfinite(self.days)
        return (float(self.days[ok].min()), float(self.days[ok].max())) if ok.any() else None

    def step(self) -> str:
        """The slider step the values suggest: their own granularity, coarsened for long
        spans (ten years of daily dates step by month)."""
        span = self.span()
        if self.unit == "year" or span is None:
            return "year"
        length = span[1] - span[0]
        if length > 366 * 20:
            return "year"
        if self.unit == "month" or length > 366 * 2:
            return "month"
        return "day"

    def summary(self, lang: str = "en", sep: str | None = None) -> str:
        """One line for the style dialog (``sep``: between its parts, "\n" for one a line)."""
        span = self.span()
        zh = lang == "zh"
        parts = []
        if span is None:
            parts.append("没有可读的日期" if zh else "no readable dates")
        else:
            lo, hi = (str(_EPOCH + np.timedelta64(int(d), "D")) for d in span)
            if self.unit == "year":
                lo, hi = lo[:4], hi[:4]
            parts.append(f"{self.dated} 个有日期（{lo} – {hi}）" if zh
                         else f"{self.dated} dated ({lo} – {hi})")
        if self.missing:
            parts.append(f"{self.missing} 个为空" if zh else f"{self.missing} empty")
        if self.unreadable:
            parts.append(f"{self.unreadable} 个无法读取" if zh
                         else f"{self.unreadable} unreadable")
        if self.out_of_range:
            parts.append(f"{self.out_of_range} 个年份超出 {YEAR_RANGE[0]}–{YEAR_RANGE[1]}" if zh
                         else f"{self.out_of_range} with a year outside "
                              f"{YEAR_RANGE[0]}–{YEAR_RANGE[1]}")
        if len(self.formats) > 1:   # shown as the spellings they read, not our names
            parts.append(("混合格式：" if zh else "mixed formats: ")
                         + ", ".join(FORMAT_EXAMPLES.get(f, f) for f in self.formats))
        return (sep if sep is not None else "；" if zh else "; ").join(parts)


def _days(year, month, day) -> np.ndarray:
    """Days since 1970-01-01 of (year, month, day) arrays; NaN where not a real date."""
    out = np.full(len(year), np.nan)
    for i, (y, m, d) in enumerate(zip(year, month, day)):
        try:
            out[i] = (np.datetime64(f"{int(y):04d}-{int(m):02d}-{int(d):02d}", "D")
                      - _EPOCH).astype(np.int64)
        except ValueError:
            pass
    return out


def _from_datetimes(values: pd.Series) -> np.ndarray:
    dt = pd.to_datetime(values, errors="coerce", utc=True).dt.tz_localize(None)
    days = (dt - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    return np.floor(days.to_numpy(dtype=float, na_value=np.nan))


def read_time(values, name: str = "") -> TimeValues:
    """``values`` (a column) as time; never raises for what a cell holds."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    n = len(s)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        days = _from_datetimes(s)
        missing = int(s.isna().sum())
        years = 1970 + days / 365.2425
        bad = np.isfinite(days) & ((years < YEAR_RANGE[0]) | (years > YEAR_RANGE[1] + 1))
        days[bad] = np.nan
        return TimeValues(name, days, "day", missing=missing, out_of_range=int(bad.sum()),
                          formats=["datetime"])
    if pd.api.types.is_bool_dtype(s.dtype):
        return TimeValues(name, np.full(n, np.nan), "year", unreadable=int(s.notna().sum()))
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        missing = int(np.isnan(v).sum())
        whole = np.isfinite(v) & (np.floor(v) == v)
        ok = whole & (v >= YEAR_RANGE[0]) & (v <= YEAR_RANGE[1])
        days = np.full(n, np.nan)
        if ok.any():
            years = v[ok].astype(np.int64)
            days[ok] = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(
                np.int64)
        out_of_range = int((whole & ~ok).sum())
        unreadable = int((np.isfinite(v) & ~whole).sum())
        return TimeValues(name, days, "year", missing=missing, unreadable=unreadable,
                          out_of_range=out_of_range, formats=["year"] if ok.any() else [])
    return _read_text(s, name)


def _read_text(s: pd.Series, name: str) -> TimeValues:
    n = len(s)
    days = np.full(n, np.nan)
    missing_mask = s.isna().to_numpy() | (s.astype(str).str.strip() == "").to_numpy()
    text = s.astype(str).to_numpy()
    # distinct values once: a million rows hold few distinct dates
    uniq, inverse = np.unique(text[~missing_mask], return_inverse=True)
    udays = np.full(len(uniq), np.nan)
    ufmt = np.full(len(uniq), -1)
    ugran = np.zeros(len(uniq), dtype=np.int8)     # 0 year, 1 month, 2 day
    urange = np.zeros(len(uniq), dtype=bool)       # read, but the year is out of range
    for i, t in enumerate(uniq.tolist()):
        for k, (_fname, rx, gran) in enumerate(_FORMATS):
            m = rx.match(t)
            if not m:
                continue
            g = [x for x in m.groups()]
            year = int(g[0])
            if gran == "zh":
                gran = "day" if g[2] else "month" if g[1] else "year"
            month = int(g[1]) if len(g) > 1 and g[1] else 1
            day = int(g[2]) if len(g) > 2 and g[2] else 1
            ufmt[i] = k
            if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                urange[i] = True
                break
            udays[i] = _days([year], [month], [day])[0]
            ugran[i] = {"year": 0, "month": 1, "day": 2}[gran]
            break
    if len(uniq):
        days[~missing_mask] = udays[inverse]
    counts = np.bincount(inverse, minlength=len(uniq)) if len(uniq) else np.zeros(0, int)
    out_of_range = int(counts[urange].sum())
    unreadable = int(counts[(ufmt < 0) | (~urange & np.isnan(udays) & (ufmt >= 0))].sum())
    read = np.isfinite(udays)
    gran = int(ugran[read].max()) if read.any() else 0
    used: dict[str, int] = {}
    for k, c in zip(ufmt[read], counts[read]):
        used[_FORMATS[k][0]] = used.get(_FORMATS[k][0], 0) + int(c)
    formats = sorted(used, key=lambda f: -used[f])
    return TimeValues(name, days, ("year", "month", "day")[gran],
                      missing=int(missing_mask.sum()), unreadable=unreadable,
                      out_of_range=out_of_range, formats=formats)


def time_candidates(gdf) -> list[str]:
    """Columns that look like time (by dtype, by name, or because most of a sample reads as
    dates), best first: what the style dialog offers for the time slider."""
    geom = gdf.geometry.name if hasattr(gdf, "geometry") else None
    scored = []
    for col in gdf.columns:
        if col == geom or str(col).startswith("_"):
            continue
        s = gdf[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            scored.append((0, str(col)))
            continue
        sample = s.dropna().head(200)
        if sample.empty or pd.api.types.is_bool_dtype(s.dtype):
            continue
        if pd.api.types.is_float_dtype(s.dtype) and not _NAME_HINT.search(str(col)):
            continue   # measurements, not years
        tv = read_time(sample)
        share = tv.dated / len(sample)
        if share >= 0.8 or (share > 0 and _NAME_HINT.search(str(col))):
            scored.append((1 if _NAME_HINT.search(str(col)) else 2, str(col)))
    return [c for _, c in sorted(scored)]


__all__ = ["TimeValues", "read_time", "time_candidates", "YEAR_RANGE"]
