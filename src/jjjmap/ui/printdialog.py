"""File › Print layout…: the layout's options beside a live preview, exported as PDF or PNG.

The preview is the layout page itself (export.layout.print_html, the one renderer's page),
shown scaled to fit, so it is what the export writes. Building the page's HTML runs on a
worker and the export is a ui.printout.LayoutJob driven by timers: the window never freezes.
Changes to the map while the dialog is open (a layer hidden, a filter) refresh the preview.
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from jjjmap.export.errors import ExportError
from jjjmap.export.layout import DEFAULT_DPI, DPI_RANGE, LEGEND_PLACES, PrintLayout, print_html

from jjjmap.model import MapDocument

from .feedback import Feedback
from .settings import Settings
from .workers import Task, TaskRunner

if TYPE_CHECKING:  # pragma: no cover
    from .mapview import MapView

PREVIEW_WIDTH = 460
_pages = itertools.count(1)


class PrintDialog(QDialog):
    exported = Signal(str)       # the path written
    previewed = Signal()         # the preview page has loaded

    def __init__(self, doc: MapDocument, map_view: "MapView", settings: Settings,
                 feedback: Feedback, parent: QWidget | None = None):
        """``map_view``: the view on screen (the layout's "current view" extent); ``feedback``
        tells the window's status line a layout was saved."""
        super().__init__(parent)
        self.doc, self.map, self.settings, self.feedback = doc, map_view, settings, feedback
        self.setWindowTitle(self.tr("Print layout"))
        self.runner = TaskRunner(self)
        self.job = None
        self._task = None
        self._page = f"print-preview-{next(_pages)}.html"
        self._debounce = QTimer(self, singleShot=True, interval=350)
        self._debounce.timeout.connect(self.refresh_preview)
        self._build()
        self._unsubscribe = self.doc.events.connect(lambda *_: self.schedule_preview())
        self.finished.connect(lambda _r: self._unsubscribe())
        self.schedule_preview()

    # -- widgets ------------------------------------------------------------------------------
    def _build(self) -> None:
        form = QFormLayout()
        self.title_edit = QLineEdit(self.doc.title)
        self.subtitle_edit = QLineEdit()
        self.subtitle_edit.setPlaceholderText(self.tr("What the visible layers show"))
        self.size_combo = QComboBox()
        for key, label in (("A4", "A4"), ("A3", "A3"), ("Letter", "Letter"),
                           ("mm", self.tr("Custom (mm)")), ("px", self.tr("Custom (pixels)"))):
            self.size_combo.addItem(label, key)
        self.width_spin, self.height_spin = QDoubleSpinBox(), QDoubleSpinBox()
        for spin, value in ((self.width_spin, 180), (self.height_spin, 120)):
            spin.setRange(1, 12000)
            spin.setDecimals(0)
            spin.setValue(value)
        custom = QHBoxLayout()
        custom.addWidget(self.width_spin)
        custom.addWidget(QLabel("×"))
        custom.addWidget(self.height_spin)
        self.landscape_check = QCheckBox(self.tr("Landscape"))
        self.dpi_spin = QSpinBox()
        self.dpi_spin.setRange(*DPI_RANGE)
        self.dpi_spin.setValue(DEFAULT_DPI)
        self.dpi_spin.setSuffix(" dpi")
        self.extent_combo = QComboBox()
        self.extent_combo.addItem(self.tr("What the map shows now"), None)
        self.extent_combo.addItem(self.tr("Whole region"), "region")
        self.extent_combo.addItem(self.tr("Xiong'an New Area"), "xiongan")
        for name in self._prefectures():
            self.extent_combo.addItem(name, name)
        self.legend_combo = QComboBox()
        names = {"outside": self.tr("Outside the map"), "topleft": self.tr("Top left corner"),
                 "topright": self.tr("Top right corner"),
                 "bottomleft": self.tr("Bottom left corner"),
                 "bottomright": self.tr("Bottom right corner")}
        for key in LEGEND_PLACES:
            self.legend_combo.addItem(names[key], key)
        self.inset_check = QCheckBox(self.tr("Inset map of the whole region"))
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Subtitle"), self.subtitle_edit)
        form.addRow(self.tr("Page"), self.size_combo)
        form.addRow(self.tr("Width × height"), custom)
        form.addRow("", self.landscape_check)
        form.addRow(self.tr("Resolution (PNG)"), self.dpi_spin)
        form.addRow(self.tr("Extent"), self.extent_combo)
        form.addRow(self.tr("Legend"), self.legend_combo)
        form.addRow("", self.inset_check)
        for w in (self.title_edit, self.subtitle_edit):
            w.textChanged.connect(self.schedule_preview)
        for w in (self.size_combo, self.extent_combo, self.legend_combo):
            w.currentIndexChanged.connect(self.schedule_preview)
        for w in (self.width_spin, self.height_spin, self.dpi_spin):
            w.valueChanged.connect(self.schedule_preview)
        for w in (self.landscape_check, self.inset_check):
            w.toggled.connect(self.schedule_preview)
        self.size_combo.currentIndexChanged.connect(self._custom_enabled)
        self._custom_enabled()

        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)   # error text may quote user input
        self.message.setWordWrap(True)
        self.status = QLabel()      # how the last export went
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.png_button = QPushButton(self.tr("Export PNG…"))
        close = QPushButton(self.tr("Close"))
        self.pdf_button.clicked.connect(lambda: self.export_dialog("pdf"))
        self.png_button.clicked.connect(lambda: self.export_dialog("png"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.pdf_button, self.png_button, close):
            buttons.addWidget(b)

        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addWidget(self.status)
        column.addStretch(1)
        column.addLayout(buttons)

        from PySide6.QtWebEngineCore import QWebEnginePage
        from PySide6.QtWebEngineWidgets import QWebEngineView

        from .scheme import shared_profile

        from PySide6.QtWidgets import QApplication

        profile, self._handler = shared_profile(QApplication.instance())
        self.preview = QWebEngineView()
        self.preview.setPage(QWebEnginePage(profile, self.preview))
        self.preview.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.preview.setFixedSize(PREVIEW_WIDTH, PREVIEW_WIDTH)
        self.preview.loadFinished.connect(lambda ok: ok and self.previewed.emit())
        row = QHBoxLayout(self)
        row.addWidget(left, 1)
        row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)

    def _prefectures(self) -> list[str]:
        from jjjmap.export.extent import boundary_layer

        layer = boundary_layer(self.doc, "prefecture")
        column = "name_zh" if self.doc.lang == "zh" else "name_en"
        if layer is None or column not in layer.table.columns:
            return []
        return [str(v) for v in layer.table[column].tolist() if str(v)]

    def _custom_enabled(self) -> None:
        custom = self.size_combo.currentData() in ("mm", "px")
        self.width_spin.setEnabled(custom)
        self.height_spin.setEnabled(custom)
        # a size in pixels is the picture's: laid out at 96 dpi, one CSS pixel each
        self.dpi_spin.setEnabled(self.size_combo.currentData() != "px")

    # -- the layout -------------------------------------------------------------------------
    def layout_options(self) -> PrintLayout:
        key = self.size_combo.currentData()
        size = key
        if key in ("mm", "px"):
            size = f"{self.width_spin.value():g}x{self.height_spin.value():g}{key}"
        extent = self.extent_combo.currentData()
        view = self.map
        return PrintLayout(
            size=size, landscape=self.landscape_check.isChecked(),
            dpi=None if key == "px" else self.dpi_spin.value(),
            title=self.title_edit.text(), subtitle=self.subtitle_edit.text() or None,
            extent=extent, legend=self.legend_combo.currentData(),
            inset=self.inset_check.isChecked(),
            view_size=(view.width(), view.height()) if extent is None else None)

    def schedule_preview(self, *_args) -> None:
        self._debounce.start()

    def refresh_preview(self) -> None:
        layout = self.layout_options()
        if self._task is not None:
            self.runner.cancel(self._task)
        self._task = self.runner.submit(Task(print_html, self.doc.snapshot(), layout),
                                        lambda result: self._show(result, layout), self._fail)

    def _show(self, result, layout: PrintLayout) -> None:
        from .scheme import HOST, SCHEME

        self._task = None
        html, plan = result
        w, h = plan.page.css
        zoom = max(0.25, min(1.0, PREVIEW_WIDTH / max(w, h)))
        self.preview.setFixedSize(round(w * zoom), round(h * zoom))
        self._handler.pages[self._page] = html.encode("utf-8")
        self.preview.setZoomFactor(zoom)
        self.preview.load(QUrl(f"{SCHEME.decode()}://{HOST}/{self._page}"))
        self.message.setText(self.tr("PNG: %1 × %2 px at %3 dpi")
                             .replace("%1", str(plan.page.pixels[0]))
                             .replace("%2", str(plan.page.pixels[1]))
                             .replace("%3", str(plan.page.dpi)))

    def _fail(self, exc: BaseException) -> None:
        self._task = None
        if isinstance(exc, ExportError):
            self.message.setText(str(exc))
        else:
            self.message.setText(self.tr("The layout could not be drawn."))

    # -- export -----------------------------------------------------------------------------
    def export_dialog(self, fmt: str) -> None:
        caption = self.tr("Export PDF") if fmt == "pdf" else self.tr("Export PNG")
        pattern = self.tr("PDF document (*.pdf)") if fmt == "pdf" else self.tr("PNG image (*.png)")
        path, _ = QFileDialog.getSaveFileName(self, caption, self.settings.last_dir(),
                                              pattern)
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.export(path, fmt)

    def export(self, path: str, fmt: str) -> None:
        """Write the layout to ``path`` without blocking; ``exported`` when written."""
        from .printout import LayoutJob

        self.pdf_button.setEnabled(False)
        self.png_button.setEnabled(False)
        self.status.setText(self.tr("Exporting %1…").replace("%1", path))
        self.job = LayoutJob(self.doc, self.layout_options(), path, fmt, parent=self)
        self.job.finished.connect(self._exported)
        self.job.failed.connect(self._export_failed)
        self.job.start()

    def _done(self) -> None:
        self.pdf_button.setEnabled(True)
        self.png_button.setEnabled(True)
        self.job = None

    def _exported(self, path: str) -> None:
        self._done()
        self.status.setText(self.tr("Saved %1").replace("%1", path))
        self.feedback.message(self.tr("Saved %1").replace("%1", path), 6000)
        self.exported.emit(path)

    def _export_failed(self, message: str) -> None:
        self._done()
        self.status.setText(message)

    def done(self, result: int) -> None:
        self._handler.pages.pop(self._page, None)
        self.runner.cancel_all()
        super().done(result)


def show_print_dialog(doc: MapDocument, map_view: "MapView", settings: Settings,
                      feedback: Feedback, parent: QWidget | None = None) -> PrintDialog:
    dialog = PrintDialog(doc, map_view, settings, feedback, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog
