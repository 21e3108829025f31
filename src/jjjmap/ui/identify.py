"""Identify panel: every attribute of the feature last clicked or selected.

Shown as rich text so long values (evidence, licences) wrap and source URLs can be opened.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from jjjmap import fieldnames
from jjjmap.model import Layer

from .celltext import format_value
from .picklist import PickList
from .plaintext import escape

_URL = re.compile(r"^https?://\S+$")


def _cell(value: str) -> str:
    if _URL.match(value):
        return f'<a href="{escape(value)}">{escape(value)}</a>'
    return escape(value)


class IdentifyPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)   # our markup; the name is escaped
        self.title.setWordWrap(True)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.hits = PickList(self)   # every feature under the last click (jjj-pick.js)
        self._hit_layers: list[tuple[Layer, int]] = []
        self._hits_lang = "en"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.hits)
        layout.addWidget(self.browser, 1)
        self.layer_id: str | None = None
        self.row: int | None = None
        self.fields: list[tuple[str, str]] = []
        self._shown: tuple[Layer, int, str] | None = None
        self.clear()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._shown is None:
                self.clear()
            else:
                self.show_feature(*self._shown)
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.hits.setToolTip(self.tr("Every feature under the click, top first: "
                                     "choose one to select it"))

    def show_hits(self, hits: list[tuple[Layer, int]], index: int, lang: str = "en") -> None:
        """The features under a click (top first); ``index`` is the one shown."""
        self._hit_layers, self._hits_lang = list(hits), lang
        self.hits.set_hits(hits, index, lang)
        self.retranslate()

    def clear(self) -> None:
        self.hits.set_hits([], -1)
        self.layer_id, self.row, self.fields, self._shown = None, None, [], None
        self.browser.clear()
        self.title.setText(self.tr("Click a feature on the map to see its attributes."))

    def show_feature(self, layer: Layer, row: int, lang: str = "en") -> None:
        gdf = layer.table   # points as arrays: the attributes, no Point built
        if not 0 <= row < len(gdf):
            self.clear()
            return
        self.layer_id, self.row, self._shown = layer.id, row, (layer, row, lang)
        if not self.hits.mark(layer.id, row):   # a selection from elsewhere: no list
            self._hit_layers = []
        elif lang != self._hits_lang:
            self.show_hits(self._hit_layers, self.hits.currentRow(), lang)
        self.title.setText(self.tr("<b>%1</b> — feature %2").replace(
            "%1", escape(layer.title(lang))).replace("%2", str(row)))
        record = gdf.iloc[row]
        geom_name = None if layer.points is not None else gdf.geometry.name
        # ``fields``: raw names and values (``value``); ``shown``: built-in fields by their
        # display names and coded values in words (fieldnames), the raw name beside in grey
        fields, shown = [], []
        for c in gdf.columns:
            if c == geom_name:
                continue
            value = format_value(record[c])
            word = fieldnames.value_label(layer, c, record[c], lang)
            fields.append((str(c), value))
            shown.append((fieldnames.field_label(layer, c, lang),
                          value if word is None else word,
                          str(c) if fieldnames.has_label(layer, c) else None))
        geom = None if geom_name is None else record[geom_name]
        kind = "Point" if geom_name is None else "" if geom is None else geom.geom_type
        extra = [(self.tr("(geometry)"), kind)]
        for label, value in ((self.tr("(precision)"), layer.precision),
                             (self.tr("(source)"), layer.source or layer.path or ""),
                             (self.tr("(licence)"), layer.licence)):
            if value:
                extra.append((label, str(value)))
        self.fields = fields + extra
        self.browser.setHtml(self._table_html(shown + [(n, v, None) for n, v in extra]))

    def show_record(self, layer: Layer, key, record: dict, lang: str = "en") -> None:
        """A row fetched from a database (a view-driven PostGIS layer, by its key)."""
        self.hits.set_hits([], -1)
        self.layer_id, self.row, self._shown = layer.id, None, None
        self.title.setText(self.tr("<b>%1</b> — feature %2").replace(
            "%1", escape(layer.title(lang))).replace("%2", escape(str(key))))
        fields = [(str(k), format_value(v)) for k, v in record.items()]
        if layer.source:
            fields.append((self.tr("(source)"), str(layer.source)))
        self.fields = fields
        self.browser.setHtml(self._table_html([(n, v, None) for n, v in fields]))

    @staticmethod
    def _table_html(fields) -> str:
        """Rows of (name, value, the raw column name shown beside the name or None)."""
        def head(name, raw):
            hint = "" if raw is None or raw == name else \
                f" <span style='color:#999;font-size:small'>{escape(raw)}</span>"
            return escape(name) + hint

        rows = "".join(
            f"<tr><td style='color:#555;padding-right:8px;white-space:nowrap'>"
            f"{head(name, raw)}</td><td>{_cell(value)}</td></tr>" for name, value, raw in fields)
        return f"<table cellspacing='0' cellpadding='2'>{rows}</table>"

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)
