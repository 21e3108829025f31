"""Cancelling a read in fact: the reader stops at its next checkpoint instead of running on.

``open_layer(path, cancel=fn)`` installs ``fn`` (returns True once the user cancelled) for the
calling thread; the readers call ``checkpoint()`` between units of work they can stop between:
CSV chunks (``tables.CSV_CHUNK_ROWS`` rows), point-building slices, archive members, layers of
a multi-layer file. A cancelled read raises ``LayerLoadCancelled`` and frees its worker thread.
One GDAL call (a whole GeoJSON layer, say) or one Excel sheet is still read to its end.
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
def cancellable(check: Callable[[], bool] | None, path=None):
    previous = getattr(_local, "check", None), getattr(_local, "path", None)
    _local.check, _local.path = (check, path) if check is not None else previous
    try:
        yield
    finally:
        _local.check, _local.path = previous


def checkpoint() -> None:
    """Raise LayerLoadCancelled if the read running on this thread was cancelled."""
    check = getattr(_local, "check", None)
    if check is not None and check():
        path = getattr(_local, "path", None)
        raise LayerLoadCancelled(f"Opening '{path}' was cancelled.", path)
