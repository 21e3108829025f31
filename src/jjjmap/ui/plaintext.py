"""Text that comes from data, shown in Qt widgets as plain text and nothing else.

Column names, cell values, file and zip member names, layer titles and every message built
from them come from a stranger's file. Qt guesses whether a string is rich text
(``Qt.mightBeRichText``) in QMessageBox, QLabel and tooltips, and renders it as HTML if it
looks like it: ``<img src=/dev/zero>`` in a CSV header then made the app read /dev/zero until
it died (bad_alloc). Every widget that shows such text goes through this module:

- ``set_plain`` / ``plain_label``: a QLabel fixed to ``Qt.PlainText``;
- ``message_box`` / ``critical``: a QMessageBox fixed to ``Qt.PlainText``;
- ``tooltip``: Qt has no plain-text tooltip, so the text is escaped inside ``<qt>``, which
  renders it literally (line breaks kept);
- ``escape``: for the rich views we build ourselves (the identify panel's table);
- ``action_text``: menu and action texts treat ``&`` as a shortcut marker.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

PLAIN = Qt.TextFormat.PlainText


def escape(text: object) -> str:
    """``text`` as HTML that shows it literally."""
    return html.escape("" if text is None else str(text), quote=True)


def tooltip(text: object) -> str:
    """A tooltip that shows ``text`` literally ("" for no tooltip)."""
    if text is None or text == "":
        return ""
    body = escape(text).replace("\n", "<br>")
    return f"<qt><span style='white-space:pre-wrap'>{body}</span></qt>"


def set_plain(label: QLabel, text: object) -> QLabel:
    label.setTextFormat(PLAIN)
    label.setText("" if text is None else str(text))
    return label


def plain_label(text: object = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets its text."""
    label = QLabel(parent)
    return set_plain(label, text)


def action_text(text: object) -> str:
    """Text for a QAction or menu entry: a literal ``&`` is doubled (one would be a shortcut)."""
    return ("" if text is None else str(text)).replace("&", "&&")


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                buttons=QMessageBox.StandardButton.Ok) -> QMessageBox:
    """A message box showing ``text`` as plain text (the title is always plain)."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(str(title))
    box.setTextFormat(PLAIN)
    box.setText(str(text))
    box.setStandardButtons(buttons)
    return box


def critical(parent: QWidget | None, title: str, text: str) -> None:
    """An error dialog of plain text, modal until the user closes it."""
    box = message_box(parent, QMessageBox.Icon.Critical, title, text)
    try:
        box.exec()
    finally:
        box.deleteLater()


__all__ = ["action_text", "critical", "escape", "message_box", "plain_label", "set_plain",
           "tooltip"]
