"""Text from a stranger's file shows literally in every widget (issue 20, item 2).

Qt renders anything that looks like HTML as rich text in message boxes, labels and tooltips;
``<img src=/dev/zero>`` in a CSV header made the app read /dev/zero until it died. Here a CSV
whose header, cells and file name are markup, and a zip whose member name is, are opened in
the window; then every label, tooltip and message box the window shows is walked and must
show the text as written.
"""
from __future__ import annotations

import zipfile

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import QModelIndex, Qt, QTimer  # noqa: E402
from PySide6.QtGui import Qt as GuiQt  # noqa: E402 - Qt.mightBeRichText lives in QtGui
from PySide6.QtGui import QTextDocument  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox  # noqa: E402
from test_ui_helpers import standin_window  # noqa: E402

from jjjmap.io import open_layer  # noqa: E402
from jjjmap.ui import dialogs, plaintext  # noqa: E402

# Made-up test data: markup that a hostile file would carry. The <img> one is never rendered
# as rich text by a test (before the fix it would take the test process down).
IMG = "<img src=/dev/zero>"
BOLD = "<b>x</b>"
NAME = "<i>sites<i>"   # a file name cannot hold "/"


def shown(text: str) -> str:
    """What Qt displays for ``text`` in an AutoText widget (label, tooltip, message box)."""
    doc = QTextDocument()
    if GuiQt.mightBeRichText(text):
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    return doc.toPlainText()


def shows_literally(widget_text: str, fmt, wanted: str) -> bool:
    if fmt == Qt.TextFormat.PlainText:
        return wanted in widget_text
    if fmt == Qt.TextFormat.RichText:
        return wanted in _html_plain(widget_text)
    return wanted in shown(widget_text)


def _html_plain(text: str) -> str:
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def hostile_csv(folder):
    path = folder / f"{NAME}.csv"
    path.write_text(f"lon,lat,{BOLD},{IMG.replace(',', ' ')}\n"
                    f"116.4,39.9,{BOLD},{IMG}\n117.2,39.1,plain,{BOLD}\n", encoding="utf-8")
    return path


def hostile_zip(folder):
    path = folder / "parcel.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{NAME}.csv", f"lon,lat,{BOLD}\n116.0,39.0,{BOLD}\n")
        zf.writestr("other.csv", "lon,lat,n\n116.5,39.5,1\n")   # two members: titled by name
    return path


@pytest.fixture
def window(qtbot, tmp_path):
    with standin_window(qtbot, tmp_path) as w:
        yield w


def _open(window, qtbot, path):
    layers = open_layer(path)
    for layer in layers:
        window.doc.add_layer(layer)
    return layers


def test_tooltip_helper_shows_text_literally(qtbot):
    for text in (IMG, BOLD, "a & b", "line 1\n<b>line 2</b>", f"{NAME} & &lt;"):
        assert shown(plaintext.tooltip(text)) == text
    assert plaintext.tooltip("") == "" and plaintext.tooltip(None) == ""
    assert plaintext.action_text("R&D.csv") == "R&&D.csv"


