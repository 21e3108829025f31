"""Refuse files that would not fit in memory before reading them, instead of swapping or dying.

The estimate is deliberately rough: bytes on disk times a per-format expansion factor (text
tables and JSON grow most once parsed into Python objects and GEOS geometries).
"""
from __future__ import annotations

import os
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


def data_size(path: Path, fmt: str) -> int:
    if fmt in ("zip", "kmz"):
        from .archive import uncompressed_size

        return uncompressed_size(path)
    size = path.stat().st_size
    if fmt == "shapefile":
        for sib in path.parent.glob(path.stem + ".*"):
            if sib.suffix.lower() == ".dbf":
                size += sib.stat().st_size
    return size


def check_memory(path: Path, fmt: str, memory_limit: int | None = None) -> None:
    """Raise LayerLoadError if loading ``path`` would likely need more than the available memory.

    ``memory_limit`` (bytes) replaces the measured available memory; tests use a small one.
    """
    available = available_memory() if memory_limit is None else memory_limit
    if available is None:
        return
    needed = data_size(path, fmt) * EXPANSION.get(fmt, 8)
    if needed > available:
        mib = 1 << 20
        raise LayerLoadError(
            f"{display_name(path)} is too large to load: it would need about {needed / mib:,.0f} "
            f"MiB of memory and only {available / mib:,.0f} MiB are available. Filter or split the "
            f"data first (for example with ogr2ogr -spat or -where), or close other programs.",
            path)
