"""Layer panel: the document's layers by group, with visibility, order, opacity and filters.

The tree model observes the MapDocument and is rebuilt from it; every edit goes to the
document, never to the items, so the panel cannot drift from what is drawn.
"""
from __future__ import annotations

import contextlib

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from jjjmap.model import Layer, MapDocument

from . import plaintext

MIME = "application/x-jjjmap-layer-id"
ROLE_LAYER = Qt.ItemDataRole.UserRole + 1
ROLE_GROUP = Qt.ItemDataRole.UserRole + 2
ROLE_SECTOR = Qt.ItemDataRole.UserRole + 3
SECTOR_COLUMN = "sector"


def group_title(group: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "boundaries": QCoreApplication.translate("LayerPanel", "Boundaries"),
        "sectors": QCoreApplication.translate("LayerPanel", "Sectors"),
        "relocations": QCoreApplication.translate("LayerPanel", "Relocations"),
        "custom": QCoreApplication.translate("LayerPanel", "My layers"),
    }.get(group, group)


def drawing_runs(layers) -> list[tuple[str, list[Layer]]]:
    """The layers top first (the top of the list is drawn on top, as in QGIS), as runs of
    one group: a group whose layers the user has interleaved with another's shows once per
    run, so the panel never lists an order the map does not draw. "My layers" shows even
    when empty (at the top, where a new layer goes)."""
    runs: list[tuple[str, list[Layer]]] = []
    for layer in reversed(layers):
        if runs and runs[-1][0] == layer.group:
            runs[-1][1].append(layer)
        else:
            runs.append((layer.group, [layer]))
    if not any(group == "custom" for group, _ in runs):
        runs.insert(0, ("custom", []))
    return runs


