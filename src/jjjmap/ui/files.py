"""File actions of the main window: open layers (in a worker), projects, exports, recent files.

A file that fails to open is reported with its own message (io.LayerLoadError names the file
and the problem) and changes nothing else on the map.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog

from .workers import Task, TaskRunner

if TYPE_CHECKING:  # pragma: no cover
    from .mainwindow import MainWindow

log = logging.getLogger(__name__)


def _open_layer(path: str):
    from jjjmap import io

    return io.open_layer(path)


class FileActions(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self.runner = TaskRunner(self)
        self.runner.started.connect(self._busy_changed)
        self.runner.ended.connect(self._busy_changed)

    # -- progress ---------------------------------------------------------------------------
    def _busy_changed(self, _task=None) -> None:
        busy = bool(self.runner.active)
        self.w.progress.setVisible(busy)
        self.w.cancel_button.setVisible(busy)
        if not busy:
            self.w.progress.setRange(0, 0)

    def _progress(self, percent: int, message: str) -> None:
        if percent < 0:
            self.w.progress.setRange(0, 0)
        else:
            self.w.progress.setRange(0, 100)
            self.w.progress.setValue(percent)
        if message:
            self.w.statusBar().showMessage(message)

    def cancel(self) -> None:
        if self.runner.active:
            self.runner.cancel_all()
            self.w.statusBar().showMessage(self.tr("Cancelled."), 4000)

    # -- layers -----------------------------------------------------------------------------
    def _filters(self) -> str:
        return ";;".join([
            self.tr("Map data (*.shp *.zip *.geojson *.json *.gpkg *.kml *.kmz *.gpx *.fgb "
                    "*.parquet *.csv *.tsv *.txt *.xlsx)"),
            self.tr("All files (*)"),
        ])

    def open_layer_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.w, self.tr("Open layer"),
                                                self.w.settings.last_dir(), self._filters())
        for path in paths:
            self.open_path(path)

    def open_path(self, path: str) -> Task:
        """Open ``path`` in the background; its layers join the map when it is read."""
        path = os.fspath(path)
        name = Path(path).name
        self.w.settings.save_last_dir(str(Path(path).parent))
        task = Task(_open_layer, path)
        task.signals.progress.connect(self._progress)
        self.w.statusBar().showMessage(self.tr("Opening %1…").replace("%1", name))
        return self.runner.submit(task, lambda layers: self._opened(path, layers),
                                  lambda exc: self._open_failed(path, exc))

    def _opened(self, path: str, layers) -> None:
        added = 0
        for layer in layers:
            try:
                self.w.doc.add_layer(layer)
                added += 1
            except ValueError as exc:  # the same layer object twice
                log.warning("not added: %s", exc)
        self.w.settings.add_recent(path)
        if layers:
            self.w.layers.set_current(layers[-1].id)
        warnings = [w for lyr in layers for w in lyr.meta.get("warnings", [])]
        message = self.tr("Opened %1: %n layer(s).", "", added).replace("%1", Path(path).name)
        if warnings:
            message += " " + " ".join(str(w) for w in warnings)
        self.w.statusBar().showMessage(message, 10000)

    def _open_failed(self, path: str, exc: BaseException) -> None:
        from jjjmap.io import LayerLoadError

        self.w.statusBar().clearMessage()
        title = self.tr("Could not open %1").replace("%1", Path(path).name)
        if isinstance(exc, LayerLoadError):
            text = str(exc)
        else:
            log.error("opening %s failed", path, exc_info=exc)
            text = self.tr("'%1' could not be opened: %2").replace("%1", path).replace(
                "%2", f"{type(exc).__name__}: {exc}")
        self.w.report_error(title, text)

    def fill_recent_menu(self) -> None:
        menu = self.w.recent_menu
        menu.clear()
        recent = self.w.settings.recent_files()
        for path in recent:
            act = QAction(path, menu)
            act.triggered.connect(lambda _c=False, p=path: self.open_path(p))
            menu.addAction(act)
        if not recent:
            empty = QAction(self.tr("(none)"), menu)
            empty.setEnabled(False)
            menu.addAction(empty)
        else:
            menu.addSeparator()
            clear = QAction(self.tr("Clear list"), menu)
            clear.triggered.connect(self.w.settings.clear_recent)
            menu.addAction(clear)

    # -- projects ---------------------------------------------------------------------------
    def save_project_dialog(self) -> None:
        try:
            from jjjmap.io.project import SUFFIX, save_project
        except ImportError:  # pragma: no cover
            return
        path, _ = QFileDialog.getSaveFileName(self.w, self.tr("Save project"),
                                              self.w.settings.last_dir(),
                                              self.tr("jjjmap project (*%1)").replace("%1", SUFFIX))
        if not path:
            return
        if not path.endswith(SUFFIX):
            path += SUFFIX

        def save(_view=None):
            try:
                save_project(self.w.doc, path)
            except Exception as exc:  # noqa: BLE001 - ProjectFileError has the user's message
                self.w.report_error(self.tr("Could not save the project"), str(exc))
                return
            self.w.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 6000)

        self._with_page_view(save)

    def open_project_dialog(self) -> None:
        try:
            from jjjmap.io.project import SUFFIX
        except ImportError:  # pragma: no cover
            return
        path, _ = QFileDialog.getOpenFileName(self.w, self.tr("Open project"),
                                              self.w.settings.last_dir(),
                                              self.tr("jjjmap project (*%1)").replace("%1", SUFFIX))
        if path:
            self.open_project(path)

    def _resolve_missing(self, missing: str) -> str | None:
        self.w.report_error(self.tr("Data file missing"),
                           self.tr("'%1' is missing. Please show where it is now, or cancel to "
                                   "leave that layer out.").replace("%1", missing))
        path, _ = QFileDialog.getOpenFileName(self.w, self.tr("Where is %1?").replace(
            "%1", Path(missing).name), str(Path(missing).parent), self._filters())
        return path or None

    def open_project(self, path: str) -> bool:
        """Replace what is on the map with the project's layers, basemap and view."""
        from jjjmap.io.project import load_project

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            from .pgdialog import ask_password
            loaded = load_project(path, resolve_missing=self._resolve_missing,
                                  ask_password=lambda where: ask_password(self.w, where))
        except Exception as exc:  # noqa: BLE001 - ProjectFileError has the user's message
            QApplication.restoreOverrideCursor()
            self.w.report_error(self.tr("Could not open the project"), str(exc))
            return False
        QApplication.restoreOverrideCursor()
        self.w.give_up_builtin()
        doc = self.w.doc
        # move the loaded state into the window's document, so every observer follows it
        for layer in list(doc.layers):
            doc.remove_layer(layer.id)
        doc.title = loaded.title
        doc.set_language(loaded.lang)
        doc.set_basemap(loaded.basemap)
        doc.view = loaded.view
        for layer in loaded.layers:
            doc.add_layer(layer)
        self.w.map.render()
        self.w.settings.add_recent(path)
        return True

    # -- exports ----------------------------------------------------------------------------
    def _with_page_view(self, then) -> None:
        """Record the page's current view in the document, then call ``then``."""
        if not self.w.map.ready:
            then(None)
            return

        def got(view):
            if view is not None:
                self.w.doc.view = view
            then(view)

        self.w.map.page_view(got)

    def export_html_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, self.tr("Export HTML"),
                                              self.w.settings.last_dir(),
                                              self.tr("Web page (*.html)"))
        if not path:
            return
        if not path.lower().endswith((".html", ".htm")):
            path += ".html"
        key = self.w.tianditu_key()
        if key is not None:
            from . import dialogs

            key = key if dialogs.ask_include_tianditu_key(self.w) else ""
        self._with_page_view(lambda _v: self.export_html(path, tianditu_key=key or ""))

    def export_html(self, path: str, tianditu_key: str = "") -> bool:
        """The same page as on screen, self-contained. On this thread: the renderer's pyproj
        objects belong to it (pyproj crashes when they are used from a worker).

        The page carries a Tianditu key only when given one (the user agreed); "" keeps the
        settings' and the environment's key out of it."""
        from jjjmap.export import write_html

        self.w.statusBar().showMessage(self.tr("Exporting %1…").replace("%1", path))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_html(self.w.doc, path, self_contained=True, tianditu_key=tianditu_key)
        except Exception as exc:  # noqa: BLE001 - export errors carry the user's message
            QApplication.restoreOverrideCursor()
            log.error("export to %s failed", path, exc_info=exc)
            self.w.report_error(self.tr("Export failed"), str(exc))
            return False
        QApplication.restoreOverrideCursor()
        self.w.statusBar().showMessage(self.tr("Exported %1").replace("%1", path), 6000)
        return True

    def export_png_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, self.tr("Export PNG"),
                                              self.w.settings.last_dir(),
                                              self.tr("PNG image (*.png)"))
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.export_png(path)

    def export_png(self, path: str) -> bool:
        """A picture of the map exactly as it is on screen."""
        ok = self.w.map.grab().save(path, "PNG")
        if ok:
            self.w.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 6000)
        else:
            self.w.report_error(self.tr("Export failed"),
                               self.tr("'%1' could not be written.").replace("%1", path))
        return ok
