"""The notebook way: read the full-resolution files with geopandas, hand them to folium, save.

The only help it gets is offline copies (from the xstatic wheels) of Leaflet, MarkerCluster
and jQuery (folium's popups use it), so that both pages render with no network (folium would
link them from CDNs); the Bootstrap and awesome-markers links this map does not use are
dropped for the same reason. With no tile layer Leaflet has no maximum zoom, and
Leaflet.markercluster then throws ("Map has no maxZoom specified") and the rest of the page's
script never runs, so the map is given ``maxZoom=18`` (as jjjmap's page has its basemap's).

What a competent user picks (issue 21): the default map keeps folium's ``LayerControl`` (a
layer is hidden with its checkbox, not by building the page again); many points go in
folium's ``FastMarkerCluster`` (the markers made in the page from one array, not one Python
object each) or its ``HeatMap``; many polygons on a ``prefer_canvas`` map. ``small_map`` is
the floor for start-up: the same offline page with no layers (about 0.25 MB, nearly all of
it Leaflet and jQuery).
"""
from __future__ import annotations

import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import FastMarkerCluster, HeatMap, MarkerCluster

REPO = Path(__file__).resolve().parents[2]
GEODATA = REPO / "geodata"
BOUNDARIES = ("counties", "prefectures", "provinces", "xiongan")
STROKE = {"counties": 0.5, "prefectures": 1.2, "provinces": 2.5, "xiongan": 2.5}


def _offline(m: folium.Map) -> None:
    keep = ("leaflet", "jquery")   # folium's popups are built with jQuery
    m.default_js = [(n, u) for n, u in m.default_js if n in keep]
    m.default_css = [(n, u) for n, u in m.default_css if n in ("leaflet_css",)]


def default_map(without: tuple[str, ...] = ()) -> folium.Map:
    """The default JJJ map; ``without`` names boundary layers left out (how a notebook hides
    one: run the cell again without it)."""
    m = folium.Map(location=[39.3, 116.4], zoom_start=7, tiles=None, maxZoom=18)
    _offline(m)
    for name in BOUNDARIES:
        if name in without:
            continue
        gdf = gpd.read_file(GEODATA / "boundaries" / f"{name}.shp")
        folium.GeoJson(gdf, name=name, style_function=lambda f, w=STROKE[name]: {
            "weight": w, "color": "#444", "fillOpacity": 0.05},
            tooltip=folium.GeoJsonTooltip(["name_zh", "name_en"])).add_to(m)
    clusters = pd.read_csv(GEODATA / "sector_clusters.csv")
    group = folium.FeatureGroup(name="clusters").add_to(m)
    for row in clusters.itertuples():
        folium.CircleMarker([row.approx_lat, row.approx_lon], radius=6,
                            popup=f"{row.name_en}<br>{row.name_zh}<br>{row.sector}").add_to(group)
    institutions = pd.read_csv(GEODATA / "relocated_institutions.csv")
    cluster = MarkerCluster(name="institutions").add_to(m)
    for row in institutions.itertuples():
        folium.CircleMarker([row.approx_lat, row.approx_lon], radius=6,
                            popup=f"{row.name_en}<br>{row.name_zh}<br>{row.status}").add_to(cluster)
    folium.LayerControl().add_to(m)
    return m


def polygons_map(path: str | Path) -> folium.Map:
    """A user's polygon file on a canvas-rendered map (``prefer_canvas``: one canvas instead
    of one SVG path per polygon, the faster choice for many polygons), a tooltip of two
    fields."""
    gdf = gpd.read_file(path)
    m = folium.Map(location=[39.3, 116.4], zoom_start=7, tiles=None, maxZoom=18,
                   prefer_canvas=True)
    _offline(m)
    fields = [c for c in gdf.columns if c != "geometry"][:2]
    folium.GeoJson(gdf, name="polygons", style_function=lambda f: {
        "weight": 1, "color": "#3366cc", "fillOpacity": 0.3},
        tooltip=folium.GeoJsonTooltip(fields)).add_to(m)
    return m


def small_map() -> folium.Map:
    """The start-up floor: an offline folium page with no layers."""
    m = folium.Map(location=[39.3, 116.4], zoom_start=7, tiles=None, maxZoom=18)
    _offline(m)
    return m


def points_map(csv_path: str | Path) -> folium.Map:
    """Many points the fast folium way: ``FastMarkerCluster`` on the coordinate array (the
    page makes the markers; one ``CircleMarker`` per point in Python does not finish 1M)."""
    df = pd.read_csv(csv_path)
    m = small_map()
    FastMarkerCluster(df[["lat", "lon"]].to_numpy().tolist(), name="points").add_to(m)
    return m


def heat_map(csv_path: str | Path, weight: str | None = None) -> folium.Map:
    """Many points as folium's ``HeatMap`` (leaflet.heat, one canvas)."""
    df = pd.read_csv(csv_path)
    m = small_map()
    cols = ["lat", "lon"] + ([weight] if weight else [])
    HeatMap(df[cols].to_numpy().tolist(), name="heat").add_to(m)
    return m


_SRC = re.compile(r'<script src="(https://[^"]+)"></script>|<link rel="stylesheet" href="(https://[^"]+)"/>')


def inline_assets(html: str) -> str:
    """Swap the CDN links of Leaflet and MarkerCluster for the pip-installed copies of them."""
    import xstatic.pkg.jquery as jquery
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    files = {p.name: p for base in (leaflet.BASE_DIR, markercluster.BASE_DIR)
             for p in Path(base).rglob("*") if p.suffix in (".js", ".css")}
    files["jquery-3.7.1.min.js"] = Path(jquery.BASE_DIR) / "jquery.min.js"
    files["leaflet_heat.min.js"] = Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js"

    def swap(match: re.Match) -> str:
        url = match.group(1) or match.group(2)
        local = files.get(url.rsplit("/", 1)[-1])
        if local is None:
            raise RuntimeError(f"the baseline links an asset with no offline copy: {url}")
        tag = "script" if match.group(1) else "style"
        return f"<{tag}>{local.read_text(encoding='utf-8')}</{tag}>"

    return _SRC.sub(swap, html)


def save(m: folium.Map, path: str | Path) -> int:
    html = inline_assets(m.get_root().render())
    Path(path).write_text(html, encoding="utf-8")
    return len(html.encode("utf-8"))
