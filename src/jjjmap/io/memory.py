"""Refuse files that would not fit in memory before reading them, instead of swapping or dying.

The estimate is deliberately rough, but it comes from the format's own metadata where there is
some, because compressed formats lie by their size on disk: Parquet's footer (rows x columns),
an XLSX's sheet XML sizes and declared <dimension>, a ZIP's member sizes (and the metadata of
Parquet/XLSX members). Other files: bytes on disk times a per-format expansion factor (text
tables and JSON grow most once parsed into Python objects and GEOS geometries).
"""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from .errors import LayerLoadError, display_name

EXPANSION = {"csv": 8, "geojson": 10, "geojsonseq": 10, "kml": 10, "gpx": 10, "xlsx": 30, "zip": 8, "kmz": 10,
             "shapefile": 4, "gpkg": 4, "fgb": 4, "parquet": 6}


def available_memory() -> int | None:
    """Bytes of memory available to us now, from /proc/meminfo or sysconf; None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


# what one parsed value costs in a GeoDataFrame (Python objects, index, GEOS geometry), bytes:
# measured, e.g. a 41 kB Parquet of 3M rows x 3 columns peaked at 1,055 MiB over the baseline
PER_ROW = 280
PER_CELL = {"num": 8, "text": 64}
XML_EXPANSION = 4      # an XLSX sheet's XML, uncompressed, to pandas objects (about 3x, measured)
PER_XLSX_CELL = 100    # a cell of the sheet's declared <dimension>
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def parquet_estimate(fh) -> int:
    """Rows x columns from the Parquet footer: the encoded size says nothing (a dictionary of
    one value repeated 3M times is 35 kB)."""
    import pyarrow.parquet as pq

    md = pq.ParquetFile(fh).metadata
    schema = md.schema.to_arrow_schema()
    per_row = PER_ROW + sum(PER_CELL["num" if _fixed(f.type) else "text"] for f in schema)
    return md.num_rows * per_row


def _fixed(t) -> bool:
    try:
        return t.bit_width > 0
    except (ValueError, AttributeError):
        return False


def xlsx_estimate(fh) -> int:
    """From the workbook's own parts: the sheets' and shared strings' uncompressed XML, and the
    cell range each sheet declares (whichever says more)."""
    total = 0
    with zipfile.ZipFile(fh) as zf:
        for info in zf.infolist():
            name = info.filename.lower()
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")
                    or name == "xl/sharedstrings.xml"):
                continue
            total += info.file_size * XML_EXPANSION
            if name.startswith("xl/worksheets/"):
                with zf.open(info) as sheet:
                    m = _DIMENSION.search(sheet.read(1 << 16))
                if m and m.group(3):
                    rows = int(m.group(4)) - int(m.group(2)) + 1
                    cols = _col_number(m.group(3)) - _col_number(m.group(1)) + 1
                    total = max(total, rows * cols * PER_XLSX_CELL)
    return total


def _member_format(name: str) -> str:
    from .sniff import EXTENSIONS

    return EXTENSIONS.get(os.path.splitext(name.lower())[1], "csv")


def estimate(path: Path, fmt: str) -> int:
    """Bytes of memory loading ``path`` as ``fmt`` will likely take, from the format's metadata
    where it has some (Parquet footer, XLSX parts, ZIP member sizes), else size x expansion."""
    size = path.stat().st_size
    if fmt == "shapefile":
        for sib in path.parent.glob(path.stem + ".*"):
            if sib.suffix.lower() == ".dbf":
                size += sib.stat().st_size
    guess = size * EXPANSION.get(fmt, 8)
    try:
        if fmt == "parquet":
            with open(path, "rb") as fh:
                return max(guess, parquet_estimate(fh))
        if fmt == "xlsx":
            with open(path, "rb") as fh:
                return max(guess, xlsx_estimate(fh))
        if fmt in ("zip", "kmz"):
            return max(guess, _zip_estimate(path))
    except Exception:  # noqa: BLE001 - damaged metadata: the reader will say what is wrong
        return guess
    return guess


def _zip_estimate(path: Path) -> int:
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            mfmt = _member_format(info.filename)
            total += info.file_size * EXPANSION.get(mfmt, 8)
            if mfmt in ("parquet", "xlsx"):
                with zf.open(info) as fh:   # seekable: the footer / the inner directory
                    total += (parquet_estimate if mfmt == "parquet" else xlsx_estimate)(fh)
    return total


def check_memory(path: Path, fmt: str, memory_limit: int | None = None) -> None:
    """Raise LayerLoadError if loading ``path`` would likely need more than the available memory.

    ``memory_limit`` (bytes) replaces the measured available memory; tests use a small one.
    """
    available = available_memory() if memory_limit is None else memory_limit
    if available is None:
        return
    needed = estimate(path, fmt)
    if needed > available:
        mib = 1 << 20
        raise LayerLoadError(
            f"{display_name(path)} is too large to load: it would need about {needed / mib:,.0f} "
            f"MiB of memory and only {available / mib:,.0f} MiB are available. Filter or split the "
            f"data first (for example with ogr2ogr -spat or -where), or close other programs.",
            path)


def release_arrow_memory() -> None:
    """Give the memory pyarrow's pool keeps after a read back to the system. Its allocator
    (mimalloc) holds on to what a read freed: a 10M-point GeoParquet left the process at
    1.47 GB after reading and 0.88 GB after this (pandas' text columns live there too)."""
    import sys

    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()
