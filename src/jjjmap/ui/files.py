"""File actions of the main window: open layers (in a worker), projects, exports, recent files.

A file that fails to open is reported with its own message (io.LayerLoadError names the file
and the problem) and changes nothing else on the map.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from jjjmap.model import MapDocument

from . import plaintext
from .feedback import Feedback
from .settings import Settings
from .workers import Task, TaskRunner

if TYPE_CHECKING:  # pragma: no cover
    from .layerpanel import LayerPanel
    from .mapview import MapView

log = logging.getLogger(__name__)


def _open_layer(path: str, options: dict | None = None, style: dict | None = None,
                progress=None):
    """``options`` go to ``io.open_layer`` (crs, encoding, datum), ``style`` to every layer.
    ``progress`` (from Task) returns False once the user cancelled: the read then stops at
    its next checkpoint and frees the worker, instead of running on."""
    from jjjmap import io

    cancelled, counted = _read_callbacks(Path(path).name, progress)
    # a large point file: its coordinates first, drawn while its other columns are read
    # (io.deferred; not with a style, which may name one of those columns)
    layers = io.open_layer(path, cancel=cancelled, progress=counted,
                           defer_attributes=style is None, **(options or {}))
    if style is not None:
        from jjjmap.model import Style

        for layer in layers:
            layer.style = Style.from_dict(style)
    return layers


def _read_callbacks(name: str, progress):
    """(cancel, progress) for io from a Task's ``progress``: the read stops once it returns
    False (the user cancelled) and reports rows read as percentages; (None, None) without."""
    if progress is None:
        return None, None
    return (lambda: not progress(-1, "")), ReadProgress(name, progress)


def _complete_attributes(data, name: str, progress=None):
    """Worker side: a deferred layer's other attribute columns (io.deferred)."""
    from jjjmap.io.deferred import complete_attributes

    cancelled, counted = _read_callbacks(name, progress)
    return complete_attributes(data, cancel=cancelled, progress=counted)


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("FileActions", text, None, n)


def remaining_text(seconds: float) -> str:
    """'about 8 s left', 'about 3 min left' (in the interface's language)."""
    if seconds < 60:
        return _tr("about %1 s left").replace("%1", str(max(1, round(seconds))))
    return _tr("about %1 min left").replace("%1", str(round(seconds / 60)))


class ReadProgress:
    """The reader's ``progress(done, total, unit)`` (io.cancel.report) as the task's
    ``progress(percent, message)``: a percentage, what was read and the time remaining, sent
    when the percentage changes (on the worker thread: QCoreApplication.translate is
    thread-safe)."""

    UNITS = {"rows": "%1 of %2 rows", "features": "%1 of %2 features",
             "bytes": "%1 of %2 MB unpacked"}

    def __init__(self, name: str, progress, clock=time.monotonic):
        self.name, self.progress, self.clock = name, progress, clock
        self.started = clock()
        self.last: tuple[int, str] | None = None
        self.percents: list[int] = []   # every percentage sent (the tests read them)

    def __call__(self, done: int, total: int | None, unit: str) -> None:
        if not total:
            return
        fraction = min(max(done / total, 0.0), 1.0)
        percent = int(fraction * 100)
        if self.last is not None and self.last[0] == percent and self.last[1] == unit:
            return
        self.last = (percent, unit)
        if unit == "bytes":
            amounts = (f"{done / 1e6:,.1f}", f"{total / 1e6:,.1f}")
        else:
            amounts = (f"{done:,}", f"{total:,}")
        message = _tr("Reading %1: %2% (%3)").replace("%1", self.name).replace(
            "%2", str(percent)).replace("%3", _tr(self.UNITS.get(unit, "%1 of %2")).replace(
                "%1", amounts[0]).replace("%2", amounts[1]))
        elapsed = self.clock() - self.started
        if 0 < fraction < 1 and elapsed > 0:
            message += " · " + remaining_text(elapsed * (1 - fraction) / fraction)
        self.percents.append(percent)
        self.progress(percent, message)


def _load_project(path: str, answers: dict | None, missing: list[str],
                  passwords: dict | None = None, wanted: list[str] | None = None):
    """Worker side: the project's document. Without ``answers`` a missing data file is left
    out and noted in ``missing`` (the GUI asks the user, then reads again with answers).
    A PostGIS connection libpq finds no password for is noted in ``wanted`` the same way
    (the GUI asks, then reads again with ``passwords``)."""
    from jjjmap.io.project import load_project

    def resolve(data_path: str):
        if answers is not None:
            return answers.get(data_path)
        missing.append(data_path)
        return None

    def password(connection: str):
        if passwords is not None:
            return passwords.get(connection)
        if wanted is not None:
            wanted.append(connection)
        return None

    return load_project(path, resolve_missing=resolve, ask_password=password)


