"""The live map: a QWebEngineView showing the rendered document, kept in step with it.

Live changes (visibility, opacity, order, basemap, highlight, sector filter) go to the page's
``window.jjj`` API so the view stays where the user left it; anything else re-renders the page,
after first reading the page's current view back into ``doc.view``.
"""
from __future__ import annotations

import itertools
import json
import logging
from contextlib import contextmanager
from enum import Enum
from typing import Any, Callable, Iterator

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from jjjmap.model import LIVE_CHANGES, DocumentSnapshot, MapDocument, View

from .bridge import BRIDGE_BOOT, Bridge, PageBridge, qwebchannel_js
from .scheme import HOST, SCHEME, Pending, shared_profile

log = logging.getLogger(__name__)

Renderer = Callable[[DocumentSnapshot], str]   # a MapDocument reads the same
BACKGROUND_FEATURES = 50_000
# A user's lines and polygons cost by their vertices (simplifying them is most of a render:
# 20k polygons of 1.75M vertices took 4 s); the built-in outlines come from the display cache.
BACKGROUND_VERTICES = 250_000


class PageState(Enum):
    """What the view's page is, for the document (``MapView.state``); whether that page has
    drawn is ``MapView.ready``, which the page's loading drives for every state."""

    EMPTY = "empty"          # no page of the document (the blank start-up page, a stored
    #                          page given up or about to be replaced)
    WAITING = "waiting"      # the layers still load (ui.warmstart): nothing shows, renders wait
    STORED = "stored"        # they still load; a stored page of them shows, to be kept as it is
    STALE = "stale"          # they still load and the document changed meanwhile (a stored
    #                          page may show, but not this document): adopt renders
    ADOPTED = "adopted"      # the stored page became the document's page, without a render
    RENDERING = "rendering"  # a render of the document was asked; its page is not served yet
    RENDERED = "rendered"    # a page of this view's own rendering is served (last_html)


WAITING_STATES = frozenset({PageState.WAITING, PageState.STORED, PageState.STALE})
_NEXT = {
    PageState.EMPTY: {PageState.WAITING, PageState.RENDERING},
    PageState.WAITING: {PageState.STORED, PageState.STALE, PageState.EMPTY},
    PageState.STORED: {PageState.STALE, PageState.ADOPTED, PageState.EMPTY},
    PageState.STALE: {PageState.STALE, PageState.EMPTY},
    PageState.ADOPTED: {PageState.RENDERING},
    PageState.RENDERING: {PageState.RENDERING, PageState.RENDERED},
    PageState.RENDERED: {PageState.RENDERING},
}


def display_to_wgs84(basemap: str, lon: float, lat: float) -> tuple[float, float]:
    try:
        from jjjmap.render.basemaps import display_to_wgs84 as convert

        return convert(basemap, lon, lat)
    except (ImportError, ValueError):  # no registry, or a basemap it does not know
        return lon, lat


def wgs84_to_display(basemap: str, lon: float, lat: float) -> tuple[float, float]:
    try:
        from jjjmap.render.basemaps import wgs84_to_display as convert

        return convert(basemap, lon, lat)
    except (ImportError, ValueError):
        return lon, lat


def default_renderer(doc: MapDocument, tianditu_key: str | None = None) -> str:
    from jjjmap.render import render_html

    # the window has its own layer panel; a second one inside the page could disagree with it
    return render_html(doc, assets="app", show_panel=False, tianditu_key=tianditu_key)


def _heavy(doc: MapDocument) -> bool:
    """A render too slow for the GUI thread (see MapView.render)."""
    if sum(lyr.feature_count for lyr in doc.layers) > BACKGROUND_FEATURES:
        return True
    vectors = [lyr.gdf.geometry.values for lyr in doc.layers
               if lyr.kind == "vector" and lyr.points is None]   # points: one coordinate each
    if not vectors:
        return False
    import shapely

    return sum(int(shapely.get_num_coordinates(g).sum()) for g in vectors) > BACKGROUND_VERTICES


