"""The app page's Content-Security-Policy: what script in it may load and where it may go.

The desktop page shows a stranger's data. It is built so that no data ever runs (text goes
in with textContent), and this policy is the second wall: scripts only from ``jjjmap:`` or
the page's own inline blocks (by SHA-256 hash, so a script element added later never runs),
images and tiles only from the basemap hosts the page can show, fetches only to ``jjjmap:``
(finer outlines), nothing else. The policy goes in a ``<meta>`` at the top of the head, so
it holds before the first script.
"""
from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_PLACEHOLDER = re.compile(r"\{[a-z]+\}")


def tile_sources(urls) -> list[str]:
    """CSP host sources for Leaflet URL templates: ``https://{s}.tile.x/{z}/..`` ->
    ``https://*.tile.x``; a host with a placeholder in its first label gets a wildcard."""
    out: list[str] = []
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in ("https", "http") or not host:
            continue
        first, _, rest = host.partition(".")
        if _PLACEHOLDER.search(first) and rest:
            host = f"*.{rest}"
        elif _PLACEHOLDER.search(host):
            continue   # a placeholder deeper in the host: no safe source for it
        source = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
        if source not in out:
            out.append(source)
    return out


def _hashes(html: str) -> list[str]:
    out = []
    for m in _INLINE_SCRIPT.finditer(html):
        if "src=" in m["attrs"].lower():
            continue
        digest = hashlib.sha256(m["body"].encode("utf-8")).digest()
        out.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return list(dict.fromkeys(out))


def policy(html: str, tile_urls) -> str:
    tiles = " ".join(tile_sources(tile_urls))
    scripts = " ".join(_hashes(html))
    return "; ".join([
        "default-src 'none'",
        f"script-src jjjmap: {scripts}".rstrip(),
        # folium writes style elements and attributes; styles cannot run script, and the
        # image and font rules below keep a CSS url() from calling out
        "style-src jjjmap: 'unsafe-inline'",
        f"img-src jjjmap: data: blob: {tiles}".rstrip(),
        "font-src jjjmap: data:",
        "connect-src jjjmap:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-src 'none'",
        "object-src 'none'",
        # the density layers bin on a worker made from their own script's text
        # (jjj-density-worker.js): only script the policy let run can make one
        "worker-src blob:",
    ])


def with_policy(html: str, tile_urls) -> str:
    """``html`` with its policy as the first element of the head."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, tile_urls)}">'
    head = re.search(r"<head[^>]*>", html, re.I)
    if head is None:
        raise ValueError("the page has no <head> for its security policy")
    return html[:head.end()] + "\n" + tag + html[head.end():]


__all__ = ["policy", "tile_sources", "with_policy"]
