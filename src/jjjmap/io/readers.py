"""``open_layer``: any supported file -> list of WGS-84 layers, or one LayerLoadError.

The order is always: existence and size checks, sniffing, format-specific read (pyogrio for
vector formats, pandas for tables), then the shared clean-up (geometry, CRS, datum, range).
"""
from __future__ import annotations

import contextlib
import os
import re
import warnings as _pywarnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import archive, crs as crs_mod, geometry, tables
from .encoding import dbf_text_bytes, guess_encoding, label, read_cpg
from .errors import LayerLoadError, display_name
from .memory import check_memory
from .sniff import check_readable, sniff

_SKIP_GPX = {"route_points", "track_points"}
_FAMILY_TITLES = {"points": "points", "lines": "lines", "polygons": "polygons"}


def split_layer_syntax(path, layer):
    """'data.gpkg::roads' -> (Path('data.gpkg'), 'roads'); an explicit layer= wins."""
    text = os.fspath(path)
    if "::" in text and not Path(text).exists():
        text, _, name = text.rpartition("::")
        return Path(text), layer if layer is not None else (name or None)
    return Path(text), layer


def file_stem(path: Path) -> str:
    name = path.name
    for _ in range(3):
        stem, ext = os.path.splitext(name)
        if ext.lower() in (".zip", ".shp", ".kmz", ".kml", ".geojson", ".json", ".gpkg", ".gpx",
                           ".fgb", ".parquet", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm") and stem:
            name = stem
        else:
            break
    return name


def open_layer(path, *, layer=None, crs=None, encoding=None, datum=None,
               memory_limit: int | None = None) -> list:
    """Open a data file as one or more layers in EPSG:4326.

    ``layer`` picks one layer of a GeoPackage/KML/GPX, one sheet of a workbook or one file of a
    ZIP (``path::layer`` does the same). ``crs`` overrides the file's CRS, ``encoding`` its text
    encoding, ``datum`` ('gcj02' | 'bd09') declares obfuscated Chinese coordinates.
    ``memory_limit`` (bytes) replaces the measured available memory in the size check.
    Raises LayerLoadError, and only that, with a message naming the file and the problem.
    """
    from jjjmap.model import Layer

    from .pgsource import is_postgis_uri
    if is_postgis_uri(path):   # a PostGIS table or query (io.postgis)
        from .postgis import open_postgis
        return open_postgis(path)
    src = path
    try:
        path, layer = split_layer_syntax(path, layer)
        check_readable(path)
        fmt = sniff(path)
        check_memory(path, fmt, memory_limit)
        opts = {k: v for k, v in (("crs", crs), ("encoding", encoding), ("datum", datum))
                if v is not None}
        results = []
        if fmt in ("zip", "kmz"):
            warnings: list[str] = []
            with archive.temp_dir() as tmp:
                members = archive.unpack(path, tmp, warnings, kmz=fmt == "kmz")
                picked = members if layer is None else _pick_member(members, layer, path)
                for member in picked:
                    # a layer name that is not a file name selects inside the (single) file
                    inner = layer if layer not in (None, member.name, member.stem) else None
                    for part in _read_any(member, sniff(member), inner, encoding,
                                          list(warnings), path):
                        if len(members) > 1:
                            sub = part.get("name")
                            part["name"] = member.stem + (f":{sub}" if sub else "")
                            part["title_name"] = True
                            part["open_layer"] = member.name if sub is None else sub
                        elif layer is not None:
                            part["open_layer"] = layer
                        results.append(part)
        else:
            results = _read_any(path, fmt, layer, encoding, [], path)
        layers = []
        for r in results:
            for family, part, warns in _finish(r, path, crs, datum):
                title = file_stem(path)
                if r.get("name") and r.get("title_name", True):
                    title += f":{r['name']}"
                if family:
                    title += f" ({_FAMILY_TITLES[family]})"
                open_kwargs = dict(opts)
                sel = r.get("open_layer", r.get("name") if r.get("title_name", True) else None)
                if sel is not None:
                    open_kwargs["layer"] = sel
                meta = {"warnings": warns, "encoding": r.get("encoding"),
                        "crs_in": r.get("crs_in", ""), "format": r["format"],
                        "layer_name": r.get("name"), "part": family, "open": open_kwargs}
                layers.append(Layer(gdf=part, title_en=title, kind="vector", group="custom",
                                    path=str(path), source=str(path), meta=meta))
        if not layers:
            raise LayerLoadError(f"{display_name(path)} contains no features to show.", path)
        return layers
    except LayerLoadError:
        raise
    except MemoryError as exc:
        raise LayerLoadError(f"{display_name(src)} is too large to load into memory.", src) from exc
    except Exception as exc:  # noqa: BLE001 - a traceback never reaches the user
        if _is_gdal_error(exc):
            raise LayerLoadError(f"{display_name(src)} is damaged or not readable as the format it "
                                 f"appears to be. GDAL says: {_short(exc)}", src) from exc
        raise LayerLoadError(f"{display_name(src)} could not be opened: "
                             f"{type(exc).__name__}: {_short(exc)}", src) from exc


def _is_gdal_error(exc: BaseException) -> bool:
    import pyogrio.errors as pe

    return isinstance(exc, (pe.DataSourceError, pe.DataLayerError, pe.FeatureError,
                            pe.FieldError, pe.GeometryError))


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    text = re.sub(r"""[^\s'"]*jjjmap-zip-[^/\\\s]+[/\\]""", "", text)  # our unzip folder
    return text if len(text) <= limit else text[:limit] + "…"


@contextlib.contextmanager
def gdal_notes(warns: list[str]):
    """Turn GDAL's RuntimeWarnings into layer notes instead of stderr noise."""
    with _pywarnings.catch_warnings(record=True) as caught:
        _pywarnings.simplefilter("always", RuntimeWarning)
        yield
    for w in caught:
        text = f"GDAL: {w.message}"
        if issubclass(w.category, RuntimeWarning) and text not in warns and len(warns) < 50:
            warns.append(text)


def _pick_member(members: list[Path], layer: str, path: Path) -> list[Path]:
    hits = [m for m in members if layer in (m.name, m.stem, str(m))]
    if hits:
        return hits
    if len(members) == 1:
        return members
    raise LayerLoadError(f"{display_name(path)} has no file named {layer!r}; it holds "
                         f"{', '.join(m.name for m in members)}.", path)


def _read_any(path: Path, fmt: str, layer, encoding, warnings: list[str], shown: Path):
    """Raw reads: list of dicts with gdf, name, format, encoding, crs_in, warnings."""
    if fmt in ("csv", "xlsx"):
        warns = list(warnings)
        if fmt == "csv":
            df, enc = tables.read_csv(path, encoding, warns)
        else:
            df, enc = tables.read_xlsx(path, layer, warns), None
        gdf = tables.to_geodataframe(df, shown, warns)
        return [{"gdf": gdf, "name": layer, "title_name": fmt == "xlsx" and layer is not None,
                 "format": fmt, "encoding": enc, "warnings": warns}]
    if fmt == "parquet":
        return [_read_parquet(path, warnings, shown)]
    if fmt == "shapefile":
        from .shapefile import check_shapefile

        check_shapefile(path, shown)
        return [_read_shapefile(path, encoding, warnings, shown)]
    return _read_multilayer(path, fmt, layer, encoding, warnings, shown)


def _read_shapefile(path: Path, encoding, warnings, shown):
    import pyogrio

    warns = list(warnings)
    if encoding is None:
        encoding = read_cpg(path)
        if encoding is None:
            dbf = next((p for p in path.parent.glob(path.stem + ".*")
                        if p.suffix.lower() == ".dbf"), None)
            encoding, ascii_only = guess_encoding(dbf_text_bytes(dbf)) if dbf else ("utf-8", True)
            if not ascii_only:
                warnings_text = (f"No .cpg file says how the text is encoded; it was detected as "
                                 f"{label(encoding)}.")
                warns.append(warnings_text)
    with gdal_notes(warns):
        gdf = pyogrio.read_dataframe(path, encoding=encoding, on_invalid="ignore")
    return {"gdf": gdf, "name": None, "title_name": False, "format": "shapefile",
            "encoding": encoding, "warnings": warns}


def _read_parquet(path: Path, warnings, shown):
    warns = list(warnings)
    try:
        gdf = gpd.read_parquet(path)
    except ValueError as exc:
        if "geo" not in str(exc).lower():
            raise
        df = pd.read_parquet(path)
        gdf = tables.to_geodataframe(df, shown, warns)
    return {"gdf": gdf, "name": None, "title_name": False, "format": "parquet",
            "encoding": None, "warnings": warns}


def _read_multilayer(path: Path, fmt: str, layer, encoding, warnings, shown):
    import pyogrio

    notes: list[str] = []
    with gdal_notes(notes):
        infos = pyogrio.list_layers(path)
    names = [str(n) for n, _ in infos]
    if not names:
        raise LayerLoadError(f"{display_name(shown)} contains no layers.", shown)
    if layer is not None:
        if str(layer) not in names:
            raise LayerLoadError(f"{display_name(shown)} has no layer named {layer!r}; its layers "
                                 f"are: {', '.join(names)}.", shown)
        wanted = [str(layer)]
    else:
        wanted = [n for n in names if not (fmt == "gpx" and n in _SKIP_GPX)]
    several = len(names) > 1
    out, empty = [], []
    for name in wanted:
        with gdal_notes(notes):
            gdf = pyogrio.read_dataframe(path, layer=name, encoding=encoding,
                                         on_invalid="ignore")
        if len(gdf) == 0 and (layer is None) and len(wanted) > 1:
            empty.append(name)
            continue
        out.append({"gdf": gdf, "name": name if several else None, "title_name": several,
                    "format": fmt, "encoding": encoding or "utf-8",
                    "warnings": list(warnings) + notes,
                    "open_layer": name if several else None})
    if empty and out:
        out[0]["warnings"].append(f"Skipped {len(empty)} empty layer(s): {', '.join(empty)}.")
    for r in out:
        if r["open_layer"] is None:
            del r["open_layer"]
    return out


def _finish(r: dict, path: Path, crs, datum):
    """Clean, reproject, convert datum, split: yields (family or None, gdf, warnings)."""
    warns: list[str] = list(r["warnings"])
    gdf = r["gdf"]
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise LayerLoadError(f"{display_name(path)} has no geometry.", path)
    r["crs_in"] = crs_mod.crs_label(gdf.crs) if gdf.crs is not None else ""
    if r["format"] == "csv":
        r["crs_in"] = str(crs) if crs else ""
    n_before = len(gdf)
    named_lonlat = bool(gdf.attrs.get("named_lonlat"))
    gdf = geometry.clean(gdf, warns)
    if len(gdf) == 0:
        what = "features" if n_before == 0 else "features with a geometry"
        if r.get("name"):
            warns.append(f"Layer {r['name']!r} has no {what}.")
            return
        raise LayerLoadError(f"{display_name(path)} contains no {what}; there is nothing to "
                             f"show.", path)
    gdf = crs_mod.to_wgs84(gdf, path, warns, crs, named_lonlat=named_lonlat)
    crs_mod.check_range(gdf, path)
    gdf = crs_mod.apply_datum(gdf, datum, path, warns)
    parts = geometry.split_families(gdf)
    if len(parts) > 1:
        counts = ", ".join(f"{len(g):,} {fam}" for fam, g in parts.items())
        warns.append(f"The file mixes geometry types; split into {len(parts)} layers ({counts}).")
        for fam, g in parts.items():
            yield fam, g, list(warns)
    else:
        yield None, gdf, warns
