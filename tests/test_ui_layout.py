"""The window's layout, progress and status bar (issue 18 items 4 and 5): the map gets at
least 60% of a 1280x800 window, a 150k-row workbook counts up to 100%, and a long status
message never runs into the coordinates. The workbook is invented for the test."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import standin_window, temp_settings  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    with standin_window(qtbot, tmp_path) as w:
        yield w


def _sized(qtbot, w, width, height):
    w.resize(width, height)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == (width, height), timeout=5000)
    qtbot.waitUntil(lambda: w.map.width() > 0, timeout=5000)


def test_map_has_at_least_60_percent_of_a_1280x800_window(window, qtbot):
    _sized(qtbot, window, 1280, 800)
    share = window.map.width() * window.map.height() / (1280 * 800)
    assert share >= 0.60, (window.map.size(), share)
    # the layer panel and identify stay on screen, in one column left of the map
    for dock in (window.layers_dock, window.identify_dock):
        assert dock.isVisible() and dock.geometry().right() < window.map.geometry().left()
    assert not window.table_dock.isVisible()      # folded until a table is asked for


def test_asking_for_a_table_unfolds_it_under_the_map_only(window, qtbot):
    _sized(qtbot, window, 1280, 800)
    window.layers.showTable.emit(window.doc.layers[0].id)
    qtbot.waitUntil(window.table_dock.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: window.table_dock.geometry().top() >= window.map.geometry().bottom(),
                    timeout=5000)
    # the bottom-left corner belongs to the left column: the table starts right of it
    assert window.table_dock.geometry().left() >= window.layers_dock.geometry().right()


def test_layout_is_remembered_per_user(qtbot, tmp_path):
    from test_ui_helpers import shown_window, standin_renderer, synthetic_document, SECTORS

    settings = temp_settings(tmp_path, "layout.ini")
    with shown_window(qtbot, synthetic_document(), tmp_path, renderer=standin_renderer,
                      sectors=SECTORS, settings=settings, restore=True) as w:
        w.table_dock.show()
        w.identify_dock.hide()
        qtbot.waitUntil(w.table_dock.isVisible, timeout=5000)
    with shown_window(qtbot, synthetic_document(), tmp_path, renderer=standin_renderer,
                      sectors=SECTORS, settings=settings, restore=True) as again:
        assert again.table_dock.isVisible() and not again.identify_dock.isVisible()
    # a layout saved by an older version (another dock arrangement) is not restored
    settings.store.setValue("window/state", again_state_of_version_1(qtbot, tmp_path))
    with shown_window(qtbot, synthetic_document(), tmp_path, renderer=standin_renderer,
                      sectors=SECTORS, settings=settings, restore=True) as fresh:
        assert not fresh.table_dock.isVisible() and fresh.identify_dock.isVisible()


def again_state_of_version_1(qtbot, tmp_path):
    from test_ui_helpers import shown_window, standin_renderer, synthetic_document, SECTORS

    with shown_window(qtbot, synthetic_document(), tmp_path, renderer=standin_renderer,
                      sectors=SECTORS) as w:
        w.table_dock.show()
        w.identify_dock.hide()
        qtbot.waitUntil(w.table_dock.isVisible, timeout=5000)
        return w.saveState(1)


def test_long_status_message_and_coordinates_do_not_overlap(window, qtbot):
    _sized(qtbot, window, 1280, 800)
    window.status.show_cursor(39.90870, 116.39750)
    long = "Opened a file with a very long name: " + "so " * 300 + "the end"
    window.statusBar().showMessage(long)
    message, coords = window.status.message_label, window.coord_label
    qtbot.waitUntil(lambda: message.text() == long, timeout=5000)
    for busy in (False, True):   # also with the progress bar and Cancel showing
        window.progress.setVisible(busy)
        window.cancel_button.setVisible(busy)
        qtbot.waitUntil(lambda busy=busy: window.progress.isVisible() == busy, timeout=5000)
        qtbot.waitUntil(lambda: message.geometry().right() < min(
            w.geometry().left() for w in (coords, window.progress, window.cancel_button)
            if w.isVisible()), timeout=5000)
        shown = message.shown_text()
        assert shown.endswith("…") and shown != long
        assert message.fontMetrics().horizontalAdvance(shown) <= message.contentsRect().width()
        # the coordinates are whole: their label is as wide as its text
        assert coords.text() == "lon 116.39750, lat 39.90870 (WGS-84)"
        assert coords.fontMetrics().horizontalAdvance(coords.text()) <= coords.contentsRect().width()
    assert long in message.toolTip()    # the whole message is in the tooltip (as plain text)


def _invented_workbook(path, rows: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("invented")
    ws.append(["id", "name", "lon", "lat"])
    for i in range(rows):
        ws.append([i, f"invented {i}", 115.0 + (i % 1000) * 0.002, 38.0 + (i // 1000) * 0.01])
    wb.save(path)


def test_progress_reaches_100_on_a_150k_row_workbook(window, qtbot, tmp_path):
    p = tmp_path / "invented-150k.xlsx"
    _invented_workbook(p, 150_000)
    values: list[int] = []
    messages: list[str] = []
    window.progress.valueChanged.connect(values.append)
    window.statusBar().messageChanged.connect(messages.append)
    task = window.files.open_path(str(p))
    qtbot.waitUntil(lambda: not window.files.runner.active, timeout=180_000)
    assert any(lyr.title("en").startswith("invented-150k") for lyr in window.doc.layers)
    assert len(window.doc.layers[-1].gdf) == 150_000
    assert task.wants_progress
    assert values[-1] == 100 and values == sorted(values)
    assert len(set(values)) > 50          # it counted up, not jumped
    counted = [m for m in messages if "rows" in m and "%" in m]
    assert any("150,001 of 150,001 rows" in m for m in counted)
    assert any("left" in m for m in counted)   # time remaining while it reads


def test_progress_message_is_in_the_windows_language(window, qtbot):
    from jjjmap.ui.files import ReadProgress

    clock = iter([0.0, 5.0, 20.0])
    window.set_language("zh")
    try:
        said: list[str] = []
        read = ReadProgress("企业.csv", lambda _p, m: said.append(m), clock=lambda: next(clock))
        read(50, 100, "rows")          # half in 5 s: about 5 s left
        read(3_000_000, 6_000_000, "bytes")
        assert said == ["正在读取 企业.csv：50%（50 / 100 行） · 约剩 5 秒",
                        "正在读取 企业.csv：50%（已解压 3.0 / 6.0 MB） · 约剩 20 秒"]
    finally:
        window.set_language("en")
