"""File › Print layout…: the live preview follows the options and the map, the export runs
without blocking the window and writes the asked picture."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_render_fixtures import synthetic_document  # noqa: E402
from test_ui_helpers import shown_window, standin_renderer  # noqa: E402


def page_js(qtbot, view, script, timeout=10000):
    box = []
    view.page().runJavaScript(f"JSON.stringify({script})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return json.loads(box[0]) if box[0] is not None else None


def wait_preview(qtbot, dialog):
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        pass
    qtbot.waitUntil(lambda: page_js(qtbot, dialog.preview,
                                    "document.body && document.body.dataset.jjjPrint") == "1",
                    timeout=20000)


@pytest.fixture
def window(qtbot, tmp_path):
    with shown_window(qtbot, synthetic_document(), tmp_path, renderer=standin_renderer) as w:
        yield w


def test_preview_follows_the_map_and_the_options(window, qtbot):
    dialog = window.show_print_layout()
    wait_preview(qtbot, dialog)
    assert "clusters" in page_js(qtbot, dialog.preview, "jjj.printBoxes().legendLayers")
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        window.doc.set_visible("clusters", False)          # hidden in the layer panel
    qtbot.waitUntil(lambda: page_js(qtbot, dialog.preview,
                                    "document.body && document.body.dataset.jjjPrint") == "1")
    assert "clusters" not in page_js(qtbot, dialog.preview, "jjj.printBoxes().legendLayers")
    assert "Clusters" not in page_js(qtbot, dialog.preview,
                                     "document.querySelector('.jjjp-subtitle') ? "
                                     "document.querySelector('.jjjp-subtitle').textContent : ''")
    with qtbot.waitSignal(dialog.previewed, timeout=30000):
        dialog.title_edit.setText("<b>Mine</b>")
    qtbot.waitUntil(lambda: page_js(qtbot, dialog.preview,
                                    "document.querySelector('.jjjp-title') && "
                                    "document.querySelector('.jjjp-title').textContent")
                    == "<b>Mine</b>")
    dialog.close()


def test_export_png_runs_without_blocking_and_has_the_asked_pixels(window, qtbot, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QImage

    dialog = window.show_print_layout()
    dialog.size_combo.setCurrentIndex(dialog.size_combo.findData("px"))
    dialog.width_spin.setValue(640)
    dialog.height_spin.setValue(480)
    dialog.extent_combo.setCurrentIndex(dialog.extent_combo.findData("region"))
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    out = tmp_path / "layout.png"
    with qtbot.waitSignal(dialog.exported, timeout=60000):
        dialog.export(str(out), "png")
        assert not dialog.png_button.isEnabled(), dialog.message.text()   # one at a time
    timer.stop()
    assert len(ticks) > 3                            # the event loop ran while it drew
    image = QImage(str(out))
    assert (image.width(), image.height()) == (640, 480)
    assert dialog.png_button.isEnabled()
    dialog.close()


def test_a_bad_option_is_reported_in_the_dialog(window, qtbot, tmp_path):
    dialog = window.show_print_layout()
    dialog.size_combo.setCurrentIndex(dialog.size_combo.findData("px"))
    dialog.width_spin.setValue(10)
    qtbot.waitUntil(lambda: "too small" in dialog.message.text(), timeout=20000)
    dialog.width_spin.setValue(640)
    dialog.height_spin.setValue(480)
    dialog.export(str(tmp_path / "missing" / "x.pdf"), "pdf")
    qtbot.waitUntil(lambda: "does not exist" in dialog.status.text(), timeout=20000)
    assert dialog.pdf_button.isEnabled()
    dialog.close()
