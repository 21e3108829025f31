"""docs/labels-z{7,9,11}-{en,zh}.png: the default map exported to HTML and photographed in
headless Chromium (network cut, so no tiles: the land is drawn from the boundaries) at the
default centre at zooms 7, 9 and 11, to look at the label engine (resources/web/jjj-labels.js).

    .venv/bin/python scripts/label_screenshots.py [OUT_DIR]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser import browser, open_page  # noqa: E402
from test_labels_browser import go  # noqa: E402

from jjjmap import catalog  # noqa: E402
from jjjmap.export.html import write_html  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, browser() as b:
        for lang in ("en", "zh"):
            doc = catalog.default_document()
            doc.lang = lang
            page_file = write_html(doc, Path(tmp) / f"map-{lang}.html")
            with open_page(page_file, b=b, size=(1400, 900)) as (page, _):
                for zoom in (7, 9, 11):
                    m = go(page, zoom)
                    target = out / f"labels-z{zoom}-{lang}.png"
                    page.screenshot(path=str(target))
                    stats = page.evaluate("jjj.labels().stats")
                    print(f"{target.name}: {len(m['labels'])} labels, {len(m['bad'])} overlaps, "
                          f"placement {stats['ms']:.1f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs")
