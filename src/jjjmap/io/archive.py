"""ZIP-packed layers (zipped shapefiles, KMZ): checked, then unpacked into a temporary folder.

Unpacking lets every check that applies to a loose file (sidecars, encoding sniffing of the
.dbf, truncation) apply unchanged to a zipped one.
"""
from __future__ import annotations

import tempfile
import zipfile
import zlib
from pathlib import Path

from .cancel import checkpoint, report
from .errors import LayerLoadError, display_name
from .sniff import SIDECARS

DATA_SUFFIXES = (".shp", ".geojson", ".json", ".gpkg", ".kml", ".gpx", ".fgb", ".parquet",
                 ".csv", ".tsv", ".txt", ".xlsx")
_NESTED = (".zip", ".kmz", ".7z", ".rar", ".gz", ".tar", ".tgz")


def _members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [i for i in zf.infolist()
            if not i.is_dir() and not i.filename.startswith("__MACOSX/")
            and not Path(i.filename).name.startswith("._")]


MAX_LAYER_FILES = 200            # data files opened from one archive (a zip of thousands)
MAX_UNPACK_BYTES = 4 << 30       # bytes extracted from one archive, whatever the memory says
_COPY_CHUNK = 1 << 20


class Unpacked(list):
    """The extracted data files to read (a list of Paths), plus ``total``: how many data files
    the archive holds (names get the member's stem when it holds more than one)."""

    total = 0


def _safe_target(root: Path, name: str) -> Path | None:
    """Where member ``name`` goes inside ``root``, or None if its name points outside it."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts or "\x00" in name:
        return None
    target = (root / name).resolve()
    return target if target.is_relative_to(root) and target != root else None


def _sidecars(data: list[str], names: list[str]) -> list[str]:
    """The members that belong to the chosen data files: Shapefile sidecars (same stem)."""
    stems = {n.rsplit(".", 1)[0].lower() for n in data if n.lower().endswith(".shp")}
    return [n for n in names if n not in data and "." in n
            and n.rsplit(".", 1)[0].lower() in stems
            and "." + n.rsplit(".", 1)[1].lower() in SIDECARS]


def _pick(data: list[str], pick: str, path: Path) -> list[str]:
    hits = [n for n in data if pick in (n, Path(n).name, Path(n).stem)]
    if hits:
        return hits
    if len(data) == 1:   # a layer name that is not a file name selects inside the one file
        return data
    raise LayerLoadError(f"{display_name(path)} has no file named {pick!r}; it holds "
                         f"{', '.join(Path(n).name for n in data[:20])}"
                         f"{' and more' if len(data) > 20 else ''}.", path)


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: list[int],
             path: Path, declared: int = 0) -> None:
    """Copy one member to ``target``, counting real bytes against the archive's budget (and
    reporting them of the ``declared`` total to unpack)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as src, open(target, "xb") as dst:
        while chunk := src.read(_COPY_CHUNK):
            budget[0] -= len(chunk)
            report(min(MAX_UNPACK_BYTES - budget[0], declared), declared, "bytes")
            checkpoint()
            if budget[0] < 0:
                raise LayerLoadError(
                    f"{display_name(path)} unpacks to more than {MAX_UNPACK_BYTES >> 20:,} MiB; "
                    f"jjjmap does not extract it. Unzip it yourself and open the data file.",
                    path)
            dst.write(chunk)


def unpack(path: Path, tmpdir: str, warnings: list[str], kmz: bool = False,
           pick: str | None = None) -> Unpacked:
    """Extract the data files to read from ``path`` (all of them, or the one ``pick`` names)
    and their sidecars into ``tmpdir``; return them in a stable order.

    A member whose name leads outside ``tmpdir`` (absolute, ``..``, a drive) makes the whole
    archive refused; nothing else in the archive is written to disk.
    """
    root = Path(tmpdir).resolve()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _members(zf)
            if any(i.flag_bits & 0x1 for i in infos):
                raise LayerLoadError(
                    f"{display_name(path)} is password-protected. jjjmap cannot open encrypted "
                    f"archives; unzip it with the password first and open the data file.", path)
            if not infos:
                raise LayerLoadError(f"{display_name(path)} is an empty archive.", path)
            bad = next((i.filename for i in infos if _safe_target(root, i.filename) is None),
                       None)
            if bad is not None:
                raise LayerLoadError(
                    f"{display_name(path)} contains a file whose name points outside the "
                    f"archive ({bad!r}); jjjmap does not open such archives.", path)
            by_name = {i.filename: i for i in infos}
            names = list(by_name)
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
            data.sort()
            chosen = data if pick is None else _pick(data, pick, path)
            if len(chosen) > MAX_LAYER_FILES:
                raise LayerLoadError(
                    f"{display_name(path)} holds {len(chosen):,} data files; jjjmap opens at "
                    f"most {MAX_LAYER_FILES} from one archive. Unzip it and open the files you "
                    f"need, or pick one as {Path(path).name}::NAME.", path)
            wanted = chosen + _sidecars(chosen, names)
            declared = sum(by_name[n].file_size for n in wanted)
            if declared > MAX_UNPACK_BYTES:
                raise LayerLoadError(
                    f"{display_name(path)} unpacks to {declared >> 20:,} MiB, more than the "
                    f"{MAX_UNPACK_BYTES >> 20:,} MiB jjjmap extracts from one archive. Unzip it "
                    f"yourself and open the data file.", path)
            budget = [MAX_UNPACK_BYTES]
            for n in wanted:
                _extract(zf, by_name[n], _safe_target(root, n), budget, path, declared)
    except zipfile.BadZipFile as exc:
        raise LayerLoadError(f"{display_name(path)} is a damaged or truncated ZIP archive ({exc}).",
                             path) from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as exc:
        raise LayerLoadError(f"{display_name(path)} uses a ZIP feature jjjmap cannot read "
                             f"({exc}).", path) from exc
    out = Unpacked(_safe_target(root, n) for n in chosen)
    out.total = len(data)
    return out


def temp_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="jjjmap-zip-")
