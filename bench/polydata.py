"""Invented polygon inputs for the polygon cases (not data: random shapes, fixed seeds), made
once and cached in ``bench/results/cache/`` as GeoPackages.

- ``voronoi_50k``: the Voronoi cells of 50,000 random points inside Hebei, clipped to the
  province: a coverage (neighbours share edges), like a user's parcels or service areas; the
  cells on the border carry the province's outline. Columns ``id``, ``value`` (random int),
  ``kind`` (one of four words), ``note`` (says it is invented).
- ``star_2m``: one polygon of 2,000,000 vertices around Beijing: star-shaped (every vertex
  seen from the centre at an increasing angle, so the ring is simple), its radius a closed
  random walk, so it has detail at every scale like a coastline. Not a coverage.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

CACHE = Path(__file__).resolve().parent / "results" / "cache"
NOTE = "invented test polygon"


def _write(gdf, path: Path) -> Path:
    import pyogrio

    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    pyogrio.write_dataframe(gdf, tmp, driver="GPKG")
    tmp.replace(path)
    return path


def voronoi_50k(n: int = 50_000, seed: int = 20261202) -> Path:
    path = CACHE / f"voronoi_{n}.gpkg"
    if path.exists():
        return path
    import geopandas as gpd
    import shapely

    from bench.data import hebei as hebei_outline, uniform_in

    hebei = hebei_outline()
    rng = np.random.default_rng(seed)
    x, y = uniform_in(hebei, n, rng)
    pts = shapely.multipoints(np.column_stack([x[:n], y[:n]]))
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=shapely.box(*hebei.bounds)))
    inside = shapely.contains(hebei, cells)            # most cells: kept whole
    cells[~inside] = shapely.intersection(cells[~inside], hebei)
    cells = cells[~shapely.is_empty(cells)]
    cells = shapely.get_parts(cells)     # a cell cut by the border in two: two polygons
    cells = cells[shapely.get_type_id(cells) == 3]
    gdf = gpd.GeoDataFrame({"id": np.arange(len(cells)),
                            "value": rng.integers(0, 1000, len(cells)),
                            "kind": rng.choice(["farm", "town", "industry", "forest"], len(cells)),
                            "note": NOTE}, geometry=cells, crs=4326)
    return _write(gdf, path)


def star_2m(n: int = 2_000_000, seed: int = 20261203) -> Path:
    path = CACHE / f"star_{n}.gpkg"
    if path.exists():
        return path
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0, 1, n))
    walk -= np.linspace(0, walk[-1], n)          # closes: the end meets the start
    walk = walk / np.abs(walk).max() * 0.35
    radius = 1.0 * (1 + walk)                    # degrees, 0.65-1.35 around the centre
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    lon = 116.4 + radius * np.cos(angle) / np.cos(np.radians(39.3))
    lat = 39.3 + radius * np.sin(angle)
    ring = np.column_stack([lon, lat])
    poly = shapely.Polygon(np.vstack([ring, ring[:1]]))
    gdf = gpd.GeoDataFrame({"id": [0], "name": ["star"], "note": [NOTE]},
                           geometry=[poly], crs=4326)
    return _write(gdf, path)
