"""``open_layer``: any supported file -> list of WGS-84 layers, or one LayerLoadError.

The order is always: existence and size checks, sniffing, format-specific read (pyogrio for
vector formats, pandas for tables), then the shared clean-up (geometry, CRS, datum, range).
Each read hands a ``RawRead`` to the clean-up, which hands a ``Placed`` part per geometry family
on to the ``Layer`` and its ``Provenance``; the decisions read the file's metadata (sniffing,
the Parquet schema, GDAL's layer list), not an exception's text.
"""
from __future__ import annotations

import contextlib
import os
import re
import warnings as _pywarnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import archive, deferred, gdal, tables
from .cancel import cancellable, checkpoint
from .encoding import gdal_name, normalise, shapefile_encoding
from .errors import LayerLoadError, display_name
from .memory import check_memory, release_arrow_memory
from .sniff import EXTENSIONS, check_readable, sniff
from .stages import RawRead, finish

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
        if ext.lower() in EXTENSIONS and stem:
            name = stem
        else:
            break
    return name


def open_layer(path, *, layer=None, crs=None, encoding=None, datum=None,
               memory_limit: int | None = None, cancel=None, progress=None,
               defer_attributes: bool = False) -> list:
    """Open a data file as one or more layers in EPSG:4326.

    ``layer`` picks one layer of a GeoPackage/KML/GPX, one sheet of a workbook or one file of a
    ZIP (``path::layer`` does the same). ``crs`` overrides the file's CRS, ``encoding`` its text
    encoding, ``datum`` ('gcj02' | 'bd09') declares obfuscated Chinese coordinates.
    ``memory_limit`` (bytes) replaces the measured available memory in the size check.
    ``cancel`` (returns True once the user cancelled) is polled between chunks of work; a
    cancelled read raises ``LayerLoadCancelled`` (a LayerLoadError) soon after.
    ``progress(done, total, unit)`` hears how far the read is (io.cancel.report).
    ``defer_attributes``: a large CSV or GeoParquet of points is read from its coordinates
    alone and its layer's ``points.pending`` reads the other columns (io.deferred; the app
    draws the points meanwhile).
    Raises LayerLoadError, and only that, with a message naming the file and the problem.
    """
    with cancellable(cancel, path, progress):
        return _open_layer(path, layer, crs, encoding, datum, memory_limit, defer_attributes)


def _open_layer(path, layer, crs, encoding, datum, memory_limit, defer=False) -> list:
    from jjjmap.model import Layer, Provenance

    from .pgsource import is_postgis_uri
    if is_postgis_uri(path):   # a PostGIS table or query (io.postgis)
        from .postgis import open_postgis
        return open_postgis(path)
    src = path
    try:
        path, layer = split_layer_syntax(path, layer)
        check_readable(path)
        encoding = _codec(encoding, path)
        fmt = sniff(path)
        check_memory(path, fmt, memory_limit)
        opts = {k: v for k, v in (("crs", crs), ("encoding", encoding), ("datum", datum))
                if v is not None}
        results = []
        if fmt in ("zip", "kmz"):
            warnings: list[str] = []
            with archive.temp_dir() as tmp:
                picked = archive.unpack(path, tmp, warnings, kmz=fmt == "kmz", pick=layer)
                for member in picked:
                    checkpoint()
                    # a layer name that is not a file name selects inside the (single) file
                    inner = layer if layer not in (
                        None, member.name, member.stem,
                        member.relative_to(Path(tmp).resolve()).as_posix()) else None
                    for part in _read_any(member, sniff(member), inner, encoding,
                                          list(warnings), path):
                        if picked.total > 1:
                            sub = part.name
                            part.name = member.stem + (f":{sub}" if sub else "")
                            part.title_name = True
                            part.open_layer = member.name if sub is None else sub
                        elif layer is not None:
                            part.open_layer = layer
                        results.append(part)
        else:
            results = _read_any(path, fmt, layer, encoding, [], path, defer)
        release_arrow_memory()   # what the read's temporaries left in pyarrow's pool
        layers, unplaced = [], []
        for r in results:
            checkpoint()
            try:
                finished = list(finish(r, path, crs, datum))
            except LayerLoadError as exc:
                # one layer of several that cannot be placed (no CRS, out of range) does not
                # cost the user the others: they open, and the note says which one is missing
                if len(results) < 2 or not r.name:
                    raise
                unplaced.append(f"Layer {r.name!r} was not opened: {exc}")
                continue
            for placed in finished:
                title = file_stem(path)
                if r.name and r.title_name:
                    title += f":{r.name}"
                if placed.family:
                    title += f" ({_FAMILY_TITLES[placed.family]})"
                reopen = dict(opts)
                sel = r.open_layer if r.open_layer is not None else (
                    r.name if r.title_name else None)
                if sel is not None:
                    reopen["layer"] = sel
                prov = Provenance(format=r.format, encoding=r.encoding,
                                  crs_read=placed.crs_read, warnings=placed.warnings,
                                  layer_name=r.name, part=placed.family, reopen=reopen)
                layers.append(Layer(gdf=placed.gdf, title_en=title, kind="vector",
                                    group="custom", path=str(path), source=str(path),
                                    provenance=prov))
        if not layers and unplaced:
            raise LayerLoadError(unplaced[0].split(": ", 1)[1], path)
        if not layers:
            raise LayerLoadError(f"{display_name(path)} contains no features to show.", path)
        for lyr in layers:
            lyr.provenance.warnings.extend(unplaced)
        return layers
    except LayerLoadError:
        raise
    except Exception as exc:  # a traceback never reaches the user
        raise user_error(exc, src) from exc


