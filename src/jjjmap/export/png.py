"""PNG export: the self-contained page screenshotted by headless Chromium (playwright).

The page is what the app shows, taken through the same steps as ui.snapshot (export.pagewait).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jjjmap.model import MapDocument

from .errors import ExportError
from .html import atomic_write, export_html_text
from .pagewait import PRINT_LOOK_JS, READY_JS, SETTLE_MS, TILE_TIMEOUT_S, TILES_SETTLED_JS

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium",
                       "chromium-browser", "google-chrome")
CHROMIUM_ENV = "JJJMAP_CHROMIUM"


def find_chromium() -> str | None:
    env = os.environ.get(CHROMIUM_ENV)
    for cand in ((env,) if env else ()) + CHROMIUM_CANDIDATES:
        found = cand if os.path.isabs(cand) and os.path.exists(cand) else shutil.which(cand)
        if found:
            return found
    return None


def write_png(doc: MapDocument, path, *, size=(1400, 900), offline: bool = False,
              tianditu_key: str | None = None, tile_timeout_ms: int = int(TILE_TIMEOUT_S * 1000),
              scale: float = 1.0, print_look: bool = True) -> Path:
    """Render the map to a PNG of ``size`` CSS pixels (times ``scale``).

    ``offline`` cuts the network (no tiles: the plain background shows); ``print_look``
    hides the zoom buttons and the layer panel (the legend stays)."""
    path = Path(path)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ExportError("PNG export needs the 'playwright' Python package "
                          "(pip install playwright).", detail=repr(exc)) from exc
    chromium = find_chromium()
    if chromium is None:
        raise ExportError("PNG export needs Chromium; install it (e.g. apt-get install chromium) "
                          f"or point {CHROMIUM_ENV} at a Chrome/Chromium binary.")
    html = export_html_text(doc, self_contained=True, tianditu_key=tianditu_key)
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    if offline:
        args.append("--host-resolver-rules=MAP * ~NOTFOUND")
    with tempfile.TemporaryDirectory(prefix="jjjmap-png-") as tmp:
        page_file = Path(tmp) / "map.html"
        page_file.write_text(html, encoding="utf-8")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=args)
                try:
                    ctx = browser.new_context(viewport={"width": int(size[0]),
                                                        "height": int(size[1])},
                                              device_scale_factor=scale)
                    page = ctx.new_page()
                    errors: list[str] = []
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    page.goto(page_file.as_uri())
                    try:
                        page.wait_for_function(READY_JS, timeout=30000)
                    except PlaywrightError as exc:
                        raise ExportError("The map page did not finish drawing, so no PNG was "
                                          "written.", detail="; ".join(errors) or str(exc)) from exc
                    try:
                        page.wait_for_function(TILES_SETTLED_JS, timeout=tile_timeout_ms)
                    except PlaywrightError:
                        pass  # slow tiles: take the picture with what has arrived
                    if print_look:
                        page.evaluate(PRINT_LOOK_JS)
                    page.wait_for_timeout(SETTLE_MS)
                    png = page.screenshot(type="png")
                finally:
                    browser.close()
        except ExportError:
            raise
        except PlaywrightError as exc:
            raise ExportError("Chromium could not render the map for the PNG export.",
                              detail=str(exc)) from exc
    atomic_write(path, png)
    return path
