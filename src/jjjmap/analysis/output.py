"""Writing an answer: a layer's rows to CSV, GeoPackage or GeoJSON, chosen by extension.

CSV has no geometry column: points get ``lon``/``lat`` (WGS-84), other shapes ``wkt``.
Columns whose names start with "_" (label positions and the like) stay inside the program.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import AnalysisError

TABLE_SUFFIXES = (".csv", ".gpkg", ".geojson", ".json")


def public_columns(gdf):
    return gdf[[c for c in gdf.columns if not str(c).startswith("_")]]


def write_rows(gdf, path) -> Path:
    """Write ``gdf`` (WGS-84) to ``path`` (.csv, .gpkg, .geojson); LayerExportError or
    AnalysisError with the file named."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise AnalysisError(f"cannot write '{path}': use a .csv, .gpkg or .geojson file")
    gdf = public_columns(gdf)
    if suffix == ".csv":
        write_csv(csv_frame(gdf), path)
        return path
    from jjjmap.io import write_layer

    write_layer(gdf, path)
    return path


def csv_frame(gdf) -> pd.DataFrame:
    geom = gdf.geometry.name
    table = pd.DataFrame(gdf.drop(columns=geom))
    geoms = gdf.geometry
    if len(gdf) and (geoms.geom_type == "Point").all():
        table["lon"] = geoms.x.round(6).to_numpy()
        table["lat"] = geoms.y.round(6).to_numpy()
    else:
        table["wkt"] = geoms.to_wkt(rounding_precision=6).to_numpy()
    return table


def write_csv(table: pd.DataFrame, path, *, index: bool = False) -> Path:
    """UTF-8 with a BOM (Excel then reads the Chinese names), written atomically."""
    path = Path(path)
    if not path.parent.exists():
        raise AnalysisError(f"cannot write '{path}': the folder {path.parent} does not exist")
    from jjjmap.io.atomic import write_bytes

    try:
        write_bytes(path, table.to_csv(index=index, lineterminator="\n").encode("utf-8-sig"))
    except OSError as exc:
        raise AnalysisError(f"cannot write '{path}': {exc.strerror or exc}") from exc
    return path
