"""The features under the last click, as the identify panel lists them (as QGIS does).

The page (resources/web/jjj-pick.js) reports every feature whose drawn geometry contains the
click, top first; the list shows them by name and layer, and choosing one selects it, so the
map, the identify panel and the attribute table show one feature at a time.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from jjjmap.model import Layer

ROLE_HIT = Qt.ItemDataRole.UserRole + 1
NAME_COLUMNS = {"en": ("name_en", "name", "name_zh", "title"),
                "zh": ("name_zh", "name", "name_en", "title")}


def feature_name(layer: Layer, row: int, lang: str = "en") -> str:
    """A feature's name for a list: its name column in ``lang``, the layer's label field,
    or "#row"."""
    gdf = layer.table
    columns = [c for c in NAME_COLUMNS.get(lang, NAME_COLUMNS["en"]) if c in gdf.columns]
    if layer.style.label_field in gdf.columns:
        columns.insert(0, layer.style.label_field)
    for column in columns:
        value = gdf[column].iloc[row]
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None and not isinstance(value, str) and value == value:
            return str(value)
    return f"#{row}"


class PickList(QListWidget):
    """One line per feature under the click; ``hitChosen`` when the user picks another."""

    hitChosen = Signal(str, int)  # noqa: N815 - layer id, row

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list[tuple[str, int]] = []
        self.setUniformItemSizes(True)
        self.currentItemChanged.connect(self._changed)
        self._filling = False
        self.hide()

    def set_hits(self, hits: list[tuple[Layer, int]], index: int, lang: str = "en") -> None:
        """Show ``hits`` (top first), ``index`` current; one hit or none: no list."""
        self._filling = True
        try:
            self.clear()
            self.hits = [(layer.id, row) for layer, row in hits]
            for layer, row in hits:
                # plain text: a QListWidgetItem never renders markup
                item = QListWidgetItem(f"{feature_name(layer, row, lang)} — {layer.title(lang)}")
                item.setData(ROLE_HIT, (layer.id, row))
                self.addItem(item)
            if 0 <= index < self.count():
                self.setCurrentRow(index)
        finally:
            self._filling = False
        if self.count():   # as tall as its lines (up to six), not a fixed box
            lines = min(self.count(), 6)
            self.setFixedHeight(lines * self.sizeHintForRow(0) + 2 * self.frameWidth() + 2)
        self.setVisible(len(self.hits) > 1)

    def mark(self, layer_id: str, row: int) -> bool:
        """Make (layer, row) current if it is listed; False (and no list) if it is not."""
        if (layer_id, row) not in self.hits:
            self.set_hits([], -1)
            return False
        self._filling = True
        try:
            self.setCurrentRow(self.hits.index((layer_id, row)))
        finally:
            self._filling = False
        return True

    def labels(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def _changed(self, current: QListWidgetItem | None, _previous=None) -> None:
        if self._filling or current is None:
            return
        layer_id, row = current.data(ROLE_HIT)
        self.hitChosen.emit(str(layer_id), int(row))
