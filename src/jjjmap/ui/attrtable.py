"""Attribute table: a model that reads the GeoDataFrame in place, and the widget around it.

Nothing is copied into items. Sorting and filtering only rearrange an index permutation
(``order``: view row -> positional row of ``layer.gdf``), so 100,000 rows stay responsive.
The built-in layers' headers and coded values are shown in the interface language
(jjjmap.fieldnames), the raw column name and value in the tooltip; sorting uses the real
values, and the text filter finds a row by either.
"""
from __future__ import annotations


from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jjjmap import fieldnames
from jjjmap.lazy import LazyModule
from jjjmap.model import Layer

from . import i18n, plaintext
from .celltext import format_value

np = LazyModule("numpy")
pd = LazyModule("pandas")

NO_ROWS = ()   # the order of no layer: numpy is not needed (nor imported) for it


def column_text(values: np.ndarray) -> pd.Series:
    """A whole column as the text the table shows, vectorised where the dtype allows."""
    series = pd.Series(values, copy=False)
    if pd.api.types.is_integer_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(str)
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series.fillna("").astype(str)
    return series.map(format_value)


def _cells(series: pd.Series):
    """A column's values for the cells: a numpy view, or pandas' Arrow-backed text as its
    own array (``to_numpy`` makes one Python object per row: 0.6 s at 1M rows, on the GUI
    thread, each time a layer is shown; issue 21)."""
    if isinstance(series.dtype, pd.StringDtype):
        return series.array
    return series.to_numpy()


class AttributeModel(QAbstractTableModel):
    """Columns of a layer's GeoDataFrame (geometry shown as its type), rows in ``order``."""

    def __init__(self, layer: Layer | None = None, parent=None):
        super().__init__(parent)
        self.layer: Layer | None = None
        self._columns: list[str] = []
        self._values: list[np.ndarray] = []
        self.order = NO_ROWS
        self._inverse: np.ndarray | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._text = ""
        self._filter_column: str | None = None
        self._haystack: pd.Series | None = None
        self.lang = i18n.current_language()
        self._codes: list[dict[str, str] | None] = []   # per column: raw value -> shown text
        self.set_layer(layer)

    # -- data source ------------------------------------------------------------------------
    def set_layer(self, layer: Layer | None) -> None:
        self.beginResetModel()
        self.layer = layer
        self._sort, self._text, self._haystack = None, "", None
        self._filter_column = None
        if layer is None:
            self._columns, self._values = [], []
            self.order = NO_ROWS
        else:
            gdf = layer.table   # points as arrays: the attributes only, no Points built
            if layer.points is not None:
                geom = "geometry" if "geometry" not in gdf.columns else "(geometry)"
            else:
                try:
                    geom = gdf.geometry.name
                except AttributeError:  # a GeoDataFrame without an active geometry column
                    geom = None
            self._columns = [c for c in gdf.columns if c != geom]
            self._values = [_cells(gdf[c]) for c in self._columns]  # views, not copies
            if geom is not None:
                self._columns.append(geom)
                self._values.append(None)  # geometry type computed lazily per cell
            self.order = np.arange(len(gdf))
        self._codes = self._code_tables()
        self._inverse = None
        self.endResetModel()

    def _geometry_type(self, row: int) -> str:
        """One feature's geometry cell: its type name ("" for none)."""
        if self.layer.points is not None:
            return "Point"
        geom = self.layer.gdf.geometry.iloc[row]
        return "" if geom is None else geom.geom_type

    def _geometry_types(self):
        """The geometry column's cells: each feature's type name ("" for none)."""
        layer = self.layer
        if layer.points is not None:
            return np.full(layer.feature_count, "Point", dtype=object)
        return layer.gdf.geometry.geom_type.to_numpy()

    def _code_tables(self) -> list[dict[str, str] | None]:
        return [fieldnames.value_names(self.layer, c, self.lang) for c in self._columns]

    def set_language(self, lang: str) -> None:
        """Show headers and coded values in ``lang`` (the data and the order do not change)."""
        if lang == self.lang:
            return
        self.lang = lang
        self._codes = self._code_tables()
        self._haystack = None
        if self._text:   # what a filter finds in a coded column changes with its words
            self._rebuild()
            return
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self.order is not NO_ROWS and len(self.order) and self._columns:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.order) - 1, len(self._columns) - 1))

    def header_text(self, column: str) -> str:
        """The name shown for ``column``: its display name for a built-in field."""
        return fieldnames.field_label(self.layer, column, self.lang)

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def source_row(self, view_row: int) -> int:
        return int(self.order[view_row])

    def view_row(self, source_row: int) -> int:
        """The view row showing ``source_row``, or -1 if it is filtered out."""
        if self._inverse is None:
            n = 0 if self.layer is None else self.layer.feature_count
            self._inverse = np.full(n, -1, dtype=np.int64)
            self._inverse[self.order] = np.arange(len(self.order))
        if 0 <= source_row < len(self._inverse):
            return int(self._inverse[source_row])
        return -1

    # -- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self.order[index.row()]
            values = self._values[index.column()]
            if values is None:
                text = self._geometry_type(row)
            else:
                text = format_value(values[row])
                codes = self._codes[index.column()]
                if codes is not None and text in codes:
                    if role == Qt.ItemDataRole.ToolTipRole:   # the real value as well
                        return plaintext.tooltip(f"{codes[text]}\n{text}")
                    return codes[text]
            # a tooltip is rich text if it looks like it: a cell's value never is
            return plaintext.tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            values = self._values[index.column()]
            if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.number):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            # the raw column name, which projects, joins and filters use
            return plaintext.tooltip(self._columns[section]) if section < len(self._columns) \
                else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.header_text(self._columns[section]) if section < len(self._columns) \
                else None
        return str(int(self.order[section])) if section < len(self.order) else None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if self.layer is None or not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self._rebuild()

    def set_text_filter(self, text: str, column: str | None = None) -> None:
        """Rows where ``column`` (None: any column) contains ``text``, case-insensitively."""
        text = text.strip().lower()
        column = column if column in self._columns else None
        if (text, column) != (self._text, self._filter_column):
            self._text, self._filter_column = text, column
            self._rebuild()

    def _searchable(self, i: int) -> pd.Series:
        """Column ``i`` as filter text: its values, and for a coded column also what is shown."""
        values = self._values[i]
        if values is None:
            values = self._geometry_types()
        raw = column_text(values)
        codes = self._codes[i] if i < len(self._codes) else None
        if codes is None:
            return raw
        return raw + "\x1f" + raw.map(codes).fillna("")

    # -- order ------------------------------------------------------------------------------
    def _sorted_rows(self) -> np.ndarray:
        n = self.layer.feature_count
        if self._sort is None:
            return np.arange(n)
        column, order = self._sort
        values = self._values[column]
        if values is None:
            values = self._geometry_types()
        series = pd.Series(values, copy=False)
        if series.dtype == object:
            numbers = pd.to_numeric(series, errors="coerce")   # e.g. Int64 with missing cells
            if numbers.notna().sum() and numbers.notna().sum() == series.notna().sum():
                series = numbers
            else:
                series = column_text(values)  # mixed types compare as text
        asc = order == Qt.SortOrder.AscendingOrder
        # stable sort; missing values last either way
        return series.reset_index(drop=True).sort_values(
            ascending=asc, kind="stable", na_position="last").index.to_numpy()

    def _matches(self) -> np.ndarray | None:
        if not self._text:
            return None
        if self._filter_column is not None:
            one = self._searchable(self._columns.index(self._filter_column))
            one = one.str.lower().reset_index(drop=True)
            return one.str.contains(self._text, regex=False).to_numpy()
        if self._haystack is None:
            parts = [self._searchable(i) for i, v in enumerate(self._values) if v is not None]
            hay = parts[0].str.lower() if parts else pd.Series([""] * self.layer.feature_count)
            for part in parts[1:]:
                hay = hay + "\x1f" + part.str.lower()
            self._haystack = hay.reset_index(drop=True)
        return self._haystack.str.contains(self._text, regex=False).to_numpy()

    def _rebuild(self) -> None:
        rows = self._sorted_rows()
        mask = self._matches()
        if mask is not None:
            rows = rows[mask[rows]]
        self.beginResetModel()
        self.order = rows
        self._inverse = None
        self.endResetModel()