class LayerTreeModel(QStandardItemModel):
    """Groups > layers (top of the map first) > sector filters of a clusters layer; the
    list's order is the drawing order, groups included."""

    sectorFilterChanged = Signal(str, str, object)  # noqa: N815 - layer id, column, keys|None
    rebuilt = Signal()

    def __init__(self, doc: MapDocument, sectors: dict[str, dict[str, str]] | None = None,
                 parent=None):
        super().__init__(parent)
        self.doc = doc
        self.sectors = sectors or {}
        self._building = False
        self.itemChanged.connect(self._on_item_changed)
        self._unsubscribe = self._observe(doc)
        self.rebuild()

    # -- building ---------------------------------------------------------------------------
    def layer_label(self, layer: Layer) -> str:
        if layer.kind == "postgis":   # its rows stay in the database: say what is in view
            from .pglayers import status_text
            return f"{layer.title(self.doc.lang)} ({status_text(layer)})"
        total = layer.feature_count
        shown = layer.shown_count if layer.filter else total
        count = f"{shown}/{total}" if shown != total else str(total)
        return f"{layer.title(self.doc.lang)} ({count})"

    def rebuild(self) -> None:
        self._building = True
        try:
            self.clear()
            root = self.invisibleRootItem()
            bold = QFont()
            bold.setBold(True)
            for group, members in drawing_runs(self.doc.layers):
                g = QStandardItem(group_title(group))
                g.setFont(bold)
                g.setData(group, ROLE_GROUP)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled
                if members:   # a group drags as a whole
                    flags |= Qt.ItemFlag.ItemIsDragEnabled
                g.setFlags(flags)
                for layer in members:
                    g.appendRow(self._layer_item(layer))
                root.appendRow(g)
        finally:
            self._building = False
        self.rebuilt.emit()

    def _layer_item(self, layer: Layer) -> QStandardItem:
        item = QStandardItem(self.layer_label(layer))
        item.setData(layer.id, ROLE_LAYER)
        item.setToolTip(plaintext.tooltip(layer.source or layer.path or ""))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                      | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled
                      | Qt.ItemFlag.ItemIsDropEnabled)
        item.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
        if layer.kind == "clusters" and self.sectors and SECTOR_COLUMN in layer.table.columns:
            allowed = layer.filter.get(SECTOR_COLUMN)
            counts = layer.table[SECTOR_COLUMN].value_counts()
            for key, names in self.sectors.items():
                name = names.get(self.doc.lang) or names.get("en") or key
                child = QStandardItem(f"{name} ({int(counts.get(key, 0))})")
                child.setData(key, ROLE_SECTOR)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                               | Qt.ItemFlag.ItemIsSelectable)
                on = allowed is None or key in allowed
                child.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                item.appendRow(child)
        return item

    def layer_index(self, layer_id: str) -> QModelIndex:
        for g in range(self.rowCount()):
            group = self.item(g)
            for r in range(group.rowCount()):
                if group.child(r).data(ROLE_LAYER) == layer_id:
                    return group.child(r).index()
        return QModelIndex()

    # -- document -> items ------------------------------------------------------------------
    def _observe(self, doc: MapDocument):
        rebuild = self._rebuild_on   # the list, the order or the names changed
        return doc.events.observe(layer_added=rebuild, layer_removed=rebuild,
                                  layers_reordered=rebuild, language_changed=rebuild,
                                  layer_changed=self._on_layer_changed)

    def _rebuild_on(self, *_payload) -> None:
        self.rebuild()

    @contextlib.contextmanager
    def _edit(self, layer: Layer):
        """The layer's item (None when it is not in the tree) to edit; Qt's itemChanged for
        our own edit is not the user's."""
        index = self.layer_index(layer.id)
        if not index.isValid():
            yield None
            return
        self._building = True
        try:
            yield self.itemFromIndex(index)
        finally:
            self._building = False

    def _on_layer_changed(self, layer: Layer, what: str) -> None:
        with self._edit(layer) as item:
            if item is None:
                return
            if what == "visible":
                item.setCheckState(Qt.CheckState.Checked if layer.visible
                                   else Qt.CheckState.Unchecked)
            elif what in ("filter", "data"):
                item.setText(self.layer_label(layer))

    def relabel(self, layer: Layer, tooltip: str | None = None) -> None:
        """Show ``layer``'s label again (a status after its title changed) and, if given, a
        new tooltip (plain text: ``tooltip`` may quote a server's message)."""
        with self._edit(layer) as item:
            if item is None:
                return
            item.setText(self.layer_label(layer))
            if tooltip is not None:
                item.setToolTip(plaintext.tooltip(tooltip))

    def detach(self) -> None:
        self._unsubscribe()  # idempotent

    # -- items -> document ------------------------------------------------------------------
    def _on_item_changed(self, item: QStandardItem) -> None:
        if self._building:
            return
        layer_id = item.data(ROLE_LAYER)
        if layer_id is not None:
            self.doc.set_visible(layer_id, item.checkState() == Qt.CheckState.Checked)
            return
        if item.data(ROLE_SECTOR) is not None and item.parent() is not None:
            parent = item.parent()
            keys = [parent.child(r).data(ROLE_SECTOR) for r in range(parent.rowCount())
                    if parent.child(r).checkState() == Qt.CheckState.Checked]
            allowed = None if len(keys) == parent.rowCount() else keys
            self.sectorFilterChanged.emit(parent.data(ROLE_LAYER), SECTOR_COLUMN, allowed)

    # -- drag and drop: reorder layers in the document --------------------------------------
    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self):  # noqa: N802
        return [MIME]

    def mimeData(self, indexes):  # noqa: N802
        """A layer's id, or a group's layer ids (top first), one per line."""
        ids: list[str] = []
        for index in indexes:
            if index.data(ROLE_LAYER):
                ids = [index.data(ROLE_LAYER)]
                break
            if index.data(ROLE_GROUP) and not index.parent().isValid():
                group = self.itemFromIndex(index)
                ids = [group.child(r).data(ROLE_LAYER) for r in range(group.rowCount())]
                break
        if not ids:
            return None
        mime = QMimeData()
        mime.setData(MIME, QByteArray("\n".join(ids).encode()))
        return mime

    def canDropMimeData(self, data, action, row, column, parent):  # noqa: N802
        return data.hasFormat(MIME) and parent.data(ROLE_SECTOR) is None \
            and (not parent.isValid() or parent.parent().data(ROLE_LAYER) is None)

    def _drop_target(self, row: int, parent: QModelIndex) -> tuple[str | None, bool]:
        """(layer, above) the drop puts the dragged layers next to."""
        if parent.data(ROLE_LAYER) is not None:   # onto a layer: just above it
            return parent.data(ROLE_LAYER), True
        if parent.isValid():   # onto a group, or between its layers
            group = self.itemFromIndex(parent)
            if group.rowCount() == 0:
                return None, True
            if row < 0:   # onto the group's title: at its top
                return group.child(0).data(ROLE_LAYER), True
            if row < group.rowCount():
                return group.child(row).data(ROLE_LAYER), True
            return group.child(group.rowCount() - 1).data(ROLE_LAYER), False
        # between groups: above the first layer of the group below, or at the very bottom
        groups = [self.item(g) for g in range(self.rowCount())]
        below = [g for g in groups[max(row, 0):] if g.rowCount()] if row >= 0 else []
        if below:
            return below[0].child(0).data(ROLE_LAYER), True
        filled = [g for g in groups if g.rowCount()]
        if not filled:
            return None, True
        last = filled[-1]
        return last.child(last.rowCount() - 1).data(ROLE_LAYER), False

    def dropMimeData(self, data, action, row, column, parent) -> bool:  # noqa: N802
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        moving = [m for m in bytes(data.data(MIME).data()).decode().split("\n") if m]
        target, above = self._drop_target(row, parent)
        if target is None or target in moving:
            return False
        # moved after the drop event, not inside it: the rebuild deletes the dragged item
        QTimer.singleShot(0, lambda: self.move_block(moving, target, above))
        return False  # the view must not remove the dragged row; the rebuild redraws it

    def move_relative(self, moving: str, target: str, above: bool) -> None:
        """Put layer ``moving`` just above (or below) ``target`` in drawing order."""
        self.move_block([moving], target, above)

    def move_block(self, moving: list[str], target: str, above: bool) -> None:
        """Put the layers ``moving`` (keeping their order) just above (or below) ``target``
        in drawing order; the page restacks its panes live (jjj.setOrder)."""
        ids = [lyr.id for lyr in self.doc.layers]
        block = [i for i in ids if i in moving]
        rest = [i for i in ids if i not in moving]
        if target not in rest or not block:
            return
        at = rest.index(target) + (1 if above else 0)
        wanted = rest[:at] + block + rest[at:]
        for index, layer_id in enumerate(wanted):   # one move per layer out of place
            if [lyr.id for lyr in self.doc.layers].index(layer_id) != index:
                self.doc.move_layer(layer_id, index)