def test_every_widget_shows_hostile_text_literally(window, qtbot, tmp_path, monkeypatch):
    csv_layer = _open(window, qtbot, hostile_csv(tmp_path))[0]
    zip_layer = _open(window, qtbot, hostile_zip(tmp_path))[0]
    # the table, not .gdf: the CSV's points stay arrays (model.PointData) through this test
    assert BOLD in csv_layer.table.columns and NAME in csv_layer.title_en
    assert NAME in zip_layer.title_en

    # attribute table: cell tooltips (ToolTipRole) and what the cells show
    for layer in (csv_layer, zip_layer):
        window.layers.set_current(layer.id)
        window.table.set_layer(layer)
        model = window.table.model
        col = model.columns.index(BOLD)
        index = model.index(0, col)
        assert model.data(index, Qt.ItemDataRole.DisplayRole) == BOLD
        assert shown(model.data(index, Qt.ItemDataRole.ToolTipRole)) == BOLD
        if layer is csv_layer:
            img_col = next(i for i, c in enumerate(model.columns) if c.startswith("<img"))
            tip = model.data(model.index(0, img_col), Qt.ItemDataRole.ToolTipRole)
            assert "<img" not in tip and shown(tip) == IMG

    # layer panel: the name shows as written; the tooltip is the file (markup in its name)
    panel = window.layers.model
    for layer in (csv_layer, zip_layer):
        item = panel.itemFromIndex(panel.layer_index(layer.id))
        assert NAME in item.text()
    item = panel.itemFromIndex(panel.layer_index(csv_layer.id))
    assert shown(item.toolTip()) == csv_layer.path

    # identify panel: title label and the attribute list
    window.doc.select(csv_layer.id, [0])
    ident = window.identify
    assert shows_literally(ident.title.text(), ident.title.textFormat(), NAME)
    text = ident.browser.toPlainText()
    assert BOLD in text and IMG in text
    assert csv_layer.points is not None   # the table and identify above read the arrays' layer

    # the recent-files menu shows a path with "&" as written
    amp = tmp_path / "R&D.csv"
    window.settings.add_recent(str(amp))
    window.files.fill_recent_menu()
    act = window.recent_menu.actions()[0]
    assert act.text() == plaintext.action_text(str(amp))

    # style dialog: the message about a text field names the field
    dialog = window.layer_actions.edit_style(csv_layer.id)
    try:
        dialog._select(dialog.mode, "graduated")
        dialog._mode_changed()
        dialog.field.addItem(BOLD, BOLD)   # a text field picked for graduated colours
        dialog.field.setCurrentIndex(dialog.field.count() - 1)
        assert not dialog.apply()
        assert dialog.message.isVisibleTo(dialog)
        assert shows_literally(dialog.message.text(), dialog.message.textFormat(), BOLD)
        assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    finally:
        dialog.close()

    # every label in every window now open that holds the hostile text shows it literally
    labels = [w for w in QApplication.allWidgets() if isinstance(w, QLabel)]
    for label in labels:
        for needle in (BOLD, NAME):
            if needle in label.text():
                assert shows_literally(label.text(), label.textFormat(), needle), label.text()
                if label.textFormat() != Qt.TextFormat.PlainText:
                    # an AutoText label must not be fed markup that it would render
                    assert needle in shown(label.text())

    # every tooltip of every model in the window's views
    from PySide6.QtWidgets import QAbstractItemView

    checked = 0
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        for index in _indexes(model):
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str) and tip:
                for needle in (BOLD, NAME, IMG):   # markup in a tooltip shows as written
                    if needle in tip:
                        assert needle in shown(tip), tip
                checked += 1
    assert checked > 10


def _indexes(model, parent=QModelIndex(), limit=500):
    out = []
    for r in range(min(model.rowCount(parent), limit)):
        for c in range(model.columnCount(parent)):
            index = model.index(r, c, parent)
            out.append(index)
            if c == 0 and model.rowCount(index) > 0:
                out.extend(_indexes(model, index, limit))
    return out


def _read_box_then_close(store):
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        store.append((box.windowTitle(), box.text(), box.textFormat()))
        box.done(0)
    else:
        QTimer.singleShot(20, lambda: _read_box_then_close(store))


def test_error_dialog_is_plain_text(window, qtbot, tmp_path):
    """The message box itself, not a stand-in: its text format is plain."""
    seen = []
    QTimer.singleShot(20, lambda: _read_box_then_close(seen))
    dialogs.show_error(window, f"Could not open {NAME}", f"{IMG} {BOLD} is not a column")
    assert seen
    title, text, fmt = seen[0]
    assert fmt == Qt.TextFormat.PlainText
    assert text == f"{IMG} {BOLD} is not a column" and NAME in title


def test_failed_open_reports_hostile_path_as_plain_text(window, qtbot, tmp_path):
    bad = tmp_path / f"{NAME}.geojson"
    bad.write_text("{ not json " + BOLD, encoding="utf-8")
    seen = []
    QTimer.singleShot(20, lambda: _read_box_then_close(seen))
    window.files.open_path(str(bad))
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    title, text, fmt = seen[0]
    assert fmt == Qt.TextFormat.PlainText and NAME in title


def test_a_database_layers_status_tooltip_is_plain_text(window, qtbot):
    """A PostGIS server's message quotes table names and values (ui.pglayers)."""
    layer = window.doc.layers[-1]
    window.map.pg_events.statusChanged.emit(layer.id, {"state": "error", "message": IMG})
    item = window.layers.model.itemFromIndex(window.layers.model.layer_index(layer.id))
    qtbot.waitUntil(lambda: bool(item.toolTip()), timeout=5000)
    assert shown(item.toolTip()) == IMG
