"""The one renderer: MapDocument -> folium.Map -> HTML (used by the app and every export)."""
from .assets import asset_bytes, asset_mime, page_assets
from .basemaps import BASEMAPS, display_to_wgs84, wgs84_to_display
from .page import build_map, layer_spec, render_html

__all__ = ["BASEMAPS", "asset_bytes", "asset_mime", "build_map", "display_to_wgs84",
           "layer_spec", "page_assets", "render_html", "wgs84_to_display"]
