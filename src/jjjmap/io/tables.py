"""Tables with coordinates: CSV/TSV/TXT and Excel workbooks.

pandas reads the table (C parser, vectorised); coordinates become points with
``geopandas.points_from_xy`` and WKT with ``shapely.from_wkt`` - no per-row Python, so a
million rows take about a second.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .cancel import checkpoint, listening, report
from .encoding import detect_text, label
from .errors import LayerLoadError, display_name

# normalised column names: (x candidates, y candidates), most specific first
_XY_PAIRS = [
    ({"longitude", "long", "lon", "lng", "经度", "东经", "lon_wgs84", "wgs84_lon", "lng_wgs84",
      "wgs84_lng", "longitude_wgs84"},
     {"latitude", "lat", "纬度", "北纬", "lat_wgs84", "wgs84_lat", "latitude_wgs84"}),
    ({"x", "point_x", "xcoord", "x_coord", "easting", "东坐标", "x坐标"},
     {"y", "point_y", "ycoord", "y_coord", "northing", "北坐标", "y坐标"}),
]
_WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "wkt_geom", "几何", "geometry_wkt")


def _norm(name) -> str:
    text = str(name).replace("\ufeff", "").strip().lower()
    text = re.sub(r"\s+", "_", text)
    return re.sub(r"[()（）\[\]°]", "", text)


def find_xy(columns) -> tuple[str, str] | None:
    normed = {_norm(c): c for c in columns}
    for xs, ys in _XY_PAIRS:
        x = next((normed[n] for n in normed if n in xs), None)
        y = next((normed[n] for n in normed if n in ys), None)
        if x is not None and y is not None:
            return x, y
    return None


def find_wkt(columns) -> str | None:
    normed = {_norm(c): c for c in columns}
    return next((normed[n] for n in _WKT_NAMES if n in normed), None)


def _separator(path: Path, encoding: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        sample = fh.read(65536)
    first = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


MAX_COLUMNS = 10_000


def unique_headers(names) -> list[str]:
    """Header names cleaned (BOM, spaces) and made unique the way pandas does ('a', 'a.1',
    'a.2'), in linear time: pandas' own renaming is quadratic in the number of repeats (a
    200 kB header of 'a,a,...' took about a minute)."""
    cleaned = [str(n).replace("\ufeff", "").strip() for n in names]
    seen: set[str] = set(cleaned)
    counts: dict[str, int] = {}
    out, used = [], set()
    for name in cleaned:
        if name not in used:
            used.add(name)
            out.append(name)
            continue
        k = counts.get(name, 0)
        while True:
            k += 1
            cand = f"{name}.{k}"
            if cand not in used and cand not in seen:
                break
        counts[name] = k
        used.add(cand)
        out.append(cand)
    return out


def header_names(path: Path, encoding: str, sep: str) -> list[str] | None:
    """The header row, unique, for pandas (None: let pandas read it, e.g. it does not parse)."""
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        try:
            row = next(csv.reader(fh, delimiter=sep, skipinitialspace=True), None)
        except csv.Error:
            return None
    if not row:
        return None
    if len(row) > MAX_COLUMNS:
        raise LayerLoadError(f"{display_name(path)} has {len(row):,} columns in its header; "
                             f"jjjmap reads tables of at most {MAX_COLUMNS:,} columns.", path)
    return unique_headers(row)


CSV_CHUNK_ROWS = 200_000   # a cancel is noticed between chunks; smaller files are one chunk
CSV_PROGRESS_ROWS = 50_000   # chunks when the read reports its progress


def _read_csv_chunks(path: Path, **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` in chunks with a cancel checkpoint between them. A column whose chunks
    were typed differently (numbers first, text later) becomes text, as one read would make it."""
    chunks = []
    if not listening():
        with pd.read_csv(path, chunksize=CSV_CHUNK_ROWS, **kwargs) as reader:
            for chunk in reader:
                chunks.append(chunk)
                checkpoint()
    else:   # rows read, of a total estimated from the bytes read so far
        size, rows = max(Path(path).stat().st_size, 1), 0
        rows_per_chunk = min(CSV_CHUNK_ROWS, CSV_PROGRESS_ROWS)
        with open(path, "rb") as fh, pd.read_csv(fh, chunksize=rows_per_chunk,
                                                 **kwargs) as reader:
            report(0, None, "rows")
            for chunk in reader:
                chunks.append(chunk)
                rows += len(chunk)
                report(rows, max(rows, round(rows * size / max(fh.tell(), 1))), "rows")
                checkpoint()
        report(rows, rows, "rows")
    if not chunks:
        raise pd.errors.EmptyDataError("No columns to parse from file")
    if len(chunks) == 1:
        return chunks[0]
    for c in chunks[0].columns:
        dtypes = [ch[c].dtype for ch in chunks]
        text = next((d for d in dtypes if not pd.api.types.is_numeric_dtype(d)
                     and not pd.api.types.is_bool_dtype(d)), None)
        if text is None or all(d == text for d in dtypes):
            continue
        for ch in chunks:
            if ch[c].dtype != text:
                ch[c] = ch[c].map(lambda v: v if isinstance(v, str) or pd.isna(v)
                                  else str(v)).astype(text)
    return pd.concat(chunks, ignore_index=True)


