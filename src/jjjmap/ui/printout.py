"""The print layout (export.layout) drawn by Qt WebEngine: a vector PDF and an exact-size PNG.

PDF: Chromium prints the layout page (printToPdf) at the page's size with no margins; the
page draws every boundary and point as SVG, so they stay vector paths and the text stays
text, and the file does not grow with the resolution. PNG: that PDF rasterised by Qt's PDF
module (pdfium) at exactly the requested pixels, so the picture is the PDF, and a page of any
size can be drawn (a grab of an offscreen view taller than about 2000 px comes out white).
Both wait through ui.snapshot.PageShot and are written atomically (io.atomic).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from jjjmap.export.errors import ExportError
from jjjmap.export.html import atomic_write
from jjjmap.export.layout import PrintLayout, check_output, print_html
from jjjmap.model import MapDocument

from .snapshot import PageShot, ensure_platform, wait_for

FORMATS = ("pdf", "png")


def shot_for(doc: MapDocument, layout: PrintLayout, fmt: str, what: str = "the layout",
             parent: QObject | None = None, page_html=None) -> PageShot:
    """A PageShot of the layout page (``page_html``: print_html's result, if made already)."""
    html, plan = page_html or print_html(doc, layout)
    page = plan.page
    css = (round(page.css[0]), round(page.css[1]))
    shot = PageShot(html, css, zoom=1.0, what=what, parent=parent)
    shot.page_mm = (page.width_mm, page.height_mm)
    shot.pixels = page.pixels
    shot.fmt = fmt
    return shot


def raster(pdf: bytes, pixels: tuple[int, int], what: str) -> bytes:
    """Page 1 of ``pdf`` as a PNG of exactly ``pixels``, on white."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    source = QBuffer()
    source.setData(QByteArray(pdf))
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(source)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise ExportError(f"Qt could not read back the layout it printed for {what}.")
    page = document.render(0, QSize(*pixels))
    document.close()
    if page.isNull():
        raise ExportError(f"Qt could not draw the layout at {pixels[0]} x {pixels[1]} "
                          f"pixels for {what}.")
    image = QImage(page.size(), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, page)
    painter.end()
    data = QByteArray()
    out = QBuffer(data)
    out.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(out, "PNG"):
        raise ExportError(f"Qt could not encode the picture for {what}.")
    return bytes(data)


def _page_layout(width_mm: float, height_mm: float):
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize

    landscape = width_mm > height_mm
    portrait = QSizeF(min(width_mm, height_mm), max(width_mm, height_mm))
    size = QPageSize(portrait, QPageSize.Unit.Millimeter, "jjjmap",
                     QPageSize.SizeMatchPolicy.ExactMatch)
    orientation = (QPageLayout.Orientation.Landscape if landscape
                   else QPageLayout.Orientation.Portrait)
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def pdf_bytes(shot: PageShot, on_done) -> None:
    """Print the drawn page; ``on_done(bytes or None)`` when Chromium has the PDF."""
    def done(data) -> None:
        on_done(bytes(data) if data is not None and len(data) else None)
    shot.view.page().printToPdf(done, _page_layout(*shot.page_mm))


def _pdf_now(shot: PageShot) -> bytes:
    from PySide6.QtCore import QEventLoop, QTimer

    loop, got = QEventLoop(), {}

    def done(data) -> None:
        got["data"] = data
        loop.quit()
    pdf_bytes(shot, done)
    QTimer.singleShot(120_000, loop.quit)   # a printer that never answers is an error
    if "data" not in got:
        loop.exec()
    if not got.get("data"):
        raise ExportError(f"Qt WebEngine could not print the layout to {shot.what}.")
    return got["data"]


def write_layout(doc: MapDocument, layout: PrintLayout, path, fmt: str | None = None) -> Path:
    """Draw ``doc`` in ``layout`` and write it to ``path`` as PDF or PNG (by ``fmt`` or the
    file's suffix). Blocks until written; ExportError (a LayoutError for bad options)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ExportError(f"{path.name}: a print layout is written as .pdf or .png.")
    layout.page()                 # bad sizes and resolutions fail before anything else
    check_output(path)
    ensure_platform()
    shot = shot_for(doc, layout, fmt, what=str(path))
    wait_for(shot, lambda s: atomic_write(path, _output(s, _pdf_now(s))))
    return path


def _output(shot: PageShot, pdf: bytes) -> bytes:
    return raster(pdf, shot.pixels, shot.what) if shot.fmt == "png" else pdf


class LayoutJob(QObject):
    """The same, without blocking: for the GUI. ``finished(path)`` or ``failed(message)``."""

    finished = Signal(str)
    failed = Signal(str)

    def __init__(self, doc: MapDocument, layout: PrintLayout, path, fmt: str | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.fmt = (fmt or self.path.suffix.lstrip(".")).lower()
        self.doc, self.layout, self.shot = doc, layout, None

    def start(self) -> None:
        """Check the options (a bad one fails at once), build the page on a worker, draw."""
        from .workers import Task, TaskRunner

        try:
            if self.fmt not in FORMATS:
                raise ExportError(f"{self.path.name}: a print layout is written as .pdf or .png.")
            self.layout.page()
            check_output(self.path)
        except ExportError as exc:
            self.failed.emit(str(exc))
            return
        self._runner = TaskRunner(self)
        self._runner.submit(Task(print_html, self.doc.snapshot(), self.layout),
                            self._draw, self._error)

    def _error(self, exc: BaseException) -> None:
        self.failed.emit(str(exc) if isinstance(exc, ExportError)
                         else f"The layout could not be made for {self.path}.")

    def _draw(self, page_html) -> None:
        self.shot = shot_for(self.doc, self.layout, self.fmt, str(self.path), parent=self,
                             page_html=page_html)
        self.shot.drawn.connect(self._drawn)
        self.shot.failed.connect(self._fail)
        self.shot.start()

    def _fail(self, message: str) -> None:
        if self.shot is not None:
            self.shot.close()
        self.failed.emit(message)

    def _write(self, data: bytes | None) -> None:
        try:
            if data is None:
                raise ExportError(f"Qt WebEngine could not print the layout to {self.path}.")
            atomic_write(self.path, _output(self.shot, data))
        except ExportError as exc:
            self._fail(str(exc))
            return
        self.shot.close()
        self.finished.emit(str(self.path))

    def _drawn(self) -> None:
        pdf_bytes(self.shot, self._write)
