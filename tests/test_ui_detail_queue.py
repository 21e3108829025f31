"""Finer levels from the jjjmap:// scheme: one level of a layer in the making at a time, a
newer request replaces the one waiting, two layers build side by side, the largest first. A bare page of the
shared profile fetches levels from a stand-in provider that holds its first call."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

PAGE = b"""<!doctype html><html><body><script>
window.got = {};
window.ask = function (layer, z) {
  fetch('detail/' + layer + '/' + z + '.json').then(function (r) {  // as jjj.js does
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.json();
  })
    .then(function (d) { got[layer + z] = d.level; })
    .catch(function () { got[layer + z] = 'failed'; });
};
</script></body></html>"""


@contextmanager
def bare_page(qtbot, qapp, provider, costs=None):
    """A page of the shared profile at jjjmap://app/queue/p.html, levels from ``provider``."""
    import shiboken6
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage

    from jjjmap.ui.scheme import shared_profile

    profile, handler = shared_profile(qapp)
    handler.pages["queue/p.html"] = PAGE
    handler.details["queue"] = provider
    if costs is not None:
        handler.detail_costs["queue"] = costs
    page = QWebEnginePage(profile)
    try:
        with qtbot.waitSignal(page.loadFinished, timeout=20000):
            page.load(QUrl("jjjmap://app/queue/p.html"))
        yield page, handler
    finally:
        handler.pages.pop("queue/p.html", None)
        handler.details.pop("queue", None)
        handler.detail_costs.pop("queue", None)
        page.deleteLater()      # before the shared profile goes at the end of the session
        qtbot.waitUntil(lambda: not shiboken6.isValid(page), timeout=10000)


def test_the_largest_layers_level_is_built_first(qtbot, qapp):
    first, second = threading.Event(), threading.Event()
    calls: list[str] = []

    def provider(layer: str, level: int, datum: str) -> bytes:
        calls.append(layer)
        (first if layer in ("x", "y") else second).wait(30)
        return json.dumps({"level": level}).encode()

    sizes = {"x": 1, "y": 1, "small": 10, "big": 2_000_000, "middle": 200_000}
    try:
        with bare_page(qtbot, qapp, provider, sizes.get) as (page, handler):
            page.runJavaScript("ask('x', 9); ask('y', 9)")     # both workers busy
            qtbot.waitUntil(lambda: sorted(calls) == ["x", "y"], timeout=10000)
            page.runJavaScript("ask('small', 9); ask('big', 9); ask('middle', 9)")
            qtbot.waitUntil(lambda: len(handler._detail_ready) == 3, timeout=10000)
            first.set()
            qtbot.waitUntil(lambda: len(calls) == 4, timeout=10000)
            assert sorted(calls[2:]) == ["big", "middle"]      # the two largest first
            assert "small" not in calls
            second.set()
            qtbot.waitUntil(lambda: len(calls) == 5 and not handler._detail_busy, timeout=10000)
            assert calls[4] == "small"
    finally:
        first.set()
        second.set()


def test_a_newer_level_request_replaces_the_waiting_one(qtbot, qapp):
    release = threading.Event()
    calls: list[tuple[str, int]] = []

    def provider(layer: str, level: int, datum: str) -> bytes:
        calls.append((layer, level))
        if layer == "a" and level == 9:
            release.wait(30)          # the first level of layer a is slow
        return json.dumps({"level": level}).encode()

    try:
        with bare_page(qtbot, qapp, provider) as (page, handler):
            def got():
                box = []
                page.runJavaScript("JSON.stringify(window.got)", 0, box.append)
                qtbot.waitUntil(lambda: bool(box), timeout=5000)
                return json.loads(box[0])

            page.runJavaScript("ask('a', 9)")
            qtbot.waitUntil(lambda: calls == [("a", 9)], timeout=10000)
            page.runJavaScript("ask('a', 10)")
            qtbot.waitUntil(lambda: ("queue", "a") in handler._detail_next, timeout=10000)
            page.runJavaScript("ask('a', 11)")
            qtbot.waitUntil(lambda: got().get("a10") == "failed", timeout=10000)   # replaced
            page.runJavaScript("ask('a', 12)")
            qtbot.waitUntil(lambda: got().get("a11") == "failed", timeout=10000)
            # another layer does not queue behind a: the second worker builds it meanwhile
            page.runJavaScript("ask('b', 9)")
            qtbot.waitUntil(lambda: got().get("b9") == 9, timeout=10000)
            assert got().get("a9") is None
            release.set()
            qtbot.waitUntil(lambda: got().get("a12") == 12, timeout=10000)
            assert got() == {"a9": 9, "a10": "failed", "a11": "failed", "b9": 9, "a12": 12}
            assert calls == [("a", 9), ("b", 9), ("a", 12)]      # 10 and 11 never built
            assert not handler._detail_busy and not handler._detail_next
    finally:
        release.set()
