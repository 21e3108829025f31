"""Which format a file really is: its first bytes first, its extension second.

Users rename files, e-mail clients append ``.zip`` and spreadsheets get saved as ``.txt``; the
content decides, and a disagreement with the extension becomes a clear error.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import LayerLoadError, display_name

# format name -> (GDAL driver or reader, human label)
LABELS = {
    "shapefile": "an ESRI Shapefile",
    "geojson": "a GeoJSON file",
    "geojsonseq": "a GeoJSON text sequence (one feature per line)",
    "json": "a JSON file",
    "gpkg": "a GeoPackage",
    "sqlite": "an SQLite database",
    "kml": "a KML file",
    "gpx": "a GPX file",
    "xml": "an XML file",
    "fgb": "a FlatGeobuf file",
    "parquet": "a (Geo)Parquet file",
    "zip": "a ZIP archive",
    "kmz": "a KMZ file",
    "xlsx": "an Excel workbook",
    "csv": "a text table (CSV)",
    "dbf": "a dBASE attribute table",
    "binary": "a binary file of unknown type",
}

EXTENSIONS = {
    ".shp": "shapefile",
    ".geojson": "geojson", ".json": "geojson",
    ".geojsons": "geojsonseq", ".geojsonl": "geojsonseq", ".geojsonseq": "geojsonseq",
    ".seq": "geojsonseq", ".ndjson": "geojsonseq", ".jsonl": "geojsonseq",
    ".gpkg": "gpkg",
    ".kml": "kml", ".kmz": "kmz",
    ".gpx": "gpx",
    ".fgb": "fgb",
    ".parquet": "parquet", ".geoparquet": "parquet",
    ".zip": "zip",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv",
}

SIDECARS = {".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".qmd", ".xml"}

SUPPORTED_TEXT = ("Shapefile (.shp or zipped), GeoJSON and GeoJSON sequences, GeoPackage, "
                  "KML/KMZ, GPX, FlatGeobuf, (Geo)Parquet, and CSV/TSV/TXT/XLSX tables with "
                  "coordinate or WKT columns")


def _sniff_bytes(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if len(head) >= 4 and head[:4] == b"\x00\x00\x27\x0a":
        return "shapefile"
    if head.startswith(b"fgb\x03"):
        return "fgb"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head[:1] in (b"\x03", b"\x04", b"\x05", b"\x30", b"\x31", b"\x83", b"\x8b", b"\xf5") \
            and len(head) >= 32 and _looks_like_dbf(head):
        return "dbf"
    text = head
    for bom in (b"\xef\xbb\xbf",):
        if text.startswith(bom):
            text = text[len(bom):]
    if b"\x00" in text[:1024]:
        return "binary"
    stripped = text.lstrip()
    if stripped[:1] == b"\x1e":   # RFC 8142: each feature after a record separator
        return "geojsonseq"
    if stripped[:1] in (b"{", b"["):
        if _one_feature_per_line(stripped):
            return "geojsonseq"
        return "geojson" if (b'"type"' in head or b'"features"' in head) else "json"
    if stripped[:1] == b"<":
        low = stripped[:4096].lower()
        if b"<kml" in low:
            return "kml"
        if b"<gpx" in low:
            return "gpx"
        return "xml"
    return "csv"


def _one_feature_per_line(text: bytes) -> bool:
    """Newline-delimited GeoJSON: the first line is a whole Feature (or geometry) object and
    the next one starts another."""
    import json

    first, sep, rest = text.partition(b"\n")
    if not sep or not rest.lstrip()[:1] == b"{":
        return False
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    return isinstance(obj, dict) and obj.get("type") not in (None, "FeatureCollection")


def _looks_like_dbf(head: bytes) -> bool:
    # dBASE: YY MM DD after the version byte, then a header length that is a multiple of 32 + 1
    month, day = head[2], head[3]
    header_len = int.from_bytes(head[8:10], "little")
    return 1 <= month <= 12 and 1 <= day <= 31 and header_len >= 33 and (header_len - 1) % 32 == 0


def sniff(path: Path) -> str:
    """The format of ``path`` judged by its bytes and its name, or a LayerLoadError."""
    ext = path.suffix.lower()
    if ext in SIDECARS:
        raise LayerLoadError(
            f"{display_name(path)} is a Shapefile side file ({ext}), not a layer. "
            f"Open the matching .shp file instead.", path)
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        raise LayerLoadError(f"{display_name(path)} is empty (0 bytes); there is nothing to load.",
                             path)
    content = _sniff_bytes(head)
    expected = EXTENSIONS.get(ext)
    if content == "zip":
        if ext in (".xlsx", ".xlsm"):
            return "xlsx"
        if ext == ".kmz":
            return "kmz"
        if expected not in (None, "zip"):
            raise _mismatch(path, expected, "zip")
        return "zip"
    if content == "sqlite":
        if expected not in (None, "gpkg"):
            raise _mismatch(path, expected, "sqlite")
        return "gpkg"
    if content in ("shapefile", "fgb", "parquet"):
        if expected not in (None, content):
            raise _mismatch(path, expected, content)
        return content
    if content == "dbf":
        raise LayerLoadError(
            f"{display_name(path)} is a dBASE attribute table (.dbf content) without geometry. "
            f"Open the matching .shp file instead.", path)
    if content == "binary":
        if expected in ("shapefile", "gpkg", "fgb", "parquet", "zip", "kmz", "xlsx"):
            raise LayerLoadError(
                f"{display_name(path)} is damaged or truncated: it does not start like "
                f"{LABELS[expected]} should.", path)
        raise LayerLoadError(
            f"{display_name(path)} is not in a supported format. Supported: {SUPPORTED_TEXT}.",
            path)
    # text content
    if expected in ("shapefile", "gpkg", "fgb", "parquet", "zip", "kmz", "xlsx"):
        raise _mismatch(path, expected, content)
    if content in ("kml", "gpx"):
        return content
    if content == "xml":
        if expected in ("kml", "gpx"):
            return expected
        raise LayerLoadError(
            f"{display_name(path)} is an XML file but neither KML nor GPX; it is not a supported "
            f"format. Supported: {SUPPORTED_TEXT}.", path)
    if content == "geojsonseq" or (content in ("geojson", "json") and expected == "geojsonseq"):
        return "geojsonseq"
    if content in ("geojson", "json"):
        return "geojson"
    # plain text
    if expected in ("kml", "gpx", "geojson", "geojsonseq"):
        raise _mismatch(path, expected, "csv")
    if expected is None and ext not in ("",):
        raise LayerLoadError(
            f"{display_name(path)} has an extension ({ext}) jjjmap does not read. "
            f"Supported: {SUPPORTED_TEXT}.", path)
    return "csv"


def _mismatch(path: Path, expected: str, found: str) -> LayerLoadError:
    return LayerLoadError(
        f"{display_name(path)} is named like {LABELS[expected]} but its content looks like "
        f"{LABELS[found]}. Rename it with the right extension, or check that it is the file you "
        f"meant.", path)


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
            (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def special_kind(path) -> str | None:
    """What ``path`` is if it is neither a regular file nor a folder (opening a FIFO or a device
    blocks or never ends), else None. ``os.stat`` itself never blocks on them."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((what for test, what in _SPECIAL if test(mode)), "not a regular file")


def check_regular(path: Path, shown: Path | None = None) -> None:
    """LayerLoadError unless ``path`` is a regular file or a folder."""
    kind = special_kind(path)
    if kind is not None:
        shown = path if shown is None else shown
        what = "" if shown == path else f" (its part {path.name})"
        raise LayerLoadError(f"{display_name(shown)}{what} is {kind}, not a data file; jjjmap "
                             f"only opens regular files.", shown)


def check_readable(path: Path) -> None:
    if not path.exists():
        raise LayerLoadError(f"{display_name(path)} does not exist. Was it moved or deleted?", path)
    check_regular(path)
    if path.is_dir():
        raise LayerLoadError(
            f"{display_name(path)} is a folder, not a file. Open one of the data files inside it.",
            path)
    if not os.access(path, os.R_OK):
        raise LayerLoadError(f"{display_name(path)} cannot be read: permission denied.", path)
