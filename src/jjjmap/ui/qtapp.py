"""The QApplication for every Qt entry (the window, the PNG and print writers, benches).

Apart from ``app.py`` (which builds the main window) so that the headless writers the Python
API uses (``ui.printout``, ``ui.snapshot``) need not import the window's modules.
"""
from __future__ import annotations

import os
import sys


def _chromium_flags() -> None:
    """Chromium refuses to start as root without --no-sandbox (containers, CI), and has no GPU
    to use on an offscreen platform; add only what is needed to what the user set."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        flags.append("--no-sandbox")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and "--disable-gpu" not in flags:
        flags.append("--disable-gpu")
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)


def create_app(argv: list[str] | None = None):
    """The QApplication, with ``jjjmap://`` registered first (it must precede the app)."""
    _chromium_flags()
    from PySide6 import QtWebEngineWidgets  # noqa: F401 - must be imported before the app
    from PySide6.QtWidgets import QApplication

    from .scheme import register_scheme

    register_scheme()
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("jjjmap")
    app.setApplicationName("jjjmap")
    app.setApplicationDisplayName("jjjmap")
    return app
