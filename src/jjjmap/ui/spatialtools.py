"""The Analysis menu: distance rings, select by location, nearest, distance table, and the
page's measure / draw tools (ui.drawtools, resources/web/jjj-measure.js).

Every answer comes from the Qt-free ``jjjmap.analysis``; this module only asks, runs the work
on the window's task runner and shows the result as ordinary layers, columns and selections
(the map highlights the selection, the attribute table selects its rows). Work handed to a
worker gets plain shapely geometries and tables, never a GeoDataFrame with its pyproj CRS
(see ui.layeractions.detach); layers are built back on the GUI thread.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QLabel, QLineEdit, QMenu, QRadioButton,
                               QWidget)

from jjjmap.analysis import tasks   # plain-data entry points; heavy imports inside

from jjjmap.model import MapDocument

from .drawtools import DrawTools
from .feedback import Feedback
from .layeractions import detach
from .settings import Settings
from .workers import Task, TaskRunner

if TYPE_CHECKING:  # pragma: no cover
    from .attrtable import AttributeTable
    from .layerpanel import LayerPanel
    from .mapview import MapView

log = logging.getLogger(__name__)

SELECTION_FORMATS = ((".gpkg", "GeoPackage (*.gpkg)"), (".geojson", "GeoJSON (*.geojson)"),
                     (".csv", "CSV (*.csv)"))


def _ok_cancel(dlg: QDialog, form: QFormLayout) -> QDialog.DialogCode:
    """OK / Cancel under the form; runs the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, dlg)
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    form.addRow(buttons)
    return dlg.exec()


