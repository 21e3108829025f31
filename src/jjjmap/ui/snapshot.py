"""A page drawn by Qt WebEngine offscreen, used once it says it is drawn: the one wait.

``jjjmap.export.write_png`` needs playwright and a Chromium install; Qt WebEngine is a
Chromium that every jjjmap install (and the desktop bundle) already has. The page is served
through the ``jjjmap://`` scheme (no ``setHtml`` size limit) into an offscreen view, and it is
used when the page says it is drawn and its tiles have come or failed, not after a guessed
sleep. :class:`PageShot` is that load-and-wait, driven by timers so a window stays
responsive; `jjjmap export --png/--pdf`, ``jjjmap.Map.to_png/to_pdf`` and File › Print
layout… (ui.printout) all go through it.
"""
from __future__ import annotations

import itertools
import os
import time

from PySide6.QtCore import QObject, QTimer, Signal

from jjjmap.export.errors import ExportError
from jjjmap.export.pagewait import (PRINT_LOOK_JS, READY_JS, SETTLE_MS, TILE_TIMEOUT_S,
                                    TILES_SETTLED_JS)

POLL_MS = 100
_names = itertools.count(1)


def ensure_platform() -> None:
    """Headless where there is no display (the CLI on a server)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class PageShot(QObject):
    """Load ``html`` into an offscreen view of ``size`` device pixels showing the page at
    ``zoom`` device pixels per CSS pixel; emit ``drawn`` once the page is ready, its tiles have
    loaded or failed (capped by ``tile_timeout_s``) and the compositor has settled, or
    ``failed(message)``. The view stays until :meth:`close`."""

    drawn = Signal()
    failed = Signal(str)

    def __init__(self, html: str, size, *, zoom: float = 1.0, print_look: bool = True,
                 tile_timeout_s: float = TILE_TIMEOUT_S, ready_timeout_s: float = 60.0,
                 what: str = "the picture", parent: QObject | None = None):
        super().__init__(parent)
        self.html, self.size, self.zoom = html, (int(size[0]), int(size[1])), float(zoom)
        self.print_look, self.what = print_look, what
        self.tile_timeout_s, self.ready_timeout_s = tile_timeout_s, ready_timeout_s
        self.view = None
        self._page = f"shot-{next(_names)}.html"
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._stage, self._deadline, self._answer = "", 0.0, False
        self.done = False

    def start(self) -> None:
        from PySide6.QtCore import QUrl, Qt
        from PySide6.QtWebEngineCore import QWebEnginePage
        from PySide6.QtWebEngineWidgets import QWebEngineView
        from PySide6.QtWidgets import QApplication

        from .scheme import HOST, SCHEME, shared_profile

        profile, self._handler = shared_profile(QApplication.instance())
        self._handler.pages[self._page] = self.html.encode("utf-8")
        view = self.view = QWebEngineView()
        view.setPage(QWebEnginePage(profile, view))
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.resize(*self.size)
        view.setZoomFactor(self.zoom)
        view.show()
        view.load(QUrl(f"{SCHEME.decode()}://{HOST}/{self._page}"))
        self._next("ready", self.ready_timeout_s)
        self._timer.start()

    def _next(self, stage: str, seconds: float) -> None:
        self._stage, self._deadline, self._answer = stage, time.monotonic() + seconds, False

    def _ask(self, expression: str) -> None:
        def answer(value) -> None:
            self._answer = value is True
        self.view.page().runJavaScript(expression, 0, answer)

    def _poll(self) -> None:
        late = time.monotonic() > self._deadline
        if self._stage == "ready":
            if self._answer:
                if abs(self.view.zoomFactor() - self.zoom) > 1e-6:   # a load may reset it
                    self.view.setZoomFactor(self.zoom)
                self._next("tiles", self.tile_timeout_s)
            elif late:
                self._finish(f"The map page did not finish drawing, so {self.what} was not made.")
                return
            else:
                self._ask(READY_JS)
                return
        if self._stage == "tiles":
            if self._answer or late:    # slow or absent tiles: the plain background shows
                if self.print_look:
                    self.view.page().runJavaScript(PRINT_LOOK_JS, 0)
                self._next("settle", SETTLE_MS / 1000)
            else:
                self._ask(TILES_SETTLED_JS)
        elif self._stage == "settle" and late:
            self._finish(None)

    def _finish(self, error: str | None) -> None:
        self._timer.stop()
        self.done = True
        if error:
            self.failed.emit(error)
        else:
            self.drawn.emit()

    def close(self) -> None:
        self._timer.stop()
        self._handler.pages.pop(self._page, None) if hasattr(self, "_handler") else None
        if self.view is not None:
            self.view.close()
            self.view.deleteLater()
            self.view = None


def wait_for(shot: PageShot, work) -> object:
    """Run ``shot`` to the end in a local event loop (the CLI, scripts), then ``work(shot)``;
    its result, or the ExportError it or the page raised. Qt's event loop does the waiting:
    spinning ``processEvents`` in a tight Python loop corrupts None's reference count in
    some PySide6 releases (a "none_dealloc" fatal error)."""
    from PySide6.QtCore import QEvent, QEventLoop

    from .qtapp import create_app

    app = create_app()
    loop = QEventLoop()
    outcome: dict = {}

    def drawn() -> None:
        try:
            outcome["value"] = work(shot)
        except ExportError as exc:
            outcome["error"] = exc
        finally:
            loop.quit()

    def failed(message: str) -> None:
        outcome["error"] = ExportError(message)
        loop.quit()

    shot.drawn.connect(drawn)
    shot.failed.connect(failed)
    try:
        shot.start()
        if not shot.done:
            loop.exec()
    finally:
        shot.close()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
