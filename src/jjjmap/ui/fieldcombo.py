"""Field lists in combo boxes: a built-in field by its display name (jjjmap.fieldnames), its
raw column name as the item's data and tooltip; any other field by its own name."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from jjjmap import fieldnames
from jjjmap.lazy import LazyModule

from . import plaintext

pd = LazyModule("pandas")


def add_field(combo: QComboBox, layer, field: str, lang: str) -> None:
    combo.addItem(fieldnames.field_label(layer, field, lang), field)
    combo.setItemData(combo.count() - 1, plaintext.tooltip(field), Qt.ItemDataRole.ToolTipRole)


def attribute_fields(layer) -> list[str]:
    return [str(c) for c in layer.fields(hidden=False)]


def is_numeric(layer, field: str) -> bool:
    if field not in layer.table.columns:
        return False
    col = layer.table[field]
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
