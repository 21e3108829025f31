"""Large point layers for the page as one binary buffer, indexed for drawing what is in view.

Above ``BINARY_ABOVE`` points a layer does not travel as base64 text inside the page: its
points are packed (numpy, no per-row Python) into a buffer that the app serves over its
``jjjmap://`` scheme (the page fetches it as an ArrayBuffer, ui.scheme) and that an export
carries as one base64 string (an export stays one self-contained file).

The buffer holds the points sorted by the cell of a web-mercator grid (tiles of zoom
``GRID_ZOOM`` or coarser), with each cell's start, so a redraw visits only the cells in view
(resources/web/jjj-bigpoints.js). For low zooms it also holds pre-binned levels: at level
``l`` one entry per occupied screen pixel of zoom ``l`` (the index of one of its points and
how many points it stands for), grouped by their own grid, so a whole-region view costs the
pixels it covers, not the points. Coordinates are Float32 offsets from the layer's corner in
mercator units: about 2e-9 of the world for a region, well under a pixel at any zoom.

The geometry part depends only on the positions and is cached; colours and radii (the
style part) are packed apart, so a restyle sends only them.
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import threading
from collections import OrderedDict

import numpy as np

BINARY_ABOVE = 50_000      # points above which a layer goes binary (and drawn pixel by pixel)
QUICK_ABOVE = 1_000_000    # points above which the app shows a first frame before the index
OVERVIEW_ABOVE = 200_000   # points above which low zooms draw from pre-binned levels
GRID_ZOOM = 12
MAX_CELLS = 1 << 18
LEVEL_CELL = 2             # a level's grid cells are 2**LEVEL_CELL tiles of its zoom wide
LEVELS = range(3, 10)      # pre-binned zooms (a level is kept only if it pays)
QUICK_LEVELS = range(3, 7)   # those of a first frame (quick_geometry): the region's view
WORTH = 0.6                # a level is kept when it has under this share of the points

_CACHE: "OrderedDict[tuple, dict]" = OrderedDict()
_CACHE_SIZE = 4
_tokens = itertools.count(1)


_MAX_LAT = float(np.radians(85.0511))


def mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit web-mercator (0..1 east and south), as Leaflet's projection at zoom 0 / 256:
    y = 1/2 - atanh(sin(lat)) / 2pi, the same as its log((1 + s) / (1 - s)) / 4pi. In place
    in one array each: 0.2 s for 10M points where the formula's temporaries took 0.85-1.3."""
    my = np.radians(lat).astype(np.float64, copy=False)
    np.clip(my, -_MAX_LAT, _MAX_LAT, out=my)
    np.sin(my, out=my)
    np.arctanh(my, out=my)
    my *= -1.0 / (2 * np.pi)
    my += 0.5
    mx = np.multiply(lon, 1.0 / 360.0, dtype=np.float64)
    mx += 0.5
    return mx, my


def _grid(mx: np.ndarray, my: np.ndarray, zoom: int, scale: float = 1.0):
    """(cell id per point, grid meta) of tiles of ``zoom`` (coarser while too many)."""
    while True:
        k = float(2 ** zoom) * scale
        cx = np.floor(mx * k).astype(np.int64)
        cy = np.floor(my * k).astype(np.int64)
        x0, y0 = int(cx.min()), int(cy.min())
        nx, ny = int(cx.max()) - x0 + 1, int(cy.max()) - y0 + 1
        if nx * ny <= MAX_CELLS or zoom <= 0:
            break
        zoom -= 1
    cell = (cy - y0) * nx + (cx - x0)
    return cell, {"z": zoom, "k": k, "x0": x0, "y0": y0, "nx": nx, "ny": ny}, cx - x0, cy - y0


def _offsets(cell: np.ndarray, cells: int) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.bincount(cell, minlength=cells))]).astype(np.uint32)


def _cell_order(cell: np.ndarray, cells: int) -> np.ndarray:
    """A stable argsort of cell numbers; as uint16 (numpy's radix sort) when they fit: 10M
    points sorted in 0.1 s instead of 1.5 s."""
    if cells <= 1 << 16:
        return np.argsort(cell.astype(np.uint16), kind="stable")
    return np.argsort(cell, kind="stable")


