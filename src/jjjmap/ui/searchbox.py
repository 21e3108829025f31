"""The toolbar's search box: any feature by Chinese name, English name or pinyin.

The index (jjjmap.search, Qt-free) is rebuilt lazily after layers come, go or change data;
hits are offered in a completer popup, and choosing one (or Enter: the best hit) emits
``featureChosen`` for the window to select the feature and zoom to it.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from jjjmap.model import MapDocument

ROLE_HIT = Qt.ItemDataRole.UserRole + 1


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
        self.completer.activated[QModelIndex].connect(self._activated)
        self.textEdited.connect(self.search)
        self.returnPressed.connect(self.choose_best)
        self._unsubscribe = doc.subscribe(self._on_doc_event)
        self.retranslate()

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Search places (中文, English, pinyin)…"))
        self.setToolTip(self.tr("Find a feature of any layer by its Chinese or English name "
                                "or by pinyin, and zoom to it"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _on_doc_event(self, event: str, *payload: Any) -> None:
        if event in ("layer_added", "layer_removed", "language_changed") or (
                event == "layer_changed" and payload[1] == "data"):
            self._index = None

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
        self.hits = self.index.find(text) if text.strip() else []
        self.model.clear()
        for hit in self.hits:
            item = QStandardItem(f"{hit.label}  —  {hit.layer_title}")
            item.setData((hit.layer_id, hit.row), ROLE_HIT)
            self.model.appendRow(item)
        if self.hits:
            self.completer.complete()
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
