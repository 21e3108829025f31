"""ZIP-packed layers (zipped shapefiles, KMZ): checked, then unpacked into a temporary folder.

Unpacking lets every check that applies to a loose file (sidecars, encoding sniffing of the
.dbf, truncation) apply unchanged to a zipped one.
"""
from __future__ import annotations

import tempfile
import zipfile
import zlib
from pathlib import Path

from .errors import LayerLoadError, display_name

DATA_SUFFIXES = (".shp", ".geojson", ".json", ".gpkg", ".kml", ".gpx", ".fgb", ".parquet",
                 ".csv", ".tsv", ".txt", ".xlsx")
_NESTED = (".zip", ".kmz", ".7z", ".rar", ".gz", ".tar", ".tgz")


def _members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [i for i in zf.infolist()
            if not i.is_dir() and not i.filename.startswith("__MACOSX/")
            and not Path(i.filename).name.startswith("._")]


def uncompressed_size(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return path.stat().st_size


def unpack(path: Path, tmpdir: str, warnings: list[str], kmz: bool = False) -> list[Path]:
    """Extract ``path`` into ``tmpdir``; return the data files it holds, in a stable order."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _members(zf)
            if any(i.flag_bits & 0x1 for i in infos):
                raise LayerLoadError(
                    f"{display_name(path)} is password-protected. jjjmap cannot open encrypted "
                    f"archives; unzip it with the password first and open the data file.", path)
            if not infos:
                raise LayerLoadError(f"{display_name(path)} is an empty archive.", path)
            names = [i.filename for i in infos]
            data = [n for n in names if n.lower().endswith(".kml" if kmz else DATA_SUFFIXES)]
            nested = [n for n in names if n.lower().endswith(_NESTED)]
            if not data and nested:
                raise LayerLoadError(
                    f"{display_name(path)} contains another archive ({nested[0]}) instead of "
                    f"data. Nested archives are not opened; unzip the outer archive first.", path)
            if nested:
                warnings.append(f"Ignored {len(nested)} archive(s) inside the archive: "
                                f"{', '.join(nested[:5])}.")
            # text tables and plain JSON only count when nothing more specific is in the zip
            specific = [n for n in data if n.lower().endswith(
                (".shp", ".geojson", ".gpkg", ".kml", ".gpx", ".fgb", ".parquet"))]
            if specific:
                data = specific
            if not data:
                raise LayerLoadError(
                    f"{display_name(path)} contains no map data that jjjmap can read (found: "
                    f"{', '.join(names[:10])}).", path)
            zf.extractall(tmpdir, members=[i for i in infos])
    except zipfile.BadZipFile as exc:
        raise LayerLoadError(f"{display_name(path)} is a damaged or truncated ZIP archive ({exc}).",
                             path) from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as exc:
        raise LayerLoadError(f"{display_name(path)} uses a ZIP feature jjjmap cannot read "
                             f"({exc}).", path) from exc
    return [Path(tmpdir) / n for n in sorted(data)]


def temp_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="jjjmap-zip-")