def user_error(exc: BaseException, src) -> LayerLoadError:
    """A failure below us (GDAL, pandas, memory) as one sentence for the user: the file
    they chose and what went wrong, never a Python exception's name."""
    if isinstance(exc, MemoryError):
        return LayerLoadError(f"{display_name(src)} is too large to load into memory.", src)
    if _is_gdal_error(exc):
        return LayerLoadError(f"{display_name(src)} is damaged or not readable as the format it "
                              f"appears to be. GDAL says: {_short(exc)}", src)
    if isinstance(exc, UnicodeDecodeError):
        return LayerLoadError(f"{display_name(src)}: its text is not in the {exc.encoding} "
                              f"encoding; choose the right one (for example gbk, big5 or "
                              f"cp1252).", src)
    return LayerLoadError(f"{display_name(src)} could not be opened: {_short(exc)}", src)


def _codec(encoding, path):
    """The user's encoding in any spelling (latin-1, ISO 8859-1, ANSI 1252 ...) as a codec."""
    if encoding is None:
        return None
    codec = normalise(encoding)
    if codec is None:
        raise LayerLoadError(f"{display_name(path)}: {encoding!r} is not a text encoding jjjmap "
                             f"knows (try utf-8, gbk, big5, cp1252 or latin-1).", path)
    return codec


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


def _read_any(path: Path, fmt: str, layer, encoding, warnings: list[str],
              shown: Path, defer: bool = False) -> list[RawRead]:
    """The format reader's layers, not yet cleaned or placed; ``defer``: a large point
    file's attribute columns left to read (io.deferred)."""
    if fmt in ("csv", "xlsx"):
        warns = list(warnings)
        first = deferred.csv_coordinates(path, encoding, warns) if defer and fmt == "csv" \
            else None
        if first is not None:
            return [RawRead(deferred.small_read_whole(first[0]), fmt, encoding=first[1],
                            title_name=False, warnings=warns)]
        if fmt == "csv":
            df, enc = tables.read_csv(path, encoding, warns)
        else:
            df, enc = tables.read_xlsx(path, layer, warns), None
        gdf = tables.to_geodataframe(df, shown, warns)
        return [RawRead(gdf, fmt, name=layer, title_name=fmt == "xlsx" and layer is not None,
                        encoding=enc, warnings=warns)]
    if fmt == "parquet":
        return [_read_parquet(path, warnings, shown, defer)]
    if fmt == "shapefile":
        from .shapefile import check_shapefile

        check_shapefile(path, shown)
        return [_read_shapefile(path, encoding, warnings, shown)]
    return _read_multilayer(path, fmt, layer, encoding, warnings, shown)


def _read_shapefile(path: Path, encoding, warnings, shown):
    from .shapefile import sidecar

    warns = list(warnings)
    encoding, note = shapefile_encoding(path, sidecar(path, ".dbf"), encoding)
    if note:
        warns.append(note)
    with gdal_notes(warns):
        gdf = gdal.read_dataframe(path, "shapefile", shown, encoding=gdal_name(encoding),
                                   on_invalid="ignore")
        gdf = _surfaces_read_again(gdf, path, "shapefile", shown, None, warns)
    return RawRead(gdf, "shapefile", title_name=False, encoding=encoding, warnings=warns)


