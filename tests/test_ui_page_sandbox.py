"""The app's page cannot read local files or reach other hosts, and the bridge ignores
values it cannot use (issue 20, item 4). Run in the real page (real renderer, QtWebEngine):
script in it (as a hostile file might get there) tries file:///etc/passwd and a server on
127.0.0.1 that this test listens on; the server must hear nothing."""
from __future__ import annotations

import http.server
import json
import threading

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from test_ui_helpers import SECTORS, js, shown_window, synthetic_document  # noqa: E402

from jjjmap.ui.mapview import default_renderer  # noqa: E402


class _Recorder(http.server.BaseHTTPRequestHandler):
    heard: list[str] = []

    def do_GET(self):
        type(self).heard.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(b"local secret")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Recorder.heard = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], _Recorder.heard
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def window(qtbot, tmp_path):
    doc = synthetic_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, renderer=default_renderer, sectors=SECTORS,
                      timeout=60000) as w:
        yield w


def _attempt(qtbot, view, name: str, expression: str) -> str:
    """Run a promise-returning ``expression`` in the page; its outcome as text."""
    view.run_js(f"""window.__probe = window.__probe || {{}};
        window.__probe[{json.dumps(name)}] = 'pending';
        try {{ Promise.resolve({expression}).then(
            function (v) {{ window.__probe[{json.dumps(name)}] = 'ok:' + String(v).slice(0, 40); }},
            function (e) {{ window.__probe[{json.dumps(name)}] = 'failed'; }}); }}
        catch (e) {{ window.__probe[{json.dumps(name)}] = 'failed'; }}""")
    out = []

    def settled():
        value = js(qtbot, view, f"window.__probe[{json.dumps(name)}]")
        out[:] = [value]
        return value not in (None, "pending")

    qtbot.waitUntil(settled, timeout=15000)
    return out[0]


def test_page_cannot_read_local_files_or_reach_local_hosts(window, qtbot, local_server):
    port, heard = local_server
    view = window.map
    fetch = "fetch({url}).then(function (r) {{ return r.text(); }})"
    assert _attempt(qtbot, view, "passwd", fetch.format(url="'file:///etc/passwd'")) == "failed"
    assert _attempt(qtbot, view, "http", fetch.format(url=f"'http://127.0.0.1:{port}/f'")) \
        == "failed"
    xhr = (f"new Promise(function (ok, no) {{ var x = new XMLHttpRequest(); "
           f"x.onload = function () {{ ok(x.responseText); }}; x.onerror = no; "
           f"x.open('GET', 'http://127.0.0.1:{port}/x'); x.send(); }})")
    assert _attempt(qtbot, view, "xhr", xhr) == "failed"
    img = (f"new Promise(function (ok, no) {{ var i = new Image(); i.onload = ok; "
           f"i.onerror = no; i.src = 'http://127.0.0.1:{port}/i.png'; }})")
    assert _attempt(qtbot, view, "img", img) == "failed"
    # an inline script added by the page itself (as injected markup would) does not run
    js(qtbot, view, "(function () { var s = document.createElement('script'); "
                    "s.textContent = 'window.__ran = 1'; document.body.appendChild(s); "
                    "return 1; })()")
    assert js(qtbot, view, "window.__ran === 1") is False
    # the page's own data still arrives over the scheme (finer outlines are fetched so)
    own = f"fetch({json.dumps(view.url_for_page.toString())}).then(function (r) {{ return r.status; }})"
    assert _attempt(qtbot, view, "own", own) == "ok:200"
    assert heard == []           # nothing reached the local server
    assert js(qtbot, view, "window.jjj.ready") is True   # and the map is drawn


def test_bridge_ignores_values_it_cannot_use(window, qtbot):
    view = window.map
    counties = window.doc.layers[0]
    before = (window.doc.view.lat, window.doc.view.lon, window.doc.view.zoom)
    seen = {"view": [], "click": [], "mouse": []}
    view.bridge.viewChanged.connect(lambda *a: seen["view"].append(a))
    view.bridge.featureClicked.connect(lambda *a: seen["click"].append(a))
    view.bridge.mouseMoved.connect(lambda *a: seen["mouse"].append(a))
    bad = [
        "viewChanged(NaN, 116, 7)", "viewChanged(39, Infinity, 7)", "viewChanged(1e308, 116, 7)",
        "viewChanged(39, 116, -5)", "viewChanged(39, 116, 1e9)", "viewChanged(95, 116, 7)",
        "mouseMoved(NaN, 116)", "mouseMoved(39, -Infinity)", "mouseMoved(-91, 0)",
        "featureClicked('no-such-layer', 1)", f"featureClicked('{counties.id}', 99999)",
        f"featureClicked('{counties.id}', -1)", f"featureClicked('{counties.id}', 2147483647)",
        f"featureClicked('{counties.id}', 1.5)", f"featureClicked('{counties.id}', '2')",
        f"featureClicked('{counties.id}', NaN)", "featureClicked(5, 1)",
        "featureClicked({toString: function () { return 'x'; }}, 1)",
        "viewChanged('39', 116, 7)", "viewChanged(null, null, null)", "viewChanged([], {}, 7)",
        "viewChanged(true, 116, 7)", "mouseMoved('a', 'b')",
    ]
    for call in bad:
        js(qtbot, view, f"(window.jjjBridge.{call}, 1)")
    # a good call after the bad ones: once it arrives, the bad ones have been handled
    js(qtbot, view, f"(window.jjjBridge.featureClicked('{counties.id}', 2), 1)")
    qtbot.waitUntil(lambda: bool(seen["click"]), timeout=5000)
    assert seen["click"] == [(counties.id, 2)]
    js(qtbot, view, "(window.jjjBridge.viewChanged(39.5, 116.5, 8), 1)")
    qtbot.waitUntil(lambda: bool(seen["view"]), timeout=5000)
    assert seen["view"] == [(39.5, 116.5, 8.0)] and seen["mouse"] == []
    assert window.doc.view.lat == 39.5 and before != (39.5, 116.5, 8.0)


