"""Benchmark inputs, made here and cached: random points inside Hebei."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

CACHE = Path(__file__).resolve().parent / "results" / "cache"


def hebei_points_csv(n: int, seed: int = 20261128) -> Path:
    path = CACHE / f"hebei_points_{n}.csv"
    if path.exists():
        return path
    from jjjmap import catalog

    provinces = catalog.load_layer("provinces").gdf
    hebei = provinces.loc[provinces["name_zh"] == "河北省"].geometry.iloc[0]
    shapely.prepare(hebei)
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = hebei.bounds
    lon, lat = np.empty(0), np.empty(0)
    while lon.size < n:
        x = rng.uniform(minx, maxx, n)
        y = rng.uniform(miny, maxy, n)
        inside = shapely.contains_xy(hebei, x, y)
        lon, lat = np.concatenate([lon, x[inside]]), np.concatenate([lat, y[inside]])
    df = pd.DataFrame({"id": np.arange(n), "lon": lon[:n].round(6), "lat": lat[:n].round(6),
                       "value": rng.integers(0, 1000, n)})
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    df.to_csv(tmp, index=False)
    tmp.replace(path)
    return path
