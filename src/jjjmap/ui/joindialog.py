"""Join a table to a boundary layer, and count points per region: the dialogs and their actions.

The dialog shows ``analysis.join``'s match report before anything changes on the map: each row,
how it matched (or why not), and lets the user pick the feature for a row by hand. The joined
layer is added only on "Add joined layer". Counting points per region runs on a worker thread
with progress (``analysis.aggregate``). Every text from the table is shown as plain text.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jjjmap.model import MapDocument

from .feedback import Feedback
from .fieldcombo import add_field
from .settings import Settings
from .workers import Task, TaskRunner

if TYPE_CHECKING:  # pragma: no cover
    from .layerpanel import LayerPanel

log = logging.getLogger(__name__)

STATUS_COLOURS = {"ambiguous": "#fff3cd", "unmatched": "#f8d7da", "conflict": "#f8d7da",
                  "rule": "#e8f4fd", "manual": "#e2f0d9"}


def polygon_layers(doc) -> list:
    from jjjmap.render.geometry import layer_types

    out = []
    for layer in doc.layers:
        if layer.kind == "boundary":
            out.append(layer)
        elif layer.kind == "vector" and layer.feature_count:
            types = layer_types(layer)
            if types and types <= {"Polygon", "MultiPolygon"}:
                out.append(layer)
    return out


def point_layers(doc) -> list:
    from jjjmap.render.geometry import layer_types

    out = []
    for layer in doc.layers:
        if layer.feature_count and layer_types(layer) <= {"Point"}:
            out.append(layer)
    return out


def _plain_label(parent, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class JoinDialog(QDialog):
    """Table + target + key -> match report -> (fixes) -> a new joined layer."""

    def __init__(self, doc: MapDocument, layers: "LayerPanel", feedback: Feedback, path: str,
                 note: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        from jjjmap.io.tabledata import read_table

        self.doc, self.layers, self.feedback = doc, layers, feedback
        self.path = path
        self.fixes: dict[int, str | None] = {}
        self.report = None
        self.added = None          # the layer added, once accepted
        self.table = read_table(path)
        self.setWindowTitle(self.tr("Join table: %1").replace("%1", Path(path).name))

        self.note = _plain_label(self, note)
        self.sheet = QComboBox(self)
        for name in self.table.sheets:
            self.sheet.addItem(name, name)
        self.target = QComboBox(self)
        for layer in polygon_layers(doc):
            self.target.addItem(layer.title(doc.lang), layer.id)
        default = next((i for i in range(self.target.count())
                        if doc.layer(self.target.itemData(i)).builtin
                        == "counties"), 0)
        self.target.setCurrentIndex(default)
        self.key = QComboBox(self)
        self.city = QComboBox(self)
        self.allow = QCheckBox(self.tr("Add the layer although some rows are left out"), self)
        self.summary = _plain_label(self)
        self.rows = QTableWidget(0, 6, self)
        self.rows.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Key"), self.tr("City"),
                                             self.tr("Status"), self.tr("Feature"),
                                             self.tr("Rule or reason")])
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.verticalHeader().setVisible(False)   # the table's own row numbers are shown
        self.rows.setWordWrap(True)
        self.detail = _plain_label(self)     # the selected row's whole rule or reason
        self.fix_to = QComboBox(self)
        self.fix_button = QPushButton(self.tr("Match the selected row"), self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.addButton(self.tr("Add joined layer"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)

        form = QFormLayout()
        if len(self.table.sheets) > 1:
            form.addRow(self.tr("Sheet"), self.sheet)
        else:
            self.sheet.hide()
        form.addRow(self.tr("Join to"), self.target)
        form.addRow(self.tr("Key column"), self.key)
        form.addRow(self.tr("City column"), self.city)
        fix_row = QHBoxLayout()
        fix_row.addWidget(self.fix_to, 1)
        fix_row.addWidget(self.fix_button)
        layout = QVBoxLayout(self)
        if note:
            layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.detail)
        layout.addLayout(fix_row)
        layout.addWidget(self.allow)
        layout.addWidget(self.buttons)
        self.resize(820, 560)

        self._fill_columns()
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        for combo in (self.target, self.key, self.city):
            combo.currentIndexChanged.connect(self.rematch)
        self.allow.toggled.connect(self._update_ok)
        self.rows.itemSelectionChanged.connect(self._fill_fix_choices)
        self.fix_button.clicked.connect(self._fix_selected)
        self.buttons.rejected.connect(self.reject)
        self.ok.clicked.connect(self.add_layer)
        self.rematch()

    # -- inputs -----------------------------------------------------------------------------
    def _fill_columns(self) -> None:
        cols = [str(c) for c in self.table.df.columns]
        for combo, extra in ((self.key, [(self.tr("(guess)"), None)]),
                             (self.city, [(self.tr("(guess)"), None), (self.tr("(none)"), "")])):
            combo.blockSignals(True)
            combo.clear()
            for text, data in extra:
                combo.addItem(text, data)
            for c in cols:
                combo.addItem(c, c)
            combo.blockSignals(False)

    def _sheet_changed(self) -> None:
        from jjjmap.io import LayerLoadError
        from jjjmap.io.tabledata import read_table

        try:
            self.table = read_table(self.path, sheet=self.sheet.currentData())
        except LayerLoadError as exc:
            self._show_problem(str(exc))
            return
        self.fixes.clear()
        self._fill_columns()
        self.rematch()

    def target_layer(self):
        return self.doc.find(self.target.currentData())

    # -- the report -------------------------------------------------------------------------
    def rematch(self, *_args) -> None:
        from jjjmap.analysis import join as J

        target = self.target_layer()
        if target is None:
            self._show_problem(self.tr("There is no boundary or polygon layer to join to."))
            return
        try:
            self.report = J.match_table(self.table, target, key=self.key.currentData(),
                                        parent=self.city.currentData(), fixes=self.fixes)
        except J.JoinError as exc:
            self._show_problem(str(exc))
            return
        rep = self.report
        s = rep.summary()
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr(
            "%1 rows: %2 matched, %3 by a rule, %4 by hand; %5 ambiguous, %6 unmatched, %7 in "
            "conflict. %8 features have no row. Key column: %9.").replace(
            "%1", str(len(rep.rows))).replace("%2", str(s["matched"])).replace(
            "%3", str(s["rule"])).replace("%4", str(s["manual"])).replace(
            "%5", str(s["ambiguous"])).replace("%6", str(s["unmatched"])).replace(
            "%7", str(s["conflict"])).replace("%8", str(s["features_without_row"])).replace(
            "%9", rep.key_column) + "".join("\n" + n.text for n in rep.notes))
        self._fill_rows()
        self._update_ok()

    def _show_problem(self, text: str) -> None:
        self.report = None
        self.summary.setStyleSheet("color: #b00020;")
        self.summary.setText(text)
        self.rows.setRowCount(0)
        self._update_ok()

    def _fill_rows(self) -> None:
        rep, t = self.report, self.report.target
        status_text = {"matched": self.tr("matched"), "rule": self.tr("by a rule"),
                       "manual": self.tr("by hand"), "ambiguous": self.tr("ambiguous"),
                       "unmatched": self.tr("unmatched"), "conflict": self.tr("conflict")}
        # the rows that need the user first
        order = sorted(rep.rows, key=lambda r: (r.applied, r.row))
        self.rows.setRowCount(len(order))
        for i, r in enumerate(order):
            feature = t.labels[r.feature] if r.feature is not None else " | ".join(
                t.labels[c] for c in r.candidates)
            cells = [str(r.row), r.key, r.parent, status_text.get(r.status, r.status), feature,
                     r.rule if r.applied else r.reason]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.row)
                if r.status in STATUS_COLOURS:
                    item.setBackground(QColor(STATUS_COLOURS[r.status]))
                self.rows.setItem(i, j, item)
        self.rows.resizeColumnsToContents()
        self._fill_fix_choices()

    def _selected_row(self):
        items = self.rows.selectedItems()
        if not items or self.report is None:
            return None
        number = items[0].data(Qt.ItemDataRole.UserRole)
        return self.report.rows[number - 1]

    def _fill_fix_choices(self) -> None:
        self.fix_to.clear()
        r = self._selected_row()
        self.fix_button.setEnabled(r is not None)
        self.detail.setText("" if r is None else self.report.describe(r))
        if r is None:
            return
        t = self.report.target
        self.fix_to.addItem(self.tr("(leave this row out)"), None)
        first = list(r.candidates)
        rest = sorted((i for i in range(len(t.codes)) if i not in first), key=lambda i: t.labels[i])
        for i in first + rest:
            if t.codes[i]:
                self.fix_to.addItem(t.labels[i], t.codes[i])
        if first and t.codes[first[0]]:
            self.fix_to.setCurrentIndex(1)

    def fix_row(self, row: int, code: str | None) -> None:
        """Match table row ``row`` (1-based) to the feature with ``code`` (None: leave it out)."""
        self.fixes[int(row)] = code
        self.rematch()

    def _fix_selected(self) -> None:
        r = self._selected_row()
        if r is not None:
            self.fix_row(r.row, self.fix_to.currentData())

    def _update_ok(self, *_args) -> None:
        rep = self.report
        self.ok.setEnabled(rep is not None and (rep.complete or self.allow.isChecked()))

    # -- result -----------------------------------------------------------------------------
    def add_layer(self):
        from jjjmap.analysis import join as J

        rep, target = self.report, self.target_layer()
        if rep is None or target is None:
            return None
        result = J.apply_join(self.table, target, rep)
        layer = J.joined_layer(result, target, self.path)
        if self.table.sheet:
            layer.meta["join"]["sheet"] = self.table.sheet
        doc = self.doc
        index = doc.layers.index(target) + 1 if target in doc.layers else None
        doc.add_layer(layer, index)
        self.layers.set_current(layer.id)
        self.added = layer
        self.feedback.message(self.tr("Joined %1 to %2: %3 of %4 rows.").replace(
            "%1", Path(self.path).name).replace("%2", target.title(doc.lang)).replace(
            "%3", str(sum(r.applied and r.feature is not None for r in rep.rows))).replace(
            "%4", str(len(rep.rows))), 10000)
        self.accept()
        return layer


class AggregateDialog(QDialog):
    """Points layer, polygon layer, statistic, field, per category -> new columns (a new layer)."""

    def __init__(self, doc: MapDocument, count: Callable[..., Task],
                 parent: QWidget | None = None):
        """``count(points, polygons, stat, field, by)`` runs the count (JoinActions.aggregate)."""
        super().__init__(parent)
        self.doc, self.count = doc, count
        self.setWindowTitle(self.tr("Count points per region"))
        self.points = QComboBox(self)
        for layer in point_layers(doc):
            self.points.addItem(layer.title(doc.lang), layer.id)
        self.polygons = QComboBox(self)
        for layer in polygon_layers(doc):
            self.polygons.addItem(layer.title(doc.lang), layer.id)
        i = next((i for i in range(self.polygons.count())
                  if doc.layer(self.polygons.itemData(i)).builtin == "counties"), 0)
        self.polygons.setCurrentIndex(i)
        self.stat = QComboBox(self)
        for key, text in (("count", self.tr("Count")), ("sum", self.tr("Sum of a field")),
                          ("mean", self.tr("Mean of a field"))):
            self.stat.addItem(text, key)
        self.field = QComboBox(self)
        self.by = QComboBox(self)
        self.message = _plain_label(self)
        self.message.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Points"), self.points)
        form.addRow(self.tr("Regions"), self.polygons)
        form.addRow(self.tr("Statistic"), self.stat)
        form.addRow(self.tr("Field"), self.field)
        form.addRow(self.tr("Per category of"), self.by)
        form.addRow(self.message)
        form.addRow(buttons)
        self.points.currentIndexChanged.connect(self._fill_fields)
        self.stat.currentIndexChanged.connect(self._fill_fields)
        self._fill_fields()

    def _fill_fields(self, *_args) -> None:
        import pandas as pd

        layer = self.doc.find(self.points.currentData())
        self.field.clear()
        self.by.clear()
        self.by.addItem(self.tr("(none)"), None)
        if layer is None:
            return
        gdf = layer.gdf
        for c in gdf.columns:
            if c == gdf.geometry.name:
                continue
            if pd.api.types.is_numeric_dtype(gdf[c]) and not pd.api.types.is_bool_dtype(gdf[c]):
                add_field(self.field, layer, c, self.doc.lang)
            elif gdf[c].nunique() <= 50:
                add_field(self.by, layer, c, self.doc.lang)
        self.field.setEnabled(self.stat.currentData() != "count")

    def start(self) -> Task | None:
        points = self.doc.find(self.points.currentData())
        polygons = self.doc.find(self.polygons.currentData())
        if points is None or polygons is None:
            self.message.setText(self.tr("Choose a point layer and a polygon layer."))
            return None
        stat = self.stat.currentData()
        field = self.field.currentData() if stat != "count" else None
        if stat != "count" and field is None:
            self.message.setText(self.tr("The points have no numeric field to add up."))
            return None
        task = self.count(points, polygons, stat, field, self.by.currentData())
        self.accept()
        return task


# -- the worker side of an aggregation ----------------------------------------------------------
def _detached(points, polygons, columns):
    """GUI side: GeoDataFrames without pyproj CRS objects (they belong to this thread), the
    polygons' geometries copied (the worker prepares them)."""
    import geopandas as gpd
    import shapely

    pts = gpd.GeoDataFrame(points.gdf[[c for c in columns if c]].copy(),
                           geometry=points.gdf.geometry.values.copy(), crs=None)
    geoms = shapely.from_wkb(shapely.to_wkb(polygons.gdf.geometry.values))
    polys = gpd.GeoDataFrame(polygons.gdf.drop(columns=polygons.gdf.geometry.name),
                             geometry=geoms, crs=None)
    return pts, polys


