"""Layer changes the live page takes without a reload (issue 21): a user layer added,
restyled or removed while the page holds a large point layer goes to ``jjj.addLayer`` /
``jjj.removeLayer``, so the large layer is not rendered, sent and drawn again (14-75 s at
10M points when the page was reloaded).

Only where a reload is what costs: the page holds, or the change is, a layer above
``BINARY_ABOVE`` points (render.pointbin). Smaller documents keep the plain path (one render
of the page: the legend, title and time slider are made with it). Layers with a time slider
always take the reload (the slider is built once for the page's timed layers).
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def _big(layer) -> bool:
    from jjjmap.render.pointbin import BINARY_ABOVE

    return layer.kind == "vector" and layer.feature_count > BINARY_ABOVE


def _quick(layer) -> bool:
    """A layer whose points are arrays and so many that the page gets a first frame (the
    points unsorted, render.pointbin.quick_geometry: about 1 s at 10M) before the indexed
    buffers (8 s more)."""
    from jjjmap.render.pointbin import QUICK_ABOVE

    return layer.kind == "vector" and layer.points is not None and \
        layer.feature_count > QUICK_ABOVE and layer.style.renderer == "points"


def _plain(layer) -> bool:
    from jjjmap.render.timefilter import time_field_of

    return layer.kind == "vector" and time_field_of(layer) is None


class LiveLayers:
    """Owned by a MapView; ``send`` and ``remove`` say whether the live page took a change."""

    def __init__(self, view):
        self.view = view
        self._runner = None
        self._asked: dict[str, int] = {}   # layer id -> newest request (older are dropped)
        self._count = 0
        self._pending: dict[str, int] = {}   # layer id -> page generation, until drawn

    def pending(self) -> bool:
        """A change sent to (or on its way to) the live page is not drawn yet: the map's
        ``ready`` still speaks of the page before it (a screenshot waits for this)."""
        gen = self.view._generation
        return any(g == gen for g in self._pending.values())

    def _worth(self, layer) -> bool:
        v = self.view
        if not v.ready or v.waiting or not _plain(layer):
            return False
        return _big(layer) or any(_big(lyr) for lyr in v.doc.layers if lyr is not layer)

    def remove(self, layer) -> bool:
        """A removed layer: taken off the live page (True), or the page needs a render."""
        if not self._worth(layer):
            return False
        self._asked.pop(layer.id, None)
        self.view._rendered_filters.pop(layer.id, None)
        self.view._js_call("removeLayer", layer.id, callback=self._fallback)
        return True

    def send(self, layer) -> bool:
        """A layer added or changed (not only shown/hidden or faded): sent to the live page
        (True), or the page needs a render."""
        if not self._worth(layer):
            return False
        self._send(layer)
        return True

    def _fallback(self, ok) -> None:
        if ok is not True:     # the page could not take it: render it whole
            self.view.schedule_render()

    def _when_drawn(self, generation: int, then=None) -> None:
        """Once the page's buffers are in and two frames have passed: ``mapReady`` again,
        as a reload would have said (the window and its users wait for it); then ``then()``."""
        from PySide6.QtCore import QTimer

        v = self.view
        v.run_js("window.__jjjLive = 0; (function w() { if (window.jjj.busy()) "
                 "{ setTimeout(w, 30); return; } requestAnimationFrame(function () { "
                 "requestAnimationFrame(function () { window.__jjjLive = 1; }); }); })(); true")

        def poll(left: int = 2000) -> None:
            if generation != v._generation:
                return
            if left <= 0:   # never said drawn: do not wait on it for ever
                if then is not None:
                    then()
                return

            def got(drawn) -> None:
                if drawn == 1 and generation == v._generation:
                    v.mapReady.emit()
                    if then is not None:
                        then()
                elif generation == v._generation:
                    QTimer.singleShot(30, v, lambda: poll(left - 1))

            v.run_js("window.__jjjLive", got)

        poll()

    def _send(self, layer) -> None:
        from jjjmap.render.page import live_layer_spec

        from .workers import Task, TaskRunner

        v = self.view
        self._count += 1
        ticket = self._asked[layer.id] = self._count
        generation = v._generation
        self._pending[layer.id] = generation

        def settled() -> None:
            if self._asked.get(layer.id) == ticket:
                self._pending.pop(layer.id, None)

        def done(spec: dict) -> None:
            if (generation != v._generation or self._asked.get(layer.id) != ticket
                    or v.doc.find(layer.id) is not layer):
                settled()   # a newer change of the same layer keeps it pending
                return   # overtaken: a newer change of the layer, or a new page
            from jjjmap.render.common import script_json


            sent = args[1]
            v._rendered_filters[layer.id] = {k: set(map(str, x)) for k, x in sent.filter.items()}
            v.run_js(f"window.jjj.addLayer({script_json(spec)})", self._fallback)
            v._js_call("setOrder", [lyr.id for lyr in v.doc.layers])
            v.layerSent.emit(layer.id)
            then = settled
            if spec.get("bin", {}).get("quick"):
                # the first frame, then the index: built once that frame is drawn, so that
                # the two do not share the 2 cores (the first frame came 3.6 s after its
                # buffers were made with the index built beside it)
                def then() -> None:
                    if self._asked.get(layer.id) == ticket and v.doc.find(layer.id) is layer:
                        self._runner.submit(Task(live_layer_spec, *args), done, failed)
                    else:
                        settled()
            self._when_drawn(generation, then)

        def failed(exc: BaseException) -> None:
            settled()
            if generation == v._generation:
                log.warning("a live layer change failed; rendering the page", exc_info=exc)
                v.schedule_render()

        shown = v.doc.snapshot()   # the spec is made from this, on a worker for a big layer
        args = (shown, shown.layer(layer.id), v.page_basemap)
        if not _big(layer):
            try:
                done(live_layer_spec(*args))
            except Exception as exc:  # noqa: BLE001 - the page is rendered whole instead
                failed(exc)
            return
        if self._runner is None:
            self._runner = TaskRunner(v)
        self._runner.submit(Task(live_layer_spec, *args, _quick(layer)), done, failed)


__all__ = ["LiveLayers"]
