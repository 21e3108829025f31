"""The toolbar's search box: any feature by Chinese name, English name or pinyin.

The index (jjjmap.search, Qt-free) is rebuilt lazily after layers come, go or change data;
hits are offered in a completer popup, each named in the interface language with its name in
the other language and its layer in smaller grey text after it, and choosing one (or Enter:
the best hit) emits ``featureChosen`` for the window to select the feature and zoom to it.
Names come from data: the popup draws them as plain text.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QStyle, QStyledItemDelegate

from jjjmap.model import MapDocument

from . import plaintext

ROLE_HIT = Qt.ItemDataRole.UserRole + 1
ROLE_DETAIL = Qt.ItemDataRole.UserRole + 2   # the other language's name and the layer
POPUP_WIDTH = 460


def hit_detail(hit) -> str:
    return "  ·  ".join(t for t in (hit.other, hit.layer_title) if t)


class HitDelegate(QStyledItemDelegate):
    """The hit's name as the item's text, its detail after it, smaller and grey."""

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        detail = index.data(ROLE_DETAIL)
        if not detail:
            return
        name_width = option.fontMetrics.horizontalAdvance(index.data() or "")
        rect = option.rect.adjusted(name_width + 18, 0, -4, 0)
        if rect.width() <= 8:
            return
        painter.save()
        font = option.font
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
        painter.setFont(font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(option.palette.color(role))
        text = painter.fontMetrics().elidedText(detail, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(rect), int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         text)   # drawText never reads markup
        painter.restore()

    def sizeHint(self, option, index):  # noqa: N802
        size = super().sizeHint(option, index)
        detail = index.data(ROLE_DETAIL)
        if detail:
            size.setWidth(size.width() + 24 + option.fontMetrics.horizontalAdvance(detail))
        return size


class SearchBox(QLineEdit):
    featureChosen = Signal(str, int)  # noqa: N815 - layer id, positional row

    def __init__(self, doc: MapDocument, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._index = None
        self.hits: list = []
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(220)
        self.setMaximumWidth(320)
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self)  # not setCompleter: the line edit keeps what was typed
        self.completer.popup().setItemDelegate(HitDelegate(self.completer.popup()))
        self.completer.activated[QModelIndex].connect(self._activated)
        self.textEdited.connect(self.search)
        self.returnPressed.connect(self.choose_best)
        self._unsubscribe = self._observe(doc)
        self.retranslate()

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Search places (中文, English, pinyin)…"))
        self.setToolTip(self.tr("Find a feature of any layer by its Chinese or English name, "
                                "by pinyin or by the initials of its pinyin, and zoom to it"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _observe(self, doc):
        stale = self._forget_index
        return doc.events.observe(
            layer_added=stale, layer_removed=stale, language_changed=stale,
            layer_changed=lambda _layer, what: what in ("data", "table") and
            self._forget_index())

    def _forget_index(self, *_payload: Any) -> None:
        self._index = None   # built again on the next search

    def detach(self) -> None:
        self._unsubscribe()  # idempotent

    @property
    def index(self):
        if self._index is None:
            from jjjmap.search import SearchIndex

            self._index = SearchIndex(self.doc)
        return self._index

    def search(self, text: str) -> list:
        """Fill the popup with the hits for ``text`` and show it (hidden when none)."""
        self.hits = self.index.find(text, lang=self.doc.lang) if text.strip() else []
        self.model.clear()
        for hit in self.hits:
            item = QStandardItem(hit.name or hit.label)
            detail = hit_detail(hit)
            item.setData(detail, ROLE_DETAIL)
            item.setToolTip(plaintext.tooltip("\n".join(t for t in (hit.name or hit.label,
                                                                     detail) if t)))
            item.setData((hit.layer_id, hit.row), ROLE_HIT)
            self.model.appendRow(item)
        if self.hits:
            # wider than the box: the detail (other name, layer) has room after the name
            self.completer.complete(QRect(0, 0, max(self.width(), POPUP_WIDTH), self.height()))
        else:
            self.completer.popup().hide()
        return self.hits

    def _activated(self, index: QModelIndex) -> None:
        hit = index.data(ROLE_HIT)
        if hit:
            self.featureChosen.emit(str(hit[0]), int(hit[1]))

    def choose_best(self) -> None:
        if not self.hits and self.text().strip():
            self.search(self.text())
        if self.hits:
            self.completer.popup().hide()
            self.featureChosen.emit(self.hits[0].layer_id, self.hits[0].row)
