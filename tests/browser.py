"""Shared headless-Chromium helpers for the browser tests (Debian's /usr/bin/chromium).

The network is cut with --host-resolver-rules, so any request that would leave the machine
fails; ``open_page`` records every request and every console error / page error / dialog.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("JJJMAP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"]


def available() -> bool:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


needs_browser = pytest.mark.skipif(not available(), reason="needs playwright and chromium")


@dataclass
class PageLog:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def open_page(html_path: Path, size=(1400, 900), wait_ready: bool = True, b=None,
              before_goto=None, fragment: str = ""):
    """Open an HTML file (at ``#fragment`` if given); yields (page, log). Waits for
    body[data-jjj-ready]. ``before_goto(page)`` can install routes (e.g. a stand-in CDN)."""
    log = PageLog()
    with (browser() if b is None else _nullctx(b)) as br:
        ctx = br.new_context(viewport={"width": size[0], "height": size[1]})
        page = ctx.new_page()
        page.on("request", lambda r: log.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
        page.on("pageerror", lambda e: log.page_errors.append(str(e)))

        def on_dialog(d):
            log.dialogs.append(d.message)
            d.dismiss()
        page.on("dialog", on_dialog)
        if before_goto is not None:
            before_goto(page)
        page.goto(Path(html_path).resolve().as_uri() + (f"#{fragment}" if fragment else ""))
        if wait_ready:
            page.wait_for_selector("body[data-jjj-ready='1']", state="attached", timeout=20000)
        try:
            yield page, log
        finally:
            ctx.close()


@contextmanager
def _nullctx(x):
    yield x


TILE_HOSTS = ("basemaps.cartocdn.com", "tile.openstreetmap.org", "arcgisonline.com",
              "autonavi.com", "tianditu.gov.cn")


def non_tile_remote(requests: list[str]) -> list[str]:
    """Requests that leave the machine and are not basemap tiles."""
    out = []
    for url in requests:
        if url.startswith(("file:", "data:", "about:", "blob:")):
            continue
        if any(h in url for h in TILE_HOSTS):
            continue
        out.append(url)
    return out


def real_errors(log) -> list[str]:
    # With the network cut, each tile fails with "Failed to load resource"; nothing else may.
    return [e for e in log.console_errors if "ERR_NAME_NOT_RESOLVED" not in e] + log.page_errors
