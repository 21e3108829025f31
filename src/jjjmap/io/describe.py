"""``jjjmap info PATH``: what a file holds, from its metadata, without loading every feature.

Vector formats are described through ``pyogrio.list_layers``/``read_info``; tables (CSV, Excel)
have no such metadata and are loaded through ``open_layer``.
"""
from __future__ import annotations

import math
from pathlib import Path

from . import archive, gdal
from .crs import crs_label
from .encoding import gdal_name, label, shapefile_encoding
from .errors import LayerLoadError, display_name
from .readers import file_stem, gdal_notes, open_layer, split_layer_syntax, user_error
from .sniff import check_readable, sniff


def _wgs84_bounds(bounds, crs_text):
    if bounds is None or not crs_text:
        return None
    if not all(math.isfinite(v) for v in bounds):
        return None
    from pyproj import CRS, Transformer

    try:
        tr = Transformer.from_crs(CRS.from_user_input(crs_text), CRS.from_epsg(4326),
                                  always_xy=True)
        return tuple(float(v) for v in tr.transform_bounds(*bounds))
    except Exception:  # noqa: BLE001 - an unknown CRS just leaves the WGS-84 bounds out
        return None


def _describe_vector(path: Path, fmt: str, only: str | None) -> list[dict]:
    encoding = encoding_note = None
    if fmt == "shapefile":
        from .shapefile import check_shapefile, sidecar

        check_shapefile(path, path)
        encoding, note = shapefile_encoding(path, sidecar(path, ".dbf"))
        if note:
            encoding_note = note
    notes: list[str] = []
    with gdal_notes(notes):
        names = [str(n) for n, _ in gdal.list_layers(path, fmt)]
    if only is not None:
        if only not in names:
            raise LayerLoadError(f"{display_name(path)} has no layer named {only!r}; its layers "
                                 f"are: {', '.join(names)}.", path)
        names = [only]
    out = []
    for name in names:
        with gdal_notes(notes):
            info = gdal.read_info(path, fmt, layer=name, encoding=gdal_name(encoding),
                                  force_feature_count=True, force_total_bounds=True)
        crs_text = info.get("crs")
        bounds = info.get("total_bounds")
        bounds = tuple(float(v) for v in bounds) if bounds is not None else None
        out.append({
            "name": name,
            "geometry_type": info.get("geometry_type"),
            "feature_count": int(info.get("features", -1)),
            "crs": crs_text or "",
            "crs_name": crs_label(_crs_or_none(crs_text)),
            "fields": [{"name": str(n), "type": str(t)}
                       for n, t in zip(info.get("fields", []), info.get("dtypes", []))],
            "bounds": bounds,
            "bounds_wgs84": _wgs84_bounds(bounds, crs_text),
            "encoding": label(encoding) if encoding else info.get("encoding"),
            "warnings": list(notes) + ([encoding_note] if encoding_note else []),
        })
    return out


def _crs_or_none(text):
    if not text:
        return None
    from pyproj import CRS

    try:
        return CRS.from_user_input(text)
    except Exception:  # noqa: BLE001
        return None


def _describe_loaded(path, **kwargs) -> list[dict]:
    out = []
    for lyr in open_layer(path, **kwargs):
        gdf = lyr.gdf
        b = tuple(float(v) for v in gdf.total_bounds)
        out.append({
            "name": lyr.title_en,
            "geometry_type": ", ".join(sorted(set(gdf.geom_type.dropna().unique()))),
            "feature_count": len(gdf),
            "crs": lyr.provenance.crs_read or "EPSG:4326 (assumed)",
            "crs_name": lyr.provenance.crs_read or "WGS 84 (assumed)",
            "fields": [{"name": str(c), "type": str(gdf[c].dtype)}
                       for c in gdf.columns if c != gdf.geometry.name],
            "bounds": b if not lyr.provenance.crs_read else None,
            "bounds_wgs84": b,
            "encoding": lyr.provenance.encoding,
            "warnings": lyr.provenance.warnings,
        })
    return out


def describe(path, *, layer: str | None = None) -> dict:
    """{'path', 'format', 'size_bytes', 'layers': [{name, geometry_type, feature_count, crs,
    crs_name, fields: [{name, type}], bounds, bounds_wgs84, encoding}]}; LayerLoadError on failure.
    """
    from .pgsource import is_postgis_uri
    if is_postgis_uri(path):   # a PostGIS database, table or query (io.postgis)
        from .postgis import describe_postgis
        return describe_postgis(path)
    src = path
    try:
        path, layer = split_layer_syntax(path, layer)
        check_readable(path)
        fmt = sniff(path)
        result = {"path": str(path), "format": fmt, "size_bytes": path.stat().st_size}
        if fmt in ("shapefile", "gpkg", "geojson", "geojsonseq", "kml", "gpx", "fgb"):
            result["layers"] = _describe_vector(path, fmt, layer)
        elif fmt in ("zip", "kmz"):
            warnings: list[str] = []
            layers = []
            with archive.temp_dir() as tmp:
                for member in archive.unpack(path, tmp, warnings, kmz=fmt == "kmz"):
                    mfmt = sniff(member)
                    if mfmt in ("shapefile", "gpkg", "geojson", "geojsonseq", "kml", "gpx", "fgb"):
                        found = _describe_vector(member, mfmt, None)
                    else:
                        found = _describe_loaded(member)
                    for d in found:
                        sub = d["name"] if d["name"] not in (None, "", member.stem) else None
                        d["name"] = f"{member.name}:{sub}" if sub else member.name
                    layers.extend(found)
            result["layers"] = layers
        else:
            result["layers"] = _describe_loaded(path, layer=layer)
        return result
    except LayerLoadError:
        raise
    except Exception as exc:  # a traceback never reaches the user
        raise user_error(exc, src) from exc


def _fmt_bounds(b) -> str:
    return "-" if b is None else ", ".join(f"{v:.6f}" if abs(v) < 1000 else f"{v:.1f}" for v in b)


def format_description(info: dict) -> str:
    """Plain text for the terminal."""
    if info.get("format") == "postgis":
        from .postgis import format_tables
        lines = [f"{info['path']}  (PostGIS)"]
        if info.get("tables") is not None:
            lines += ["", format_tables(info["tables"])]
    else:
        lines = [f"{info['path']}  ({info['format']}, {info['size_bytes']:,} bytes)"]
    for lyr in info.get("layers", []):
        lines.append("")
        lines.append(f"Layer: {lyr['name'] or file_stem(Path(info['path']))}")
        lines.append(f"  Geometry:  {lyr['geometry_type']}")
        lines.append(f"  Features:  {lyr['feature_count']:,}")
        lines.append(f"  CRS:       {lyr['crs_name'] or lyr['crs'] or 'not stated'}")
        if lyr.get("encoding"):
            lines.append(f"  Encoding:  {lyr['encoding']}")
        lines.append(f"  Bounds:    {_fmt_bounds(lyr['bounds'])}")
        lines.append(f"  WGS-84:    {_fmt_bounds(lyr['bounds_wgs84'])}")
        lines.append(f"  Fields ({len(lyr['fields'])}):")
        for f in lyr["fields"]:
            lines.append(f"    {f['name']}: {f['type']}")
        for w in lyr.get("warnings", []):
            lines.append(f"  Note: {w}")
    return "\n".join(lines)
