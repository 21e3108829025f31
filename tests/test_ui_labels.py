"""The label engine in the app's own page (QtWebEngine, served over jjjmap://): the window at
1280x800 on the default map draws labels with no two overlapping and none over a marker,
badge or control, Tianjin and Langfang among them, in both languages."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from jjjmap import catalog  # noqa: E402
from test_labels_browser import MEASURE, NAMES  # noqa: E402
from test_ui_helpers import js, shown_window  # noqa: E402


def _settled(qtbot, w):
    # five frames in a row with nothing left to place (jjj.labelsQuiet), then measure
    qtbot.waitUntil(lambda: js(qtbot, w.map, "window.jjj.labelsQuiet()") >= 5, timeout=20000)
    return js(qtbot, w.map, f"({MEASURE})()")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_app_places_labels_clear_of_each_other_and_of_markers(qtbot, tmp_path, lang):
    doc = catalog.default_document()
    doc.basemap = "none"
    doc.lang = lang
    with shown_window(qtbot, doc, tmp_path, timeout=60000, quiet=True) as w:
        w.resize(1280, 800)
        qtbot.waitUntil(lambda: (w.width(), w.height()) == (1280, 800), timeout=5000)
        m = _settled(qtbot, w)
        assert m["bad"] == [], m["bad"]
        texts = [lb["text"] for lb in m["labels"]]
        for name in NAMES[lang]:
            assert texts.count(name) == 1, (name, texts, m["size"])
        assert all(lb["shown"] for lb in m["labels"])
