"""Shapefile sanity checks GDAL does not do loudly: missing sidecars and truncated files."""
from __future__ import annotations

from pathlib import Path

from .errors import LayerLoadError, display_name
from .sniff import check_regular


def sidecar(shp: Path, ext: str) -> Path | None:
    for cand in shp.parent.glob(shp.stem + ".*"):
        if cand.suffix.lower() == ext and cand.stem == shp.stem:
            return cand
    return None


def check_shapefile(shp: Path, shown: Path) -> None:
    missing = [ext for ext in (".shx", ".dbf") if sidecar(shp, ext) is None]
    if missing:
        what = {".shx": "index (.shx)", ".dbf": "attribute table (.dbf)"}
        raise LayerLoadError(
            f"{display_name(shown)} cannot be opened: its {' and '.join(what[m] for m in missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing. A Shapefile is several files with the "
            f"same name ({shp.stem}.shp, {shp.stem}.shx, {shp.stem}.dbf, usually {shp.stem}.prj); "
            f"copy them all into the same folder, or use a zipped shapefile.", shown)
    for cand in shp.parent.glob(shp.stem + ".*"):   # GDAL and we open every sidecar
        check_regular(cand, shown)
    size = shp.stat().st_size
    with open(shp, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100:
        raise LayerLoadError(f"{display_name(shown)} is truncated: the Shapefile header is "
                             f"incomplete ({size} bytes).", shown)
    declared = int.from_bytes(header[24:28], "big") * 2
    if declared > size:
        raise LayerLoadError(f"{display_name(shown)} is truncated or damaged: its header says "
                             f"{declared:,} bytes but the file has {size:,}.", shown)
    dbf = sidecar(shp, ".dbf")
    dsize = dbf.stat().st_size
    with open(dbf, "rb") as fh:
        dh = fh.read(32)
    if len(dh) < 32:
        raise LayerLoadError(f"{display_name(shown)}: its attribute table {dbf.name} is truncated "
                             f"({dsize} bytes).", shown)
    nrec = int.from_bytes(dh[4:8], "little")
    hlen = int.from_bytes(dh[8:10], "little")
    rlen = int.from_bytes(dh[10:12], "little")
    if hlen + nrec * rlen > dsize + 1:  # the end-of-file marker is optional
        raise LayerLoadError(f"{display_name(shown)}: its attribute table {dbf.name} is truncated "
                             f"or damaged (header says {nrec:,} records, the file is too short).",
                             shown)
