"""Cancelling a read in fact: the reader stops at its next checkpoint instead of running on.

``open_layer(path, cancel=fn)`` installs ``fn`` (returns True once the user cancelled) for the
calling thread; the readers call ``checkpoint()`` between units of work they can stop between:
CSV chunks (``tables.CSV_CHUNK_ROWS`` rows), point-building slices, archive members, layers of
a multi-layer file, Excel rows, GDAL batches. A cancelled read raises ``LayerLoadCancelled``
and frees its worker thread. One GDAL call (a whole GeoJSON layer, say) is still read to its end.

``open_layer(path, progress=fn)`` installs ``fn(done, total, unit)`` the same way: readers that
know how far they are call ``report`` (rows of a CSV/Excel table, features of a batched GDAL
read, bytes unpacked from an archive; ``total`` None when unknown).
"""
from __future__ import annotations

import contextlib
import threading
from typing import Callable

from .errors import LayerLoadError

_local = threading.local()


class LayerLoadCancelled(LayerLoadError):
    """The user cancelled opening the file."""


@contextlib.contextmanager
def cancellable(check: Callable[[], bool] | None, path=None,
                progress: Callable[[int, int | None, str], None] | None = None):
    previous = (getattr(_local, "check", None), getattr(_local, "path", None),
                getattr(_local, "progress", None))
    _local.check, _local.path = (check, path) if check is not None else previous[:2]
    _local.progress = progress if progress is not None else previous[2]
    try:
        yield
    finally:
        _local.check, _local.path, _local.progress = previous


def listening() -> bool:
    """Someone wants progress reports from the read on this thread."""
    return getattr(_local, "progress", None) is not None


def report(done: int, total: int | None, unit: str) -> None:
    """``done`` of ``total`` ``unit`` ("rows", "features", "bytes") read so far."""
    fn = getattr(_local, "progress", None)
    if fn is not None:
        fn(int(done), None if total is None else int(total), unit)


def checkpoint() -> None:
    """Raise LayerLoadCancelled if the read running on this thread was cancelled."""
    check = getattr(_local, "check", None)
    if check is not None and check():
        path = getattr(_local, "path", None)
        raise LayerLoadCancelled(f"Opening '{path}' was cancelled.", path)
