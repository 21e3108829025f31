"""Points binned into H3 hexagons at one resolution: each point's cell, and per cell the
count and the sum and mean of a weight.

Used for a hexbin layer with a fixed H3 resolution (the style's ``hex_resolution``). The
hexagons that follow the zoom are not H3: the page bins them itself on a hexagonal grid in
web-mercator at each zoom (resources/web/jjj-hexbin.js), which needs no pass per
resolution here. One pass of h3's ``latlng_to_cell`` costs about 1.4 s per million points
(h3 v4 has no vectorised call); it runs in slices so the thread that asked gives the GIL
back between them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SLICE = 20_000


@dataclass
class HexLevel:
    res: int
    cells: np.ndarray        # uint64 H3 indexes, sorted
    count: np.ndarray        # int64 points per cell
    total: np.ndarray        # float64 sum of the weight per cell (count when unweighted)
    edge_m: float            # average hexagon edge length at this resolution, metres
    index: np.ndarray        # int64 per point: its cell's position in ``cells``; -1 if none

    @property
    def mean(self) -> np.ndarray:
        return self.total / np.maximum(self.count, 1)


def point_cells(lon: np.ndarray, lat: np.ndarray, res: int) -> np.ndarray:
    """The H3 cell (uint64) of every point at ``res``; 0 where the position is not finite."""
    import time

    import h3.api.numpy_int as h3i

    out = np.zeros(len(lon), dtype=np.uint64)
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    f = h3i.latlng_to_cell
    for start in range(0, len(ok), SLICE):
        part = ok[start:start + SLICE]
        out[part] = np.fromiter((f(y, x, res) for x, y in zip(lon[part].tolist(),
                                                              lat[part].tolist())),
                                dtype=np.uint64, count=len(part))
        time.sleep(0)   # let a waiting GUI thread take the GIL between slices
    return out


def parent_cells(cells: np.ndarray, res: int) -> np.ndarray:
    """The ancestors at ``res`` of H3 cells at a finer (or the same) resolution."""
    cells = np.asarray(cells, dtype=np.uint64)
    res_field = np.uint64(0xF) << np.uint64(52)
    finer = np.uint64((1 << (3 * (15 - res))) - 1)    # digits res+1 .. 15 all 7
    out = (cells & ~res_field) | (np.uint64(res) << np.uint64(52)) | finer
    return np.where(cells == 0, np.uint64(0), out)


def bin_points(lon, lat, res: int, weights=None) -> HexLevel:
    """The points at (lon, lat) binned into H3 cells at ``res``: each hexagon counts the
    points h3 puts in it (H3 is not strictly nested, so every resolution is its own pass)."""
    import h3

    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    cells = point_cells(lon, lat, int(res))
    keep = cells != 0
    uniq, inverse = np.unique(cells[keep], return_inverse=True)
    count = np.bincount(inverse, minlength=len(uniq)).astype(np.int64)
    total = (count.astype(float) if weights is None
             else np.bincount(inverse, weights=np.asarray(weights, dtype=float)[keep],
                              minlength=len(uniq)))
    index = np.full(len(lon), -1, dtype=np.int64)
    index[keep] = inverse
    return HexLevel(int(res), uniq, count, total, h3.average_hexagon_edge_length(int(res), "m"),
                    index)


def cell_boundaries(cells: np.ndarray) -> np.ndarray:
    """(n, k, 2) lon/lat vertices of each cell, k the most any cell has: 6 for a hexagon,
    up to 10 where a cell crosses an icosahedron face edge (shorter rings repeat their last
    vertex, so every ring is drawn as it is)."""
    import h3.api.numpy_int as h3i

    rings = [h3i.cell_to_boundary(c) for c in cells.tolist()]
    k = max((len(r) for r in rings), default=6)
    out = np.empty((len(cells), k, 2), dtype=np.float64)
    for i, ring in enumerate(rings):
        a = np.asarray(ring, dtype=np.float64)
        out[i, :len(a)] = a[:, ::-1]
        out[i, len(a):] = a[-1, ::-1]
    return out


__all__ = ["HexLevel", "point_cells", "parent_cells", "bin_points", "cell_boundaries"]