class AttributeTable(QWidget):
    """Table of the current layer with a text filter; reports selected (positional) rows."""

    rowsSelected = Signal(str, list)  # noqa: N815 - layer id, positional rows

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = AttributeModel(parent=self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setDefaultSectionSize(120)
        self.view.verticalHeader().setDefaultSectionSize(22)
        # sizing columns to their contents reads this many rows (Qt's default, 1000, took
        # 0.3 s on the GUI thread when a layer of 100k points opened)
        self.view.horizontalHeader().setResizeContentsPrecision(100)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)

        self.filter_edit = QLineEdit(self)
        self._set_placeholder()
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self._filter_timer = QTimer(self, singleShot=True, interval=200)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.filter_column = QComboBox(self)   # filter by one column, or by any
        self.filter_column.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter_column.currentIndexChanged.connect(lambda _i: self._apply_filter())

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_column)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.view)

        self._quiet = False
        self._stash: tuple[Layer | None, list[int]] = (None, [])
        self.file_model = self.model
        self.pg_model = None     # ui.pgtable: a view-driven PostGIS layer pages from its server
        self._watch(self.model)
        self._update_count()

    def _watch(self, model) -> None:
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        model.modelAboutToBeReset.connect(self._stash_selection)
        model.modelReset.connect(self._restore_selection)
        model.modelReset.connect(self._update_count)

    def _use_model(self, layer: Layer | None) -> None:
        """The file model, or the paged one for a layer whose rows stay on the server."""
        from . import pgtable

        if pgtable.is_paged(layer):
            if self.pg_model is None:
                self.pg_model = pgtable.PgTableModel(self)
                self.pg_model.failed.connect(lambda _m: self._update_count())
            model = self.pg_model
        else:
            model = self.file_model
        if model is self.model:
            return
        for signal, slot in ((self.model.modelAboutToBeReset, self._stash_selection),
                             (self.model.modelReset, self._restore_selection),
                             (self.model.modelReset, self._update_count)):
            signal.disconnect(slot)
        if self.model is self.pg_model:
            self.pg_model.set_layer(None)
        self.model = model
        self.view.setModel(model)
        self._watch(model)

    @property
    def layer(self) -> Layer | None:
        return self.model.layer

    def set_layer(self, layer: Layer | None) -> None:
        if layer is self.model.layer:
            return
        self._quiet = True
        try:
            self.filter_edit.blockSignals(True)
            self.filter_edit.clear()
            self.filter_edit.blockSignals(False)
            self._use_model(layer)
            self.model.lang = i18n.current_language()
            self.model.set_layer(layer)
            self._fill_filter_columns()
            self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        finally:
            self._quiet = False
        if layer is not None and len(self.model.columns) <= 12:
            self.view.resizeColumnsToContents()

    def _apply_filter(self) -> None:
        self.model.set_text_filter(self.filter_edit.text(), self.filter_column.currentData())

    def _fill_filter_columns(self) -> None:
        self.filter_column.blockSignals(True)
        self.filter_column.clear()
        self.filter_column.addItem(self.tr("any column"), None)
        for i, name in enumerate(self.model.columns):
            self.filter_column.addItem(self.model.header_text(name), name)
            self.filter_column.setItemData(i + 1, plaintext.tooltip(name),
                                           Qt.ItemDataRole.ToolTipRole)
        self.filter_column.blockSignals(False)

    def set_filter(self, text: str, column: str | None = None) -> None:
        """Filter as if typed: ``text`` in ``column`` (None: any column)."""
        i = self.filter_column.findData(column)
        self.filter_column.setCurrentIndex(max(i, 0))
        self.filter_edit.setText(text)
        self._apply_filter()

    def _stash_selection(self) -> None:
        # sorting and filtering reset the model; the selected features stay selected
        self._stash = (self.model.layer, self.selected_rows())

    def _restore_selection(self) -> None:
        layer, rows = self._stash
        self._stash = (None, [])
        if layer is not None and layer is self.model.layer and rows:
            self.select_rows(rows, emit=False)

    def _set_placeholder(self) -> None:
        self.filter_edit.setPlaceholderText(self.tr("Filter rows (any column contains…)"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._set_placeholder()
            self.model.set_language(i18n.current_language())
            for i in range(1, self.filter_column.count()):
                self.filter_column.setItemText(
                    i, self.model.header_text(self.filter_column.itemData(i)))
            if self.filter_column.count():
                self.filter_column.setItemText(0, self.tr("any column"))
            self._update_count()
        super().changeEvent(event)

    def _update_count(self) -> None:
        if self.model is self.pg_model and self.layer is not None:
            self.count_label.setText(self._paged_count())
            return
        total = 0 if self.layer is None else self.layer.feature_count
        shown = self.model.rowCount()
        if shown == total:
            self.count_label.setText(self.tr("%n feature(s)", "", total))
        else:
            self.count_label.setText(self.tr("%1 of %2 shown").replace("%1", str(shown))
                                     .replace("%2", str(total)))

    def _paged_count(self) -> str:
        model = self.pg_model
        if model.error:
            self.count_label.setToolTip(plaintext.tooltip(model.error))
            return self.tr("error (the server's message is in the tooltip)")
        self.count_label.setToolTip("")
        if model.counting:
            return self.tr("counting on the server…")
        if model.pager.filter_text:
            return (self.tr("%1 of %2 in the database").replace("%1", f"{model.rowCount():,}")
                    .replace("%2", f"{model.total:,}"))
        return self.tr("%1 in the database").replace("%1", f"{model.total:,}")

    # -- selection --------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        rows = {self.model.source_row(i.row()) for i in self.view.selectionModel().selectedRows()}
        return sorted(rows)

    def select_rows(self, rows, emit: bool = False) -> None:
        """Select positional ``rows`` of the layer (those shown); scroll to the first."""
        sel = QItemSelection()
        last = self.model.columnCount() - 1
        first_view_row = None
        for r in rows:
            v = self.model.view_row(int(r))
            if v < 0:
                continue
            sel.select(self.model.index(v, 0), self.model.index(v, max(last, 0)))
            first_view_row = v if first_view_row is None else min(first_view_row, v)
        quiet, self._quiet = self._quiet, not emit
        try:
            self.view.selectionModel().select(
                sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._quiet = quiet
        if first_view_row is not None:
            self.view.scrollTo(self.model.index(first_view_row, 0),
                               QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_selection(self, *_args) -> None:
        if self._quiet or self.layer is None or self.model is self.pg_model:
            return
        self.rowsSelected.emit(self.layer.id, self.selected_rows())
