"""The window's helpers work with what they are given, not with the window (ui.feedback).

``StatusFeedback`` over a plain status bar, and FileActions on a document, settings, a
recording Feedback and stand-ins for the map and the layer panel: no MainWindow anywhere.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from jjjmap.model import MapDocument

from test_ui_helpers import county_layer, temp_settings


class RecordingFeedback:
    """A Feedback that writes down what it is told."""

    def __init__(self, can_ask: bool = False):
        self.messages: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self.states: list[object] = []   # working(True/False), progress percents, "busy"
        self._can_ask = can_ask

    def message(self, text: str, timeout_ms: int = 0) -> None:
        self.messages.append(text)

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def can_ask(self) -> bool:
        return self._can_ask

    @contextmanager
    def busy(self):
        self.states.append("busy")
        yield

    def working(self, active: bool) -> None:
        self.states.append(active)

    def progress(self, percent: int) -> None:
        self.states.append(percent)


class StandInMap:
    ready = False   # no page: exports use the document's view as it is

    def __init__(self):
        self.renders = 0

    def render(self) -> None:
        self.renders += 1


class StandInPanel:
    def __init__(self):
        self.current: list[str] = []

    def set_current(self, layer_id: str) -> None:
        self.current.append(layer_id)


def test_status_feedback_drives_the_bar_and_the_status_line(qtbot):
    from PySide6.QtWidgets import QApplication, QMainWindow, QProgressBar, QPushButton

    from jjjmap.ui.feedback import StatusFeedback

    window = QMainWindow()
    qtbot.addWidget(window)
    bar, button = QProgressBar(window), QPushButton(window)
    bar.setRange(0, 0)
    reported: list[tuple[str, str]] = []
    unattended = [False]
    fb = StatusFeedback(window.statusBar(), bar, button, lambda t, x: reported.append((t, x)),
                        lambda: unattended[0])
    window.show()

    fb.message("Opening a.csv…")
    assert window.statusBar().currentMessage() == "Opening a.csv…"
    fb.message("")
    assert window.statusBar().currentMessage() == ""

    fb.working(True)
    assert bar.isVisible() and button.isVisible()
    assert (bar.minimum(), bar.maximum()) == (0, 0)   # no count yet: a busy bar
    fb.progress(40)
    assert (bar.minimum(), bar.maximum(), bar.value()) == (0, 100, 40)
    fb.working(False)
    assert not bar.isVisible() and not button.isVisible()
    assert (bar.minimum(), bar.maximum()) == (0, 0)   # the next run starts busy again

    fb.error("Export failed", "disk full")
    assert reported == [("Export failed", "disk full")]
    assert fb.can_ask()
    unattended[0] = True
    assert not fb.can_ask()

    with pytest.raises(RuntimeError):
        with fb.busy():
            assert QApplication.overrideCursor() is not None
            raise RuntimeError("the work failed")
    assert QApplication.overrideCursor() is None   # restored on the way out too


@pytest.fixture
def files(qtbot, tmp_path):
    from PySide6.QtWidgets import QMenu, QWidget

    from jjjmap.ui.files import FileActions

    parent = QWidget()
    qtbot.addWidget(parent)
    doc = MapDocument()
    actions = FileActions(doc, temp_settings(tmp_path), RecordingFeedback(), StandInMap(),
                          StandInPanel(), QMenu(parent), parent)
    yield actions
    actions.runner.cancel_all()


def test_file_actions_open_a_file_with_no_window(files, qtbot, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("name,lon,lat\na,116.40,39.90\nb,117.20,39.13\n", encoding="utf-8")

    files.open_path(str(path))
    qtbot.waitUntil(lambda: not files.runner.active, timeout=30000)

    assert [len(layer.gdf) for layer in files.doc.layers] == [2]
    layer = files.doc.layers[0]
    assert files.layers.current == [layer.id]
    assert files.settings.recent_files() == [str(path)]
    assert files.settings.last_dir() == str(tmp_path)
    assert files.feedback.messages[0] == "Opening two.csv…"
    assert files.feedback.messages[-1].startswith("Opened two.csv: 1 layer")
    assert files.feedback.states[0] is True and files.feedback.states[-1] is False
    assert files.feedback.errors == []


def test_file_actions_report_a_bad_file_and_offer_it_to_the_handlers(files, qtbot, tmp_path):
    path = tmp_path / "nothing.geojson"
    path.write_text("this is not GeoJSON", encoding="utf-8")
    offered: list[str] = []
    files.unreadable_handlers.append(lambda p, exc: offered.append(Path(p).name) or False)

    files.open_path(str(path))
    qtbot.waitUntil(lambda: bool(files.feedback.errors), timeout=30000)

    assert offered == ["nothing.geojson"]   # declined, so it is reported
    (title, _text), = files.feedback.errors
    assert title == "Could not open nothing.geojson"
    assert files.doc.layers == []
    assert files.settings.recent_files() == []


def test_a_handler_that_takes_the_file_stops_the_error(files, qtbot, tmp_path):
    path = tmp_path / "nothing.geojson"
    path.write_text("this is not GeoJSON", encoding="utf-8")
    taken: list[str] = []
    files.unreadable_handlers.append(lambda p, exc: taken.append(p) is None)

    files.open_path(str(path))
    qtbot.waitUntil(lambda: bool(taken), timeout=30000)
    qtbot.waitUntil(lambda: not files.runner.active, timeout=30000)
    assert taken == [str(path)] and files.feedback.errors == []


def test_file_actions_fill_the_menu_they_were_given(files, tmp_path):
    files.settings.add_recent("/data/a.gpkg")
    files.settings.add_recent("/data/b.csv")
    files.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in files.recent_menu.actions() if not a.isSeparator()]
    assert texts == ["/data/b.csv", "/data/a.gpkg", "Clear list"]


def test_export_html_uses_the_busy_feedback(files, tmp_path):
    out = tmp_path / "map.html"
    assert files.export_html(str(out))
    assert out.stat().st_size > 0
    assert files.feedback.states == ["busy"]
    assert files.feedback.messages == [f"Exporting {out}…", f"Exported {out}"]


def test_layer_actions_work_on_a_panel_and_a_menu_with_no_window(qtbot, tmp_path):
    import geopandas as gpd

    from PySide6.QtWidgets import QMenu, QWidget

    from jjjmap.ui.layeractions import LayerActions
    from jjjmap.ui.layerpanel import LayerPanel
    from jjjmap.ui.workers import TaskRunner

    parent = QWidget()
    qtbot.addWidget(parent)
    doc = MapDocument()
    layer = county_layer(3)
    doc.add_layer(layer)
    panel = LayerPanel(doc, None, parent)
    menu, runner, feedback = QMenu(parent), TaskRunner(parent), RecordingFeedback()
    actions = LayerActions(doc, temp_settings(tmp_path), feedback, panel, runner, menu, parent)

    assert menu.title() == "La&yer"
    assert menu.actions() == [actions.style_action, actions.export_data_action]
    panel.set_current(layer.id)
    assert actions.style_action.isEnabled() and actions.export_data_action.isEnabled()

    out = tmp_path / "counties.geojson"
    actions.export_layer_data(layer.id, str(out))
    qtbot.waitUntil(lambda: bool(actions.last_message), timeout=20000)
    assert len(gpd.read_file(out)) == 3
    assert feedback.messages == ["Exporting counties.geojson…", actions.last_message]
    assert "3 feature(s)" in actions.last_message and feedback.errors == []
    assert feedback.states == []   # the runner is the caller's: it shows the progress

    doc.remove_layer(layer.id)
    assert not actions.style_action.isEnabled()