def sorted_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a stable argsort of ``key``, the sorted keys) for non-negative integer keys. When
    key and row number fit in 64 bits together they are sorted as one value: numpy sorts
    10M values in 0.5 s but takes 1.4-1.8 s to argsort them."""
    n = len(key)
    bits = max(int(n - 1).bit_length(), 1)
    if n and int(key.max()) < 1 << (63 - bits):
        packed = key.astype(np.uint64)            # in place from here: fewer 80 MB arrays
        packed <<= np.uint64(bits)
        packed |= np.arange(n, dtype=np.uint64)
        packed.sort()
        order = packed & np.uint64((1 << bits) - 1)
        packed >>= np.uint64(bits)
        return order.view(np.int64), packed.view(np.int64)
    order = np.argsort(key, kind="stable")
    return order, key[order]


# a level whose box of pixels is at most this many is counted in an array (_pixels_dense);
# larger ones are sorted: at zoom 9 over the region (7.6M pixels, 10M points) counting was
# no faster than the sort (3.6 s against 3.1 s for all levels), the scatter misses the cache
DENSE_CELLS = 1 << 20


def _dense_fits(px, py, n: int) -> bool:
    w = int(px.max()) - int(px.min()) + 1
    h = int(py.max()) - int(py.min()) + 1
    return w * h <= DENSE_CELLS


def _pixels_dense(px, py, cell, weight, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """(one entry per pixel that has points: the index of one of them, the points' summed
    weight), ordered by level cell and within a cell by pixel row then column: counted in an
    array over the pixels' box (O(n); sorting 10M keys was most of the index's time)."""
    x0, y0 = int(px.min()), int(py.min())
    w = int(px.max()) - x0 + 1
    lin = (py - y0).astype(np.int64) * w + (px - x0)
    size = w * (int(py.max()) - y0 + 1)
    # weights None: one point each (the finest level), a plain count: 0.03 s for 10M, where
    # weights (converted to float) took 0.64 s
    total = np.bincount(lin, minlength=size) if weight is None else \
        np.bincount(lin, weights=weight, minlength=size)
    rep = np.empty(len(total), dtype=np.int64)
    rep[lin] = np.arange(len(lin))   # the last point of a pixel stands for it, as sorted
    del lin
    nz = np.flatnonzero(total)       # row-major: by row, then column
    keep = rep[nz]
    by_cell = _cell_order(cell[keep], cells)   # stable: row-major within a cell
    return keep[by_cell], total[nz][by_cell].astype(np.int64)


def _pixels_sorted(px, py, cell, weight, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """The same entries by a sort of (cell, row, column) keys, for a box of pixels too
    large to count in one array (a layer spread over the world at zoom 9)."""
    side = 1 << shift
    key = cell << (2 * shift)
    key |= (py & (side - 1)).astype(np.int64) << shift
    key |= px & (side - 1)
    order, ks = sorted_order(key)
    del key
    starts = np.concatenate([[0], np.flatnonzero(ks[1:] != ks[:-1]) + 1])
    last = np.concatenate([starts[1:] - 1, [len(ks) - 1]])
    if weight is None:   # one point each: the counts are the runs' lengths
        return order[last], np.diff(np.append(starts, len(ks))).astype(np.int64)
    return order[last], np.add.reduceat(weight[order], starts).astype(np.int64)


def _levels(mx: np.ndarray, my: np.ndarray, levels=LEVELS) -> tuple[list[dict], dict]:
    """Pre-binned levels, finest first, each from the survivors of the finer one (integer
    pixels halved per level: one float pass in all)."""
    n = len(mx)
    top = max(levels)
    # pixels of zoom 9 are under 2**17: int32 halves these arrays (the key stays int64)
    px = np.floor(mx * (256.0 * 2 ** top)).astype(np.int32)
    py = np.floor(my * (256.0 * 2 ** top)).astype(np.int32)
    idx = np.arange(n, dtype=np.int32)
    weight = None   # one point each, until the finest level has summed them
    shift = 8 + LEVEL_CELL          # pixels per level cell: 2**shift
    side = 1 << shift
    out, parts = [], {}
    for level in sorted(levels, reverse=True):
        if level != top:
            px >>= 1
            py >>= 1
        if len(idx) < 2:
            break
        cx, cy = px >> shift, py >> shift
        x0, y0 = int(cx.min()), int(cy.min())
        nx, ny = int(cx.max()) - x0 + 1, int(cy.max()) - y0 + 1
        cell = (cy - y0).astype(np.int64) * nx + (cx - x0)
        del cx, cy
        keep, weight = (_pixels_dense(px, py, cell, weight, nx * ny)
                        if _dense_fits(px, py, len(idx)) else
                        _pixels_sorted(px, py, cell, weight, shift))
        idx, px, py, cell = idx[keep], px[keep], py[keep], cell[keep]
        if len(idx) < WORTH * n:
            name = f"l{level}"
            parts[name + "i"] = idx.astype(np.uint32)
            parts[name + "c"] = np.minimum(weight, 65535).astype(np.uint16)
            parts[name + "o"] = _offsets(cell, nx * ny)
            out.append({"level": level, "name": name, "side": side, "x0": x0, "y0": y0,
                        "nx": nx, "ny": ny})
    return out, parts


def _geometry(lon: np.ndarray, lat: np.ndarray, rows: np.ndarray) -> dict:
    # 10M points: each temporary here is 80 MB, so each is dropped as soon as it is used
    # (the peak memory of a 10M layer, issue 21)
    mx, my = mercator(lon, lat)
    cell, meta, _, _ = _grid(mx, my, GRID_ZOOM)
    cells = meta["nx"] * meta["ny"]
    order = _cell_order(cell, cells)   # stable: drawing order kept within a cell
    off = _offsets(cell, cells)        # counts per cell do not need the sorted order
    del cell
    ox, oy = float(mx.min()), float(my.min())
    smx = mx[order]
    del mx
    smy = my[order]
    del my
    parts = {"x": (smx - ox).astype(np.float32), "y": (smy - oy).astype(np.float32),
             "rows": rows[order].astype(np.int32), "off": off}
    levels = []
    if len(lon) > OVERVIEW_ABOVE:
        levels, lparts = _levels(smx, smy)
        parts.update(lparts)
    header = _header(lon, lat, ox, oy, {k: meta[k] for k in ("z", "x0", "y0", "nx", "ny")},
                     levels)
    return {"order": order, "parts": parts, "header": header}


def _header(lon, lat, ox, oy, grid: dict, levels: list) -> dict:
    """What the page reads of a layer's buffers besides the arrays (kernel.state)."""
    return {"n": int(len(lon)), "ox": ox, "oy": oy, "grid": grid,
            "bounds": [float(np.min(lat)), float(np.min(lon)), float(np.max(lat)),
                       float(np.max(lon))],
            "levels": levels}


