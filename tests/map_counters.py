"""The GUI tests' counters of a MapView (``load_count``, ``render_count``,
``render_requests``), kept by the tests from the view's signals (pageLoaded, pageRendered,
renderRequested): the app itself counts nothing for them. conftest.py installs them."""
from __future__ import annotations

import weakref

COUNTERS = {"load_count": "pageLoaded", "render_count": "pageRendered",
            "render_requests": "renderRequested"}


def _bump(ref, name: str):
    def bump() -> None:
        view = ref()
        if view is not None:
            setattr(view, name, getattr(view, name) + 1)
    return bump


def install() -> None:
    """Every MapView made from now on counts its loads, renders and render requests."""
    from jjjmap.ui.mapview import MapView

    if getattr(MapView, "_tests_count", False):
        return
    original = MapView.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        ref = weakref.ref(self)
        for name, signal in COUNTERS.items():
            setattr(self, name, 0)
            getattr(self, signal).connect(_bump(ref, name))

    MapView.__init__ = __init__
    MapView._tests_count = True