def run_aggregate(pts, polys, stat, field, by, progress=None):
    from jjjmap.analysis.aggregate import aggregate

    def step(i, total):
        if progress is not None:
            progress(int(100 * i / max(total, 1)), "")

    return aggregate(pts, polys, stat=stat, field=field, by=by, progress=step)


class JoinActions(QObject):
    """Layer menu: Join table…, Count points per region…; and the offer to join a table.

    Given what it works on, not the window: the document, the settings (last folder),
    ``feedback``, the layer panel (a new layer becomes the current one), the ``runner`` of
    the window's background work and ``progress`` for a task's progress signal
    (FileActions.task_progress), the ``menu`` it adds to, and ``parent`` for dialogs."""

    def __init__(self, doc: MapDocument, settings: Settings, feedback: Feedback,
                 layers: "LayerPanel", runner: TaskRunner, progress: Callable[[int, str], None],
                 menu: QMenu, parent: QWidget):
        super().__init__(parent)
        self.doc, self.settings, self.feedback, self.layers = doc, settings, feedback, layers
        self.runner, self.progress, self.parent_widget = runner, progress, parent
        self.dialog: JoinDialog | None = None
        self.join_action = QAction(parent)
        self.join_action.triggered.connect(self.join_dialog)
        self.aggregate_action = QAction(parent)
        self.aggregate_action.triggered.connect(self.aggregate_dialog)
        menu.addSeparator()
        menu.addAction(self.join_action)
        menu.addAction(self.aggregate_action)
        parent.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        self.join_action.setText(self.tr("&Join table to boundaries…"))
        self.join_action.setStatusTip(self.tr("Put a table's numbers (CSV, Excel) on the "
                                              "counties, cities or provinces by code or name"))
        self.aggregate_action.setText(self.tr("&Count points per region…"))
        self.aggregate_action.setStatusTip(self.tr("Count, sum or average points per polygon"))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.parent_widget and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    # -- join -------------------------------------------------------------------------------
    def join_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent_widget, self.tr("Join table"), self.settings.last_dir(),
            self.tr("Tables (*.csv *.tsv *.txt *.xlsx *.xlsm)"))
        if path:
            self.open_join(path)

    def open_join(self, path: str, note: str = "") -> JoinDialog | None:
        from jjjmap.io import LayerLoadError

        try:
            self.dialog = JoinDialog(self.doc, self.layers, self.feedback, path, note,
                                     self.parent_widget)
        except LayerLoadError as exc:
            self.feedback.error(self.tr("Could not read %1").replace("%1", Path(path).name),
                                str(exc))
            return None
        self.dialog.show()
        return self.dialog

    def offer_join(self, path: str, exc: BaseException) -> bool:
        """Opening a table without coordinates: offer the join instead of an error."""
        from jjjmap.io.tables import NoCoordinatesError

        if not isinstance(exc, NoCoordinatesError):
            return False
        note = self.tr("%1 has no coordinates, so it is not a layer by itself. Join it to a "
                       "boundary layer by a code or name column:").replace("%1", Path(path).name)
        return self.open_join(path, note) is not None

    # -- aggregate --------------------------------------------------------------------------
    def aggregate_dialog(self) -> AggregateDialog:
        dlg = AggregateDialog(self.doc, self.aggregate, self.parent_widget)
        dlg.show()
        return dlg

    def aggregate(self, points, polygons, stat: str, field: str | None, by: str | None) -> Task:
        pts, polys = _detached(points, polygons, [field, by])
        task = Task(run_aggregate, pts, polys, stat, field, by, wants_progress=True)
        task.signals.progress.connect(self.progress)
        self.feedback.message(self.tr("Counting %1 per region…").replace(
            "%1", points.title(self.doc.lang)))
        return self.runner.submit(task, lambda res: self._aggregated(points, polygons, res),
                                  lambda exc: self._aggregate_failed(exc))

    def _aggregated(self, points, polygons, result) -> None:
        from jjjmap.analysis.aggregate import aggregated_layer

        layer = aggregated_layer(result, points, polygons)
        doc = self.doc
        index = doc.layers.index(polygons) + 1 if polygons in doc.layers else None
        doc.add_layer(layer, index)
        self.layers.set_current(layer.id)
        self.feedback.message(self.tr("Added %1 (%2 points outside every region).")
                              .replace("%1", ", ".join(result.columns))
                              .replace("%2", str(result.outside)), 10000)

    def _aggregate_failed(self, exc: BaseException) -> None:
        from jjjmap.analysis.aggregate import AggregateError

        if not isinstance(exc, AggregateError):
            log.error("aggregation failed", exc_info=exc)
        self.feedback.error(self.tr("Could not count the points"), str(exc))
