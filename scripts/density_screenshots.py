"""The pictures of issue 14 in docs/: a heatmap and hexagons of 500,000 invented points, and
the time slider over the built-in institutions, taken in the real window offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/density_screenshots.py [OUT_DIR]

The points are invented test data (bench/data.py ``clustered_points_csv``), never facts; the
layer is named so on the map. Look at the PNGs after taking them.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

TITLE = "Invented test points (500,000, not data)"


def settle(seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def shoot(window, path: Path) -> None:
    settle(1.5)   # tiles of the canvas layers and the legend after mapReady
    if not window.grab().save(str(path), "PNG"):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path}")


def density(out: Path, renderer: str, name: str) -> None:
    from bench.app import open_file_timed, open_window
    from bench.data import clustered_points_csv

    app, window = open_window()
    doc = window.doc
    for layer in doc.layers:   # the built-in points (and their slider) would cover the mass
        if layer.kind in ("institutions", "clusters"):
            doc.set_visible(layer.id, False)
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / f"{TITLE}.csv"
        csv.symlink_to(clustered_points_csv(500_000))
        # the style given with the file, as `jjjmap gui --layer F --style S` does
        layer, _, _ = open_file_timed(window, str(csv), 300, style={"renderer": renderer})
    if layer.style.renderer != renderer:
        raise SystemExit(f"the layer was drawn as {layer.style.renderer}, not {renderer}")
    # the region fills the map's height: moved right, off the legend (bottom left)
    window.map.run_js("jjj.map.panBy([-150, 0], {animate: false}); true")
    shoot(window, out / name)
    window.close()
    app.processEvents()


def slider(out: Path) -> None:
    from bench.app import open_window

    app, window = open_window()
    view = window.map
    view.run_js("jjj.map.setView([39.35, 116.3], 8, {animate: false}); "
                "jjj.time.setRange(2021, 2023); true")
    shoot(window, out / "time-slider.png")
    window.close()
    app.processEvents()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs"
    out.mkdir(parents=True, exist_ok=True)
    density(out, "heatmap", "heatmap-500k.png")
    density(out, "hexbin", "hexbin-500k.png")
    slider(out)


if __name__ == "__main__":
    main()
