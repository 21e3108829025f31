"""Shared test set-up: headless Qt and Chromium flags, before anything imports Qt."""
import os
import sys
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
# the display-geometry cache of a test run stays out of the user's ~/.cache
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="jjjmap-test-cache-"))

# jjjmap:// must be registered before the QApplication exists, i.e. before pytest-qt makes it.
try:
    from PySide6 import QtWebEngineWidgets  # noqa: F401 - must precede the QApplication

    from jjjmap.ui.scheme import register_scheme

    register_scheme()
    import map_counters

    map_counters.install()
except ImportError:  # a machine without Qt WebEngine: the GUI tests skip themselves
    pass



@pytest.fixture(autouse=True)
def _interface_back_in_english():
    """A test that showed a window in Chinese (a document with lang "zh") leaves the
    application's translators in Chinese: the next test on the same worker starts in
    English again, as it would in a process of its own."""
    yield
    i18n = sys.modules.get("jjjmap.ui.i18n")
    if i18n is not None and i18n.current_language() != "en":
        i18n.set_language("en")


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium (tests/browser.py) for a test module's pages."""
    from browser import browser

    with browser() as b:
        yield b
