"""Identify panel: every attribute of the feature last clicked or selected."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from jjjmap.model import Layer

from .attrtable import format_value


class IdentifyPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        self.layer_id: str | None = None
        self.row: int | None = None
        self.clear()

    def clear(self) -> None:
        self.layer_id, self.row = None, None
        self.tree.clear()
        self.title.setText(self.tr("Click a feature on the map to see its attributes."))

    def show_feature(self, layer: Layer, row: int, lang: str = "en") -> None:
        gdf = layer.gdf
        if not 0 <= row < len(gdf):
            self.clear()
            return
        self.layer_id, self.row = layer.id, row
        self.title.setText(self.tr("%1 — feature %2").replace("%1", layer.title(lang))
                           .replace("%2", str(row)))
        self.tree.clear()
        record = gdf.iloc[row]
        geom_name = gdf.geometry.name
        items = []
        for column in gdf.columns:
            if column == geom_name:
                continue
            items.append(QTreeWidgetItem([str(column), format_value(record[column])]))
        geom = record[geom_name]
        items.append(QTreeWidgetItem([self.tr("(geometry)"),
                                      "" if geom is None else geom.geom_type]))
        for label, value in ((self.tr("(precision)"), layer.precision),
                             (self.tr("(source)"), layer.source or layer.path or ""),
                             (self.tr("(licence)"), layer.licence)):
            if value:
                items.append(QTreeWidgetItem([label, str(value)]))
        for item in items:
            item.setToolTip(1, item.text(1))
        self.tree.addTopLevelItems(items)
        self.tree.resizeColumnToContents(0)
