"""Display geometries kept on disk between runs, so a start of the app skips simplification.

Keyed by a hash of the source geometries (WKB) and the tolerance, so edited data or another
tolerance is simply another entry. Files are written atomically (temporary file, then rename);
a file that cannot be read is ignored (and removed), never trusted. Lives in
``$XDG_CACHE_HOME/jjjmap/display`` (``~/.cache/jjjmap/display``); ``JJJMAP_NO_DISK_CACHE=1``
turns it off.
"""
from __future__ import annotations

import hashlib
import io
import logging
import threading
import weakref
from pathlib import Path

import numpy as np
import shapely

from jjjmap.cachedir import cache_folder

log = logging.getLogger(__name__)

# 2: polygon layers that are not coverages are simplified per polygon (no longer as a coverage)
VERSION = f"2-geos{shapely.geos_version_string}"


def directory() -> Path | None:
    return cache_folder("display")


def key(geoms, tolerance: float) -> str:
    h = hashlib.sha256(VERSION.encode())
    h.update(repr(round(float(tolerance), 15)).encode())
    h.update(source_digest(geoms))
    return h.hexdigest()[:40]


# id of a geometry array -> (weak reference to it, its fingerprint, its digest): a layer's
# source geometries are hashed once, not at every level the page asks for (the WKB of one
# 2M-vertex polygon is 32 MB: 0.1 s to write and hash, 0.5 s on a loaded machine)
_DIGESTS: dict[int, tuple] = {}
_DIGESTS_LOCK = threading.Lock()


def source_digest(geoms) -> bytes:
    """SHA-256 of the geometries' WKB, remembered per array while it lives. The array's
    length and vertex count are checked again at each use, so an array edited in place
    (which the app never does) is hashed afresh."""
    arr = np.asarray(geoms, dtype=object)
    fingerprint = (len(arr), int(shapely.get_num_coordinates(arr).sum()))
    with _DIGESTS_LOCK:
        known = _DIGESTS.get(id(geoms))
    if known is not None and known[0]() is geoms and known[1] == fingerprint:
        return known[2]
    h = hashlib.sha256()
    wkb = shapely.to_wkb(arr)
    h.update(np.asarray([len(b) if b is not None else -1 for b in wkb], dtype=np.int64).tobytes())
    h.update(b"".join(b for b in wkb if b is not None))
    digest = h.digest()
    try:
        ref = weakref.ref(geoms, lambda _ref, k=id(geoms): _forget(k, _ref))
    except TypeError:   # not weakly referable: hashed every time
        return digest
    with _DIGESTS_LOCK:
        _DIGESTS[id(geoms)] = (ref, fingerprint, digest)
    return digest


def _forget(k: int, ref) -> None:
    with _DIGESTS_LOCK:
        if k in _DIGESTS and _DIGESTS[k][0] is ref:
            del _DIGESTS[k]


def load(k: str, count: int) -> np.ndarray | None:
    """The stored geometries for key ``k`` (``count`` of them), or None."""
    folder = directory()
    if folder is None:
        return None
    path = folder / f"{k}.npz"
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            lengths, blob = data["lengths"], data["blob"].tobytes()
        if len(lengths) != count or int(lengths[lengths > 0].sum()) != len(blob):
            raise ValueError("size mismatch")
        out = np.empty(count, dtype=object)
        pos = 0
        parts = []
        for n in lengths:
            if n < 0:
                parts.append(None)
                continue
            parts.append(blob[pos:pos + n])
            pos += n
        out[:] = shapely.from_wkb(np.asarray(parts, dtype=object))
        return out
    except Exception as exc:  # noqa: BLE001 - a bad cache file is a miss, never an error
        log.warning("ignoring unreadable display cache %s: %s", path, exc)
        try:
            path.unlink()
        except OSError:
            pass
        return None


def store(k: str, geoms: np.ndarray) -> None:
    folder = directory()
    if folder is None:
        return
    try:
        wkb = shapely.to_wkb(geoms)
        lengths = np.asarray([len(b) if b is not None else -1 for b in wkb], dtype=np.int64)
        blob = np.frombuffer(b"".join(b for b in wkb if b is not None), dtype=np.uint8)
        folder.mkdir(parents=True, exist_ok=True)
        from jjjmap.io.atomic import write_bytes

        buf = io.BytesIO()
        np.savez(buf, lengths=lengths, blob=blob)
        write_bytes(folder / f"{k}.npz", buf.getvalue())
    except OSError as exc:  # read-only home, full disk: carry on without the cache
        log.info("display cache not written: %s", exc)
