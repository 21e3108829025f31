"""Modules imported on first use, so the window can show before the data stack is loaded.

``np = LazyModule("numpy")`` at module level costs nothing; the first ``np.arange`` imports
numpy (about 0.1 s; pandas with pyarrow 0.4 s, geopandas 0.65 s on the 2-core test machine)
and every attribute is then looked up once and kept.
"""
from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module ``name`` until an attribute is asked for."""

    def __init__(self, name: str):
        object.__setattr__(self, "_lazy_name", name)

    def __getattr__(self, attr: str) -> Any:
        value = getattr(importlib.import_module(self._lazy_name), attr)
        object.__setattr__(self, attr, value)   # found once, then a plain attribute
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._lazy_name!r}>"