@pytest.mark.parametrize("basemap", ["osm", "positron", "satellite", "tianditu"])
def test_the_policy_lets_basemap_tiles_through(window, qtbot, basemap):
    """A wrong policy would silently blank every basemap: tiles may fail here (no network),
    but never because the policy blocked them."""
    view = window.map
    js(qtbot, view, "(window.__blocked = [], document.addEventListener("
                    "'securitypolicyviolation', function (e) { "
                    "window.__blocked.push(e.blockedURI + ' ' + e.violatedDirective); }), 1)")
    assert js(qtbot, view, f"window.jjj.setBasemap('{basemap}')") is True
    settled = ("(function () { var t = document.querySelectorAll('img.leaflet-tile'); "
               "return t.length > 0 && [].every.call(t, function (i) { return i.complete; }); })()")
    if basemap != "tianditu":   # without a key Tianditu draws no tiles
        qtbot.waitUntil(lambda: js(qtbot, view, settled) is True, timeout=20000)
    assert js(qtbot, view, "window.__blocked") == []


def test_tile_sources_cover_the_templates():
    from jjjmap.render.csp import tile_sources

    assert tile_sources(["https://{s}.basemaps.cartocdn.com/a/{z}/{x}/{y}{r}.png",
                         "https://webrd0{s}.is.autonavi.com/t?x={x}", "https://t.example/{z}",
                         None, "javascript:alert(1)", "https://{s}{s}/x"]) == [
        "https://*.basemaps.cartocdn.com", "https://*.is.autonavi.com", "https://t.example"]


def test_bridge_drops_drawings_that_are_not_positions(window, qtbot):
    view = window.map
    seen = []
    view.bridge.shapeDrawn.connect(lambda *a: seen.append(a))
    bad = ["shapeDrawn('circle', [[116, 39]])", "shapeDrawn('line', 'x')",
           "shapeDrawn('line', [[116, NaN], [117, 39]])", "shapeDrawn('line', [[116, 95]])",
           "shapeDrawn('polygon', [[116, 39, 5]])", "shapeDrawn('line', [])",
           "shapeDrawn('line', [['116', '39']])", "shapeDrawn(7, [[116, 39]])",
           "shapeDrawn('line', Array(20000).fill([116, 39]))"]
    for call in bad:
        js(qtbot, view, f"(window.jjjBridge.{call}, 1)")
    js(qtbot, view, "(window.jjjBridge.shapeDrawn('line', [[116, 39], [117.5, 39.25]]), 1)")
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [("line", [[116.0, 39.0], [117.5, 39.25]])]


def test_bridge_drops_picks_that_are_not_features_of_the_map(window, qtbot):
    """featuresPicked (jjj-pick.js): every hit must be a row of a layer on the map, once,
    and the chosen index one of them; anything else is dropped whole."""
    view = window.map
    counties = window.doc.layers[0]
    c = json.dumps(counties.id)
    seen = []
    view.bridge.featuresPicked.connect(lambda *a: seen.append(a))
    bad = ["featuresPicked([], 0)", f"featuresPicked([[{c}, 1]], 1)",
           f"featuresPicked([[{c}, 1]], -1)", f"featuresPicked([[{c}, 1]], 0.5)",
           f"featuresPicked([[{c}, 1]], NaN)", f"featuresPicked([[{c}, 1]], '0')",
           f"featuresPicked([[{c}, 1], [{c}, 1]], 0)", f"featuresPicked([[{c}, 99999]], 0)",
           f"featuresPicked([[{c}, -1]], 0)", f"featuresPicked([[{c}, 1.5]], 0)",
           f"featuresPicked([[{c}, '1']], 0)", "featuresPicked([['no-such-layer', 1]], 0)",
           f"featuresPicked([[{c}, 1, 2]], 0)", f"featuresPicked([{c}, 1], 0)",
           f"featuresPicked({{0: [{c}, 1]}}, 0)", f"featuresPicked([[{c}, 1], 'x'], 0)",
           f"featuresPicked(Array(300).fill([{c}, 1]), 0)", "featuresPicked([[5, 1]], 0)"]
    for call in bad:
        js(qtbot, view, f"(window.jjjBridge.{call}, 1)")
    js(qtbot, view, f"(window.jjjBridge.featuresPicked([[{c}, 3], [{c}, 1]], 1), 1)")
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert [(list(map(tuple, hits)), i) for hits, i in seen] == \
        [([(counties.id, 3), (counties.id, 1)], 1)]
    # and the window: the chosen one selected, both listed in the identify panel
    qtbot.waitUntil(lambda: window.doc.selection == (counties.id, (1,)), timeout=5000)
    assert window.identify.hits.hits == [(counties.id, 3), (counties.id, 1)]
    assert window.identify.hits.currentRow() == 1
