"""Select by location, nearest feature and distance tables, all geodesic.

Results are ordinary columns and row positions: the GUI selects the rows, the CLI writes them,
a script keeps the table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .errors import AnalysisError
from .geodesy import check_distance, distances_km
from .places import valid_geometry

DISTANCE_COLUMN = "distance_km"
MAX_MATRIX = 500          # features in a distance table (250,000 cells)


def within_distance(gdf, target: BaseGeometry, km: float, *, name: str = "the place"):
    """Features of ``gdf`` within ``km`` (geodesic) of ``target``, nearest first, with a
    ``distance_km`` column (0 inside or touching). The index of ``gdf`` is kept."""
    km = check_distance(km)
    target = valid_geometry(target, name)
    d = distances_km(gdf.geometry.to_numpy(), target)
    out = gdf.copy()
    out[DISTANCE_COLUMN] = np.round(d, 3)
    keep = np.isfinite(d) & (d <= km)
    return out[keep].sort_values(DISTANCE_COLUMN, kind="stable")


def inside(gdf, target: BaseGeometry, *, name: str = "the area"):
    """Features of ``gdf`` that lie in ``target`` (touching its inside; a point on the edge
    counts), in the layer's order."""
    target = valid_geometry(target, name)
    if target.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        raise AnalysisError(f"{name} is not an area: choose a polygon or a ring, or select "
                            f"by distance instead")
    shapely.prepare(target)
    hit = shapely.intersects(target, gdf.geometry.to_numpy())
    return gdf[np.asarray(hit, dtype=bool)]


def positions(gdf, subset) -> list[int]:
    """Row positions (0-based, as MapDocument.select takes them) of ``subset``'s rows."""
    return [int(gdf.index.get_loc(i)) for i in subset.index]


def nearest(gdf, others, *, label_column: str | None = None, same_layer: bool = False,
            prefix: str = "nearest"):
    """``gdf`` with ``<prefix>_km`` (geodesic distance to the nearest feature of ``others``)
    and ``<prefix>_name`` (that feature's ``label_column``). With ``same_layer`` (a layer
    against itself) each feature's nearest *other* feature is taken."""
    if len(others) == 0:
        raise AnalysisError("the layer to measure to has no features")
    if same_layer and len(others) < 2:
        raise AnalysisError("a layer needs two features or more to find each one's nearest")
    geoms = gdf.geometry.to_numpy()
    best = np.full(len(gdf), np.inf)
    which = np.full(len(gdf), -1)
    for j, target in enumerate(others.geometry.to_numpy()):
        if target is None or target.is_empty:
            continue
        d = distances_km(geoms, valid_geometry(target, "a feature"))
        if same_layer:
            d[j] = np.inf
        better = np.isfinite(d) & (d < best)
        best[better], which[better] = d[better], j
    out = gdf.copy()
    out[f"{prefix}_km"] = np.where(np.isfinite(best), np.round(best, 3), np.nan)
    if label_column is None:
        label_column = label_column_of(others)
    labels = others[label_column].astype(str).to_numpy() if label_column else \
        np.array([str(i) for i in others.index])
    out[f"{prefix}_name"] = [labels[j] if j >= 0 else "" for j in which]
    return out


def distance_matrix(gdf, *, label_column: str | None = None) -> pd.DataFrame:
    """Geodesic distances (km) between every pair of features; rows and columns named by
    ``label_column`` (or the first name column)."""
    n = len(gdf)
    if n == 0:
        raise AnalysisError("nothing is selected: select the features to compare first")
    if n > MAX_MATRIX:
        raise AnalysisError(f"{n} features make too large a table; select at most {MAX_MATRIX}")
    geoms = gdf.geometry.to_numpy()
    m = np.zeros((n, n))
    for j in range(n):
        m[:, j] = distances_km(geoms, valid_geometry(geoms[j], "a feature"))
    m = np.round((m + m.T) / 2.0, 3)   # the nearest-point search is symmetric up to rounding
    label_column = label_column or label_column_of(gdf)
    names = gdf[label_column].astype(str).tolist() if label_column else [str(i) for i in gdf.index]
    names = _unique(names)
    return pd.DataFrame(m, index=pd.Index(names, name="km"), columns=names)


def label_column_of(gdf) -> str | None:
    from jjjmap.search import name_columns

    cols = name_columns(gdf)
    for preferred in ("name_en", "name", "name_zh"):
        if preferred in cols:
            return preferred
    return cols[0] if cols else None


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
