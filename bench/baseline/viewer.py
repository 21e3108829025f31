"""The baseline's desktop window: a bare QWebEngineView that opens a saved folium file.

``python -m bench.baseline.viewer FILE`` prints the seconds from its own process start to
the page drawn (load event, then two animation frames, seen through a title change), like
jjjmap's "map drawn" line.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.qt import DRAWN_TITLE_JS, process_age, wait


class Viewer:
    def __init__(self):
        from PySide6 import QtWebEngineWidgets  # noqa: F401 - before the QApplication
        from PySide6.QtWebEngineCore import QWebEngineSettings
        from PySide6.QtWebEngineWidgets import QWebEngineView
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.view = QWebEngineView()
        # a local file may load its (inlined) scripts; nothing remote is needed
        self.view.settings().setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        self.view.resize(1400, 900)
        self.view.show()
        self.loads = 0

    def load_until_drawn(self, path: str | Path, timeout_s: float = 120) -> float:
        """Seconds from asking for ``path`` to the page drawn."""
        from PySide6.QtCore import QUrl

        self.loads += 1
        mark = f"drawn-{self.loads}"
        start = time.perf_counter()
        self.view.load(QUrl.fromLocalFile(str(Path(path).resolve())))
        if not wait(self.view.loadFinished, timeout_s):
            raise TimeoutError("the page did not load")
        self.view.page().runJavaScript(DRAWN_TITLE_JS % f"'{mark}'")
        if not wait(self.view.titleChanged, timeout_s, lambda: self.view.title() == mark):
            raise TimeoutError("the page did not draw")
        return time.perf_counter() - start


def main(path: str) -> None:
    viewer = Viewer()
    viewer.load_until_drawn(path)
    print(f"drawn {process_age():.3f} s after process start", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