class LayerPanel(QWidget):
    currentLayerChanged = Signal(object)  # noqa: N815 - layer id or None
    zoomToLayer = Signal(str)  # noqa: N815
    showTable = Signal(str)  # noqa: N815
    editStyle = Signal(str)  # noqa: N815 - double-click or "Style…"
    exportData = Signal(str)  # noqa: N815
    chooseEncoding = Signal(str)  # noqa: N815 - "Text encoding…" of a user's layer

    def __init__(self, doc: MapDocument, sectors=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.model = LayerTreeModel(doc, sectors, self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.doubleClicked.connect(self._double_clicked)

        self.opacity_label = QLabel(self)
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setRange(0, 100)
        self.opacity.valueChanged.connect(self._opacity_moved)
        self.zoom_button = QToolButton(self)
        self.zoom_button.clicked.connect(self._zoom_current)
        self.remove_button = QToolButton(self)
        self.remove_button.clicked.connect(self.remove_current)
        self.remove_action = QAction(self.tree)
        self.remove_action.setShortcuts([QKeySequence.StandardKey.Delete])
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self.remove_current)
        self.tree.addAction(self.remove_action)
        self.retranslate()

        row = QHBoxLayout()
        row.addWidget(self.opacity_label)
        row.addWidget(self.opacity, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.zoom_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addLayout(buttons)

        self._current: str | None = None
        self.model.rebuilt.connect(self._after_rebuild)
        self.tree.selectionModel().currentChanged.connect(self._on_current)
        self._after_rebuild()

    # -- current layer ----------------------------------------------------------------------
    def current_layer_id(self) -> str | None:
        return self._current

    def set_current(self, layer_id: str | None) -> None:
        index = self.model.layer_index(layer_id) if layer_id else QModelIndex()
        if index.isValid():
            self.tree.setCurrentIndex(index)
        else:
            self._set_current(None)

    def _on_current(self, current: QModelIndex, _previous=None) -> None:
        layer_id = current.data(ROLE_LAYER) if current.isValid() else None
        if layer_id is None and current.isValid() and current.parent().isValid():
            layer_id = current.parent().data(ROLE_LAYER)  # a sector row: its layer
        if layer_id is not None:
            self._set_current(layer_id)

    def _set_current(self, layer_id: str | None) -> None:
        changed = layer_id != self._current
        self._current = layer_id
        layer = self._layer(layer_id)
        self.opacity.blockSignals(True)
        self.opacity.setValue(round(100 * layer.opacity) if layer else 100)
        self.opacity.blockSignals(False)
        for w in (self.opacity, self.zoom_button):
            w.setEnabled(layer is not None)
        self.remove_button.setEnabled(layer is not None and layer.group == "custom")
        if changed:
            self.currentLayerChanged.emit(layer_id)

    def _after_rebuild(self) -> None:
        self.tree.expandAll()
        for g in range(self.model.rowCount()):  # sector lists start folded
            group = self.model.item(g)
            for r in range(group.rowCount()):
                if group.child(r).rowCount():
                    self.tree.collapse(group.child(r).index())
        keep = self._current if self._layer(self._current) else None
        if keep is None and self.doc.layers:
            keep = self.doc.layers[-1].id
        index = self.model.layer_index(keep) if keep else QModelIndex()
        if index.isValid():
            self.tree.selectionModel().setCurrentIndex(
                index, self.tree.selectionModel().SelectionFlag.ClearAndSelect)
        self._set_current(keep)

    def _layer(self, layer_id: str | None) -> Layer | None:
        return self.doc.find(layer_id)

    # -- actions ----------------------------------------------------------------------------
    def _opacity_moved(self, value: int) -> None:
        if self._layer(self._current):
            self.doc.set_opacity(self._current, value / 100.0)

    def _zoom_current(self) -> None:
        if self._layer(self._current):
            self.zoomToLayer.emit(self._current)

    def retranslate(self) -> None:
        self.opacity_label.setText(self.tr("Opacity"))
        self.opacity.setToolTip(self.tr("Opacity of the current layer"))
        self.zoom_button.setText(self.tr("Zoom to layer"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the current layer (your own layers only)"))
        self.remove_action.setText(self.tr("Remove layer"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            current = self.current_layer_id()
            self.model.rebuild()   # group titles
            if current is not None:
                self.set_current(current)
        super().changeEvent(event)

    def remove_current(self) -> None:
        layer = self._layer(self._current)
        if layer is not None and layer.group == "custom":
            self.doc.remove_layer(layer.id)

    def _double_clicked(self, index: QModelIndex) -> None:
        layer_id = index.data(ROLE_LAYER) if index.isValid() else None
        if self._layer(layer_id) is not None:
            self.editStyle.emit(layer_id)

    def _context_menu(self, pos) -> None:
        index = self.tree.indexAt(pos)
        layer = self._layer(index.data(ROLE_LAYER) if index.isValid() else None)
        if layer is None:
            return
        self.set_current(layer.id)
        menu = QMenu(self)
        zoom = QAction(self.tr("Zoom to layer"), menu)
        zoom.triggered.connect(lambda: self.zoomToLayer.emit(layer.id))
        table = QAction(self.tr("Open attribute table"), menu)
        table.triggered.connect(lambda: self.showTable.emit(layer.id))
        menu.addAction(zoom)
        menu.addAction(table)
        style = QAction(self.tr("Style…"), menu)
        style.triggered.connect(lambda: self.editStyle.emit(layer.id))
        export = QAction(self.tr("Export layer data…"), menu)
        export.triggered.connect(lambda: self.exportData.emit(layer.id))
        menu.addAction(style)
        menu.addAction(export)
        if layer.group == "custom" and layer.provenance.format in ("shapefile", "csv"):
            encoding = QAction(self.tr("Text encoding…"), menu)
            encoding.triggered.connect(lambda: self.chooseEncoding.emit(layer.id))
            menu.addAction(encoding)
        if layer.group == "custom":
            remove = QAction(self.tr("Remove layer"), menu)
            remove.triggered.connect(lambda: self.doc.remove_layer(layer.id))
            menu.addAction(remove)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
