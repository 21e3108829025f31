"""Points binned into H3 hexagons: count, sum and mean of a weight per cell, per resolution.

Each resolution costs one pass of h3's ``latlng_to_cell`` over the points (about 1.4 s per
million here; h3ronpy's vectorised call measured no faster). ``parent_cells`` (the parent
of an H3 index by integer arithmetic, vectorised) is kept for grouping cells, not points:
H3 cells are not strictly nested.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_CELLS_PER_LEVEL = 60_000     # more hexagons than this are not sent to the page
MAX_CELLS_TOTAL = 150_000
# 4: ~26 km edges (the region at zoom 6) ... 9: ~0.2 km edges (a town at zoom 14)
AUTO_RESOLUTIONS = tuple(range(4, 10))


@dataclass
class HexLevel:
    res: int
    cells: np.ndarray        # uint64 H3 indexes, sorted
    count: np.ndarray        # int64 points per cell
    total: np.ndarray        # float64 sum of the weight per cell (count when unweighted)
    edge_m: float            # average hexagon edge length at this resolution, metres

    @property
    def mean(self) -> np.ndarray:
        return self.total / np.maximum(self.count, 1)


def point_cells(lon: np.ndarray, lat: np.ndarray, res: int) -> np.ndarray:
    """The H3 cell (uint64) of every point at ``res``; 0 where the position is not finite."""
    import h3.api.numpy_int as h3i

    out = np.zeros(len(lon), dtype=np.uint64)
    ok = np.isfinite(lon) & np.isfinite(lat)
    f = h3i.latlng_to_cell
    out[ok] = np.fromiter((f(y, x, res) for x, y in zip(lon[ok].tolist(), lat[ok].tolist())),
                          dtype=np.uint64, count=int(ok.sum()))
    return out


def parent_cells(cells: np.ndarray, res: int) -> np.ndarray:
    """The ancestors at ``res`` of H3 cells at a finer (or the same) resolution."""
    cells = np.asarray(cells, dtype=np.uint64)
    res_field = np.uint64(0xF) << np.uint64(52)
    finer = np.uint64((1 << (3 * (15 - res))) - 1)    # digits res+1 .. 15 all 7
    out = (cells & ~res_field) | (np.uint64(res) << np.uint64(52)) | finer
    return np.where(cells == 0, np.uint64(0), out)


def _level(cells: np.ndarray, w: np.ndarray | None, res: int) -> HexLevel:
    import h3

    keep = cells != 0
    uniq, inverse = np.unique(cells[keep], return_inverse=True)
    count = np.bincount(inverse, minlength=len(uniq)).astype(np.int64)
    total = (count.astype(float) if w is None
             else np.bincount(inverse, weights=w[keep], minlength=len(uniq)))
    return HexLevel(res, uniq, count, total, h3.average_hexagon_edge_length(res, "m"))


def bin_points(lon, lat, resolutions, weights=None) -> list[HexLevel]:
    """One HexLevel per resolution (coarse to fine) for the points at (lon, lat).

    Each resolution bins the points itself: H3 is not strictly nested (a cell's children
    stick out of it), so the parent of a point's fine cell is not always the coarse cell
    that holds the point, and a hexagon must count the points inside its own outline."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    w = None if weights is None else np.asarray(weights, dtype=float)
    return [_level(point_cells(lon, lat, res), w, res)
            for res in sorted(set(int(r) for r in resolutions))]


def auto_levels(lon, lat, weights=None) -> list[HexLevel]:
    """Resolutions for a map whose hexagons follow the zoom: from coarse to fine while the
    page can hold the cells (MAX_CELLS_PER_LEVEL, MAX_CELLS_TOTAL). A level is not binned
    when the one before it says it would be too big (a resolution has up to 7 times the
    cells of the one before)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    w = None if weights is None else np.asarray(weights, dtype=float)
    out, total = [], 0
    for res in AUTO_RESOLUTIONS:
        if out and min(len(lon), 7 * len(out[-1].cells)) > 2 * MAX_CELLS_PER_LEVEL:
            break
        level = _level(point_cells(lon, lat, res), w, res)
        if out and (len(level.cells) > MAX_CELLS_PER_LEVEL
                    or total + len(level.cells) > MAX_CELLS_TOTAL):
            break
        out.append(level)
        total += len(level.cells)
    return out


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


__all__ = ["HexLevel", "point_cells", "parent_cells", "bin_points", "auto_levels",
           "cell_boundaries"]
