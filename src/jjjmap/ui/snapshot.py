"""A PNG of the exported page drawn by Qt WebEngine, for `jjjmap export --png`.

``jjjmap.export.write_png`` needs playwright and a Chromium install; Qt WebEngine is a
Chromium that every jjjmap install (and the desktop bundle) already has. The page is the same
self-contained export, served through the ``jjjmap://`` scheme (no ``setHtml`` size limit),
and the picture is taken when the page says it is drawn, not after a guessed sleep.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from jjjmap.export.errors import ExportError
from jjjmap.export.html import atomic_write, export_html_text
from jjjmap.model import MapDocument

PAGE = "snapshot.html"
POLL_MS = 100
# The page fades markers in and the compositor needs a frame or two after the last change
# (PITFALLS.md: a grab straight after loading can come out white).
SETTLE_MS = 500


def _wait(app, predicate, timeout_s: float) -> bool:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, POLL_MS)
        time.sleep(POLL_MS / 4000)
    return predicate()


def write_png(doc: MapDocument, path, *, size=(1400, 900), tile_timeout_s: float = 8.0,
              ready_timeout_s: float = 60.0, print_look: bool = True) -> Path:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from jjjmap.render.basemaps import tianditu_key

    # the page stays in memory and the PNG is pixels: Tianditu tiles may use the key
    html = export_html_text(doc, self_contained=True, tianditu_key=tianditu_key())

    from PySide6.QtCore import QUrl, Qt
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from .app import create_app
    from .scheme import HOST, SCHEME, shared_profile

    app = create_app()
    profile, handler = shared_profile(app)
    handler.pages[PAGE] = html.encode("utf-8")
    view = QWebEngineView()
    view.setPage(QWebEnginePage(profile, view))
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    view.resize(int(size[0]), int(size[1]))
    view.show()

    state = {"ready": False, "tiles": False, "errors": []}

    def ask(expression: str, key: str) -> None:
        view.page().runJavaScript(expression, 0, lambda v: state.__setitem__(key, v is True))

    try:
        view.load(QUrl(f"{SCHEME.decode()}://{HOST}/{PAGE}"))

        def drawn() -> bool:
            ask("document.body !== null && document.body.dataset.jjjReady === '1'", "ready")
            return state["ready"]

        if not _wait(app, drawn, ready_timeout_s):
            raise ExportError(f"The map page did not finish drawing, so {path} was not written.")

        def tiles() -> bool:
            ask("window.jjj.tilesSettled === true", "tiles")
            return state["tiles"]

        _wait(app, tiles, tile_timeout_s)   # slow or absent tiles: the plain background shows
        if print_look:
            view.page().runJavaScript("document.body.classList.add('jjj-print')", 0)
        _wait(app, lambda: False, SETTLE_MS / 1000)
        image = view.grab().toImage()
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice

        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        if image.isNull() or not image.save(buf, "PNG"):
            raise ExportError(f"Qt could not make a picture of the map for {path}.")
        atomic_write(Path(path), bytes(data))
    finally:
        handler.pages.pop(PAGE, None)
        view.close()
        view.deleteLater()
        from PySide6.QtCore import QEvent

        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return Path(path)
