"""The leafmap way: ``leafmap.foliumap`` (leafmap's folium backend) for the same maps as
``folium_map.py``, written as its documentation shows: ``leafmap.Map(center=..., zoom=...)``,
``m.add_shp(...)`` for each boundary shapefile (a hover tooltip with both names),
``m.add_gdf(...)`` for the clusters (circle markers, popup on click), ``m.add_points_from_xy``
for the institutions and for the random points (leafmap's marker cluster, a popup listing the
row), then ``m.to_html()``.

Changed from leafmap's defaults, and why:

- ``tiles=None``: no basemap, like the folium baseline and jjjmap's ``basemap = "none"``
  (tiles would measure the network, which is not there).
- ``fullscreen_control=False``: leafmap adds folium's ``Fullscreen`` control by default, which
  links leaflet.fullscreen 3.0.0 from a CDN; no pip package carries a copy of it (no XStatic
  package; jupyter-leaflet, installed with leafmap, has a fullscreen control only inside its
  webpack bundles), so the page could not load it offline. This is the only control turned
  off, with the constructor flag a user has.
- ``maxZoom=24`` handed to Leaflet: leafmap's own ``max_zoom=24`` only reaches a tile layer,
  and with none Leaflet.markercluster throws "Map has no maxZoom specified" when the
  institutions are added, so the rest of the page's script (that layer, the layer control)
  never runs. (The folium baseline, which has no tile layer either, has that error.)
- ``zoom_to_layer=False`` on every layer: leafmap would otherwise fit the map to each layer
  added; the view stays the one asked for (centre 39.3, 116.4, zoom 7), the same as the
  other sides.

Kept as leafmap makes them: its scale control, its layer control (added by ``to_html``), the
hover highlight on boundaries, the popups of ``add_points_from_xy`` (every column of the
row) and its default Leaflet markers. Its other controls (draw, measure, locate, minimap,
search, lat/lon popup) are off by default in leafmap 0.63 and stay off.

The only help it gets, as the folium baseline: the Leaflet, MarkerCluster and jQuery links are
inlined from the pip-installed XStatic copies, folium's Bootstrap, Font Awesome and
awesome-markers links (unused by these maps) are dropped, and the images Leaflet's CSS
refers to (default marker, layer-control icon) point at the XStatic copies with ``file://``
URLs. Any other remote asset makes :func:`inline_assets` raise.

Requires leafmap (``pip install -e '.[bench]'``); the bench reports "not installed" without it.
"""
from __future__ import annotations

import re
from pathlib import Path

import folium
import geopandas as gpd
import leafmap.foliumap as leafmap
import pandas as pd

from bench.baseline.folium_map import BOUNDARIES, GEODATA, STROKE

CENTER, ZOOM = [39.3, 116.4], 7


def _map() -> leafmap.Map:
    m = leafmap.Map(center=CENTER, zoom=ZOOM, tiles=None, fullscreen_control=False,
                    maxZoom=24)
    keep = ("leaflet", "jquery")   # folium's popups are built with jQuery
    m.default_js = [(n, u) for n, u in m.default_js if n in keep]
    m.default_css = [(n, u) for n, u in m.default_css if n in ("leaflet_css",)]
    return m


def default_map(without: tuple[str, ...] = ()) -> leafmap.Map:
    """The default JJJ map; ``without`` names boundary layers left out."""
    m = _map()
    for name in BOUNDARIES:
        if name in without:
            continue
        m.add_shp(str(GEODATA / "boundaries" / f"{name}.shp"), layer_name=name,
                  info_mode="on_hover", zoom_to_layer=False, fields=["name_zh", "name_en"],
                  style={"weight": STROKE[name], "color": "#444", "fillOpacity": 0.05})
    clusters = pd.read_csv(GEODATA / "sector_clusters.csv")
    clusters = gpd.GeoDataFrame(
        clusters, crs=4326,
        geometry=gpd.points_from_xy(clusters["approx_lon"], clusters["approx_lat"]))
    m.add_gdf(clusters, layer_name="clusters", zoom_to_layer=False, info_mode="on_click",
              fields=["name_en", "name_zh", "sector"], marker=folium.CircleMarker(radius=6))
    m.add_points_from_xy(str(GEODATA / "relocated_institutions.csv"), x="approx_lon",
                         y="approx_lat", popup=["name_en", "name_zh", "status"],
                         layer_name="institutions")
    return m


def points_map(csv_path: str | Path) -> leafmap.Map:
    m = _map()
    m.add_points_from_xy(str(csv_path), x="lon", y="lat", layer_name="points")
    return m


_SRC = re.compile(r'<script src="(https?://[^"]+)"></script>'
                  r'|<link rel="stylesheet" href="(https?://[^"]+)"/>')
# what a browser would fetch (not links to follow, e.g. an attribution's <a href>): scripts,
# styles, images, frames, CSS urls and imports, and tile layers
_REMOTE = re.compile(r'''<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']?'''
                     r'''(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import'''
                     r'''|L\.tileLayer(?:\.wms)?\(\s*["'](?:https?:)?//''', re.IGNORECASE)


def _offline_files() -> dict[str, Path]:
    import xstatic.pkg.jquery as jquery
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    files = {p.name: p for base in (leaflet.BASE_DIR, markercluster.BASE_DIR)
             for p in Path(base).rglob("*") if p.suffix in (".js", ".css")}
    files["jquery-3.7.1.min.js"] = Path(jquery.BASE_DIR) / "jquery.min.js"
    return files


def inline_assets(html: str) -> str:
    """Swap the CDN links for the pip-installed copies; raise if any remote asset is left."""
    import xstatic.pkg.leaflet as leaflet

    files = _offline_files()
    images = (Path(leaflet.BASE_DIR) / "images").as_uri()

    def swap(match: re.Match) -> str:
        url = match.group(1) or match.group(2)
        local = files.get(url.rsplit("/", 1)[-1])
        if local is None:
            raise RuntimeError(f"the leafmap baseline links an asset with no offline copy: {url}")
        text = local.read_text(encoding="utf-8")
        if match.group(1):
            return f"<script>{text}</script>"
        return f"<style>{text.replace('url(images/', f'url({images}/')}</style>"

    rest = _SRC.sub("", html)   # the page around the links (the inlined libraries are known)
    left = _REMOTE.search(rest)
    if left:
        raise RuntimeError("the leafmap baseline still refers to a remote asset: "
                           f"{rest[left.start():left.start() + 120]!r}")
    return _SRC.sub(swap, html)


def save(m: leafmap.Map, path: str | Path) -> int:
    """``m.to_html()`` (leafmap adds its layer control there), made offline, written."""
    html = inline_assets(m.to_html())
    Path(path).write_text(html, encoding="utf-8")
    return len(html.encode("utf-8"))
