"""The CRS picker (a file with projected numbers and no CRS) and the encoding picker (a
layer whose text reads wrong), as QGIS asks for them: search, a suggestion, a preview.

Both only choose: the file is then read again with the choice (ui.files), which the project
remembers like any open option. Everything shown comes from data, so every label is plain
text.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

ROLE_CODE = Qt.ItemDataRole.UserRole


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class CrsDialog(QDialog):
    """Pick the CRS of a file that does not say; the preview says where it would land."""

    def __init__(self, parent: QWidget | None, file_name: str, bounds, suggestions: list[str],
                 lang: str = "en"):
        super().__init__(parent)
        from jjjmap.io.crs import crs_catalogue

        self.bounds, self.lang = tuple(bounds), lang
        self.setWindowTitle(self.tr("Choose the CRS of %1").replace("%1", file_name))
        self.resize(560, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain(QLabel(self.tr(
            "%1 does not say which coordinate reference system its coordinates are in. "
            "Search by EPSG code or name (CGCS2000, Gauss-Kruger, UTM ...).").replace(
                "%1", file_name))))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("EPSG code or name"))
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        layout.addWidget(self.list)
        self.preview = _plain(QLabel(self))
        layout.addWidget(self.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)

        catalogue = crs_catalogue()
        names = dict(catalogue)
        suggested = [(c, names.get(c, c)) for c in suggestions]
        self._entries = suggested + [(c, n) for c, n in catalogue if c not in set(suggestions)]
        self._suggested = {c for c, _ in suggested}
        self.search.textChanged.connect(self._fill)
        self.list.currentItemChanged.connect(lambda *_: self._preview())
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self._fill("")

    def _fill(self, text: str) -> None:
        words = text.lower().split()
        self.list.clear()
        shown = 0
        for code, name in self._entries:
            hay = f"{code} {name}".lower()
            if all(w in hay for w in words):
                label = f"{code}  {name}"
                if code in self._suggested:
                    label += "  " + self.tr("(suggested from the coordinates)")
                item = QListWidgetItem(label)
                item.setData(ROLE_CODE, code)
                self.list.addItem(item)
                shown += 1
                if shown >= 500:   # enough to scroll; typing narrows it
                    break
        if self.list.count():
            self.list.setCurrentRow(0)
        self._preview()

    def code(self) -> str | None:
        item = self.list.currentItem()
        return item.data(ROLE_CODE) if item is not None else None

    def _preview(self) -> None:
        from jjjmap import catalog
        from jjjmap.io.crs import landing

        code = self.code()
        box = landing(self.bounds, code) if code else None
        self.ok.setEnabled(box is not None)
        if box is None:
            self.preview.setText(self.tr("Choose a CRS to see where the layer would land."))
            return
        lon, lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        where = catalog.place_at(lon, lat, self.lang) or self.tr("outside Jing-Jin-Ji")
        self.preview.setText(self.tr("In %1 the layer lands at %2°E %3°N: %4.").replace(
            "%1", code).replace("%2", f"{lon:.4f}").replace("%3", f"{lat:.4f}").replace(
            "%4", where))


class EncodingDialog(QDialog):
    """Pick the text encoding of a layer, with its first values decoded in each candidate."""

    CANDIDATES = ("utf-8", "gb18030", "big5", "cp1252", "latin-1", "cp932", "cp949",
                  "cp1251", "cp1250")

    def __init__(self, parent: QWidget | None, file_name: str, raw: bytes, current: str | None):
        super().__init__(parent)
        from jjjmap.io.encoding import label

        self.raw = raw
        self.setWindowTitle(self.tr("Text encoding of %1").replace("%1", file_name))
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain(QLabel(self.tr(
            "Choose the encoding in which the names read right; the layer is read again "
            "with it."))))
        self.list = QListWidget(self)
        for codec in self.CANDIDATES:
            item = QListWidgetItem(label(codec))
            item.setData(ROLE_CODE, codec)
            self.list.addItem(item)
            if current and codec == current:
                self.list.setCurrentItem(item)
        layout.addWidget(self.list)
        self.preview = _plain(QLabel(self))
        self.preview.setMinimumHeight(120)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentItemChanged.connect(lambda *_: self._preview())
        if self.list.currentItem() is None:
            self.list.setCurrentRow(0)
        self._preview()

    def codec(self) -> str | None:
        item = self.list.currentItem()
        return item.data(ROLE_CODE) if item is not None else None

    def _preview(self) -> None:
        codec = self.codec()
        if codec is None:
            return
        values = [v for v in self.raw.split(b"\n") if v.strip()]
        non_ascii = [v for v in values if any(b > 127 for b in v)] or values
        lines = [v.decode(codec, errors="replace") for v in non_ascii[:8]]
        self.preview.setText("\n".join(lines) if lines else self.tr("(no text values)"))