class FileActions(QObject):
    """Given what it works on, not the window: the document, the settings (last folder,
    recent files, Tianditu key), ``feedback`` (status line, errors, progress), the map view
    (its page's view, a re-render, a picture), the layer panel (the layer opened becomes the
    current one), the Open recent menu it fills, and ``parent`` for its dialogs.

    Its ``runner`` runs the window's background work (the progress bar and Cancel follow it).
    """

    replacingMap = Signal()  # noqa: N815 - a project is about to replace what is on the map

    def __init__(self, doc: MapDocument, settings: Settings, feedback: Feedback,
                 map_view: "MapView", layers: "LayerPanel", recent_menu: QMenu,
                 parent: QWidget):
        super().__init__(parent)
        self.doc, self.settings, self.feedback = doc, settings, feedback
        self.map, self.layers, self.parent_widget = map_view, layers, parent
        self.recent_menu = recent_menu
        recent_menu.aboutToShow.connect(self.fill_recent_menu)
        # offered a file that could not be read as a layer; one that returns True took it
        # (ui.joindialog: a table without coordinates becomes a join)
        self.unreadable_handlers: list[Callable[[str, BaseException], bool]] = []
        self.runner = TaskRunner(self)
        self.runner.started.connect(self._busy_changed)
        self.runner.ended.connect(self._busy_changed)

    # -- progress ---------------------------------------------------------------------------
    def _busy_changed(self, _task=None) -> None:
        self.feedback.working(bool(self.runner.active))

    def task_progress(self, percent: int, message: str) -> None:
        """For a task's ``progress`` signal: the bar's count and the message."""
        # -1: a cancel check, not news (the bar stays busy until a reader counts)
        if percent >= 0:
            self.feedback.progress(percent)
        if message:
            self.feedback.message(message)

    def cancel(self) -> None:
        if self.runner.active:
            self.runner.cancel_all()
            self.feedback.message(self.tr("Cancelled."), 4000)

    # -- layers -----------------------------------------------------------------------------
    def _filters(self) -> str:
        return ";;".join([
            self.tr("Map data (*.shp *.zip *.geojson *.json *.gpkg *.kml *.kmz *.gpx *.fgb "
                    "*.parquet *.csv *.tsv *.txt *.xlsx)"),
            self.tr("All files (*)"),
        ])

    def open_layer_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.parent_widget, self.tr("Open layer"),
                                                self.settings.last_dir(), self._filters())
        for path in paths:
            self.open_path(path)

    def open_path(self, path: str, options: dict | None = None,
                  style: dict | None = None) -> Task:
        """Open ``path`` in the background; its layers join the map when it is read.

        ``options`` go to ``io.open_layer`` (crs, encoding, datum: `gui --layer F --crs ...`),
        ``style`` (a style file's options) is given to every layer the file holds."""
        path = os.fspath(path)
        name = Path(path).name
        self.settings.save_last_dir(str(Path(path).parent))
        task = Task(_open_layer, path, options, style, wants_progress=True)
        task.signals.progress.connect(self.task_progress)
        self.feedback.message(self.tr("Opening %1…").replace("%1", name))
        return self.read_layers(task, path, options=options, style=style)

    def read_layers(self, task: Task, source: str, shown: str | None = None, *,
                    options: dict | None = None, style: dict | None = None) -> Task:
        """Run ``task`` (it returns layers) in the background: its layers join the map and
        ``source`` (a path, a PostGIS address) the recent files; a failure is reported
        under ``shown`` (``source`` if None), and a file is asked for again with ``options``
        and ``style``."""
        shown = source if shown is None else shown
        return self.runner.submit(task, lambda layers: self._opened(source, layers),
                                  lambda exc: self._open_failed(shown, exc, options, style))

    def _opened(self, path: str, layers) -> None:
        added = 0
        for layer in layers:
            try:
                self.doc.add_layer(layer)
                added += 1
            except ValueError as exc:  # the same layer object twice
                log.warning("not added: %s", exc)
        self.settings.add_recent(path)
        if layers:
            self.layers.set_current(layers[-1].id)
            self.doc.frame(layers)   # a file far from Jing-Jin-Ji is brought into view
        warnings = [w for lyr in layers for w in lyr.provenance.warnings]
        message = self.tr("Opened %1: %n layer(s).", "", added).replace("%1", Path(path).name)
        if warnings:
            message += " " + " ".join(str(w) for w in warnings)
        self.feedback.message(message, 10000)
        pending = [lyr for lyr in layers if lyr.points is not None and lyr.points.pending]
        if pending:
            # once the map has drawn them: the columns' read (5 s at 10M) would otherwise
            # share the 2 cores with the points' first frame
            def read() -> None:
                for layer in pending:
                    self.complete_attributes(layer)

            self.map.mapReady.connect(read, Qt.ConnectionType.SingleShotConnection)

    def complete_attributes(self, layer) -> Task:
        """Read the attribute columns a large point file's layer was opened without (drawn
        from its coordinates first, io.deferred); they join the layer when read, unless its
        data was replaced meanwhile (read again with another encoding, removed)."""
        first = layer.data
        name = Path(layer.path or "").name
        task = Task(_complete_attributes, first, name, wants_progress=True)
        task.signals.progress.connect(self.task_progress)
        self.feedback.message(self.tr("Reading the attributes of %1…").replace("%1", name))

        def done(data) -> None:
            if self.doc.find(layer.id) is layer and layer.data is first:
                self.doc.replace_table(layer.id, data)
                self.feedback.message(self.tr("Read the attributes of %1.").replace("%1", name),
                                      5000)

        def failed(exc: BaseException) -> None:
            from jjjmap.io.cancel import LayerLoadCancelled

            if isinstance(exc, LayerLoadCancelled):
                text = self.tr("The attributes of %1 were not read: cancelled. Its points are "
                               "on the map without them.").replace("%1", name)
            else:
                text = self.tr("The attributes of %1 could not be read; its points are on the "
                               "map without them. %2").replace("%1", name).replace("%2",
                                                                                   str(exc))
            self.feedback.message(text, 15000)

        return self.runner.submit(task, done, failed)

    def _open_failed(self, path: str, exc: BaseException, options: dict | None = None,
                     style: dict | None = None) -> None:
        from jjjmap.io import LayerLoadError
        from jjjmap.io.errors import MissingCRSError

        self.feedback.message("")
        if isinstance(exc, MissingCRSError) and self.feedback.can_ask():
            # as QGIS does: ask for the CRS instead of refusing the file
            from .crsdialog import CrsDialog

            dialog = CrsDialog(self.parent_widget, Path(path).name, exc.bounds,
                               exc.suggestions, self.doc.lang)
            if dialog.exec() == CrsDialog.DialogCode.Accepted and dialog.code():
                self.open_path(path, {**(options or {}), "crs": dialog.code()}, style)
            return
        if any(handler(path, exc) for handler in self.unreadable_handlers):
            return
        title = self.tr("Could not open %1").replace("%1", Path(path).name)
        if isinstance(exc, LayerLoadError):
            text = str(exc)
        else:
            log.error("opening %s failed", path, exc_info=exc)
            text = self.tr("'%1' could not be opened: %2").replace("%1", path).replace(
                "%2", f"{type(exc).__name__}: {exc}")
        self.feedback.error(title, text)

    # -- encoding -----------------------------------------------------------------------------
    def text_sample(self, layer) -> bytes | None:
        """Raw text bytes of a user's layer whose encoding can be chosen (Shapefile, text
        table), or None."""
        from jjjmap.io.encoding import dbf_text_bytes
        from jjjmap.io.shapefile import sidecar

        fmt = layer.provenance.format
        if not layer.path or fmt not in ("shapefile", "csv"):
            return None
        path = Path(layer.path)
        try:
            if fmt == "shapefile":
                dbf = sidecar(path, ".dbf")
                return dbf_text_bytes(dbf, limit=1 << 20) if dbf else None
            with open(path, "rb") as fh:
                return fh.read(1 << 16)
        except OSError:
            return None

    def choose_encoding(self, layer_id: str) -> None:
        """Layer > Text encoding…: pick one with a preview, read the layer again in place."""
        from .crsdialog import EncodingDialog

        layer = self.doc.find(layer_id)
        raw = self.text_sample(layer) if layer is not None else None
        if raw is None:
            self.feedback.message(
                self.tr("Only Shapefiles and text tables have a text encoding to choose."), 6000)
            return
        dialog = EncodingDialog(self.parent_widget, Path(layer.path).name, raw,
                                layer.provenance.encoding)
        if dialog.exec() == EncodingDialog.DialogCode.Accepted and dialog.codec():
            self.reread(layer_id, {"encoding": dialog.codec()})

    def reread(self, layer_id: str, changes: dict) -> Task | None:
        """Read a user's layer again with changed open options; its data is replaced in place
        (same layer, style and place in the list), its options remembered for the project."""
        layer = self.doc.find(layer_id)
        if layer is None or not layer.path:
            return None
        options = {**layer.provenance.reopen, **changes}
        task = Task(_open_layer, layer.path, options)

        def done(layers) -> None:
            current = self.doc.find(layer_id)
            part = layer.provenance.part
            new = next((lyr for lyr in layers if lyr.provenance.part == part), None)
            if current is None or new is None:
                return
            current.provenance = new.provenance
            self.doc.replace_data(layer_id, new.data)

        return self.runner.submit(task, done, lambda exc: self._open_failed(layer.path, exc))

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            act = QAction(plaintext.action_text(path), menu)
            act.triggered.connect(lambda _c=False, p=path: self.open_path(p))
            menu.addAction(act)
        if not recent:
            empty = QAction(self.tr("(none)"), menu)
            empty.setEnabled(False)
            menu.addAction(empty)
        else:
            menu.addSeparator()
            clear = QAction(self.tr("Clear list"), menu)
            clear.triggered.connect(self.settings.clear_recent)
            menu.addAction(clear)

    # -- projects ---------------------------------------------------------------------------
    def save_project_dialog(self) -> None:
        try:
            from jjjmap.io.project import SUFFIX, save_project
        except ImportError:  # pragma: no cover
            return
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, self.tr("Save project"),
                                              self.settings.last_dir(),
                                              self.tr("jjjmap project (*%1)").replace("%1", SUFFIX))
        if not path:
            return
        if not path.endswith(SUFFIX):
            path += SUFFIX

        def save(_view=None):
            try:
                save_project(self.doc, path)
            except Exception as exc:  # noqa: BLE001 - ProjectFileError has the user's message
                self.feedback.error(self.tr("Could not save the project"), str(exc))
                return
            self.feedback.message(self.tr("Saved %1").replace("%1", path), 6000)

        self._with_page_view(save)

    def open_project_dialog(self) -> None:
        try:
            from jjjmap.io.project import SUFFIX
        except ImportError:  # pragma: no cover
            return
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, self.tr("Open project"),
                                              self.settings.last_dir(),
                                              self.tr("jjjmap project (*%1)").replace("%1", SUFFIX))
        if path:
            self.open_project(path)

    def _resolve_missing(self, missing: str) -> str | None:
        self.feedback.error(self.tr("Data file missing"),
                            self.tr("'%1' is missing. Please show where it is now, or cancel "
                                    "to leave that layer out.").replace("%1", missing))
        path, _ = QFileDialog.getOpenFileName(
            self.parent_widget, self.tr("Where is %1?").replace("%1", Path(missing).name),
            str(Path(missing).parent), self._filters())
        return path or None

    def open_project(self, path: str) -> Task:
        """Replace what is on the map with the project's layers, basemap and view.

        The project is checked and its layers are read on a worker, so a slow or blocking
        data path never freezes the window; a project that cannot be opened is reported and
        leaves the map exactly as it was."""
        self.feedback.message(self.tr("Opening %1…").replace("%1", Path(path).name))
        return self._read_project(path, None)

    def _read_project(self, path: str, answers: dict[str, str | None] | None,
                      passwords: dict[str, str | None] | None = None) -> Task:
        missing: list[str] = []
        wanted: list[str] = []
        task = Task(_load_project, path, answers, missing, passwords, wanted)
        return self.runner.submit(
            task, lambda doc: self._project_read(path, doc, answers, missing, passwords, wanted),
            lambda exc: self._project_failed(path, exc))

    def _project_read(self, path: str, loaded, answers, missing: list[str],
                      passwords=None, wanted=()) -> None:
        if missing and answers is None:   # ask where the moved files are, then read again
            answers = {m: self._resolve_missing(m) for m in dict.fromkeys(missing)}
            if any(answers.values()):
                self._read_project(path, answers, passwords)
                return
        if wanted and passwords is None:   # PostGIS passwords (never stored): ask, read again
            from .pgdialog import ask_password

            passwords = {c: ask_password(self.parent_widget, c) for c in dict.fromkeys(wanted)}
            if any(passwords.values()):
                self._read_project(path, answers, passwords)
                return
        self._apply_project(path, loaded)

    def _project_failed(self, path: str, exc: BaseException) -> None:
        from jjjmap.io import ProjectFileError

        self.feedback.message("")
        if not isinstance(exc, ProjectFileError):
            log.error("opening the project %s failed", path, exc_info=exc)
        self.feedback.error(self.tr("Could not open the project"), str(exc))

    def _apply_project(self, path: str, loaded) -> None:
        self.feedback.message("")
        self.replacingMap.emit()
        doc = self.doc
        # move the loaded state into the window's document, so every observer follows it
        for layer in list(doc.layers):
            doc.remove_layer(layer.id)
        doc.title = loaded.title
        doc.set_language(loaded.lang)
        doc.set_basemap(loaded.basemap)
        doc.view = loaded.view
        for layer in loaded.layers:
            doc.add_layer(layer)
        self.map.render()
        self.settings.add_recent(path)

    # -- exports ----------------------------------------------------------------------------
    def _with_page_view(self, then) -> None:
        """Record the page's current view in the document, then call ``then``."""
        if not self.map.ready:
            then(None)
            return

        def got(view):
            if view is not None:
                self.doc.view = view
            then(view)

        self.map.page_view(got)

    def export_html_dialog(self) -> None:
        """Ask where to; with hidden layers on the map, also whether to include them (what
        you see is what you export, unless the user ticks the box)."""
        title, page_filter = self.tr("Export HTML"), self.tr("Web page (*.html)")
        hidden = sum(1 for lyr in self.doc.layers if not lyr.visible)
        include_hidden = False
        if hidden:
            from .exportdialog import ask_save_path

            chosen = ask_save_path(self.parent_widget, title, self.settings.last_dir(),
                                   [page_filter],
                                   self.tr("Include the hidden layers (%1): they are in the "
                                           "page, hidden, and anyone who has the file can show "
                                           "them").replace("%1", str(hidden)))
            if chosen is None:
                return
            path, _filter, include_hidden = chosen
        else:
            path, _ = QFileDialog.getSaveFileName(self.parent_widget, title,
                                                  self.settings.last_dir(), page_filter)
        if not path:
            return
        if not path.lower().endswith((".html", ".htm")):
            path += ".html"
        from jjjmap.render.basemaps import tianditu_key

        key = tianditu_key(self.settings.tianditu_key())
        if key is not None and self._page_uses_tianditu():
            from . import dialogs

            key = key if dialogs.ask_include_tianditu_key(self.parent_widget) else ""
        else:
            key = ""   # a page on another basemap never carries the key
        self._with_page_view(lambda _v: self.export_html(path, tianditu_key=key,
                                                         include_hidden=include_hidden))

    def _page_uses_tianditu(self) -> bool:
        from jjjmap.render.basemaps import BASEMAPS

        basemap = BASEMAPS.get(self.doc.basemap)
        return basemap is not None and basemap.needs_key

    def export_html(self, path: str, tianditu_key: str = "", include_hidden: bool = False
                    ) -> bool:
        """The same page as on screen, self-contained. On this thread: the renderer's pyproj
        objects belong to it (pyproj crashes when they are used from a worker).

        The page carries a Tianditu key only when given one (the user agreed); "" keeps the
        settings' and the environment's key out of it. Hidden layers stay out of it unless
        ``include_hidden``."""
        from jjjmap.export import write_html

        self.feedback.message(self.tr("Exporting %1…").replace("%1", path))
        try:
            with self.feedback.busy():
                write_html(self.doc, path, self_contained=True, tianditu_key=tianditu_key,
                           include_hidden=include_hidden)
        except Exception as exc:  # export errors carry the user's message
            log.error("export to %s failed", path, exc_info=exc)
            self.feedback.error(self.tr("Export failed"), str(exc))
            return False
        self.feedback.message(self.tr("Exported %1").replace("%1", path), 6000)
        return True

    def export_png_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, self.tr("Export PNG"),
                                              self.settings.last_dir(),
                                              self.tr("PNG image (*.png)"))
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.export_png(path)

    def export_png(self, path: str) -> bool:
        """A picture of the map exactly as it is on screen."""
        ok = self.map.grab().save(path, "PNG")
        if ok:
            self.feedback.message(self.tr("Saved %1").replace("%1", path), 6000)
        else:
            self.feedback.error(self.tr("Export failed"),
                               self.tr("'%1' could not be written.").replace("%1", path))
        return ok
