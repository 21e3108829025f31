"""The main window: map in the centre, layer panel, attribute table and identify as docks.

It wires widgets to the MapDocument; the document is the hub, so a click on the map, a row
picked in the table and a project load all flow through ``doc`` and back out to the views.
"""
from __future__ import annotations

import logging
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMenu,
    QToolBar,
)

from jjjmap.model import Layer, MapDocument

from . import dialogs, i18n
from .attrtable import AttributeTable
from .feedback import StatusFeedback
from .files import FileActions
from .identify import IdentifyPanel
from .joindialog import JoinActions
from .layeractions import LayerActions
from .layerpanel import LayerPanel
from .mapview import MapView, Renderer, default_renderer
from .searchbox import SearchBox
from .settings import Settings
from .spatialtools import SpatialTools
from .statusbar import MapStatus
from .warmstart import BuiltinStart

log = logging.getLogger(__name__)

LAYOUT_VERSION = 2   # saveState/restoreState: 2 = layers over identify, table folded
DOCK_WIDTH = 270


def _basemaps() -> dict[str, Any]:
    try:
        from jjjmap.render.basemaps import BASEMAPS
    except ImportError:  # pragma: no cover - render not installed
        return {}
    return dict(BASEMAPS)


class MainWindow(QMainWindow):
    mapReady = Signal()  # noqa: N815 - every time the page says it has drawn

    def __init__(self, doc: MapDocument | None = None, *, renderer: Renderer | None = None,
                 settings: Settings | None = None, sectors: dict | None = None,
                 started_at: float | None = None, restore: bool = True, warm: bool = False):
        """``doc`` None: the built-in map, read before the window shows, or with ``warm``
        read on a worker while the window shows (the page the last start stored, if any:
        ui.warmstart)."""
        super().__init__()
        self.started_at = started_at if started_at is not None else time.perf_counter()
        self.startup_seconds: float | None = None
        self.settings = settings or Settings()
        self.restored_view = False   # the view remembered from the last run is the doc's
        self.builtin: BuiltinStart | None = None
        from jjjmap import catalog

        builtin_start = doc is None and warm
        if builtin_start:
            doc = MapDocument(title=catalog.TITLE, lang=i18n.current_language())
        elif doc is None:
            doc = catalog.default_document()
        if sectors is None:
            try:
                from jjjmap.catalog import SECTORS as sectors
            except ImportError:  # pragma: no cover
                sectors = {}
        self.doc = doc
        self.quiet_errors = False
        self.errors: list[tuple[str, str]] = []
        self.remember = restore  # a screenshot run neither reads nor writes the settings
        if restore:
            self._restore_map_state()
        i18n.set_language(doc.lang)   # the window speaks the map's language
        if renderer is None:
            def renderer(d: MapDocument) -> str:
                return default_renderer(d, tianditu_key=self.settings.tianditu_key())

        self.setAcceptDrops(True)
        # deleting the window deletes its web page before the shared web profile goes
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.map = MapView(doc, renderer, self)
        if builtin_start:
            # renders wait for the built-in layers
            self.builtin = BuiltinStart(
                self.map, tianditu_key=self.tianditu_key, restored_view=self.restored_view,
                started_at=self.started_at, parent=self,
                busy=lambda on: self.progress.setVisible(on or bool(self.files.runner.active)),
                adopted=lambda: self.table.set_layer(self._layer(self.layers.current_layer_id())),
                error=self.report_error)
        self.map.setAcceptDrops(False)  # dropped files go to the window, not the browser
        self.setCentralWidget(self.map)

        self.layers = LayerPanel(doc, sectors, self)
        self.table = AttributeTable(self)
        self.identify = IdentifyPanel(self)
        self.layers_dock = self._dock("layers", self.layers, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.table_dock = self._dock("attributes", self.table,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.identify_dock = self._dock("identify", self.identify,
                                        Qt.DockWidgetArea.LeftDockWidgetArea)
        self._build_status_bar()
        self.feedback = StatusFeedback(self.statusBar(), self.progress, self.cancel_button,
                                       self.report_error, lambda: self.quiet_errors)
        self.recent_menu = QMenu(self)   # File > Open recent, filled by FileActions
        self.files = FileActions(doc, self.settings, self.feedback, self.map, self.layers,
                                 self.recent_menu, self)
        self.files.replacingMap.connect(self.give_up_builtin)
        self._build_actions()
        self.retranslate_ui()
        self._connect()
        self.layer_menu = QMenu(self)   # Layer: Style…, Export layer data… (LayerActions)
        self.menuBar().insertMenu(self.help_menu.menuAction(), self.layer_menu)
        self.layer_actions = LayerActions(self.doc, self.settings, self.feedback, self.layers,
                                          self.files.runner, self.layer_menu, self)
        self._toolbar_after(self.zoom_selection_action, self.layer_actions.style_action)
        self.analysis_menu = QMenu(self)   # rings, select by location, measure (SpatialTools)
        self.menuBar().insertMenu(self.help_menu.menuAction(), self.analysis_menu)
        self.spatial = SpatialTools(
            self.doc, self.settings, self.feedback, layers=self.layers, table=self.table,
            map_view=self.map, runner=self.files.runner, cursor=lambda: self.status.cursor,
            menu=self.analysis_menu, parent=self)
        self.join_actions = JoinActions(   # Layer menu: Join table…, Count points…
            self.doc, self.settings, self.feedback, self.layers, self.files.runner,
            self.files.task_progress, self.layer_menu, self)
        self.files.unreadable_handlers.append(self.join_actions.offer_join)
        self.layer_actions.menu.addSeparator()
        self.layer_actions.menu.addAction(self.add_postgis_action)
        self.resize(1280, 800)
        self._default_layout()
        if restore:
            if (geometry := self.settings.geometry()) is not None:
                self.restoreGeometry(geometry)
            if (state := self.settings.state()) is not None:
                # a layout saved by an older version (other docks) is not restored
                self.restoreState(state, LAYOUT_VERSION)
        self.table.set_layer(self._layer(self.layers.current_layer_id()))
        # on the first turn of the event loop: the window shows before the map is built
        QTimer.singleShot(0, self, self.builtin.begin if self.builtin else self.map.render)

    # -- construction -----------------------------------------------------------------------
    def _dock(self, name: str, widget, area) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _default_layout(self) -> None:
        """The map gets most of the window (at least 60% at 1280x800, as in QGIS): layers
        above identify in one left column, the attribute table folded at the bottom until a
        layer's table is asked for (it then spans the map only, not the left column)."""
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.splitDockWidget(self.layers_dock, self.identify_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.layers_dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        self.resizeDocks([self.layers_dock, self.identify_dock], [420, 260],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.table_dock], [220], Qt.Orientation.Vertical)
        self.table_dock.hide()

    def _build_status_bar(self) -> None:
        self.status = MapStatus(self, lambda: self.map.page_basemap, lambda: self.files.cancel())
        st = self.status
        self.coord_label, self.zoom_label = st.coord_label, st.zoom_label
        self.progress, self.cancel_button = st.progress, st.cancel_button

    def _toolbar_after(self, before: QAction, action: QAction) -> None:
        acts = self.toolbar.actions()
        after = acts.index(before) + 1 if before in acts else len(acts)
        if after < len(acts):
            self.toolbar.insertAction(acts[after], action)
        else:
            self.toolbar.addAction(action)

    def _action(self, slot, shortcut=None) -> QAction:
        action = QAction(self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _build_actions(self) -> None:
        f = self.files
        self.open_action = self._action(f.open_layer_dialog, QKeySequence.StandardKey.Open)
        self.open_project_action = self._action(f.open_project_dialog)
        self.save_project_action = self._action(f.save_project_dialog,
                                                QKeySequence.StandardKey.Save)
        self.export_html_action = self._action(f.export_html_dialog)
        self.export_png_action = self._action(f.export_png_dialog)
        self.print_action = self._action(self.show_print_layout, QKeySequence.StandardKey.Print)
        self.quit_action = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.zoom_selection_action = self._action(self.zoom_to_selection, "Ctrl+J")
        self.zoom_layer_action = self._action(self._zoom_current)
        self.find_action = self._action(self._focus_search, QKeySequence.StandardKey.Find)
        self.about_action = self._action(lambda: dialogs.show_about(self))
        from . import pgdialog
        self.add_postgis_action = self._action(lambda: pgdialog.add_postgis_layer(self.files,
                                                                                  self))

        menu = self.file_menu = self.menuBar().addMenu("")
        menu.addAction(self.open_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.open_project_action)
        menu.addAction(self.save_project_action)
        menu.addSeparator()
        menu.addAction(self.export_html_action)
        menu.addAction(self.export_png_action)
        menu.addAction(self.print_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)

        view = self.view_menu = self.menuBar().addMenu("")
        view.addAction(self.zoom_selection_action)
        view.addAction(self.zoom_layer_action)
        view.addAction(self.find_action)
        self.basemap_menu = view.addMenu("")
        self.basemap_group = QActionGroup(self)
        for name in _basemaps():
            act = QAction(self, checkable=True)
            act.setData(name)
            act.setChecked(name == self.doc.basemap)
            act.triggered.connect(lambda _c=False, n=name: self.choose_basemap(n))
            self.basemap_group.addAction(act)
            self.basemap_menu.addAction(act)
        self.lang_menu = view.addMenu("")
        self.lang_group = QActionGroup(self)
        for code, label in (("en", "English"), ("zh", "中文")):   # each in its own language
            act = QAction(label, self, checkable=True)
            act.setData(code)
            act.setChecked(code == self.doc.lang)
            act.triggered.connect(lambda _c=False, c=code: self.set_language(c))
            self.lang_group.addAction(act)
            self.lang_menu.addAction(act)
        view.addSeparator()
        for dock in (self.layers_dock, self.table_dock, self.identify_dock):
            view.addAction(dock.toggleViewAction())

        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.about_action)

        bar = self.toolbar = QToolBar(self)
        bar.setObjectName("toolbar-main")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.open_action, self.export_html_action, self.export_png_action,
                    self.zoom_selection_action):
            bar.addAction(act)
        bar.addSeparator()
        self.search = SearchBox(self.doc, bar)
        self.search.setObjectName("search")
        self.search.featureChosen.connect(self.go_to_feature)
        bar.addWidget(self.search)
        self.addToolBar(bar)

    def retranslate_ui(self) -> None:
        """Every text of the window, in the current language (at start and on LanguageChange)."""
        self.setWindowTitle(self.tr("jjjmap — Jing-Jin-Ji explorer"))
        self.layers_dock.setWindowTitle(self.tr("Layers"))
        self.table_dock.setWindowTitle(self.tr("Attributes"))
        self.identify_dock.setWindowTitle(self.tr("Identify"))
        for action, text, tip in (
                (self.open_action, self.tr("&Open layer…"), self.tr("Add a data file as a layer")),
                (self.open_project_action, self.tr("Open &project…"), ""),
                (self.save_project_action, self.tr("&Save project as…"), ""),
                (self.export_html_action, self.tr("Export &HTML…"),
                 self.tr("Save the map as a web page")),
                (self.export_png_action, self.tr("Export P&NG…"),
                 self.tr("Save a picture of the current view")),
                (self.print_action, self.tr("P&rint layout…"),
                 self.tr("A page with title, legend, scale bar and credits, as PDF or PNG")),
                (self.quit_action, self.tr("&Quit"), ""),
                (self.zoom_selection_action, self.tr("&Zoom to selection"), ""),
                (self.zoom_layer_action, self.tr("Zoom to &layer"), ""),
                (self.find_action, self.tr("&Find place…"),
                 self.tr("Search features by Chinese name, English name or pinyin")),
                (self.about_action, self.tr("&About jjjmap"), ""),
                (self.add_postgis_action, self.tr("Add &PostGIS layer…"),
                 self.tr("A table, view or query of a PostgreSQL/PostGIS database"))):
            action.setText(text)
            action.setStatusTip(tip)
        self.file_menu.setTitle(self.tr("&File"))
        self.recent_menu.setTitle(self.tr("Open &recent"))
        self.view_menu.setTitle(self.tr("&View"))
        self.basemap_menu.setTitle(self.tr("&Basemap"))
        self.lang_menu.setTitle(self.tr("&Language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.toolbar.setWindowTitle(self.tr("Main toolbar"))
        basemaps = _basemaps()
        for act in self.basemap_group.actions():
            if act.data() in basemaps:
                act.setText(basemaps[act.data()].title(self.doc.lang))

    def _connect(self) -> None:
        self.map.featureClicked.connect(self.on_feature_clicked)
        self.map.featuresPicked.connect(self.on_features_picked)
        self.identify.hits.hitChosen.connect(self.on_feature_clicked)
        self.map.mouseMoved.connect(self.status.show_cursor)
        self.map.viewChanged.connect(lambda _la, _lo, z: self.status.show_zoom(z))
        self.map.mapReady.connect(self._on_map_ready)
        self.map.renderFailed.connect(
            lambda msg: self.report_error(self.tr("The map could not be drawn"), msg))
        self.layers.currentLayerChanged.connect(
            lambda layer_id: self.table.set_layer(self._layer(layer_id)))
        self.layers.zoomToLayer.connect(self.zoom_to_layer)
        self.layers.chooseEncoding.connect(self.files.choose_encoding)
        self.layers.showTable.connect(lambda _id: (self.table_dock.show(),
                                                   self.table_dock.raise_()))
        self.layers.model.sectorFilterChanged.connect(self.map.set_sector_filter)
        self.table.rowsSelected.connect(self.doc.select)
        self.table.view.doubleClicked.connect(lambda _index: self.zoom_to_selection())
        self._unsubscribe = self._observe(self.doc)
        from . import pglayers
        pglayers.connect(self.map.pg_events, self.doc, self.feedback, self.layers, self.identify)

    # -- the built-in layers at start (ui.warmstart) ----------------------------------------
    @property
    def loading_builtin(self) -> bool:
        """The built-in layers of a ``warm`` start are still being read."""
        return self.builtin is not None and self.builtin.loading

    @property
    def layers_seconds(self) -> float | None:
        """Seconds from process start to the built-in layers in the document."""
        return self.builtin.layers_seconds if self.builtin is not None else None

    def give_up_builtin(self) -> None:
        """The map is being replaced (a project): the start's layers are not wanted."""
        if self.builtin is not None:
            self.builtin.give_up()

    # -- map -> window ----------------------------------------------------------------------
    def _on_map_ready(self) -> None:
        if self.builtin is not None:
            self.builtin.page_drawn()
        if self.startup_seconds is None:
            self.startup_seconds = time.perf_counter() - self.started_at
            log.info("map drawn %.2f s after start", self.startup_seconds)
            self.statusBar().showMessage(
                self.tr("Map ready in %1 s").replace("%1", f"{self.startup_seconds:.2f}"), 8000)
        self.status.show_zoom(self.doc.view.zoom)
        self.mapReady.emit()

    def on_feature_clicked(self, layer_id: str, row: int) -> None:
        if self._layer(layer_id) is None:
            return
        self.layers.set_current(layer_id)
        self.doc.select(layer_id, [row])

    def on_features_picked(self, hits: list, index: int) -> None:
        """Every feature under a click, top first (the page's pick): the identify panel
        lists them, the chosen one is the selection."""
        found = [(layer, int(row)) for layer_id, row in hits
                 if (layer := self._layer(layer_id)) is not None]
        if not found:
            return
        chosen = hits[index] if 0 <= index < len(hits) else hits[0]
        index = next((i for i, (lyr, r) in enumerate(found)
                      if (lyr.id, r) == (chosen[0], int(chosen[1]))), 0)
        self.identify.show_hits(found, index, self.doc.lang)
        layer, row = found[index]
        if self.doc.selection == (layer.id, (row,)):   # no event: show it again here
            self.identify.show_feature(layer, row, self.doc.lang)
        self.on_feature_clicked(layer.id, row)

    # -- document -> window -----------------------------------------------------------------
    def _observe(self, doc):
        return doc.events.observe(
            selection_changed=self._on_selection_changed, layer_removed=self._on_layer_removed,
            layer_changed=self._on_layer_changed, basemap_changed=self._on_basemap_changed,
            language_changed=self._on_language_changed)

    def _on_selection_changed(self, layer_id: str | None, rows) -> None:
        layer = self._layer(layer_id)
        if layer is None:
            self.identify.clear()
            return
        if self.table.layer is not layer:
            self.table.set_layer(layer)
        if self.table.selected_rows() != sorted(rows):  # not an echo of the table's own
            self.table.select_rows(rows)
        if rows:
            self.identify.show_feature(layer, rows[0], self.doc.lang)

    def _on_layer_removed(self, layer) -> None:
        if self.table.layer is layer:
            self.table.set_layer(self._layer(self.layers.current_layer_id()))
        if self.identify.layer_id == layer.id:
            self.identify.clear()

    def _on_layer_changed(self, layer, what: str) -> None:
        if what in ("data", "table") and self.table.layer is layer:
            self.table.model.set_layer(layer)

    def _on_basemap_changed(self, name: str) -> None:
        for act in self.basemap_group.actions():
            act.setChecked(act.data() == name)

    def _on_language_changed(self, lang: str) -> None:
        i18n.set_language(lang)   # Qt then sends LanguageChange: see changeEvent
        self.retranslate_ui()
        for act in self.lang_group.actions():
            act.setChecked(act.data() == lang)
        shown = self._layer(self.identify.layer_id)
        if shown is not None:
            self.identify.show_feature(shown, self.identify.row, lang)

    def show_print_layout(self):
        from .printdialog import show_print_dialog

        return show_print_dialog(self.doc, self.map, self.settings, self.feedback, self)

    def report_error(self, title: str, text: str) -> None:
        """A message box, or stderr for an unattended run (``quiet_errors``, e.g. screenshots)."""
        if self.quiet_errors:
            print(f"jjjmap: {title}: {text}", file=sys.stderr)
            self.errors.append((title, text))
        else:
            dialogs.show_error(self, title, text)

    def _layer(self, layer_id: str | None) -> Layer | None:
        return self.doc.find(layer_id)

    # -- actions ----------------------------------------------------------------------------
    def set_language(self, code: str) -> None:
        """Interface and map in ``code`` ("en" | "zh"); the map re-renders keeping its view."""
        self.doc.set_language(code)
        if self.remember:
            self.settings.save_language(code)

    def tianditu_key(self) -> str | None:
        from jjjmap.render.basemaps import tianditu_key

        return tianditu_key(self.settings.tianditu_key())

    def choose_basemap(self, name: str) -> None:
        """Switch basemaps; Tianditu without a key first asks for one (rather than no tiles)."""
        basemap = _basemaps().get(name)
        if basemap is not None and basemap.needs_key and self.tianditu_key() is None:
            key = dialogs.ask_tianditu_key(self)
            if not key:   # cancelled: the menu shows the basemap still on the map
                for act in self.basemap_group.actions():
                    act.setChecked(act.data() == self.doc.basemap)
                return
            self.settings.save_tianditu_key(key)
            self.doc.set_basemap(name)
            self.map.schedule_render()   # the page was built without the key
            return
        self.doc.set_basemap(name)

    def go_to_feature(self, layer_id: str, row: int) -> None:
        """A search hit: show its layer, select the feature and zoom to it."""
        if self._layer(layer_id) is None:
            return
        self.doc.set_visible(layer_id, True)
        self.layers.set_current(layer_id)
        self.doc.select(layer_id, [row])
        self.map.zoom_to(layer_id, [row])

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def zoom_to_selection(self) -> None:
        layer_id, rows = self.doc.selection
        if layer_id is not None and rows:
            self.map.zoom_to(layer_id, list(rows))
        else:
            self.statusBar().showMessage(self.tr("Nothing is selected."), 4000)

    def zoom_to_layer(self, layer_id: str) -> None:
        layer = self._layer(layer_id)
        if layer is not None:
            self.map.zoom_to(layer_id, [])  # no rows: the whole layer

    def _zoom_current(self) -> None:
        if self.layers.current_layer_id():
            self.zoom_to_layer(self.layers.current_layer_id())

    def _restore_map_state(self) -> None:
        view = self.settings.last_view()
        if view is not None:
            self.doc.view = type(self.doc.view)(*view)
            self.restored_view = True
        basemap = self.settings.basemap()
        if basemap and basemap in _basemaps():
            self.doc.basemap = basemap  # before the first render: no event needed

    # -- drag and drop files ----------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.files.open_path(url.toLocalFile())
        event.acceptProposedAction()

    # -- closing ----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.files.cancel()
        if self.remember:
            self.settings.save_window(self.saveGeometry(), self.saveState(LAYOUT_VERSION))
            view = self.doc.view
            self.settings.save_view(view.lat, view.lon, view.zoom)
            self.settings.save_basemap(self.doc.basemap)
            self.settings.sync()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Detach from the document (also for tests that drop a window without closing it)."""
        self.files.runner.cancel_all()
        if self.builtin is not None:
            self.builtin.shutdown()
        self.search.detach()
        self.map.shutdown()
        self.layers.model.detach()
        self._unsubscribe()  # idempotent

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
