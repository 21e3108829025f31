"""Exporting layers: GeoPackage, GeoJSON, Shapefile (and FlatGeobuf), chosen by extension.

Single-file formats are written to a temporary file next to the target and moved into place,
so a failed export never leaves half a file where the user expects their data.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from jjjmap.values import NESTED, json_text
from .errors import LayerExportError, display_name

DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile",
           ".fgb": "FlatGeobuf"}
_SHP_NAME_BYTES = 10


def driver_for(path: Path, driver: str | None = None) -> str:
    if driver:
        return driver
    try:
        return DRIVERS[path.suffix.lower()]
    except KeyError:
        raise LayerExportError(
            f"Cannot export to {display_name(path)}: unknown extension {path.suffix or '(none)'}. "
            f"Use .gpkg (GeoPackage), .geojson (GeoJSON) or .shp (Shapefile).", path) from None


def shapefile_field_names(columns) -> dict[str, str]:
    """Rename columns to unique names of at most 10 UTF-8 bytes (the dBASE limit)."""
    out, used = {}, set()
    for col in columns:
        name = str(col)
        base = name
        while len(base.encode("utf-8")) > _SHP_NAME_BYTES:
            base = base[:-1]
        cand, n = base, 1
        while cand.lower() in used:
            suffix = f"_{n}"
            stem = base
            while len((stem + suffix).encode("utf-8")) > _SHP_NAME_BYTES:
                stem = stem[:-1]
            cand, n = stem + suffix, n + 1
        used.add(cand.lower())
        if cand != name:
            out[name] = cand
    return out


def _prepare(gdf: gpd.GeoDataFrame, path: Path, driver: str) -> tuple[gpd.GeoDataFrame, dict]:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise LayerExportError(f"Cannot export to {display_name(path)}: no geometry to write.", path)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    renamed: dict[str, str] = {}
    if driver == "ESRI Shapefile":
        types = set(shapely.get_type_id(np.asarray(gdf.geometry.array, dtype=object)).tolist())
        families = {({0: "p", 4: "p", 1: "l", 2: "l", 5: "l", 3: "a", 6: "a"}).get(t, "x")
                    for t in types if t >= 0}
        if len(families) > 1:
            raise LayerExportError(
                f"Cannot export to {display_name(path)}: a Shapefile holds one geometry type, but "
                f"this layer mixes points, lines and/or polygons. Export to GeoPackage (.gpkg) or "
                f"GeoJSON instead.", path)
        attrs = [c for c in gdf.columns if c != gdf.geometry.name]
        renamed = shapefile_field_names(attrs)
        if renamed:
            gdf = gdf.rename(columns=renamed)
    # arrays and objects (DataV/GeoAtlas 'center', 'parent', 'acroutes') become JSON text,
    # never numpy's or Python's repr
    for col in gdf.columns:
        if col != gdf.geometry.name and gdf[col].dtype == object:
            sample = gdf[col].dropna().head(50)
            if any(isinstance(v, NESTED) for v in sample):
                gdf = gdf.assign(**{col: gdf[col].map(json_text)})
    return gdf, renamed


def write_layer(gdf: gpd.GeoDataFrame, path, *, driver: str | None = None,
                layer: str | None = None) -> dict[str, str]:
    """Write ``gdf`` to ``path``; returns the columns renamed on the way (Shapefile limits)."""
    import pyogrio

    path = Path(path)
    driver = driver_for(path, driver)
    gdf, renamed = _prepare(gdf, path, driver)
    if not path.parent.exists():
        raise LayerExportError(f"Cannot export to {display_name(path)}: the folder "
                               f"{path.parent} does not exist.", path)
    try:
        if driver == "ESRI Shapefile":
            pyogrio.write_dataframe(gdf, path, driver=driver, encoding="UTF-8")
            path.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")
        elif driver == "GPKG" and layer is not None:
            # adding a layer to an existing GeoPackage cannot go through a temporary copy
            pyogrio.write_dataframe(gdf, path, driver=driver, layer=layer)
        else:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix,
                                       dir=path.parent)
            os.close(fd)
            os.unlink(tmp)  # GDAL wants to create the file itself
            try:
                pyogrio.write_dataframe(gdf, tmp, driver=driver, layer=layer or path.stem)
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    except LayerExportError:
        raise
    except PermissionError as exc:
        raise LayerExportError(f"Cannot export to {display_name(path)}: permission denied.",
                               path) from exc
    except Exception as exc:  # noqa: BLE001 - GDAL, OS and value errors alike
        raise LayerExportError(f"Cannot export to {display_name(path)}: {exc}", path) from exc
    return renamed


def convert(in_path, out_path, **open_kwargs) -> list[Path]:
    """``jjjmap convert IN OUT``: open IN (any readable format) and write OUT; returns files written.

    Several layers go into one GeoPackage as several layers; other formats get one file per
    layer, named ``OUT-stem_<layer>``. Raises LayerLoadError or LayerExportError.
    """
    from .readers import open_layer

    out_path = Path(out_path)
    layers = open_layer(in_path, **open_kwargs)
    driver = driver_for(out_path)
    if len(layers) == 1:
        write_layer(layers[0].gdf, out_path)
        return [out_path]
    written = []
    if driver == "GPKG":
        if out_path.exists():
            out_path.unlink()
        for lyr in layers:
            name = _safe_name(lyr)
            write_layer(lyr.gdf, out_path, layer=name)
        return [out_path]
    for lyr in layers:
        target = out_path.with_name(f"{out_path.stem}_{_safe_name(lyr)}{out_path.suffix}")
        write_layer(lyr.gdf, target)
        written.append(target)
    return written


def _safe_name(lyr) -> str:
    parts = [p for p in (lyr.meta.get("layer_name"), lyr.meta.get("part")) if p]
    name = "_".join(parts) or lyr.title_en
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


__all__ = ["convert", "driver_for", "shapefile_field_names", "write_layer"]
