"""Make a freshly read GeoDataFrame safe to draw: valid, 2-D, non-empty, one geometry family.

Everything here is vectorised over the whole array (a million points must stay cheap), and every
change is reported in plain words for the layer's warnings.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

# shapely type ids -> family
_FAMILY = {0: "points", 4: "points", 1: "lines", 2: "lines", 5: "lines",
           3: "polygons", 6: "polygons"}
FAMILY_ORDER = ("points", "lines", "polygons")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def clean(gdf: gpd.GeoDataFrame, warnings: list[str]) -> gpd.GeoDataFrame:
    """Drop null/empty geometries, flatten 3-D, explode collections and repair invalid shapes."""
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    n_missing = int(missing.sum())
    if n_missing:
        warnings.append(f"Dropped {_plural(n_missing, 'feature')} with no geometry.")
        gdf = gdf.loc[~missing]
        geoms = geoms[~missing]
    if len(geoms) == 0:
        return gdf.reset_index(drop=True)

    has_z = shapely.has_z(geoms)
    if has_z.any():
        geoms = shapely.force_2d(geoms)
        warnings.append(f"Flattened {_plural(int(has_z.sum()), 'feature')} from 3-D to 2-D "
                        f"(heights are not shown on the map).")

    type_ids = shapely.get_type_id(geoms)
    collections = type_ids == 7
    if collections.any():
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
        gdf = gdf.explode(index_parts=False, ignore_index=True)
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].reset_index(drop=True)
        geoms = np.asarray(gdf.geometry.array, dtype=object)
        warnings.append(f"Split {_plural(int(collections.sum()), 'geometry collection')} into "
                        f"their parts.")

    valid = shapely.is_valid(geoms)
    n_invalid = int((~valid).sum())
    if n_invalid:
        bad = geoms[~valid]
        repaired = shapely.make_valid(bad, method="structure", keep_collapsed=False)
        # a track of identical points is a place someone stood: keep it as that point
        lines = np.isin(shapely.get_type_id(bad), (1, 5))
        collapsed = lines & (shapely.is_empty(repaired) | shapely.is_missing(repaired))
        if collapsed.any():
            repaired[collapsed] = shapely.get_point(shapely.get_geometry(bad[collapsed], 0), 0)
            warnings.append(f"Kept {_plural(int(collapsed.sum()), 'line')} whose points are all "
                            f"the same as a point.")
        geoms = geoms.copy()
        geoms[~valid] = repaired
        emptied = shapely.is_empty(geoms) | shapely.is_missing(geoms)
        msg = f"Repaired {_plural(n_invalid, 'invalid geometry')} (e.g. self-intersections)"
        if emptied.any():
            msg += f"; {int(emptied.sum()):,} collapsed to nothing and were dropped"
            gdf = gdf[~emptied]
            geoms = geoms[~emptied]
        warnings.append(msg + ".")
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return gdf.reset_index(drop=True)


def split_families(gdf: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """{'points'|'lines'|'polygons': rows}; multi-part shapes go with their single-part family."""
    if len(gdf) == 0:
        return {}
    type_ids = shapely.get_type_id(np.asarray(gdf.geometry.array, dtype=object))
    families = np.array([_FAMILY.get(int(t), "other") for t in np.unique(type_ids)])
    uniq = np.unique(type_ids)
    if len(set(families)) == 1:
        return {str(families[0]): gdf}
    out = {}
    for fam in FAMILY_ORDER:
        ids = uniq[families == fam]
        if len(ids):
            out[fam] = gdf[np.isin(type_ids, ids)].reset_index(drop=True)
    return out