def quick_geometry(lon: np.ndarray, lat: np.ndarray, rows: np.ndarray) -> dict:
    """The same buffers for a first frame, in a second instead of eight at 10M points: the
    points unsorted, all in one cell of a zoom-0 grid, and only the coarse pre-binned levels
    (QUICK_LEVELS: their boxes of pixels are small enough to count in an array, O(n)). The
    region view draws from those (10M points drawn one by one were 2.7 s of the page's main
    thread); a closer view draws all the points, until the indexed buffers replace them
    (ui.livelayers sends both)."""
    mx, my = mercator(lon, lat)
    ox, oy = float(mx.min()), float(my.min())
    levels, lparts = _levels(mx, my, QUICK_LEVELS) if len(lon) > OVERVIEW_ABOVE else ([], {})
    mx -= ox
    my -= oy
    parts = {"x": mx.astype(np.float32), "y": my.astype(np.float32),
             "rows": np.asarray(rows).astype(np.int32),
             "off": np.array([0, len(lon)], dtype=np.uint32), **lparts}
    del mx, my
    cx, cy = int(np.floor(ox)), int(np.floor(oy))   # 0: the one tile of zoom 0
    header = dict(_header(lon, lat, ox, oy, {"z": 0, "x0": cx, "y0": cy, "nx": 1, "ny": 1},
                          levels), quick=True)
    # order None: the points as they are (an arange of 10M was 80 MB to index by)
    return {"order": None, "parts": parts, "header": header, "key": f"quick-{next(_tokens)}"}


