"""Start the desktop app: scheme registration, QApplication, translations, the main window."""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Iterable

from .qtapp import create_app  # also jjjmap.ui.app.create_app (benches, tests)

log = logging.getLogger(__name__)

SCREENSHOT_SETTLE_MS = 800   # after mapReady, tiles and fonts need a moment to paint
SCREENSHOT_TIMEOUT_MS = 60000


def process_age() -> float:
    """Seconds since this process started (Linux /proc), else since this module was imported."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat: start time in clock ticks after boot
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED


_IMPORTED = time.perf_counter()


def choose_language(lang: str | None, remember: bool = True) -> str:
    """The command line's choice, else the one remembered, else the system locale's."""
    from . import i18n

    if lang:
        return lang
    if remember:
        from .settings import Settings

        saved = Settings().language()
        if saved:
            return saved
    return i18n.system_language()


def main(*, screenshot: str | os.PathLike | None = None, layers: Iterable[str] = (),
         basemap: str | None = None, lang: str | None = None,
         layer_options: dict | None = None, style: dict | None = None,
         texts: str | os.PathLike | None = None, size: tuple[int, int] | None = None) -> int:
    """Run the explorer; with ``screenshot`` save a PNG of the window once drawn and exit.

    ``layers`` are files opened at start (errors are reported, the rest of the map stays);
    ``layer_options`` (crs, encoding, datum) and ``style`` apply to them as in `export`;
    ``basemap`` and ``lang`` ("en" | "zh") override the defaults and the remembered choice;
    with no ``lang`` the interface and the map follow the remembered choice or the locale;
    with ``texts`` (and ``screenshot``) the window's own texts are written there as JSON too;
    ``size`` (width, height) is the screenshot window's size (default 1400x900).
    """
    started = time.perf_counter() - process_age()
    if lang not in (None, "en", "zh"):
        print(f"jjjmap: unknown language {lang!r}; use 'en' or 'zh'", file=sys.stderr)
        return 2
    if texts is not None and screenshot is None:
        print("jjjmap: --texts needs --screenshot (it writes the texts of the window it "
              "pictures)", file=sys.stderr)
        return 2
    if basemap is not None:
        from jjjmap.render.basemaps import BASEMAPS

        if basemap not in BASEMAPS:
            print(f"jjjmap: unknown basemap {basemap!r}; choose one of {', '.join(BASEMAPS)}",
                  file=sys.stderr)
            return 2
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
            or os.environ.get("QT_QPA_PLATFORM")):
        if screenshot is None:
            print("jjjmap: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are "
                  "unset); `jjjmap export` works headless, and `jjjmap gui --screenshot` too",
                  file=sys.stderr)
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"   # a screenshot needs no screen
    app = create_app()
    from . import i18n

    code = choose_language(lang, remember=screenshot is None)
    i18n.set_language(code)

    from PySide6.QtCore import Qt, QTimer

    from .mainwindow import MainWindow

    # the built-in map, read on a worker while the window shows (ui.warmstart)
    window = MainWindow(None, started_at=started, restore=screenshot is None, warm=True)
    if basemap:  # an explicit choice beats the remembered one; nothing is drawn yet
        window.doc.basemap = basemap
    window.quiet_errors = screenshot is not None
    if screenshot is not None:
        window.resize(*(size or (1400, 900)))
    window.show()
    for path in layers:
        window.files.open_path(str(path), layer_options, style)

    status = {"code": 0}
    if screenshot is not None:
        out = Path(screenshot)
        out.parent.mkdir(parents=True, exist_ok=True)

        def finish(code: int) -> None:
            status["code"] = code
            window.close()
            app.quit()

        def shoot() -> None:
            if (window.files.runner.active or window.loading_builtin
                    or window.map.live.pending()):   # wait for the layers, and their drawing
                QTimer.singleShot(200, shoot)
                return
            if not window.map.ready:
                return  # a re-render (a new layer) is under way; its mapReady calls again
            if not window.grab().save(str(out), "PNG"):
                print(f"jjjmap: could not write {out}", file=sys.stderr)
                finish(1)
                return
            if texts is not None:
                from .uitexts import write_texts

                write_texts(window, texts)
            finish(0)

        def give_up() -> None:
            print("jjjmap: the map did not finish drawing in time", file=sys.stderr)
            finish(1)

        window.mapReady.connect(lambda: QTimer.singleShot(SCREENSHOT_SETTLE_MS, shoot))
        window.map.renderFailed.connect(lambda _msg: finish(1))
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, give_up)

    def report_startup() -> None:
        if window.loading_builtin:   # a stored page drew first: report once the layers are in
            QTimer.singleShot(50, report_startup)
            return
        if window.startup_seconds is not None:
            layers = window.layers_seconds
            print(f"jjjmap: map drawn {window.startup_seconds:.2f} s after process start"
                  + (f", layers ready {layers:.2f} s" if layers is not None else ""),
                  file=sys.stderr)

    window.mapReady.connect(report_startup, type=Qt.ConnectionType.SingleShotConnection)
    code = app.exec()
    return status["code"] or code


if __name__ == "__main__":  # pragma: no cover
    logging.basicConfig(level=logging.INFO)
    sys.exit(main())
