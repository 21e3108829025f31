"""Basemap tile sources, from xyzservices where it has them.

Every basemap says which datum its tiles are drawn in. AutoNavi (Gaode) tiles are in GCJ-02,
so over them every overlay is shifted into GCJ-02 for display; the data never changes datum.
Tianditu needs a key (env ``JJJMAP_TIANDITU_KEY`` or a parameter); without one the page draws
no tiles and says how to get a key.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import asdict, dataclass, field

import xyzservices.providers as xyz

TIANDITU_ENV = "JJJMAP_TIANDITU_KEY"
DEFAULT = "positron"


@dataclass(frozen=True)
class Basemap:
    name: str
    title_en: str
    title_zh: str
    url: str | None                    # Leaflet URL template; None = no tiles
    attribution: str = ""              # HTML (ours, trusted), shown by Leaflet
    datum: str = "wgs84"               # "wgs84" or "gcj02"
    max_zoom: int = 18
    subdomains: str = "abc"
    overlays: tuple[str, ...] = ()     # label tiles drawn over the base (Tianditu)
    needs_key: bool = False
    extra: dict = field(default_factory=dict)

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en


def _xyz(provider, **fix) -> tuple[str, str, int, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # CartoDB's "API key" warning: the key is optional
        url = provider.build_url(fill_subdomain=False, scale_factor="{r}")
    subdomains = provider.get("subdomains", "abc")
    if isinstance(subdomains, (list, tuple)):
        subdomains = "".join(subdomains)
    return (url, provider.get("html_attribution", ""), int(provider.get("max_zoom", 18)),
            subdomains)


def _gaode(style_url: str) -> str:
    # xyzservices has http:// and one host; the GUI page is served from a secure scheme,
    # where http tiles are blocked as mixed content, so use https and the four hosts.
    return style_url.replace("http://", "https://").replace("01.is.autonavi", "0{s}.is.autonavi")


_TDT = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%s")
_TDT_ATTR = '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a>'


def _build() -> dict[str, Basemap]:
    pos = _xyz(xyz.CartoDB.Positron)
    osm = _xyz(xyz.OpenStreetMap.Mapnik)
    esri = _xyz(xyz.Esri.WorldImagery)
    gd = xyz.Gaode.Normal
    gds = xyz.Gaode.Satellite
    maps = [
        Basemap("positron", "Light (CARTO Positron)", "浅色底图 (CARTO)", pos[0], pos[1],
                max_zoom=pos[2], subdomains=pos[3]),
        Basemap("osm", "OpenStreetMap", "OpenStreetMap", osm[0], osm[1], max_zoom=osm[2]),
        Basemap("satellite", "Satellite (Esri World Imagery)", "卫星影像 (Esri)", esri[0],
                esri[1], max_zoom=18),
        Basemap("gaode", "AutoNavi (Gaode) map", "高德地图", _gaode(gd.url),
                gd.html_attribution, datum="gcj02", max_zoom=18, subdomains="1234"),
        Basemap("gaode-satellite", "AutoNavi (Gaode) satellite", "高德卫星图", _gaode(gds.url),
                gds.html_attribution, datum="gcj02", max_zoom=18, subdomains="1234"),
        Basemap("tianditu", "Tianditu map", "天地图", _TDT % ("vec", "vec", "{tk}"), _TDT_ATTR,
                max_zoom=18, subdomains="01234567",
                overlays=(_TDT % ("cva", "cva", "{tk}"),), needs_key=True),
        Basemap("tianditu-satellite", "Tianditu satellite", "天地图卫星影像",
                _TDT % ("img", "img", "{tk}"), _TDT_ATTR, max_zoom=18, subdomains="01234567",
                overlays=(_TDT % ("cia", "cia", "{tk}"),), needs_key=True),
        Basemap("none", "No basemap", "无底图", None),
    ]
    return {b.name: b for b in maps}


BASEMAPS: dict[str, Basemap] = _build()


def get(name: str) -> Basemap:
    try:
        return BASEMAPS[name]
    except KeyError:
        raise ValueError(f"unknown basemap {name!r}; choose one of {', '.join(BASEMAPS)}") from None


def datum_of(name: str) -> str:
    return get(name).datum


def tianditu_key(key: str | None = None) -> str | None:
    """The key to use: ``key`` if given ("" means none, e.g. an export the user keeps keyless),
    else the environment's."""
    if key is not None:
        return key.strip() or None
    return os.environ.get(TIANDITU_ENV) or None


def page_spec(tianditu: str | None = None) -> dict[str, dict]:
    """All basemaps as the page needs them (so it can switch without a reload)."""
    key = tianditu_key(tianditu)
    out = {}
    for b in BASEMAPS.values():
        d = asdict(b)
        d.pop("extra")
        if b.needs_key:
            d["missing_key"] = key is None
            if key is None:
                d["url"], d["overlays"] = None, ()
            else:
                d["url"] = b.url.replace("{tk}", key)
                d["overlays"] = tuple(o.replace("{tk}", key) for o in b.overlays)
        out[b.name] = d
    return out


def display_to_wgs84(basemap_name: str, lon: float, lat: float) -> tuple[float, float]:
    """A position the page reported (in its basemap's datum) back to WGS-84."""
    if datum_of(basemap_name) == "gcj02":
        from jjjmap.geo.datum import gcj02_to_wgs84
        lon, lat = gcj02_to_wgs84(lon, lat)
    return float(lon), float(lat)


def wgs84_to_display(basemap_name: str, lon: float, lat: float) -> tuple[float, float]:
    if datum_of(basemap_name) == "gcj02":
        from jjjmap.geo.datum import wgs84_to_gcj02
        lon, lat = wgs84_to_gcj02(lon, lat)
    return float(lon), float(lat)
