"""Every script and style sheet the map page needs, available three ways.

The page must draw everything except basemap tiles with no network, so each asset is read
from a pip-installed wheel (xstatic-leaflet, xstatic-leaflet-markercluster) or from our own
``resources/web``, never from a CDN. The same registry serves bytes to the GUI's ``jjjmap://``
URL scheme handler and names the files the light HTML export writes beside its page.

Modes:
  ``inline``  every asset is written into the HTML (opens from a USB stick, no network);
  ``files``   Leaflet and MarkerCluster link to copies in a folder beside the page (the light
              export writes them: ``map.html`` + ``map_files/``), our own small files stay
              inline;
  ``app``     assets link to ``jjjmap://app/assets/<name>``, served by :func:`asset_bytes`.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import xstatic.pkg.leaflet as _xleaflet
import xstatic.pkg.leaflet_markercluster as _xcluster

MODES = ("inline", "files", "app")
APP_URL = "jjjmap://app/assets/"

_LEAFLET = Path(_xleaflet.BASE_DIR)
_CLUSTER = Path(_xcluster.BASE_DIR)

_MIME = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Asset:
    name: str          # path under jjjmap://app/assets/ (CSS relative URLs resolve against it)
    kind: str          # "js", "css" or "image"
    local: str         # "leaflet:<file>", "cluster:<file>" or "web:<file>"

    @property
    def beside(self) -> bool:
        """A third-party file the light export writes beside its page (ours stay inline)."""
        return not self.local.startswith("web:")


# Order matters: the page loads them in this order.
_ASSETS = (
    Asset("leaflet.css", "css", "leaflet:leaflet.css"),
    Asset("MarkerCluster.css", "css", "cluster:MarkerCluster.css"),
    Asset("jjj.css", "css", "web:jjj.css"),
    Asset("leaflet.js", "js", "leaflet:leaflet.js"),
    Asset("leaflet.markercluster.js", "js", "cluster:leaflet.markercluster.js"),
    Asset("jjj-ui.js", "js", "web:jjj-ui.js"),
    Asset("jjj-points.js", "js", "web:jjj-points.js"),
    Asset("jjj-bigpoints.js", "js", "web:jjj-bigpoints.js"),
    Asset("jjj-measure.js", "js", "web:jjj-measure.js"),
    Asset("jjj-time.js", "js", "web:jjj-time.js"),
    Asset("jjj-density-worker.js", "js", "web:jjj-density-worker.js"),
    Asset("jjj-heat.js", "js", "web:jjj-heat.js"),
    Asset("jjj-hexbin.js", "js", "web:jjj-hexbin.js"),
    Asset("jjj-pg.js", "js", "web:jjj-pg.js"),
    Asset("jjj-labels.js", "js", "web:jjj-labels.js"),
    Asset("jjj-pick.js", "js", "web:jjj-pick.js"),
    Asset("jjj-geojson.js", "js", "web:jjj-geojson.js"),   # layer kinds (jjj.js registry)
    Asset("jjj-polytiles.js", "js", "web:jjj-polytiles.js"),   # after jjj-geojson.js
    Asset("jjj-markers.js", "js", "web:jjj-markers.js"),
    Asset("jjj.js", "js", "web:jjj.js"),
)
_IMAGES = tuple(
    Asset(f"images/{n}", "image", f"leaflet:images/{n}")
    for n in ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png",
              "marker-shadow.png")
)
# The print layout's own script and style (export.layout inlines them into its page only).
_PRINT = (Asset("jjj-print.css", "css", "web:jjj-print.css"),
          Asset("jjj-print.js", "js", "web:jjj-print.js"))
_BY_NAME = {a.name: a for a in _ASSETS + _IMAGES + _PRINT}


def page_assets() -> list[str]:
    """Names of every asset the page can ask for (scripts, style sheets, images)."""
    return list(_BY_NAME)


def files_beside() -> list[str]:
    """Names of the files a ``files`` page loads from its folder (leaflet.css finds its
    images under ``images/`` there)."""
    return [a.name for a in _BY_NAME.values() if a.beside]


def web_dir() -> Path:
    """``resources/web`` (our own JS/CSS), wherever the package is installed."""
    return Path(str(resources.files("jjjmap.resources") / "web"))


def _path(asset: Asset) -> Path:
    where, _, file = asset.local.partition(":")
    base = {"leaflet": _LEAFLET, "cluster": _CLUSTER, "web": web_dir()}[where]
    return base / file


def asset_bytes(name: str) -> bytes:
    """The bytes of one asset, for the GUI's URL scheme handler. KeyError if unknown."""
    return _path(_BY_NAME[name]).read_bytes()


def asset_mime(name: str) -> str:
    return _MIME.get(Path(name).suffix, "application/octet-stream")


def asset_url(name: str, mode: str, folder: str = "") -> str | None:
    """Where the page loads ``name`` from (``folder``: the ``files`` page's folder, relative
    to the page); None means the asset is inlined."""
    asset = _BY_NAME[name]
    if mode == "app":
        return APP_URL + name
    if mode == "files":
        return f"{quote(folder)}/{name}" if asset.beside else None
    if mode == "inline":
        return None
    raise ValueError(f"unknown asset mode {mode!r}; expected one of {MODES}")


_SOURCEMAP = re.compile(r"^\s*/[/*][#@] sourceMappingURL=.*$", re.M)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[\w.-]+)\1\)")


@lru_cache(maxsize=None)
def inline_text(name: str) -> str:
    """The asset's text ready to put inside <script> or <style>.

    Source-map comments go (nothing could load them); images referenced by a style sheet
    become data: URIs; ``</`` is escaped so an inlined file cannot close its own tag.
    """
    asset = _BY_NAME[name]
    text = _SOURCEMAP.sub("", _path(asset).read_text(encoding="utf-8"))
    if asset.kind == "css":
        text = _CSS_URL.sub(lambda m: f"url({data_uri(m.group(2))})", text)
        return text.replace("</", "<\\/")
    # In JS, "<\/" equals "</" inside strings and regexes, and "</" occurs nowhere else.
    return text.replace("</", "<\\/")


@lru_cache(maxsize=None)
def data_uri(name: str) -> str:
    b64 = base64.b64encode(asset_bytes(name)).decode("ascii")
    return f"data:{asset_mime(name)};base64,{b64}"


def head_html(mode: str, folder: str = "") -> str:
    """The <link>/<script>/<style> tags that load every asset, in order."""
    out = []
    for asset in _ASSETS:
        url = asset_url(asset.name, mode, folder)
        if asset.kind == "css":
            out.append(f'<link rel="stylesheet" href="{url}"/>' if url
                       else f"<style>/* {asset.name} */\n{inline_text(asset.name)}</style>")
        else:
            out.append(f'<script src="{url}"></script>' if url
                       else f"<script>/* {asset.name} */\n{inline_text(asset.name)}</script>")
    return "\n".join(out)