def geometry_of(lon: np.ndarray, lat: np.ndarray, rows: np.ndarray) -> dict:
    """The packed, sorted positions (cached by content: a restyle reuses them)."""
    h = hashlib.blake2b(digest_size=16)
    for a in (lon, lat, rows):
        h.update(memoryview(np.ascontiguousarray(a)).cast("B"))   # no copy of 10M values
    key = h.hexdigest()
    with _lock:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    geo = _geometry(lon, lat, rows)
    geo["key"] = key
    with _lock:
        _CACHE[key] = geo
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return geo


_lock = threading.Lock()


def pack(parts: dict[str, np.ndarray]) -> tuple[bytes, dict]:
    """One buffer of the arrays (8-byte aligned) and where each lies: {name: [offset,
    length, type]} with the type's name as in JavaScript (Float32Array ...)."""
    names = {np.dtype(np.float32): "Float32Array", np.dtype(np.int32): "Int32Array",
             np.dtype(np.uint32): "Uint32Array", np.dtype(np.uint16): "Uint16Array",
             np.dtype(np.uint8): "Uint8Array"}
    chunks, where, at = [], {}, 0
    for name, arr in parts.items():
        arr = np.ascontiguousarray(arr)
        data = arr.tobytes()
        where[name] = [at, int(arr.size), names[arr.dtype]]
        chunks.append(data)
        pad = (-len(data)) % 8
        chunks.append(b"\0" * pad)
        at += len(data) + pad
    return b"".join(chunks), where


class BinaryStore:
    """The buffers the app's pages fetch (``jjjmap://app/bin/<name>``), newest kept.

    Filled by the renderer (Qt-free) and read by the scheme handler; at most ``keep``
    buffers, so a layer restyled many times does not pile up its old colours."""

    def __init__(self, keep: int = 12):
        self.keep = keep
        self._data: "OrderedDict[str, bytes]" = OrderedDict()
        self._once: set[str] = set()
        self._lock = threading.Lock()

    def put(self, name: str, data: bytes, once: bool = False) -> str:
        """``once``: served one time, then dropped (a first frame's buffers: 120 MB at 10M
        points that nothing asks for again once the indexed ones replace them)."""
        with self._lock:
            self._data[name] = data
            self._data.move_to_end(name)
            if once:
                self._once.add(name)
            while len(self._data) > self.keep:
                self._once.discard(self._data.popitem(last=False)[0])
        return name

    def get(self, name: str) -> bytes | None:
        with self._lock:
            if name in self._once:
                self._once.discard(name)
                return self._data.pop(name, None)
            return self._data.get(name)


STORE = BinaryStore()


def binary_spec(lon, lat, rows, ci, r, stack, *, fetch: bool, quick: bool = False) -> dict:
    """The ``bin`` entry of a points spec: where its geometry and style buffers are (app:
    ``url``s served from STORE) or the buffers themselves (export: ``b64``). ``quick``: the
    points in file order in one cell and no pre-binned levels (``quick_geometry``)."""
    geo = quick_geometry(lon, lat, rows) if quick else geometry_of(lon, lat, rows)
    order = geo["order"]
    if order is None:
        order = slice(None)
    style = {}
    if ci is not None:
        style["ci"] = ci[order]
    if r is not None:
        style["r"] = r[order].astype(np.float32)
    if stack is not None:
        style["stack"] = stack[order].astype(np.uint16)
    gdata, gwhere = _packed(geo)
    sdata, swhere = pack(style)
    out = dict(geo["header"], geo=gwhere, sty=swhere)
    if fetch:
        out["geoUrl"] = "bin/" + STORE.put(f"g-{geo['key']}.bin", gdata, once=quick)
        out["styUrl"] = "bin/" + STORE.put(f"s-{next(_tokens)}.bin", sdata, once=quick)
    else:
        out["geoB64"] = base64.b64encode(gdata).decode("ascii")
        out["styB64"] = base64.b64encode(sdata).decode("ascii")
    return out


def _packed(geo: dict) -> tuple[bytes, dict]:
    if "packed" not in geo:
        geo["packed"] = pack(geo["parts"])
        geo["parts"] = None   # the buffer holds them now
    return geo["packed"]


__all__ = ["BINARY_ABOVE", "STORE", "binary_spec", "mercator", "pack", "geometry_of"]
