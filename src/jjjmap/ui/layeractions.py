"""The Layer menu of the main window: Style… and Export layer data….

Style opens ``StyleDialog`` for the current layer. Export writes the layer (all of it, or only
what passes its filter) with ``jjjmap.io.write_layer`` on a worker thread; the format follows
the file dialog's filter or the extension typed.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from jjjmap.lazy import LazyModule
from jjjmap.model import MapDocument

from .exportdialog import save_dialog
from .feedback import Feedback
from .settings import Settings
from .styledialog import StyleDialog
from .workers import Task, TaskRunner

if TYPE_CHECKING:  # pragma: no cover
    from .layerpanel import LayerPanel

np = LazyModule("numpy")
pd = LazyModule("pandas")

log = logging.getLogger(__name__)

# file-dialog filter order: (extension, driver label)
EXPORT_FORMATS = ((".gpkg", "GeoPackage"), (".geojson", "GeoJSON"), (".shp", "Shapefile"))
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def detach(gdf) -> tuple[pd.DataFrame, np.ndarray, str]:
    """GUI side: the layer's data without its pyproj CRS object, which belongs to this thread
    (pyproj objects used from a worker crash). Layers are EPSG:4326, so nothing is lost."""
    geom = gdf.geometry.name
    return pd.DataFrame(gdf.drop(columns=geom)), np.asarray(gdf.geometry.array), geom


def write_layer_files(attrs: pd.DataFrame, geoms: np.ndarray, geom: str,
                      path: str) -> tuple[list[str], dict[str, str]]:
    """Worker side: write the layer to ``path``; (files written, columns renamed)."""
    import geopandas as gpd

    from jjjmap.io import write_layer

    gdf = gpd.GeoDataFrame(attrs.assign(**{geom: geoms}), geometry=geom, crs="EPSG:4326")
    target = Path(path)
    renamed = write_layer(gdf, target)
    if target.suffix.lower() == ".shp":
        files = [str(target.with_suffix(ext)) for ext in SHAPEFILE_PARTS
                 if target.with_suffix(ext).exists()]
    else:
        files = [str(target)]
    return files, renamed


def with_extension(path: str, chosen_filter: str) -> str:
    """A known extension typed by the user wins; otherwise the chosen filter's is added."""
    suffix = Path(path).suffix.lower()
    if suffix in {ext for ext, _ in EXPORT_FORMATS} | {".json"}:
        return path
    for ext, _label in EXPORT_FORMATS:
        if f"*{ext}" in chosen_filter:
            return path + ext
    return path + ".gpkg"