def _draws_fields(layer) -> bool:
    """The layer's drawing reads attribute values (a field styles, sizes, labels, weighs,
    times or filters it): a new attribute table changes what the page shows."""
    from jjjmap.render.timefilter import time_field_of

    st = layer.style
    return bool(layer.filter or st.field or st.radius_field or st.label_field or
                st.tooltip_fields or st.weight_field or time_field_of(layer)
                or layer.kind != "vector")


class MapView(QWebEngineView):
    """Shows ``doc`` and mirrors its changes; emits what the user does on the map."""

    featureClicked = Signal(str, int)  # noqa: N815
    featuresPicked = Signal(list, int)  # noqa: N815 - every feature under a click (jjj-pick.js)
    mouseMoved = Signal(float, float)  # noqa: N815
    viewChanged = Signal(float, float, float)  # noqa: N815
    mapReady = Signal()  # noqa: N815
    renderFailed = Signal(str)  # noqa: N815
    renderRequested = Signal()  # noqa: N815 - render() or schedule_render() was called
    pageRendered = Signal()  # noqa: N815 - a page for the document (or an adopted stored one)
    pageLoaded = Signal()  # noqa: N815 - this view's page finished loading (not the blank one)
    layerSent = Signal(str)  # noqa: N815 - a layer went to the live page (ui.livelayers)

    _numbers = itertools.count(1)

    def __init__(self, doc: MapDocument, renderer: Renderer | None = None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.renderer = renderer or default_renderer
        self.ready = False         # the current page has said mapReady
        self.state = PageState.EMPTY   # what that page is for the document (see _to)
        self._page_path = "index.html" if (n := next(self._numbers)) == 1 else f"v{n}/index.html"
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

        profile, self._handler = shared_profile(QApplication.instance())
        page = QWebEnginePage(profile, self)
        self.setPage(page)
        script = QWebEngineScript()
        script.setName("jjjmap-bridge")
        script.setSourceCode(qwebchannel_js() + BRIDGE_BOOT)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        page.scripts().insert(script)

        self.bridge = Bridge(self)
        self._page_bridge = PageBridge(self.bridge, self._rows_of)
        self._channel = QWebChannel(page)
        self._channel.registerObject("bridge", self._page_bridge)
        page.setWebChannel(self._channel)

        self.bridge.featureClicked.connect(self.featureClicked)
        self.bridge.featuresPicked.connect(self.featuresPicked)
        self.bridge.mouseMoved.connect(self.mouseMoved)
        self.bridge.viewChanged.connect(self._on_page_view)
        self.bridge.mapReady.connect(self._on_map_ready)
        self.loadStarted.connect(self._on_load_started)
        self.loadFinished.connect(self._on_load_finished)

        self._reload_timer = QTimer(self, singleShot=True, interval=0)
        self._reload_timer.timeout.connect(self._reload_keeping_view)
        self._ready_poll = QTimer(self, interval=150)
        self._ready_poll.timeout.connect(self._poll_ready)
        self._polls_left = 0
        self._live_filter: tuple[str, str] | None = None
        self._generation = 0  # pages rendered; answers about an older page are ignored
        self.page_basemap = doc.basemap
        self._page_doc: DocumentSnapshot | None = None   # what the page was made from
        self._last_rendered: bytes | None = None          # this view's own last page
        self._rendered_filters: dict[str, dict[str, set]] = {}
        self._unsubscribe = self._observe(doc)
        self._runner = None   # a TaskRunner for the renders of big documents
        self._handler.details[self._page_path.rpartition("/")[0]] = self._detail_json
        self._handler.detail_costs[self._page_path.rpartition("/")[0]] = self._detail_cost
        from . import pglayers   # view-driven PostGIS layers ask the scheme by view
        self.pg_events = pglayers.install(self)
        from . import densitypage   # a hexagon's points selected, the time slider's state
        densitypage.install(self)
        from .livelayers import LiveLayers   # layers added/restyled/removed without a reload
        self.live = LiveLayers(self)
        self._handler.rows[self._page_path.rpartition("/")[0]] = self._row_json

    def _rows_of(self, layer_id: str) -> int | None:
        """How many rows the layer has (None: not on the map); the bridge checks clicks."""
        layer = self.doc.find(layer_id)
        return None if layer is None else layer.feature_count

    # -- page life --------------------------------------------------------------------------
    @property
    def url_for_page(self) -> QUrl:
        return QUrl(f"{SCHEME.decode()}://{HOST}/{self._page_path}")

    @property
    def last_html(self) -> str | None:
        """The page this view last rendered (None if it has shown none of its own)."""
        return None if self._last_rendered is None else self._last_rendered.decode("utf-8")

    @property
    def waiting(self) -> bool:
        """The document's layers are still loading (ui.warmstart): renders wait for them."""
        return self.state in WAITING_STATES

    def _to(self, state: PageState, why: str) -> None:
        """The one place the page state changes; a change MapView does not make is a bug."""
        if state not in _NEXT[self.state]:
            raise RuntimeError(f"MapView page state {self.state.name} -> {state.name} "
                               f"({why}) is not a transition it makes")
        if state is not self.state:
            log.debug("page %s: %s -> %s (%s)", self._page_path, self.state.name,
                      state.name, why)
        self.state = state

    def wait_for_layers(self) -> None:
        """The document's layers are still loading: render once they are (``adopt``)."""
        self._to(PageState.WAITING, "the layers load")

    def stop_waiting(self) -> None:
        """The layers will not come (they failed, or a project replaced the map)."""
        if self.waiting:
            self._to(PageState.EMPTY, "the layers will not come")

    def show_stored(self, html: bytes, fragment: str = "") -> None:
        """Show a stored page of the layers still loading, at the view and basemap that
        ``fragment`` names (ui.warmstart); finer outlines it asks for wait for the layers."""
        if self.state is not PageState.STALE:   # a stale start keeps rendering on adopt
            self._to(PageState.STORED, "a stored page")
        self._generation += 1
        self.page_basemap = self.doc.basemap
        self._page_doc = self.doc.snapshot()
        self._load_page(html, fragment)

    @contextmanager
    def receiving_layers(self) -> Iterator[None]:
        """The layers the start waited for go into the document: not a change to render (the
        other observers of the document still hear them)."""
        with self.doc.events.layer_added.blocker(self._on_layer_added):
            yield

    def adopt(self) -> None:
        """The document now holds the layers the start waited for: keep the stored page if
        it shows exactly them and nothing changed meanwhile (ADOPTED), else render."""
        if self.state is PageState.STORED:
            self._to(PageState.ADOPTED, "the stored page shows the layers")
            self.pageRendered.emit()
            self._note_rendered(self.doc.snapshot())
        else:
            self._to(PageState.EMPTY, "the layers are in; the page needs a render")
            self.render()
        self._handler.retry_held()

    def render(self) -> bool:
        """Render the document and load it; False (and renderFailed) if rendering failed.

        Rendering stays on this thread (pyproj objects used from a Qt pool thread crashed it),
        except for documents of more than BACKGROUND_FEATURES features or of user layers
        with more than BACKGROUND_VERTICES vertices: their render
        (0.2 s for 100k points, 0.9 s for a million) runs on a plain Python thread
        (ui.workers) so the window keeps answering; a render overtaken by a newer one is
        dropped.
        """
        self.renderRequested.emit()
        if self.waiting:
            self._defer_render()
            return True
        self._to(PageState.RENDERING, "render")
        self._reload_timer.stop()
        self._ready_poll.stop()
        self.ready = False
        self._generation += 1
        shown = self.doc.snapshot()   # what the page shows; a worker reads only this
        if _heavy(shown):
            return self._render_in_background(shown)
        try:
            html = self.renderer(shown)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged with traceback
            self._render_failed(exc)
            return False
        self._show(html, shown)
        return True

    def _defer_render(self) -> None:
        """A render asked while the layers load: ``adopt`` renders, not keeping a stored
        page (it shows the document as it was)."""
        self._to(PageState.STALE, "a render waits for the layers")

    def _render_in_background(self, shown: DocumentSnapshot) -> bool:
        from .workers import Task, TaskRunner

        if self._runner is None:
            self._runner = TaskRunner(self)
        generation = self._generation

        def done(html: str) -> None:
            if generation == self._generation:
                self._show(html, shown)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._render_failed(exc)

        self._runner.submit(Task(self.renderer, shown), done, failed)
        return True

    def _render_failed(self, exc: BaseException) -> None:
        log.error("rendering the map failed", exc_info=exc)
        self.renderFailed.emit(str(exc))

    def _note_rendered(self, shown: DocumentSnapshot) -> None:
        self._page_doc = shown
        self.page_basemap = shown.basemap
        # what the page holds: a live filter can narrow this, not widen it
        self._rendered_filters = {lyr.id: {k: set(map(str, v)) for k, v in lyr.filter.items()}
                                  for lyr in shown.layers}

    def _show(self, html: str, shown: DocumentSnapshot) -> None:
        self._to(PageState.RENDERED, "the page is rendered")
        self.pageRendered.emit()
        self._note_rendered(shown)
        self._last_rendered = html.encode("utf-8")
        self._load_page(self._last_rendered)

    def _load_page(self, data: bytes, fragment: str = "") -> None:
        """Serve ``data`` as this view's page and load it (at ``#fragment``)."""
        self._handler.pages[self._page_path] = data
        self.ready = False
        url = self.url_for_page
        if fragment:
            url.setFragment(fragment)
        self.load(url)

    def schedule_render(self) -> None:
        """Re-render soon, once, however many changes arrive in this event-loop turn."""
        self.renderRequested.emit()
        if self.waiting:
            self._defer_render()
            return
        self._reload_timer.start()

    def _reload_keeping_view(self) -> None:
        if not self.ready:
            self.render()
            return

        def got_view(view: View | None) -> None:
            if view is not None:
                self.doc.view = view  # quietly: the page is about to be replaced anyway
            self.render()

        self.page_view(got_view)

    def _on_load_started(self) -> None:
        self.ready = False

    def _on_load_finished(self, ok: bool) -> None:
        if not ok:
            # an aborted load (the blank start-up page, or a page replaced mid-load)
            log.debug("a page load did not finish (replaced or failed)")
            return
        if self.url().path().lstrip("/") != self._page_path:
            return  # the blank start-up page
        self.pageLoaded.emit()
        self._polls_left = 400  # a minute; a page that never gets ready stops being asked
        self._ready_poll.start()

    def _poll_ready(self) -> None:
        # fallback for a page that became ready before the bridge could hear it
        self._polls_left -= 1
        if self._polls_left <= 0:
            self._ready_poll.stop()
            log.warning("the map page loaded but never said it was ready")
            return
        generation = self._generation

        def answer(ok: Any) -> None:
            if ok is True and generation == self._generation:
                self._on_map_ready()

        self.run_js("!!(window.jjj && window.jjj.ready)", answer)

    def _on_map_ready(self) -> None:
        self._ready_poll.stop()
        if self.ready:
            return
        self.ready = True
        if self._changed_while_loading():
            self._sync_live_state()
        layer_id, rows = self.doc.selection
        if layer_id is not None and rows:
            self._js_call("highlight", layer_id, list(rows))
        self.mapReady.emit()

    def _changed_while_loading(self) -> bool:
        """A layer of the page shown, hidden, faded or moved, or another basemap, since the
        page was made: the page was not listening yet. (Layers added or removed meanwhile
        asked for a render of their own.)"""
        made = self._page_doc
        if made is None:
            return False
        if self.doc.basemap != self.page_basemap:
            return True
        now = {lyr.id: lyr for lyr in self.doc.layers}
        kept = [lyr for lyr in made.layers if lyr.id in now]
        if any(bool(now[lyr.id].visible) != bool(lyr.visible)
               or float(now[lyr.id].opacity) != float(lyr.opacity) for lyr in kept):
            return True
        ids = {lyr.id for lyr in kept}
        return [lyr.id for lyr in kept] != [i for i in now if i in ids]

    def _sync_live_state(self) -> None:
        """Changes made while the page loaded went nowhere; send the document's state."""
        for layer in self.doc.layers:
            self._js_call("setVisible", layer.id, bool(layer.visible))
            self._js_call("setOpacity", layer.id, float(layer.opacity))
        self._js_call("setOrder", [lyr.id for lyr in self.doc.layers])
        if self.doc.basemap != self.page_basemap:
            self._js_call("setBasemap", self.doc.basemap,
                          callback=lambda ok: ok is False and self.schedule_render())

    def shutdown(self) -> None:
        """Stop observing the document (call before the view goes away)."""
        self._ready_poll.stop()
        self._reload_timer.stop()
        self._unsubscribe()  # idempotent
        self._handler.pages.pop(self._page_path, None)
        self._handler.details.pop(self._page_path.rpartition("/")[0], None)
        self._handler.detail_costs.pop(self._page_path.rpartition("/")[0], None)
        self._handler.rows.pop(self._page_path.rpartition("/")[0], None)
        from . import pglayers
        pglayers.uninstall(self)

    def _detail_json(self, layer_id: str, level: int, datum: str) -> bytes:
        """Finer outlines the page asks for when zoomed in (see render.detail)."""
        from jjjmap.render.detail import level_json
        from jjjmap.render.page import _shift_for

        if self.waiting:
            raise Pending(layer_id)   # asked by a stored page: answered once adopted
        layer = next(lyr for lyr in self.doc.layers if lyr.id == layer_id)
        return level_json(layer, level, _shift_for(datum))

    def _detail_cost(self, layer_id: str) -> int:
        """The work of a layer's level, for the order levels are built in: its vertices."""
        import numpy as np
        import shapely

        layer = self.doc.find(layer_id)
        if layer is None or layer.points is not None:
            return 0 if layer is None else layer.feature_count
        return int(shapely.get_num_coordinates(
            np.asarray(layer.gdf.geometry.values, dtype=object)).sum())

    def _row_json(self, layer_id: str, row: int) -> bytes:
        """One feature's popup values: a large point layer's page asks on a click."""
        from jjjmap.render.vectors import row_values

        layer = self.doc.find(layer_id)
        if layer is None or not 0 <= row < layer.feature_count:
            raise KeyError(layer_id)
        return json.dumps(row_values(layer, row), ensure_ascii=False).encode("utf-8")

    # -- JavaScript -------------------------------------------------------------------------
    def run_js(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        if callback is None:
            self.page().runJavaScript(script, 0)
        else:
            self.page().runJavaScript(script, 0, callback)

    def run_js_json(self, expression: str, callback: Callable[[Any], None]) -> None:
        """Evaluate ``expression`` and pass its value, via JSON (objects do not cross as-is)."""
        def decode(text: Any) -> None:
            try:
                value = json.loads(text) if isinstance(text, str) and text else None
            except ValueError:
                value = None
            callback(value)

        self.run_js(f"(function () {{ try {{ return JSON.stringify({expression}); }} "
                    f"catch (e) {{ return ''; }} }})()", decode)

    def page_view(self, callback: Callable[[View | None], None]) -> None:
        """The view the page shows now (None if the page cannot say)."""
        basemap = self.page_basemap  # the page reports positions in its basemap's datum

        def got(view: Any) -> None:
            if isinstance(view, dict) and {"lat", "lon", "zoom"} <= view.keys():
                try:
                    lat, lon, zoom = float(view["lat"]), float(view["lon"]), float(view["zoom"])
                except (TypeError, ValueError):
                    callback(None)
                    return
                lon, lat = display_to_wgs84(basemap, lon, lat)
                callback(View(lat, lon, zoom))
                return
            callback(None)

        self.run_js_json("window.jjj.getView()", got)

    def _js_call(self, fn: str, *args: Any, callback: Callable[[Any], None] | None = None) -> None:
        params = ", ".join(json.dumps(a, ensure_ascii=False) for a in args)
        self.run_js(f"(window.jjj && window.jjj.{fn}) ? window.jjj.{fn}({params}) : null",
                    callback)

    def highlight(self, layer_id: str, rows: list[int]) -> None:
        self._js_call("highlight", layer_id, [int(r) for r in rows])

    def zoom_to(self, layer_id: str, rows: list[int]) -> None:
        self._js_call("zoomTo", layer_id, [int(r) for r in rows])

    def set_sector_filter(self, layer_id: str, column: str, keys: list[str] | None) -> None:
        """Filter a clusters layer live: the document records it, the page applies it."""
        self._live_filter = (layer_id, column)
        try:
            self.doc.set_filter(layer_id, column, keys)
        finally:
            self._live_filter = None

    # -- document events --------------------------------------------------------------------
    def _observe(self, doc: MapDocument):
        return doc.events.observe(
            layer_added=self._on_layer_added, layer_removed=self._on_layer_removed,
            layer_changed=self._on_layer_changed, layers_reordered=self._on_layers_reordered,
            basemap_changed=self._on_basemap_changed, view_changed=self._on_view_changed,
            selection_changed=self._on_selection_changed,
            language_changed=lambda _lang: self.schedule_render())

    def _on_layer_added(self, layer) -> None:
        if not self.live.send(layer):   # else the live page took it (ui.livelayers)
            self.schedule_render()

    def _on_layer_removed(self, layer) -> None:
        if not self.live.remove(layer):
            self.schedule_render()

    def _on_layer_changed(self, layer, what: str) -> None:
        if what == "visible":
            self._js_call("setVisible", layer.id, bool(layer.visible))
        elif what == "opacity":
            self._js_call("setOpacity", layer.id, float(layer.opacity))
        elif what == "filter" and self._can_filter_live(layer):
            column = self._live_filter[1]
            keys = layer.filter.get(column)
            if keys is None:
                keys = layer.table[column].dropna().astype(str).unique().tolist()
            self._js_call("setFilter", column, [str(k) for k in keys])
        elif what == "table" and not _draws_fields(layer):
            pass   # the page holds positions only; a clicked point's row is fetched (row_url)
        elif what not in LIVE_CHANGES and not self.live.send(layer):
            self.schedule_render()

    def _on_layers_reordered(self, ids: list[str]) -> None:
        self._js_call("setOrder", list(ids))

    def _on_basemap_changed(self, name: str) -> None:
        def switched(ok: Any) -> None:
            if ok is True:
                self.page_basemap = name
            elif ok is False:
                self.schedule_render()

        self._js_call("setBasemap", name, callback=switched)

    def _on_selection_changed(self, layer_id: str | None, rows) -> None:
        self._js_call("highlight", layer_id or "", list(rows))

    def _on_view_changed(self, view: View) -> None:
        # the page takes positions in its own datum
        lon, lat = wgs84_to_display(self.page_basemap, view.lon, view.lat)
        self._js_call("setView", lat, lon, view.zoom)

    def _can_filter_live(self, layer) -> bool:
        """A filter the page can apply itself: it only hides features the page holds."""
        if not self._live_filter or self._live_filter[0] != layer.id or not self.ready:
            return False
        column = self._live_filter[1]
        rendered = self._rendered_filters.get(layer.id, {})
        if set(layer.filter) - {column} != set(rendered) - {column}:
            return False  # another column's filter changed too
        held = rendered.get(column)
        wanted = layer.filter.get(column)
        return held is None or (wanted is not None and set(map(str, wanted)) <= held)

    def _on_page_view(self, lat: float, lon: float, zoom: float) -> None:
        # the page moved: record it (in WGS-84) without sending it back to the page
        lon, lat = display_to_wgs84(self.page_basemap, lon, lat)
        with self.doc.events.view_changed.blocker(self._on_view_changed):
            self.doc.set_view(lat, lon, zoom)
        self.viewChanged.emit(lat, lon, zoom)