def csv_layout(path: Path, encoding: str | None, warnings: list[str]) -> tuple[str, str,
                                                                                list | None]:
    """(encoding, separator, the unique header names or None) of a text table."""
    if encoding is None:
        found = detect_text(path)
        encoding = found.codec
        if encoding not in ("utf-8", "utf-8-sig"):
            warnings.append(found.warning("No encoding is declared for a text table"))
    sep = _separator(path, encoding)
    return encoding, sep, header_names(path, encoding, sep)


def read_csv(path: Path, encoding: str | None, warnings: list[str],
             layout: tuple | None = None, usecols: list | None = None,
             low_memory: bool = False) -> tuple[pd.DataFrame, str]:
    """The table; ``layout`` as ``csv_layout`` found it (found here when None), ``usecols``
    some of its header names (all when None)."""
    encoding, sep, names = layout or csv_layout(path, encoding, warnings)
    try:
        df = _read_csv_chunks(path, sep=sep, encoding=encoding, low_memory=low_memory,
                              skipinitialspace=True, on_bad_lines="error",
                              **({} if names is None else {"names": names, "header": 0}),
                              **({} if usecols is None else {"usecols": usecols}))
    except pd.errors.EmptyDataError as exc:
        raise LayerLoadError(f"{display_name(path)} is empty: it has no header row and no data.",
                             path) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as exc:
        raise LayerLoadError(f"{display_name(path)} could not be read as a table ({label(encoding)}, "
                             f"separator {sep!r}): {exc}", path) from exc
    df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
    return df, encoding


XLSX_REPORT_ROWS = 2_000   # rows between progress reports and cancel checkpoints


class _CountedSheet:
    """An openpyxl sheet whose rows report progress as pandas reads them (rows of the
    sheet's declared dimension) and stop at a cancel; everything else is the sheet's."""

    def __init__(self, sheet):
        object.__setattr__(self, "_sheet", sheet)
        total = getattr(sheet, "max_row", None)   # the declared extent, before pandas resets it
        if not (isinstance(total, int) and total > 1):
            total = _count_rows(sheet)   # writers such as openpyxl's write-only mode declare none
        object.__setattr__(self, "_total", total or None)

    def __getattr__(self, name):
        return getattr(self._sheet, name)

    def __setattr__(self, name, value):
        setattr(self._sheet, name, value)

    @property
    def rows(self):
        total, n = self._total, 0
        report(0, total, "rows")
        for n, row in enumerate(self._sheet.rows, 1):
            if n % XLSX_REPORT_ROWS == 0:
                report(n, max(total, n) if total else None, "rows")
                checkpoint()
            yield row
        report(n, n, "rows")   # the end: all of them, whatever the sheet declared


def _count_rows(sheet) -> int | None:
    """The ``<row>`` elements of a read-only sheet's XML (a fast scan of the zip member)."""
    try:
        src = sheet._get_source()
    except Exception:  # noqa: BLE001 - not a read-only openpyxl sheet: no count, no harm
        return None
    count, tail = 0, b""
    with src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-4:]   # shorter than the tag: no match is counted twice
    return count or None


def _read_excel(path: Path, sheet):
    """``pd.read_excel``; when someone listens for progress, the rows are counted as read."""
    if not listening():
        return pd.read_excel(path, sheet_name=sheet, engine="openpyxl")
    with pd.ExcelFile(path, engine="openpyxl") as book:
        reader = getattr(book, "_reader", None)
        if reader is not None and hasattr(reader, "get_sheet_by_name"):
            by_name, by_index = reader.get_sheet_by_name, reader.get_sheet_by_index
            reader.get_sheet_by_name = lambda name: _CountedSheet(by_name(name))
            reader.get_sheet_by_index = lambda index: _CountedSheet(by_index(index))
        return pd.read_excel(book, sheet_name=sheet)


