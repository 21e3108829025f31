"""The typed records between io's stages, and the stage every reader shares.

A format reader (``io.readers`` for files, ``io.postgis`` for a table loaded whole) hands a
``RawRead`` to ``finish`` (clean the geometry, reproject to WGS-84, check the range, undo an
obfuscated datum, split mixed geometry), which yields a ``Placed`` part per geometry family; the
reader then makes the ``Layer`` and its ``model.Provenance`` from the two.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from . import crs as crs_mod, geometry
from .errors import LayerLoadError, display_name


@dataclass
class RawRead:
    """One layer as a format reader returned it, before the shared clean-up.

    ``name`` is the layer (or sheet) inside the file when the file has several or one was
    asked for; ``title_name`` whether the layer's title names it; ``open_layer`` the ``layer=``
    that opens the same layer again, when it is not ``name``."""

    gdf: object
    format: str
    name: str | None = None
    title_name: bool = True
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    open_layer: str | None = None


@dataclass
class Placed:
    """One cleaned part of a read, in WGS-84: ``family`` names the geometry family when a
    mixed file was split ("points", "lines", "polygons"), else None."""

    family: str | None
    gdf: gpd.GeoDataFrame   # or a model.PointData: points as arrays
    warnings: list[str]
    crs_read: str


def finish(r: RawRead, path, crs, datum):
    """Clean, reproject, convert datum, split: yields a ``Placed`` per geometry family."""
    from jjjmap.model.pointdata import PointData

    warns: list[str] = list(r.warnings)
    gdf = r.gdf
    arrays = isinstance(gdf, PointData)   # finite 2-D points already: nothing to clean or split
    if not arrays and (not isinstance(gdf, gpd.GeoDataFrame)
                       or gdf.geometry.name not in gdf.columns):
        raise LayerLoadError(f"{display_name(path)} has no geometry.", path)
    crs_read = crs_mod.crs_label(gdf.crs) if gdf.crs is not None else ""
    if r.format == "csv":
        crs_read = str(crs) if crs else ""
    n_before = len(gdf)
    named_lonlat = bool(gdf.attrs.get("named_lonlat"))
    if not arrays:
        gdf = geometry.clean(gdf, warns)
    if len(gdf) == 0:
        what = "features" if n_before == 0 else "features with a geometry"
        if r.name:
            warns.append(f"Layer {r.name!r} has no {what}.")
            return
        raise LayerLoadError(f"{display_name(path)} contains no {what}; there is nothing to "
                             f"show.", path)
    gdf = crs_mod.to_wgs84(gdf, path, warns, crs, named_lonlat=named_lonlat)
    crs_mod.check_range(gdf, path)
    gdf = crs_mod.apply_datum(gdf, datum, path, warns)
    parts = {"points": gdf} if arrays else geometry.split_families(gdf)
    if len(parts) > 1:
        counts = ", ".join(f"{len(g):,} {fam}" for fam, g in parts.items())
        warns.append(f"The file mixes geometry types; split into {len(parts)} layers ({counts}).")
        for fam, g in parts.items():
            yield Placed(fam, g, list(warns), crs_read)
    else:
        yield Placed(None, gdf, warns, crs_read)
