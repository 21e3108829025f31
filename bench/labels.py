"""Label placement time (resources/web/jjj-labels.js) on the default map's export, in headless
Chromium: per zoom and window, the median of 30 placements (jjj.placeLabels()) once the page
has settled, plus the first placement at that view (which also measures new labels' sizes).
Windows large enough to hold every county at zooms 9 and 10 show the cost with all 215
boundary names in view. Not a test and not a harness case (no baseline does label
placement): numbers for the issue note.

    .venv/bin/python -m bench.labels
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser import browser, open_page  # noqa: E402
from test_labels_browser import go  # noqa: E402

CASES = [((1400, 900), 7), ((1400, 900), 9), ((1400, 900), 11), ((3840, 2160), 11),
         ((2600, 3400), 9), ((5000, 6400), 10)]
TIMES = """() => { const out = [];
  for (let i = 0; i < 30; i++) { jjj.placeLabels(); out.push(jjj.labels().stats.ms); }
  return out; }"""
# after a move the browser has a new layout to make: move by a pixel and back each time
MOVED = """() => { const out = [], lay = [];
  for (let i = 0; i < 30; i++) { jjj.map.panBy([i % 2 ? -1 : 1, 0], {animate: false});
    document.body.offsetWidth; jjj.placeLabels(); const s = jjj.labels().stats;
    out.push(s.ms); lay.push(s.layoutMs); }
  return [out, lay]; }"""


def main() -> list[dict]:
    from jjjmap import catalog
    from jjjmap.export.html import write_html

    rows = []
    with tempfile.TemporaryDirectory() as tmp, browser() as b:
        path = write_html(catalog.default_document(), Path(tmp) / "map.html")
        for size, zoom in CASES:
            with open_page(path, b=b, size=size) as (page, _):
                page.evaluate("jjj.setView(39.3, 116.4, 7)")
                page.wait_for_timeout(300)
                first_view = go(page, zoom)
                first = page.evaluate("jjj.labels().stats")
                ms = page.evaluate(TIMES)
                moved, layout = page.evaluate(MOVED)
                stats = page.evaluate("jjj.labels().stats")
                rows.append({"window": f"{size[0]}x{size[1]}", "zoom": zoom,
                             "candidates": stats["candidates"], "placed": stats["placed"],
                             "overlaps": len(first_view["bad"]),
                             "median_ms": round(statistics.median(ms), 2),
                             "after_pan_median_ms": round(statistics.median(moved), 2),
                             "of_which_layout_ms": round(statistics.median(layout), 2),
                             "settled_run_ms": round(first["ms"], 2)})
                print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    out = main()
    (REPO / "bench" / "results").mkdir(exist_ok=True)
    (REPO / "bench" / "results" / "labels.json").write_text(json.dumps(out, indent=1) + "\n")
