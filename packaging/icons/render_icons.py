"""Render the hicolor PNG icons from hicolor/scalable/apps/jjjmap.svg with Qt's SVG renderer.

Run after editing the SVG:  QT_QPA_PLATFORM=offscreen python packaging/icons/render_icons.py
"""
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 32, 48, 64, 128, 256)
HERE = Path(__file__).resolve().parent


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn at ``size`` x ``size`` (tests/test_packaging.py compares the PNGs)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - fonts, image IO
    renderer = QSvgRenderer(str(HERE / "hicolor/scalable/apps/jjjmap.svg"))
    if not renderer.isValid():
        raise SystemExit("jjjmap.svg does not parse")
    for size in SIZES:
        image = render(renderer, size)
        out = HERE / f"hicolor/{size}x{size}/apps/jjjmap.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), "PNG"):
            raise SystemExit(f"cannot write {out}")
        print(out.relative_to(HERE))


if __name__ == "__main__":
    main()
