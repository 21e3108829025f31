"""Load a page in Debian's Chromium with the network cut and time it until it is drawn.

"Drawn" is measured in the page: for jjjmap, the page's own ready flag (every layer added and
a requestAnimationFrame passed); for the baseline, the load event plus two animation frames
(folium adds every layer synchronously while the page loads).
"""
from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"]
BASELINE_DRAWN = """() => new Promise(done => {
  const frames = () => requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
  if (document.readyState === 'complete') frames(); else addEventListener('load', frames);
})"""


def time_to_drawn(path: str | Path, *, jjjmap: bool, timeout_s: float = 120) -> float:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        start = time.perf_counter()
        page.goto(Path(path).resolve().as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        if jjjmap:
            page.wait_for_function("() => window.jjj && window.jjj.ready === true",
                                   timeout=timeout_s * 1000, polling="raf")
        else:
            page.evaluate(BASELINE_DRAWN)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds
