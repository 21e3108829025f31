"""Benchmark inputs, made here and cached: random points inside Hebei."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

CACHE = Path(__file__).resolve().parent / "results" / "cache"


def hebei():
    """Hebei's outline from the built-in provinces (prepared for point tests)."""
    from jjjmap import catalog

    provinces = catalog.load_layer("provinces").gdf
    shape = provinces.loc[provinces["name_zh"] == "河北省"].geometry.iloc[0]
    shapely.prepare(shape)
    return shape


def uniform_in(shape, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` invented positions drawn uniformly inside ``shape`` (rejection sampling)."""
    minx, miny, maxx, maxy = shape.bounds
    x, y = np.empty(0), np.empty(0)
    while x.size < n:
        cx, cy = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        inside = shapely.contains_xy(shape, cx, cy)
        x, y = np.concatenate([x, cx[inside]]), np.concatenate([y, cy[inside]])
    return x[:n], y[:n]


def hebei_points_csv(n: int, seed: int = 20261128) -> Path:
    path = CACHE / f"hebei_points_{n}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    lon, lat = uniform_in(hebei(), n, rng)
    df = pd.DataFrame({"id": np.arange(n), "lon": lon[:n].round(6), "lat": lat[:n].round(6),
                       "value": rng.integers(0, 1000, n)})
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    df.to_csv(tmp, index=False)
    tmp.replace(path)
    return path


def clustered_points_csv(n: int, seed: int = 20261202) -> Path:
    """Invented test points (not data) for the density cases and screenshots: 70% in
    Gaussian clusters around the centroids of the built-in prefecture polygons (sizes by a
    fixed random draw), 30% uniform over the region's box; ``value`` a random weight,
    ``year`` a random year 2000-2024 (for the time slider)."""
    path = CACHE / f"clustered_points_{n}.csv"
    if path.exists():
        return path
    from jjjmap import catalog

    pref = catalog.load_layer("prefectures").gdf
    centres = pref.geometry.to_crs(32650).centroid.to_crs(4326)
    cx, cy = centres.x.to_numpy(), centres.y.to_numpy()
    rng = np.random.default_rng(seed)
    share = rng.dirichlet(np.ones(len(cx)) * 0.7)
    k = rng.choice(len(cx), size=int(n * 0.7), p=share)
    spread = rng.uniform(0.05, 0.25, len(cx))[k]
    x = cx[k] + rng.normal(0, 1, len(k)) * spread
    y = cy[k] + rng.normal(0, 1, len(k)) * spread * 0.8
    minx, miny, maxx, maxy = pref.total_bounds
    m = n - len(k)
    x = np.concatenate([x, rng.uniform(minx, maxx, m)])
    y = np.concatenate([y, rng.uniform(miny, maxy, m)])
    df = pd.DataFrame({"id": np.arange(n), "lon": x.round(6), "lat": y.round(6),
                       "value": rng.integers(0, 1000, n),
                       "year": rng.integers(2000, 2025, n),
                       "note": "invented test point"})
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    df.to_csv(tmp, index=False)
    tmp.replace(path)
    return path
