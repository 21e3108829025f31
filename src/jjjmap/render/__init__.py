"""The one renderer: MapDocument -> folium.Map -> HTML (used by the app and every export).

Names are imported on first use (PEP 562): ``jjjmap.render.assets`` and ``.basemaps`` load
without folium and pandas, which the app's start-up needs before the data stack is imported.
"""
from __future__ import annotations

import importlib

_WHERE = {"asset_bytes": "assets", "asset_mime": "assets", "page_assets": "assets",
          "BASEMAPS": "basemaps", "display_to_wgs84": "basemaps", "wgs84_to_display": "basemaps",
          "build_map": "page", "layer_spec": "page", "render_html": "page"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
