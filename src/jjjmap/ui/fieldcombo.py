"""Field lists in combo boxes: a built-in field by its display name (jjjmap.fieldnames), its
raw column name as the item's data and tooltip; any other field by its own name."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from jjjmap import fieldnames

from . import plaintext


def add_field(combo: QComboBox, layer, field: str, lang: str) -> None:
    combo.addItem(fieldnames.field_label(layer, field, lang), field)
    combo.setItemData(combo.count() - 1, plaintext.tooltip(field), Qt.ItemDataRole.ToolTipRole)
