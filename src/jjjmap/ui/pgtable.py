"""The attribute table of a view-driven PostGIS layer: a Qt model over ``io.pgpages.Pager``.

The model says how many rows pass the filter (counted on the server) and asks for a page only
when the view shows one of its rows; a page arrives from a worker thread and fills its cells
(until then they read "…"). At most ``KEEP_PAGES`` pages stay in memory, the least recently
shown go first, so scrolling through ten million rows holds what a screen or two needs.
Sorting (a header click) and the filter go to the server as ORDER BY and WHERE; a newer order
or filter makes the answers still on their way stale (they are dropped, the running statement
is cancelled).
"""
from __future__ import annotations

import concurrent.futures
import logging
from collections import OrderedDict

from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt,
                            Signal)

from jjjmap.model import Layer

from . import plaintext

log = logging.getLogger(__name__)
KEEP_PAGES = 12
PENDING = "…"


def is_paged(layer: Layer | None) -> bool:
    """A layer whose rows stay on the server (its GeoDataFrame has none)."""
    return (layer is not None and layer.kind == "postgis"
            and layer.meta.get("pg_source") is not None)


class _Events(QObject):
    arrived = Signal(int, int, object)     # generation, page, rows (or an error text)
    counted = Signal(int, object)          # generation, count (or an error text)


class PgTableModel(QAbstractTableModel):
    """Rows of a view-driven PostGIS layer, fetched page by page (see module docstring)."""

    failed = Signal(str)     # a message naming the connection and the problem

    def __init__(self, parent=None, keep_pages: int = KEEP_PAGES):
        super().__init__(parent)
        self.layer: Layer | None = None
        self.pager = None
        self.keep_pages = keep_pages
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()
        self._asked: set[int] = set()
        self._gen = 0
        self._closed = False
        self._latest = 0        # the page asked for last: pages far from it are not fetched
        self._rows = 0
        self.total = 0          # rows without the filter
        self.counting = False
        self.error: str | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(1, "jjjmap-pgtable")
        self._events = _Events(self)
        self._events.arrived.connect(self._arrived)
        self._events.counted.connect(self._counted)
        self.order = range(0)   # what AttributeTable reads of a model; no positional rows
        app = QCoreApplication.instance()
        if app is not None:   # a count of millions of rows still running must not hold the exit
            app.aboutToQuit.connect(self.close)

    # -- the layer ----------------------------------------------------------------------
    def set_layer(self, layer: Layer | None) -> None:
        from jjjmap.io.pgpages import Pager

        self.beginResetModel()
        self._drop()
        if self.pager is not None:   # the old layer's connection closes on the worker
            self._submit(self.pager.close_connection)
        self.layer = layer
        self.pager = Pager(layer.meta["pg_source"].res) if is_paged(layer) else None
        self._rows, self.total = 0, 0
        self.counting = self.pager is not None
        self.endResetModel()
        if self.pager is not None:
            self._recount(total=True)

    def close(self) -> None:
        """Cancel what runs, close the connection; the model fetches nothing more."""
        if self._closed:
            return
        self._drop()
        if self.pager is not None:
            self._pool.submit(self.pager.close_connection)
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=False)

    def _submit(self, fn) -> None:
        if not self._closed:
            self._pool.submit(fn)

    def _drop(self) -> None:
        """Forget pages and answers on their way (a new layer, order or filter)."""
        self._gen += 1
        self._pages.clear()
        self._asked.clear()
        self.error = None
        if self.pager is not None:
            self.pager.cancel()

    @property
    def columns(self) -> list[str]:
        return list(self.pager.columns) if self.pager is not None else []

    def source_row(self, view_row: int) -> int:
        return view_row

    def view_row(self, source_row: int) -> int:
        return -1     # the map's selection has no positional rows of this layer

    def pages_in_memory(self) -> int:
        return len(self._pages)

    # the file model's language interface (AttributeTable calls either model the same way):
    # a database table is a user's, so its columns keep their own names in every language
    lang = "en"

    def set_language(self, lang: str) -> None:
        self.lang = lang

    def header_text(self, column: str) -> str:
        return str(column)

    # -- Qt model -----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.pager is None else len(self.pager.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            cols = self.columns
            return cols[section] if section < len(cols) else None
        return str(section + 1)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.pager is None:
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        size = self.pager.page_rows
        p, i = divmod(index.row(), size)
        rows = self._pages.get(p)
        if rows is None:
            self._ask(p)
            return PENDING
        self._pages.move_to_end(p)
        if i >= len(rows):
            return ""
        from .celltext import format_value

        text = format_value(rows[i][index.column()])
        # a value from the database is never markup
        return plaintext.tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if self.pager is None or not 0 <= column < len(self.pager.columns):
            return
        self.beginResetModel()
        self._drop()
        self.pager.set_order(self.pager.columns[column], order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def set_text_filter(self, text: str, column: str | None = None) -> None:
        if self.pager is None:
            return
        text = (text or "").strip()
        column = column if column in self.pager.columns else None
        if (text, column) == (self.pager.filter_text, self.pager.filter_column):
            return
        self.beginResetModel()
        self._drop()
        self.pager.set_filter(text, column)
        self._rows = 0
        self.counting = True
        self.endResetModel()
        self._recount()

    # -- fetching -----------------------------------------------------------------------
    def _recount(self, total: bool = False) -> None:
        gen, pager, events = self._gen, self.pager, self._events

        def work():
            try:
                n = pager.count()
            except Exception as exc:  # noqa: BLE001 - PostgisError, worded for the user
                n = str(exc)
            try:
                events.counted.emit(gen, (n, total))
            except RuntimeError:   # the model is gone
                pass
        self._submit(work)

    def _counted(self, gen: int, answer) -> None:
        if gen != self._gen:
            return
        n, total = answer
        self.counting = False
        if isinstance(n, str):
            self._fail(n)
            self.beginResetModel()   # the count label says so
            self.endResetModel()
            return
        self.beginResetModel()
        self._rows = n
        if total:
            self.total = n
        self.endResetModel()

    def _ask(self, p: int) -> None:
        if p in self._asked or self.error is not None:
            return
        self._asked.add(p)
        self._latest = p
        gen, pager, events, total = self._gen, self.pager, self._events, self._rows

        def work():
            if gen != self._gen:   # stale before it started
                return
            if abs(p - self._latest) > self.keep_pages:   # scrolled past it meanwhile
                try:
                    events.arrived.emit(gen, p, None)
                except RuntimeError:
                    pass
                return
            try:
                rows = pager.page(p, total)
            except Exception as exc:  # noqa: BLE001 - PostgisError, worded for the user
                rows = str(exc)
            try:
                events.arrived.emit(gen, p, rows)
            except RuntimeError:
                pass
        self._submit(work)

    def _arrived(self, gen: int, p: int, rows) -> None:
        self._asked.discard(p)
        if gen != self._gen or rows is None:
            return
        if isinstance(rows, str):
            self._fail(rows)
            return
        self._pages[p] = rows
        self._pages.move_to_end(p)
        while len(self._pages) > self.keep_pages:
            self._pages.popitem(last=False)
        size = self.pager.page_rows
        first, last = p * size, min(self._rows, (p + 1) * size) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(last, self.columnCount() - 1))

    def _fail(self, message: str) -> None:
        log.info("PostGIS table: %s", message)
        self.error = message
        self.failed.emit(message)
