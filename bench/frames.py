"""Frame times during scripted pans and zooms, measured in the page (app or baseline viewer).

A probe counts every ``requestAnimationFrame`` interval and every long task (the
``longtask`` PerformanceObserver: main-thread work over 50 ms) while a script moves the map:
animated ``panBy`` steps walking a square (so no step returns to where the last started),
then ``setZoom`` steps in and out. Each step waits for ``moveend`` and two frames. A frozen
frame shows as a long rAF interval: the worst one is what the user sees, so it is reported
beside the median.
"""
from __future__ import annotations

import json
import statistics

from bench.qt import wait

# the map object: jjjmap's page has jjj.map; folium names its map map_<hash>
JJJ_MAP = "jjj.map"
FOLIUM_MAP = ("Object.keys(window).filter(function (k) { return /^map_/.test(k) && "
              "window[k] instanceof L.Map; }).map(function (k) { return window[k]; })[0]")

PAN_STEPS = [[400, 0], [0, 300], [-400, 0], [0, -300]] * 2

PROBE_JS = """(function (map, pans, zooms) {
  var st = window.__frames = {pan: [], zoom: [], longPan: [], longZoom: [], stepWorst: [], done: false};
  var phase = null, last = null, running = true, i = 0;
  function tick(t) {
    if (last !== null && phase) {
      st[phase].push(t - last);
      st.stepWorst[i - 1] = Math.max(st.stepWorst[i - 1] || 0, t - last);
    }
    last = t;
    if (running) requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
  try {
    var obs = new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (phase) st[phase === 'pan' ? 'longPan' : 'longZoom'].push(e.duration);
      });
    });
    obs.observe({entryTypes: ['longtask']});
  } catch (e) { st.noLongTasks = String(e); }
  var steps = pans.map(function (p) { return ['pan', p]; })
    .concat(zooms.map(function (z) { return ['zoom', z]; }));
  function next() {
    if (i >= steps.length) {
      setTimeout(function () { running = false; if (obs) obs.disconnect(); st.done = true;
                               document.title = 'frames-done'; }, 300);
      return;
    }
    var s = steps[i++];
    phase = s[0];
    map.once('moveend', function () {
      requestAnimationFrame(function () { requestAnimationFrame(function () {
        setTimeout(next, 30); }); });
    });
    if (s[0] === 'pan') map.panBy(s[1]); else map.setZoom(s[1]);
  }
  setTimeout(next, 100);
  return true;
})(%s, %s, %s)"""


def js_value(page, script: str, timeout_s: float = 30):
    """Run ``script`` in the page's main world and return its value (JSON-able values)."""
    from PySide6.QtCore import QObject, Signal

    class Box(QObject):
        got = Signal()

    box, out = Box(), {}

    def done(value):
        out["v"] = value
        box.got.emit()

    page.runJavaScript(script, 0, done)
    if not wait(box.got, timeout_s, lambda: "v" in out):
        raise TimeoutError("the page did not answer")
    return out["v"]


# sets the title once 30 frames in a row came within 50 ms of each other: the page is idle
SETTLED_JS = """(function (mark) {
  var calm = 0, last = null;
  function tick(t) {
    calm = last !== null && t - last < 50 ? calm + 1 : 0;
    last = t;
    if (calm >= 30) document.title = mark; else requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})('%s'); true"""


def set_view(page, title, title_changed, map_js: str, lat: float, lon: float, zoom: int,
             settle: bool = True):
    """Jump (no animation) and wait until two frames after the page has drawn it; with
    ``settle`` also until the page is idle again (finer outlines fetched and applied)."""
    mark = f"view-{lat}-{lon}-{zoom}"
    page.runJavaScript(
        f"(function (m) {{ m.once('moveend', function () {{ requestAnimationFrame(function () "
        f"{{ requestAnimationFrame(function () {{ document.title = '{mark}'; }}); }}); }}); "
        f"m.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }})({map_js}); true", 0)
    if not wait(title_changed, 60, lambda: title() == mark):
        raise TimeoutError("the view change was not drawn")
    if settle:
        page.runJavaScript(SETTLED_JS % "settled", 0)
        if not wait(title_changed, 60, lambda: title() == "settled"):
            raise TimeoutError("the page did not settle")


def measure(page, title, title_changed, map_js: str, zoom: int, timeout_s: float = 100) -> dict:
    """Run the probe at the page's current view (zoom ``zoom``): pans, then zooms in by one
    and two and back out; frame statistics in ms."""
    zooms = [zoom + 1, zoom + 2, zoom + 1, zoom]
    page.runJavaScript(PROBE_JS % (map_js, json.dumps(PAN_STEPS), json.dumps(zooms)), 0)
    if not wait(title_changed, timeout_s, lambda: title() == "frames-done"):
        raise TimeoutError("the scripted pans and zooms did not finish")
    st = json.loads(js_value(page, "JSON.stringify(window.__frames)"))
    out = {"step_worst_ms": [round(v or 0) for v in st["stepWorst"]]}
    for phase, long in (("pan", "longPan"), ("zoom", "longZoom")):
        frames = st[phase] or [0.0]
        out[f"{phase}_worst_ms"] = max(frames)
        out[f"{phase}_median_ms"] = statistics.median(frames)
        out[f"{phase}_frames"] = len(st[phase])
        out[f"{phase}_over_50ms"] = sum(f > 50 for f in st[phase])
        out[f"{phase}_longtask_max_ms"] = max(st[long] or [0.0])
        out[f"{phase}_longtasks"] = len(st[long])
    return out