class LayerActions(QObject):
    """Given what it works on, not the window: the document, the settings (last folder),
    ``feedback``, the layer panel (the current layer, its Style and Export requests), the
    ``runner`` of the window's background work, the Layer ``menu`` it fills, and ``parent``
    for its dialogs and actions (its LanguageChange retranslates them)."""

    def __init__(self, doc: MapDocument, settings: Settings, feedback: Feedback,
                 layers: "LayerPanel", runner: TaskRunner, menu: QMenu, parent: QWidget):
        super().__init__(parent)
        self.doc, self.settings, self.feedback = doc, settings, feedback
        self.layers, self.runner, self.menu = layers, runner, menu
        self.parent_widget = parent
        self.style_dialog: StyleDialog | None = None
        self.last_message = ""
        self.style_action = QAction(parent)
        self.style_action.triggered.connect(lambda: self.edit_style(self._current()))
        self.export_data_action = QAction(parent)
        self.export_data_action.triggered.connect(
            lambda: self.export_data_dialog(self._current()))
        menu.addAction(self.style_action)
        menu.addAction(self.export_data_action)

        layers.editStyle.connect(self.edit_style)
        layers.exportData.connect(self.export_data_dialog)
        layers.currentLayerChanged.connect(self._update_enabled)
        parent.installEventFilter(self)
        self.retranslate()
        self._update_enabled(self._current())

    def retranslate(self) -> None:
        self.menu.setTitle(self.tr("La&yer"))
        self.style_action.setText(self.tr("&Style…"))
        self.style_action.setStatusTip(self.tr("Change how the current layer is drawn"))
        self.export_data_action.setText(self.tr("&Export layer data…"))
        self.export_data_action.setStatusTip(
            self.tr("Save the current layer as GeoPackage, GeoJSON or Shapefile"))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.parent_widget and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def _current(self) -> str | None:
        return self.layers.current_layer_id()

    def _update_enabled(self, layer_id=None) -> None:
        on = self.doc.find(layer_id) is not None
        self.style_action.setEnabled(on)
        self.export_data_action.setEnabled(on)

    # -- style ------------------------------------------------------------------------------
    def edit_style(self, layer_id: str | None) -> StyleDialog | None:
        """Open the Style dialog (window-modal, not blocking) for ``layer_id``."""
        if self.doc.find(layer_id) is None:
            return None
        if self.style_dialog is not None:
            self.style_dialog.close()
        dialog = self.style_dialog = StyleDialog(self.doc, layer_id, self.parent_widget)
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: StyleDialog) -> None:
        if self.style_dialog is dialog:
            self.style_dialog = None
        dialog.deleteLater()

    # -- export data ------------------------------------------------------------------------
    def _filters(self) -> list[str]:
        return [self.tr("GeoPackage (*.gpkg)"), self.tr("GeoJSON (*.geojson *.json)"),
                self.tr("Shapefile (*.shp)")]

    def export_data_dialog(self, layer_id: str | None) -> None:
        layer = self.doc.find(layer_id)
        if layer is None:
            return
        option = None
        if layer.filter:
            shown, total = layer.shown_count, layer.feature_count
            option = self.tr("Only the features that pass the filter (%1 of %2)").replace(
                "%1", str(shown)).replace("%2", str(total))
        dialog, only_filtered = save_dialog(self.parent_widget, self.tr("Export layer data"),
                                            self.settings.last_dir(), self._filters(),
                                            option, checked=True)
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in layer.title_en)
        dialog.selectFile(stem or "layer")
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return
        path = with_extension(dialog.selectedFiles()[0], dialog.selectedNameFilter())
        self.settings.save_last_dir(str(Path(path).parent))
        self.export_layer_data(layer.id, path,
                               filtered=bool(only_filtered and only_filtered.isChecked()))

    def export_layer_data(self, layer_id: str, path: str, *, filtered: bool = False) -> Task | None:
        """Write the layer (or what passes its filter) to ``path`` in the background."""
        layer = self.doc.find(layer_id)
        if layer is None:
            return None
        gdf = layer.filtered() if filtered and layer.filter else layer.gdf
        count = len(gdf)
        name = Path(path).name
        parts = detach(gdf)
        del gdf
        task = Task(write_layer_files, *parts, str(path))
        self.feedback.message(self.tr("Exporting %1…").replace("%1", name))
        return self.runner.submit(
            task, lambda result: self._exported(path, count, result),
            lambda exc: self._export_failed(path, exc))

    def _exported(self, path: str, count: int, result) -> None:
        files, renamed = result
        message = self.tr("Exported %n feature(s) to %1 in %2.", "", count).replace(
            "%1", ", ".join(Path(f).name for f in files)).replace("%2", str(Path(path).parent))
        if renamed:
            message += " " + self.tr("Fields renamed for the Shapefile format: %1.").replace(
                "%1", ", ".join(f"{old} → {new}" for old, new in renamed.items()))
        self.last_message = message
        self.feedback.message(message, 15000)

    def _export_failed(self, path: str, exc: BaseException) -> None:
        from jjjmap.io import LayerExportError

        self.feedback.message("")
        title = self.tr("Could not export %1").replace("%1", Path(path).name)
        if isinstance(exc, LayerExportError):
            text = str(exc)
        else:
            log.error("exporting to %s failed", path, exc_info=exc)
            text = self.tr("'%1' could not be written: %2").replace("%1", path).replace(
                "%2", f"{type(exc).__name__}: {exc}")
        self.last_message = text
        self.feedback.error(title, text)


__all__ = ["LayerActions", "write_layer_files", "with_extension"]
