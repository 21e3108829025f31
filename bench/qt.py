"""Qt helpers shared by the app cases and the baseline viewer: wait for a signal with the
event loop running, and watch how long the event loop stalls meanwhile."""
from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

# Marks the page "drawn" once two animation frames have passed after whatever ran before it
# (the first rAF runs before the frame that shows the change is painted, the second after).
DRAWN_TITLE_JS = ("requestAnimationFrame(function () { requestAnimationFrame(function () "
                  "{ document.title = %s; }); }); true")


def process_age() -> float:
    """Seconds since this process started (Linux /proc)."""
    with open("/proc/self/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    with open("/proc/uptime") as fh:
        uptime = float(fh.read().split()[0])
    return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))


def wait(signal, timeout_s: float, predicate=None) -> bool:
    """Run the event loop until ``signal`` fires (and ``predicate()`` holds); False on timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    state = {"ok": False}

    def fired(*_args):
        if predicate is None or predicate():
            state["ok"] = True
            loop.quit()

    signal.connect(fired)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if predicate is not None and predicate():
        state["ok"] = True
    else:
        loop.exec()
    signal.disconnect(fired)
    return state["ok"]


class Count:
    """How many times ``signal`` has fired since this was made."""

    def __init__(self, signal):
        self.n = 0
        signal.connect(self._bump)

    def _bump(self, *_args) -> None:
        self.n += 1


class StallWatch:
    """A 16 ms timer (one frame): the longest gap between its ticks is how long the window
    could not answer the user."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(16)
        self.timer.timeout.connect(self._tick)
        self.max_gap = 0.0

    def _tick(self):
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def __enter__(self):
        self.last = time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()
        self._tick()
