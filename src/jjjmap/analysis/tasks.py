"""The analysis questions as plain-data functions, for a worker thread of the GUI.

They take shapely geometries, lists and pandas tables and return plain values: no
GeoDataFrame with a pyproj CRS crosses a thread (pyproj objects belong to the thread that made
them; see ui.layeractions.detach). Each builds what it needs and calls the same core as the CLI.
"""
from __future__ import annotations


def select_rows(geoms, target, relation: str, km: float | None, name: str):
    """Row positions (nearest first for a distance) and their distances (km), or None."""
    import geopandas as gpd

    from .proximity import inside, within_distance

    gdf = gpd.GeoDataFrame({"_pos": range(len(geoms))}, geometry=list(geoms))
    if relation == "inside":
        found = inside(gdf, target, name=name)
        return found["_pos"].tolist(), None
    found = within_distance(gdf, target, km, name=name)
    return found["_pos"].tolist(), found["distance_km"].tolist()


def nearest_columns(geoms, other_geoms, labels, same_layer: bool):
    """(nearest_km, nearest_name) lists for ``geoms`` against ``other_geoms``."""
    import geopandas as gpd

    from .proximity import nearest

    a = gpd.GeoDataFrame(geometry=list(geoms))
    b = gpd.GeoDataFrame({"label": list(labels)}, geometry=list(other_geoms))
    out = nearest(a, b, label_column="label", same_layer=same_layer)
    return out["nearest_km"].tolist(), out["nearest_name"].tolist()


def write_matrix(geoms, labels, path: str) -> int:
    """The distance table of ``geoms`` to a CSV file; how many features it has."""
    import geopandas as gpd

    from .output import write_csv
    from .proximity import distance_matrix

    gdf = gpd.GeoDataFrame({"label": list(labels)}, geometry=list(geoms))
    table = distance_matrix(gdf, label_column="label")
    write_csv(table, path, index=True)
    return len(table)


def write_selection(attrs, geoms, geom: str, path: str) -> str:
    """Rows (attributes + geometries, WGS-84) to .csv / .gpkg / .geojson."""
    import geopandas as gpd

    from .output import write_rows

    gdf = gpd.GeoDataFrame(attrs.assign(**{geom: geoms}), geometry=geom, crs="EPSG:4326")
    return str(write_rows(gdf, path))