class SpatialTools(QObject):
    """Fills the Analysis menu and keeps the answers it last gave.

    Given what it works on, not the window: the document, the settings (last folder),
    ``feedback``, the layer panel (current layer), the attribute table (the rows a selection
    picks), the map view (the page's measure and draw tools, ui.drawtools), the ``runner`` of
    the window's background work, ``cursor`` (the WGS-84 lon, lat the mouse was last over,
    or None), the ``menu`` to fill and ``parent`` for dialogs and actions."""

    def __init__(self, doc: MapDocument, settings: Settings, feedback: Feedback, *,
                 layers: "LayerPanel", table: "AttributeTable", map_view: "MapView",
                 runner: TaskRunner, cursor: Callable[[], tuple[float, float] | None],
                 menu: QMenu, parent: QWidget):
        super().__init__(parent)
        self.doc, self.settings, self.feedback = doc, settings, feedback
        self.layers, self.table, self.runner, self.cursor = layers, table, runner, cursor
        self.parent_widget = parent
        self.last_message = ""
        self.last_distances: dict[int, float] | None = None   # of the last distance select
        self.menu = menu
        self.rings_action = self._action(self.rings_dialog)
        self.select_action = self._action(self.select_dialog)
        self.nearest_action = self._action(self.nearest_dialog)
        self.matrix_action = self._action(self.matrix_dialog)
        self.save_selection_action = self._action(self.save_selection_as_layer)
        self.export_selection_action = self._action(self.export_selection_dialog)
        self.draw = DrawTools(self, doc, layers, map_view)   # the page's measure / draw / pick
        self.measure_line_action = self._action(lambda: self.draw.start_measure("line"))
        self.measure_area_action = self._action(lambda: self.draw.start_measure("polygon"))
        self.clear_measure_action = self._action(self.draw.clear_measure)
        for act in (self.rings_action, self.select_action, self.nearest_action,
                    self.matrix_action, None, self.save_selection_action,
                    self.export_selection_action, None, self.measure_line_action,
                    self.measure_area_action, self.clear_measure_action):
            self.menu.addSeparator() if act is None else self.menu.addAction(act)
        parent.installEventFilter(self)
        self.retranslate()

    def _action(self, slot: Callable[[], Any]) -> QAction:
        act = QAction(self.parent_widget)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    def retranslate(self) -> None:
        self.menu.setTitle(self.tr("&Analysis"))
        for act, text, tip in (
                (self.rings_action, self.tr("Distance &rings…"),
                 self.tr("Geodesic rings around the selection, a place or a point")),
                (self.select_action, self.tr("Select by &location…"),
                 self.tr("Select the features within a distance of, or inside, others")),
                (self.nearest_action, self.tr("&Nearest distance column…"),
                 self.tr("Add each feature's distance to the nearest feature of another layer")),
                (self.matrix_action, self.tr("Distance &table of the selection…"),
                 self.tr("Save the distances between the selected features as CSV")),
                (self.save_selection_action, self.tr("Save selection as &layer"),
                 self.tr("Add the selected features as a new layer")),
                (self.export_selection_action, self.tr("E&xport selection…"),
                 self.tr("Save the selected features as GeoPackage, GeoJSON or CSV")),
                (self.measure_line_action, self.tr("&Measure distance"),
                 self.tr("Click on the map to draw a line; double-click to finish")),
                (self.measure_area_action, self.tr("Measure &area / draw study area"),
                 self.tr("Click on the map to draw a polygon; double-click to finish")),
                (self.clear_measure_action, self.tr("&Clear measurement"), "")):
            act.setText(text)
            act.setStatusTip(tip)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.parent_widget and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    # -- shared -----------------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.last_message = text
        self.feedback.message(text, 15000)

    def failed(self, title: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            from jjjmap.analysis.errors import AnalysisError
            from jjjmap.io import JjjmapIOError

            self.feedback.message("")
            if isinstance(exc, (AnalysisError, JjjmapIOError)):
                text = str(exc)
            else:
                log.error("%s failed", title, exc_info=exc)
                text = self.tr("Something went wrong: %1").replace("%1", str(exc))
            self.last_message = text
            self.feedback.error(title, text)
        return show

    def _run(self, title: str, fn, *args, on_done: Callable[[Any], None]) -> Task:
        self.feedback.message(self.tr("Working…"))
        return self.runner.submit(Task(fn, *args), on_done, self.failed(title))

    def _selection(self):
        """(layer, rows) of the document's selection, or (None, [])."""
        layer_id, rows = self.doc.selection
        layer = self.doc.find(layer_id)
        return (layer, list(rows)) if layer is not None and rows else (None, [])

    def _labels(self, layer, rows=None) -> list[str]:
        from jjjmap.analysis.proximity import label_column_of

        col = label_column_of(layer.gdf)
        gdf = layer.gdf if rows is None else layer.gdf.iloc[rows]
        return gdf[col].astype(str).tolist() if col else [str(i) for i in gdf.index]

    def _selection_place(self):
        from jjjmap.analysis.places import shape_place, union_of

        layer, rows = self._selection()
        if layer is None:
            return None
        labels = self._labels(layer, rows)
        name = labels[0] if len(rows) == 1 else \
            self.tr("%n selected feature(s) of %1", "", len(rows)).replace("%1", layer.title(
                self.doc.lang))
        return shape_place(union_of(layer.gdf.geometry.iloc[rows].tolist(), name), name)

    def _place(self, text: str):
        """A place typed by the user: LON,LAT or a name searched in the map's own layers."""
        from jjjmap.analysis.places import parse_lonlat, point_place, search_place

        lonlat = parse_lonlat(text)
        if lonlat is not None:
            return point_place(*lonlat)
        place = search_place(text, self.doc)
        place.spec = {"kind": "search", "text": text.strip()}
        return place

    # -- rings ------------------------------------------------------------------------------
    def make_rings(self, place_text: str | None, distances: str = "30,50,100km") -> Task | None:
        """Rings around ``place_text`` (a name or LON,LAT), or around the selection if None."""
        from jjjmap.analysis.errors import AnalysisError
        from jjjmap.analysis.geodesy import parse_distances

        title = self.tr("Distance rings")
        try:
            kms = parse_distances(distances)
            place = self._selection_place() if place_text is None else self._place(place_text)
            if place is None:
                raise AnalysisError(self.tr("Nothing is selected: select a feature, or give a place or LON,LAT."))  # noqa: E501
        except AnalysisError as exc:
            self.failed(title)(exc)
            return None

        from jjjmap.analysis.rings import ring_rows, rings_layer

        def done(rows) -> None:
            layer = rings_layer(place, kms, rows=rows)
            self.doc.add_layer(layer, index=self._above_boundaries())
            self.layers.set_current(layer.id)
            self.say(self.tr("Added %1.").replace("%1", layer.title(self.doc.lang)))

        return self._run(title, ring_rows, place, kms, on_done=done)

    def _above_boundaries(self) -> int:
        """Rings go above the boundaries and below the point layers (points stay clickable)."""
        kinds = [lyr.kind for lyr in self.doc.layers]
        points = [i for i, k in enumerate(kinds) if k in ("clusters", "institutions")]
        return points[0] if points else len(kinds)

    def rings_dialog(self) -> None:
        dlg = QDialog(self.parent_widget)
        dlg.setWindowTitle(self.tr("Distance rings"))
        form = QFormLayout(dlg)
        around_sel = QRadioButton(self.tr("The selected feature(s)"), dlg)
        around_place = QRadioButton(self.tr("A place or LON,LAT:"), dlg)
        around_click = QRadioButton(self.tr("A point I click on the map next"), dlg)
        place = QLineEdit(dlg)
        place.setPlaceholderText("雄安, Xiongan, 115.904,39.048")
        has_sel = self._selection()[0] is not None
        around_sel.setEnabled(has_sel)
        (around_sel if has_sel else around_place).setChecked(True)
        cursor = self.cursor()
        if cursor is not None:   # the last position the mouse was over
            place.setText("{:.4f},{:.4f}".format(*cursor))
        distances = QLineEdit("30,50,100km", dlg)
        form.addRow(around_sel)
        form.addRow(around_place, place)
        form.addRow(around_click)
        form.addRow(self.tr("Distances:"), distances)
        note = QLabel(self.tr("Geodesic distances on the WGS-84 ellipsoid."), dlg)
        note.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(note)
        if _ok_cancel(dlg, form) != QDialog.DialogCode.Accepted:
            return
        if around_click.isChecked():
            self.draw.rings_at_next_click(distances.text())
        else:
            self.make_rings(None if around_sel.isChecked() else place.text(), distances.text())

    # -- select by location -----------------------------------------------------------------
    def select_by_location(self, layer_id: str, of_id: str, relation: str = "within",
                           distance: str | None = "50km", only_selected: bool = True
                           ) -> Task | None:
        """Select the features of ``layer_id`` within ``distance`` of (relation "within") or
        inside (relation "inside") the features of ``of_id``: its selected ones if it has a
        selection and ``only_selected``, else all of them. The same layer on both sides is
        allowed (the reference features select themselves)."""
        from jjjmap.analysis.errors import AnalysisError
        from jjjmap.analysis.geodesy import parse_distance
        from jjjmap.analysis.places import union_of

        title = self.tr("Select by location")
        layer, ref = self.doc.find(layer_id), self.doc.find(of_id)
        if layer is None or ref is None:
            return None
        sel_layer, sel_rows = self._selection()
        rows = sel_rows if only_selected and sel_layer is ref else list(range(len(ref.gdf)))
        try:
            km = parse_distance(distance) if relation == "within" else None
            name = ref.title(self.doc.lang)
            target = union_of(ref.gdf.geometry.iloc[rows].tolist(), name)
        except AnalysisError as exc:
            self.failed(title)(exc)
            return None
        geoms = list(layer.gdf.geometry.array)

        def done(result) -> None:
            positions, dists = result
            self.last_distances = dict(zip(positions, dists)) if dists is not None else None
            self.layers.set_current(layer.id)
            self.doc.select(layer.id, sorted(positions))
            self.table.select_rows(sorted(positions))
            self.say(self.tr("Selected %1 of %2 features of %3.")
                      .replace("%1", str(len(positions))).replace("%2", str(len(geoms)))
                      .replace("%3", layer.title(self.doc.lang)))

        return self._run(title, tasks.select_rows, geoms, target, relation, km, name, on_done=done)

    def _layer_combo(self, parent, current: str | None = None) -> QComboBox:
        combo = QComboBox(parent)
        for lyr in reversed(self.doc.layers):   # top of the panel first
            combo.addItem(lyr.title(self.doc.lang), lyr.id)
        if current is not None and (i := combo.findData(current)) >= 0:
            combo.setCurrentIndex(i)
        return combo

    def select_dialog(self) -> None:
        dlg = QDialog(self.parent_widget)
        dlg.setWindowTitle(self.tr("Select by location"))
        form = QFormLayout(dlg)
        target = self._layer_combo(dlg, self.layers.current_layer_id())
        sel_layer, _ = self._selection()
        ref = self._layer_combo(dlg, sel_layer.id if sel_layer is not None else None)
        within = QRadioButton(self.tr("Within a distance of"), dlg)
        inside = QRadioButton(self.tr("Inside"), dlg)
        within.setChecked(True)
        distance = QLineEdit("50km", dlg)
        only = QCheckBox(self.tr("Only its selected features"), dlg)
        only.setChecked(sel_layer is not None)
        form.addRow(self.tr("Select features of:"), target)
        form.addRow(within, distance)
        form.addRow(inside)
        form.addRow(self.tr("the features of:"), ref)
        form.addRow(only)
        if _ok_cancel(dlg, form) == QDialog.DialogCode.Accepted:
            self.select_by_location(target.currentData(), ref.currentData(),
                                    "within" if within.isChecked() else "inside",
                                    distance.text(), only.isChecked())

    # -- the selection as a layer / a file ----------------------------------------------------
    def _selected_frame(self):
        layer, rows = self._selection()
        if layer is None:
            return None, None
        gdf = layer.gdf.iloc[rows].copy()
        if self.last_distances is not None and set(rows) <= set(self.last_distances):
            gdf["distance_km"] = [self.last_distances[r] for r in rows]
        return layer, gdf

    def save_selection_as_layer(self):
        from jjjmap.model import Layer

        layer, gdf = self._selected_frame()
        if layer is None:
            self.say(self.tr("Nothing is selected."))
            return None
        new = Layer(gdf=gdf.reset_index(drop=True),
                    title_en=f"Selection of {layer.title_en} ({len(gdf)})",
                    title_zh=f"{layer.title_zh or layer.title_en} 选择集（{len(gdf)}）",
                    kind="vector", group="custom", source=layer.source,
                    licence=layer.licence, precision=layer.precision)
        self.doc.add_layer(new)
        self.say(self.tr("Added %1.").replace("%1", new.title(self.doc.lang)))
        return new

    def export_selection(self, path: str) -> Task | None:
        layer, gdf = self._selected_frame()
        if layer is None:
            self.say(self.tr("Nothing is selected."))
            return None
        count = len(gdf)
        name = Path(path).name
        return self._run(self.tr("Could not export %1").replace("%1", name),
                         tasks.write_selection, *detach(gdf), str(path),
                         on_done=lambda _p: self.say(
                             self.tr("Exported %n feature(s) to %1.", "", count)
                             .replace("%1", str(path))))

    def _save_name(self, title: str, stem: str, formats) -> str | None:
        path, chosen = QFileDialog.getSaveFileName(
            self.parent_widget, title, str(Path(self.settings.last_dir()) / stem),
            ";;".join(label for _, label in formats))
        if not path:
            return None
        if Path(path).suffix.lower() not in {ext for ext, _ in formats} | {".json"}:
            path += next((ext for ext, label in formats if label == chosen), formats[0][0])
        self.settings.save_last_dir(str(Path(path).parent))
        return path

    def export_selection_dialog(self) -> None:
        if self._selection()[0] is None:
            self.say(self.tr("Nothing is selected."))
            return
        path = self._save_name(self.tr("Export selection"), "selection", SELECTION_FORMATS)
        if path:
            self.export_selection(path)

    # -- nearest and the distance table -------------------------------------------------------
    def add_nearest(self, layer_id: str, of_id: str) -> Task | None:
        """Add ``nearest_km`` / ``nearest_name`` to ``layer_id``: each feature's geodesic
        distance to the nearest feature of ``of_id`` (another one, if it is the same layer)."""
        layer, ref = self.doc.find(layer_id), self.doc.find(of_id)
        if layer is None or ref is None:
            return None
        geoms = list(layer.gdf.geometry.array)
        others = list(ref.gdf.geometry.array)

        def done(result) -> None:
            if self.doc.find(layer_id) is not layer:
                return
            kms, names = result
            gdf = layer.gdf.copy()
            gdf["nearest_km"], gdf["nearest_name"] = kms, names
            self.doc.replace_data(layer.id, gdf)
            self.say(self.tr("Added the columns nearest_km and nearest_name to %1.")
                      .replace("%1", layer.title(self.doc.lang)))

        return self._run(self.tr("Nearest distance"), tasks.nearest_columns, geoms, others,
                         self._labels(ref), layer is ref, on_done=done)

    def nearest_dialog(self) -> None:
        dlg = QDialog(self.parent_widget)
        dlg.setWindowTitle(self.tr("Nearest distance column"))
        form = QFormLayout(dlg)
        target = self._layer_combo(dlg, self.layers.current_layer_id())
        ref = self._layer_combo(dlg)
        form.addRow(self.tr("For each feature of:"), target)
        form.addRow(self.tr("distance to the nearest of:"), ref)
        if _ok_cancel(dlg, form) == QDialog.DialogCode.Accepted:
            self.add_nearest(target.currentData(), ref.currentData())

    def distance_table(self, path: str) -> Task | None:
        from jjjmap.analysis.errors import AnalysisError

        layer, rows = self._selection()
        if layer is None or len(rows) < 2:
            self.failed(self.tr("Distance table"))(AnalysisError(
                self.tr("Select two features or more to compare.")))
            return None
        geoms = list(layer.gdf.geometry.iloc[rows].array)
        return self._run(self.tr("Distance table"), tasks.write_matrix, geoms,
                         self._labels(layer, rows), str(path),
                         on_done=lambda n: self.say(
                             self.tr("Saved the distances between %1 features to %2.")
                             .replace("%1", str(n)).replace("%2", str(path))))

    def matrix_dialog(self) -> None:
        layer, rows = self._selection()
        if layer is None or len(rows) < 2:
            self.say(self.tr("Select two features or more to compare."))
            return
        path = self._save_name(self.tr("Distance table"), "distances", ((".csv", "CSV (*.csv)"),))
        if path:
            self.distance_table(path)


__all__ = ["SpatialTools"]
