"""Layer > Add PostGIS layer...: a connection, its geometry tables, or a SQL query.

The connection is a libpq URI or the usual fields (a ``service`` from pg_service.conf, host,
port, database, user); a password typed here is used for connecting and kept in memory only,
never in the URI that the project, the recent list or a log sees. "Test" connects and lists
the tables and views with a geometry or geography column on a worker thread, so an unknown
host never freezes the window. Text from the database is plain text in every widget.
"""
from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from .feedback import Feedback
from .workers import Task, TaskRunner


class LayerReader(Protocol):
    """What the dialog needs to open a layer (ui.files.FileActions, which imports this
    module for ask_password): its feedback, its translator, its background read."""

    feedback: Feedback

    def tr(self, text: str) -> str: ...

    def read_layers(self, task: Task, source: str, shown: str | None = None) -> Task: ...


def _list(address, password):
    from jjjmap.io.postgis import list_tables

    return list_tables(address.with_password(password))


class PgDialog(QDialog):
    COLUMNS = ("schema", "table", "column", "type", "SRID", "est. rows")

    def __init__(self, parent: QWidget | None = None, uri: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add PostGIS layer"))
        self.runner = TaskRunner(self)
        self.tables = []
        self.uri = QLineEdit(uri, self)
        self.uri.setPlaceholderText("postgresql://user@host:5432/database")
        self.service = QLineEdit(self)
        self.host = QLineEdit(self)
        self.host.setPlaceholderText("localhost")
        self.port = QLineEdit(self)
        self.port.setPlaceholderText("5432")
        self.dbname = QLineEdit(self)
        self.user = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("empty: PGPASSWORD or ~/.pgpass"))
        form = QFormLayout()
        form.addRow(self.tr("URI"), self.uri)
        form.addRow(self.tr("or service"), self.service)
        form.addRow(self.tr("Host"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Database"), self.dbname)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Password"), self.password)
        self.test_button = QPushButton(self.tr("Test and list tables"), self)
        self.test_button.clicked.connect(self.test)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.message, 1)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemDoubleClicked.connect(lambda _item: self.accept())
        self.sql = QPlainTextEdit(self)
        self.sql.setPlaceholderText(self.tr("or a query layer: SELECT id, name, geom FROM ... "
                                            "(runs read-only)"))
        self.sql.setMaximumHeight(80)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add layer"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.sql)
        layout.addWidget(buttons)
        self.resize(760, 560)

    # -- the connection ---------------------------------------------------------------------
    def connection_uri(self) -> str:
        """The connection as a libpq URI, without the password field's text."""
        text = self.uri.text().strip()
        if text:
            return text
        user = self.user.text().strip()
        host = self.host.text().strip()
        port = self.port.text().strip()
        db = self.dbname.text().strip()
        netloc = (quote(user, safe="") + "@" if user else "") + quote(host, safe="[]:")
        netloc += f":{port}" if port else ""
        uri = f"postgresql://{netloc}/{quote(db, safe='')}"
        if self.service.text().strip():
            uri += "?service=" + quote(self.service.text().strip(), safe="")
        return uri

    def address(self, need_layer: bool = False):
        from jjjmap.io.pgsource import parse_address

        return parse_address(self.connection_uri(), need_layer=need_layer)

    def typed_password(self) -> str | None:
        return self.password.text() or None

    def test(self) -> Task | None:
        from jjjmap.io.pgsource import PostgisError

        try:
            address = self.address()
        except PostgisError as exc:
            self.message.setText(str(exc))
            return None
        self.message.setText(self.tr("Connecting to %1…").replace("%1", address.display))
        self.test_button.setEnabled(False)
        task = Task(_list, address, self.typed_password())
        return self.runner.submit(task, self._listed, self._failed)

    def _listed(self, tables) -> None:
        self.test_button.setEnabled(True)
        self.tables = list(tables)
        self.table.setRowCount(len(self.tables))
        for r, t in enumerate(self.tables):
            kind = t.geometry_type + (" (geography)" if t.kind == "geography" else "")
            table = t.table + (" (view)" if t.is_view else "")
            rows = f"{t.estimated_rows:,}" if t.estimated_rows is not None else "?"
            for c, value in enumerate((t.schema, table, t.column, kind, str(t.srid), rows)):
                item = QTableWidgetItem(value)   # items show plain text
                if c >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        if self.tables:
            self.table.selectRow(0)
        self.message.setText(self.tr("Connected: %1 tables and views with geometry.")
                             .replace("%1", str(len(self.tables))))

    def _failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.message.setText(str(exc))

    # -- the layer --------------------------------------------------------------------------
    def layer_address(self):
        """The chosen layer as a PgAddress (a SQL query wins over the table list)."""
        from dataclasses import replace

        base = self.address()
        sql = self.sql.toPlainText().strip()
        if sql:
            return replace(base, sql=sql.rstrip(";").strip(), table=None, geometry=None)
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.tables:
            return None
        t = self.tables[rows[0].row()]
        return replace(base, table=(t.schema, t.table), geometry=t.column)


def add_postgis_layer(files: LayerReader, parent: QWidget | None = None) -> PgDialog:
    """Show the dialog; the chosen layer opens on the window's worker (io.postgis) and joins
    the map like a file's layers (``files``: ui.files.FileActions)."""
    dialog = PgDialog(parent)

    def accepted() -> None:
        try:
            address = dialog.layer_address()
        except Exception as exc:  # noqa: BLE001 - PostgisError: the user's message
            files.feedback.error(dialog.tr("Could not add the layer"), str(exc))
            return
        if address is None:
            files.feedback.error(dialog.tr("Could not add the layer"),
                                 dialog.tr("Choose a table (Test lists them) or write a query."))
            return
        open_address(files, address, dialog.typed_password())
    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog


def open_address(files: LayerReader, address, password: str | None = None) -> Task:
    """Open a PostGIS layer in the background; it joins the map like a file's layers."""
    from jjjmap.io.postgis import open_postgis

    name = address.storable()
    files.feedback.message(files.tr("Opening %1…").replace("%1", address.display))
    task = Task(open_postgis, address, password=password)
    return files.read_layers(task, name, address.display)


def ask_password(parent, connection: str) -> str | None:
    """A project's connection whose password libpq cannot find (not stored in projects)."""
    tr = QCoreApplication.translate
    text, ok = QInputDialog.getText(
        parent, tr("PgDialog", "PostGIS password"),
        tr("PgDialog", "Password for %1 (not saved in the project):").replace("%1", connection),
        QLineEdit.EchoMode.Password)
    return text if ok and text else None
