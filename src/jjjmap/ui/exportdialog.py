"""A save dialog with one check box under the file name (Qt's own dialog: a platform dialog
takes no extra widgets). Used where an export has a choice the user must see: the layer
export's "only what passes the filter", the page export's "include hidden layers"."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog, QWidget


def save_dialog(parent: QWidget, title: str, folder: str, name_filters: list[str],
                option: str | None = None, checked: bool = False
                ) -> tuple[QFileDialog, QCheckBox | None]:
    """The dialog (not yet shown) and its check box (None without ``option``)."""
    dialog = QFileDialog(parent, title, folder)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(name_filters)
    box = None
    if option is not None:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        box = QCheckBox(option, dialog)
        box.setChecked(checked)
        grid = dialog.layout()
        if grid is not None and hasattr(grid, "rowCount"):
            grid.addWidget(box, grid.rowCount(), 0, 1, -1)
    return dialog, box


def ask_save_path(parent: QWidget, title: str, folder: str, name_filters: list[str],
                  option: str, checked: bool = False) -> tuple[str, str, bool] | None:
    """(path, chosen filter, box ticked), or None if cancelled."""
    dialog, box = save_dialog(parent, title, folder, name_filters, option, checked)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return dialog.selectedFiles()[0], dialog.selectedNameFilter(), bool(box.isChecked())
    finally:
        dialog.deleteLater()
