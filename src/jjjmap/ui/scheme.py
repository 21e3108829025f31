"""The ``jjjmap://`` URL scheme: the rendered page and its assets, served from memory.

``setHtml`` silently fails above 2 MiB and a ``file://`` page can neither fetch tiles nor load
our assets, so the page comes from a scheme handler instead. The scheme must be registered
before the ``QApplication`` exists (see ``register_scheme``).
"""
from __future__ import annotations

import concurrent.futures
import logging
import re
from typing import Callable
from urllib.parse import parse_qs, unquote

from PySide6.QtCore import QBuffer, QIODevice, QObject, QTimer, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

log = logging.getLogger(__name__)

SCHEME = b"jjjmap"
HOST = "app"
USER_AGENT = "jjjmap/0.1 (+https://pypi.org/project/jjjmap)"
REFERER = b"https://pypi.org/project/jjjmap/"

AssetProvider = Callable[[str], "tuple[bytes, str]"]
# (layer id, level, datum) -> JSON bytes of that layer's outlines at that level
DetailProvider = Callable[[str, int, str], bytes]
_DETAIL = re.compile(r"^(?:(?P<page>.+)/)?detail/(?P<layer>[^/]+)/(?P<level>\d{1,2})\.json$")
# (layer id, query {bbox, z, datum} or {key}) -> JSON bytes of a view-driven PostGIS layer
PgProvider = Callable[[str, dict], bytes]
_PG = re.compile(r"^(?:(?P<page>.+)/)?pg/(?P<layer>[^/]+)(?P<row>/row)?$")
# a large point layer's packed buffers (render.pointbin.STORE), fetched as ArrayBuffers
_BIN = re.compile(r"^(?:.+/)?bin/(?P<name>[\w.-]+\.bin)$")
# (layer id, row) -> JSON bytes of one feature's popup values (a large layer's click)
RowProvider = Callable[[str, int], bytes]
_ROW = re.compile(r"^(?:(?P<page>.+)/)?row/(?P<layer>[^/]+)/(?P<row>\d{1,10})\.json$")


def register_scheme() -> None:
    """Register ``jjjmap://``; call before the QApplication is created. Idempotent."""
    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME:
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # FetchApiAllowed: the page fetches finer boundary outlines (detail/...) when zoomed in.
    # Never LocalAccessAllowed: with it, script in the page could fetch('file:///etc/passwd')
    # (measured); everything the page needs comes over the scheme itself.
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme
                    | QWebEngineUrlScheme.Flag.CorsEnabled
                    | QWebEngineUrlScheme.Flag.FetchApiAllowed)
    QWebEngineUrlScheme.registerScheme(scheme)


def default_assets(name: str) -> tuple[bytes, str]:
    from jjjmap.render import assets

    return assets.asset_bytes(name), assets.asset_mime(name)


class Pending(Exception):
    """A provider cannot answer yet (its data still loads): the request waits for
    ``SchemeHandler.retry_held``."""


class SchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``jjjmap://app/<page>`` from ``pages``, ``jjjmap://app/assets/<name>``, and
    ``jjjmap://app/[<dir>/]detail/<layer>/<level>.json`` from ``details[<dir>]`` (finer
    boundary outlines for the page in that directory, made when first asked).

    Outlines are made on two workers (a user's 20k-polygon layer takes ~3 s a level the
    first time; GEOS lets go of the GIL, so two layers' levels use both cores) and the answer
    goes back to the GUI thread, so zooming never freezes the window. A layer has at most
    one level in the making: a request that arrives meanwhile waits, and a newer one for the
    same layer replaces it (the replaced request fails at once, never built): zooming through
    levels 9, 10, 11 to 12 builds the one in progress and 12 (``_queue_detail``). Requests
    gather for ``GATHER_MS`` (the page asks for every layer's level at one zoomend) and the
    largest layer goes first (``detail_costs``: its vertex count): the longest job first
    keeps a 2M-vertex user layer from waiting behind the boundaries' levels.
    """

    # job, (data, mime) or None, the exception, the (page, layer) of a detail level or None
    _made = Signal(object, object, object, object)
    DETAIL_WORKERS = 2
    GATHER_MS = 40

    def __init__(self, parent: QObject | None = None, assets: AssetProvider | None = None):
        super().__init__(parent)
        self.pages: dict[str, bytes] = {}
        self.assets = assets or default_assets
        self.details: dict[str, DetailProvider] = {}
        self._held: list[QWebEngineUrlRequestJob] = []
        self._pool = concurrent.futures.ThreadPoolExecutor(self.DETAIL_WORKERS, "jjjmap-detail")
        # per (page dir, layer id): in the making, and the newest request waiting behind it
        self._detail_busy: set[tuple[str, str]] = set()       # being built
        self._detail_next: dict[tuple[str, str], tuple] = {}  # waiting behind that
        self._detail_ready: dict[tuple[str, str], tuple] = {}  # waiting for a worker
        # page dir -> (layer id -> how much work its level is; the largest goes first)
        self.detail_costs: dict[str, Callable[[str], int]] = {}
        self._gather = QTimer(self)
        self._gather.setSingleShot(True)
        self._gather.setInterval(self.GATHER_MS)
        self._gather.timeout.connect(self._dispatch_details)
        # PostGIS views (ui.pglayers): several layers ask at once; a layer's newer view
        # cancels its older query, so a slow database never queues behind itself
        self.pg: dict[str, PgProvider] = {}
        self._pg_pool = concurrent.futures.ThreadPoolExecutor(4, "jjjmap-pg")
        self.rows: dict[str, RowProvider] = {}
        self._made.connect(self._answer)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt name)
        url = job.requestUrl()
        path = url.path().lstrip("/")
        try:
            if url.host() != HOST:
                raise KeyError(path)
            if path in self.pages:
                self._reply(job, self.pages[path], "text/html;charset=utf-8")
            elif path.startswith("assets/"):
                self._reply(job, *self.assets(path[len("assets/"):]))
            elif (m := _DETAIL.match(path)) is not None:
                datum = parse_qs(url.query()).get("datum", ["wgs84"])[0]
                provider = self.details[m["page"] or ""]
                args = (unquote(m["layer"]), int(m["level"]), datum)
                self._queue_detail((m["page"] or "", args[0]), job, provider, args)
            elif (m := _BIN.match(path)) is not None:
                from jjjmap.render.pointbin import STORE

                data = STORE.get(m["name"])
                if data is None:
                    raise KeyError(path)
                self._reply(job, data, "application/octet-stream")
            elif (m := _ROW.match(path)) is not None:
                provider = self.rows[m["page"] or ""]
                self._reply(job, provider(unquote(m["layer"]), int(m["row"])),
                            "application/json")
            elif (m := _PG.match(path)) is not None:
                query = {k: v[0] for k, v in parse_qs(url.query()).items()}
                if m["row"] is None:
                    query.pop("key", None)
                provider = self.pg[m["page"] or ""]
                self._pg_pool.submit(self._make, job, provider, (unquote(m["layer"]), query))
            else:
                raise KeyError(path)
        except Exception:  # noqa: BLE001 - any miss is a 404 for the page
            self._fail(job)

    def _queue_detail(self, key: tuple[str, str], job, provider: DetailProvider, args) -> None:
        """On the GUI thread: build the level now, or after the one of the same layer in the
        making, replacing (and failing) a request that waited there before."""
        queue = self._detail_next if key in self._detail_busy else self._detail_ready
        stale = queue.pop(key, None)
        queue[key] = (job, provider, args)
        if stale is not None:
            self._skip(stale[0])
        if queue is self._detail_ready and not self._gather.isActive():
            self._gather.start()

    def _detail_cost(self, key: tuple[str, str]) -> int:
        try:
            return int(self.detail_costs[key[0]](key[1]))
        except Exception:  # noqa: BLE001 - no estimate: after those that have one
            return -1

    def _dispatch_details(self) -> None:
        """Start the largest waiting levels on the free workers."""
        while self._detail_ready and len(self._detail_busy) < self.DETAIL_WORKERS:
            key = max(self._detail_ready, key=self._detail_cost)
            job, provider, args = self._detail_ready.pop(key)
            self._detail_busy.add(key)
            self._pool.submit(self._make, job, provider, args, key)

    def _make(self, job, provider: DetailProvider, args, key=None) -> None:
        """On the worker: the outlines, handed to the GUI thread (``_answer``)."""
        try:
            self._made.emit(job, (provider(*args), "application/json"), None, key)
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread
            self._made.emit(job, None, exc, key)

    def _answer(self, job, answer, exc, key=None) -> None:
        if key is not None:
            self._detail_busy.discard(key)
            waiting = self._detail_next.pop(key, None)
            if waiting is not None:
                self._detail_ready[key] = waiting
            self._dispatch_details()
        try:
            if isinstance(exc, Pending):
                self._held.append(job)
            elif exc is not None:
                log.debug("jjjmap scheme: no outlines", exc_info=exc)
                self._fail(job)
            else:
                self._reply(job, *answer)
        except RuntimeError:   # the page went away meanwhile, and its request with it
            log.debug("jjjmap scheme: an answered request is gone")

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, data: bytes, mime: str) -> None:
        buf = QBuffer(job)  # parented to the job, so it lives exactly as long as the reply
        buf.setData(data)
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buf)

    @staticmethod
    def _skip(job: QWebEngineUrlRequestJob) -> None:
        """A level request a newer one of the same layer replaced: the page wants that one."""
        try:
            job.fail(QWebEngineUrlRequestJob.Error.RequestAborted)
        except RuntimeError:   # the page went away meanwhile, and its request with it
            log.debug("jjjmap scheme: a replaced request is gone")

    @staticmethod
    def _fail(job: QWebEngineUrlRequestJob) -> None:
        log.warning("jjjmap scheme: not found: %s", job.requestUrl().toString())
        job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)

    def retry_held(self) -> None:
        """Ask the providers again for the requests that had to wait."""
        held, self._held = self._held, []
        for job in held:
            try:
                self.requestStarted(job)
            except RuntimeError:   # the page went away meanwhile, and its request with it
                log.debug("jjjmap scheme: a held request is gone")


class _RefererInterceptor(QWebEngineUrlRequestInterceptor):
    """Tile servers (OSM) want to know who asks; a custom-scheme page sends no Referer."""

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802
        if info.requestUrl().scheme() in ("http", "https"):
            info.setHttpHeader(b"Referer", REFERER)


_profile: QWebEngineProfile | None = None
_handler: SchemeHandler | None = None


def shared_profile(app: QObject) -> tuple[QWebEngineProfile, SchemeHandler]:
    """One off-the-record profile for the app's lifetime, with the scheme handler installed.

    Shared (not one per view) so that pages never outlive their profile when windows close.
    """
    global _profile, _handler
    if _profile is None:
        _profile = QWebEngineProfile(app)
        _profile.setHttpUserAgent(USER_AGENT)
        _handler = SchemeHandler(_profile)
        _profile.installUrlSchemeHandler(SCHEME, _handler)
        interceptor = _RefererInterceptor(_profile)
        _profile.setUrlRequestInterceptor(interceptor)
    return _profile, _handler
