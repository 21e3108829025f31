"""Exporting layers: GeoPackage, GeoJSON, Shapefile (and FlatGeobuf), chosen by extension.

Every format is written into a temporary sibling (with all its sidecars) and moved into place
(io/atomic.py), so a failed or killed export never leaves half a file where the user expects
their data, and never destroys the old one.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from jjjmap.values import NESTED, json_text

from . import atomic
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


def _gdal_write(gdf, target: Path, driver: str, layer: str | None) -> None:
    import pyogrio

    if driver == "ESRI Shapefile":
        pyogrio.write_dataframe(gdf, target, driver=driver, encoding="UTF-8")
        target.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")
    else:
        pyogrio.write_dataframe(gdf, target, driver=driver, layer=layer or target.stem)


def _export_error(path: Path, exc: BaseException) -> LayerExportError:
    if isinstance(exc, LayerExportError):
        return exc
    if isinstance(exc, PermissionError):
        return LayerExportError(f"Cannot export to {display_name(path)}: permission denied.", path)
    return LayerExportError(f"Cannot export to {display_name(path)}: {exc}", path)


def _check_target(path: Path) -> None:
    if not path.parent.exists():
        raise LayerExportError(f"Cannot export to {display_name(path)}: the folder "
                               f"{path.parent} does not exist.", path)
    if path.is_dir():
        raise LayerExportError(f"Cannot export to {display_name(path)}: it is a folder.", path)


def write_layer(gdf: gpd.GeoDataFrame, path, *, driver: str | None = None,
                layer: str | None = None) -> dict[str, str]:
    """Write ``gdf`` to ``path``; returns the columns renamed on the way (Shapefile limits).

    Every format goes through a temporary sibling (all sidecars) that replaces the target only
    once it is complete. ``layer`` with a GeoPackage adds (or replaces) that layer in an
    existing file: a copy of the file gets the layer, then replaces it.
    """
    path = Path(path)
    driver = driver_for(path, driver)
    gdf, renamed = _prepare(gdf, path, driver)
    _check_target(path)
    try:
        with atomic.output(path) as tmp:
            if driver == "GPKG" and layer is not None and path.exists():
                shutil.copyfile(path, tmp)
            _gdal_write(gdf, tmp, driver, layer)
    except Exception as exc:  # GDAL, OS and value errors alike
        raise _export_error(path, exc) from exc
    return renamed


def unique_names(names) -> list[str]:
    """``names`` made unique, case-insensitively (GeoPackage layer names and file names on
    some disks ignore case): the second 'main_road' becomes 'main_road_2'."""
    out, used = [], set()
    for name in names:
        cand, n = name, 2
        while cand.lower() in used:
            cand, n = f"{name}_{n}", n + 1
        used.add(cand.lower())
        out.append(cand)
    return out


def _inputs(in_path) -> list[Path]:
    """The files ``convert`` reads: the input and, for a Shapefile, its sidecars."""
    from .readers import split_layer_syntax

    path, _ = split_layer_syntax(in_path, None)
    found = [path]
    if path.suffix.lower() == ".shp":
        found += atomic._family(path.parent, path.stem)
    return found


def _refuse_overwriting_input(in_path, targets: list[Path]) -> None:
    for target in targets:
        fam = [target] + ([target.with_suffix(e) for e in (".shx", ".dbf", ".prj", ".cpg")]
                          if target.suffix.lower() == ".shp" else [])
        for src in _inputs(in_path):
            if any(t.exists() and atomic.same_file(src, t) for t in fam):
                raise LayerExportError(
                    f"Cannot convert into {display_name(target)}: it is the input file "
                    f"{display_name(src)} itself. Choose another output name.", target)


def convert(in_path, out_path, *, notes: list[str] | None = None, **open_kwargs) -> list[Path]:
    """``jjjmap convert IN OUT``: open IN (any readable format) and write OUT; returns files written.

    Several layers go into one GeoPackage as several layers; other formats get one file per
    layer, named ``OUT-stem_<layer>``. Layer names are made safe and unique; renamings are
    added to ``notes``. The output is never the input, and it replaces an existing file only
    once it is complete. Raises LayerLoadError or LayerExportError.
    """
    from .readers import open_layer

    out_path = Path(out_path)
    driver = driver_for(out_path)
    _refuse_overwriting_input(in_path, [out_path])
    layers = open_layer(in_path, **open_kwargs)
    if len(layers) == 1:
        write_layer(layers[0].gdf, out_path)
        return [out_path]
    wanted = [_safe_name(lyr) for lyr in layers]
    names = unique_names(wanted)
    if notes is not None:
        for lyr, want, got in zip(layers, wanted, names):
            if want != got:
                notes.append(f"layer {lyr.title_en!r} written as {got!r} ({want!r} was taken)")
    if driver == "GPKG":
        _check_target(out_path)
        prepared = [(_prepare(lyr.gdf, out_path, driver)[0], name)
                    for lyr, name in zip(layers, names)]
        try:
            with atomic.output(out_path) as tmp:   # every layer into one new file, then swap
                for gdf, name in prepared:
                    _gdal_write(gdf, tmp, driver, name)
        except Exception as exc:
            raise _export_error(out_path, exc) from exc
        return [out_path]
    targets = [out_path.with_name(f"{out_path.stem}_{name}{out_path.suffix}") for name in names]
    _refuse_overwriting_input(in_path, targets)
    for lyr, target in zip(layers, targets):
        write_layer(lyr.gdf, target)
    return targets


def _safe_name(lyr) -> str:
    parts = [p for p in (lyr.provenance.layer_name, lyr.provenance.part) if p]
    name = "_".join(parts) or lyr.title_en
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


__all__ = ["convert", "driver_for", "shapefile_field_names", "write_layer"]