def read_xlsx(path: Path, sheet: str | None, warnings: list[str]) -> pd.DataFrame:
    try:
        sheets = _read_excel(path, None if sheet is None else sheet)
    except LayerLoadError:   # cancelled
        raise
    except ValueError as exc:
        raise LayerLoadError(f"{display_name(path)}: {exc}", path) from exc
    except Exception as exc:  # openpyxl raises zipfile/KeyError/... on damage
        raise LayerLoadError(f"{display_name(path)} could not be read as an Excel workbook; it "
                             f"may be damaged or password-protected ({exc}).", path) from exc
    if isinstance(sheets, pd.DataFrame):
        return sheets
    for name, df in sheets.items():
        if find_xy(df.columns) or find_wkt(df.columns):
            if len(sheets) > 1:
                warnings.append(f"Read sheet {name!r} of the workbook (the first with "
                                f"coordinates).")
            return df
    return next(iter(sheets.values())) if sheets else pd.DataFrame()


class NoCoordinatesError(LayerLoadError):
    """A table with no coordinates: not a layer, but it can be joined to boundaries by a key
    (io.tabledata.read_table, analysis.join)."""


def _wkt_or_none(text: str):
    try:
        return shapely.from_wkt(text, on_invalid="ignore")
    except NotImplementedError:
        return None


def _numbers(column: pd.Series) -> np.ndarray:
    """A coordinate column as float64: no copy when it was read as numbers (0.45 s at 10M)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
        return column.to_numpy()
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def coordinate_points(df: pd.DataFrame, xy: tuple[str, str], path: Path, warnings: list[str]):
    """(a ``model.PointData`` of the rows with numeric coordinates in the columns ``xy``,
    the mask of those rows or None when all are)."""
    x_col, y_col = xy
    x, y = _numbers(df[x_col]), _numbers(df[y_col])
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        raise LayerLoadError(
            f"{display_name(path)}: the coordinate columns {x_col!r} and {y_col!r} hold no "
            f"numbers.", path)
    kept = None
    if not ok.all():
        warnings.append(f"Skipped {int((~ok).sum()):,} rows without numeric coordinates in "
                        f"{x_col!r}/{y_col!r}.")
        df, x, y, kept = df.loc[ok], x[ok], y[ok], ok
    warnings.append(f"Points built from the columns {x_col!r} (x) and {y_col!r} (y).")
    from jjjmap.model.pointdata import PointData

    named = find_xy([x_col, y_col]) is not None and _norm(x_col) in _XY_PAIRS[0][0]
    return PointData(df.reset_index(drop=True), x, y, attrs={"named_lonlat": named}), kept


def to_geodataframe(df: pd.DataFrame, path: Path, warnings: list[str]):
    """Build geometry from coordinate or WKT columns; the CRS is left unset for the caller.
    Coordinate columns give a ``model.PointData`` (the points as arrays; shapely Points are
    built only if something asks the layer's ``gdf``), WKT a GeoDataFrame."""
    if df.shape[0] == 0:
        raise LayerLoadError(f"{display_name(path)} has a header but no data rows.", path)
    xy = find_xy(df.columns)
    if xy is not None:
        return coordinate_points(df, xy, path, warnings)[0]
    wkt_col = find_wkt(df.columns)
    if wkt_col is not None:
        text = df[wkt_col].astype("string").fillna("").to_numpy(dtype=object)
        try:
            geoms = shapely.from_wkt(text, on_invalid="ignore")
        except NotImplementedError:   # GEOS refuses curves outright, even when told to ignore
            geoms = np.array([_wkt_or_none(t) for t in text], dtype=object)
        bad = shapely.is_missing(geoms)
        retry = np.flatnonzero(bad & (text != ""))
        if len(retry):
            # curves and surfaces GEOS cannot read: linearised the way GDAL does
            from .curves import from_wkt_any

            fixed, converted = from_wkt_any(text[retry])
            geoms[retry] = fixed
            bad = shapely.is_missing(geoms)
            if converted:
                warnings.append(f"Linearised {converted:,} curve or surface geometr"
                                f"{'y' if converted == 1 else 'ies'} in {wkt_col!r} (arcs as "
                                f"segments of 4 degrees, surfaces as polygons).")
        if bad.all():
            raise LayerLoadError(f"{display_name(path)}: the column {wkt_col!r} holds no readable "
                                 f"WKT geometry.", path)
        if bad.any():
            warnings.append(f"Skipped {int(bad.sum()):,} rows whose {wkt_col!r} is not valid WKT.")
        df = df.loc[~bad].drop(columns=[wkt_col]).reset_index(drop=True)
        warnings.append(f"Geometry read from the WKT column {wkt_col!r}.")
        return gpd.GeoDataFrame(df, geometry=list(geoms[~bad]), crs=None)
    cols = ", ".join(repr(str(c)) for c in df.columns[:30])
    more = f" and {len(df.columns) - 30} more" if len(df.columns) > 30 else ""
    raise NoCoordinatesError(
        f"{display_name(path)} has no coordinate columns. Found columns: {cols}{more}. "
        f"Name them lon/lat, lng/lat, longitude/latitude, x/y or 经度/纬度, or add a WKT "
        f"geometry column.", path)