def _read_parquet(path: Path, warnings, shown, defer: bool = False):
    """GeoParquet when the file's metadata says so ('geo' key); otherwise a plain Parquet
    (DuckDB, Spark, newer writers) whose geometry is a WKB column, found by its Arrow type
    and extension metadata, or coordinate / WKT columns like a text table."""
    import pyarrow.parquet as pq

    warns = list(warnings)
    schema = pq.read_schema(path)
    if b"geo" in (schema.metadata or {}):
        from .parquetpoints import read_geoparquet

        gdf = read_geoparquet(path, schema, defer)   # pyarrow, in chunks (issue 21)
        if gdf is None:
            gdf = gpd.read_parquet(path)
    else:
        column, crs = parquet_wkb_column(schema)
        if column is None:
            gdf = tables.to_geodataframe(pd.read_parquet(path), shown, warns)
        else:
            import shapely

            table = pq.read_table(path)
            wkb = table.column(column).to_numpy(zero_copy_only=False)
            geoms = shapely.from_wkb(wkb, on_invalid="ignore")
            gdf = gpd.GeoDataFrame(table.drop([column]).to_pandas(), geometry=geoms, crs=crs)
            warns.append(f"The Parquet file has no GeoParquet metadata; its column {column!r} "
                         f"was read as WKB geometry.")
    return RawRead(gdf, "parquet", title_name=False, warnings=warns)


_WKB_NAMES = ("geometry", "geom", "wkb_geometry", "the_geom", "wkb", "shape", "geog")


def parquet_wkb_column(schema):
    """(name, crs or None) of the WKB geometry column of a plain Parquet schema, or (None,
    None). A GeoArrow ``geoarrow.wkb`` / ``ogc.wkb`` field wins (its CRS comes from the
    field's extension metadata); else a binary column with a usual geometry name."""
    import json

    import pyarrow as pa

    binary = []
    for field in schema:
        storage = getattr(field.type, "storage_type", field.type)
        if not (pa.types.is_binary(storage) or pa.types.is_large_binary(storage)
                or pa.types.is_binary_view(storage)):
            continue
        meta = field.metadata or {}
        ext = getattr(field.type, "extension_name", None) or \
            meta.get(b"ARROW:extension:name", b"").decode("utf-8", "replace")
        if ext in ("geoarrow.wkb", "ogc.wkb"):
            raw = meta.get(b"ARROW:extension:metadata") or b"{}"
            try:
                crs = json.loads(raw).get("crs") or None
            except (ValueError, AttributeError):
                crs = None
            return field.name, crs
        binary.append(field.name)
    named = [n for n in binary if n.lower() in _WKB_NAMES]
    return (named[0] if named else None), None


def _read_multilayer(path: Path, fmt: str, layer, encoding, warnings, shown):
    notes: list[str] = []
    with gdal_notes(notes):
        infos = gdal.list_layers(path, fmt, shown)
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
        checkpoint()
        with gdal_notes(notes):
            gdf = gdal.read_dataframe(path, fmt, shown, layer=name, encoding=gdal_name(encoding),
                                      on_invalid="ignore")
            gdf = _surfaces_read_again(gdf, path, fmt, shown, name, notes)
        if len(gdf) == 0 and (layer is None) and len(wanted) > 1:
            empty.append(name)
            continue
        out.append(RawRead(gdf, fmt, name=name if several else None, title_name=several,
                           encoding=encoding or "utf-8", warnings=list(warnings) + notes,
                           open_layer=name if several else None))
    if empty and out:
        out[0].warnings.append(f"Skipped {len(empty)} empty layer(s): {', '.join(empty)}.")
    return out


def _surfaces_read_again(gdf, path: Path, fmt: str, shown, layer, warns: list[str]):
    """Geometries GEOS cannot hold (TIN, triangles, polyhedral surfaces: a Shapefile
    MultiPatch is read as TINs) come back empty from pyogrio; read their WKB once more and
    turn them into (multi)polygons. GDAL itself already linearises curves."""
    import pyogrio.raw
    import shapely

    from .curves import from_wkb_any

    if not isinstance(gdf, gpd.GeoDataFrame) or len(gdf) == 0:
        return gdf
    missing = shapely.is_missing(np.asarray(gdf.geometry.array, dtype=object))
    if not missing.any():
        return gdf
    _, _, wkb, _ = pyogrio.raw.read(gdal.checked(path, fmt, shown), layer=layer, columns=[])
    if wkb is None or len(wkb) != len(gdf):
        return gdf
    rows = np.flatnonzero(missing & np.array([w is not None for w in wkb]))
    if len(rows) == 0:
        return gdf
    fixed, converted = from_wkb_any(wkb[rows])
    geoms = np.asarray(gdf.geometry.array, dtype=object).copy()
    geoms[rows] = fixed
    if converted:
        warns.append(f"Turned {converted:,} TIN, triangle or polyhedral-surface geometr"
                     f"{'y' if converted == 1 else 'ies'} into polygons (as 2-D outlines).")
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
