"""Warm start: show the built-in map the last start drew while the data stack still loads.

The default map (every built-in layer, nothing else) renders to the same page whenever the
inputs of the page are the same. After a start draws it, the page is kept in
``$XDG_CACHE_HOME/jjjmap/pages/<key>.html`` (``~/.cache/jjjmap``), rendered at the default
view. The key hashes only what can be read without the data stack: jjjmap's version, the
versions of folium, branca and the Leaflet wheels, size and mtime of every file of the built-in
data, of ``resources/web`` and of the Python code that renders (render, model, geo, catalog, ui/mapview),
the language, the basemap's datum and the Tianditu key.

The view and the basemap are not in the key: a stored page opens at a remembered view and
basemap through its URL fragment (``#view=lat,lon,zoom&basemap=name``, which the page reads
in ``jjj.init``), so a user who pans or switches basemaps still gets a warm start.

On a hit the main window shows at once with that page and an empty document
(``MainWindow(warm=...)``); the built-in layers load on a worker thread and the window adopts
them without rendering again (``MainWindow.adopt``). ``JJJMAP_NO_DISK_CACHE=1`` turns it off.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer

from jjjmap.cachedir import cache_folder

from .mapview import MapView, PageState
from .workers import Task, TaskRunner

log = logging.getLogger(__name__)

FORMAT = "2"
KEEP = 6   # stored pages kept, the most recently used
STORED_PAGE_GRACE_MS = 5000   # after the layers are in, for a stored page to say it drew


def directory() -> Path | None:
    return cache_folder("pages")


def _tree_stats(root: Path, pattern: str = "*") -> list[str]:
    out = []
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            out.append(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}")
    return out


def _frozen_stats() -> list[str]:
    """In a bundle (PyInstaller) the code is in the executable's archive, not in .py files:
    a rebuilt bundle has another executable."""
    if not getattr(sys, "frozen", False):
        return []
    st = Path(sys.executable).stat()
    return [f"executable:{st.st_size}:{st.st_mtime_ns}"]


def _versions() -> list[str]:
    out = []
    for dist in ("folium", "branca", "XStatic-Leaflet", "XStatic-Leaflet-MarkerCluster"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist}=?")
    return out


def cache_key(*, lang: str, datum: str, tianditu: str | None) -> str | None:
    """The key of the default map's page for these settings; None if it cannot be made."""
    try:
        import jjjmap

        package = Path(jjjmap.__file__).parent
        parts = [FORMAT, jjjmap.__version__, sys.version, *_versions(),
                 *_tree_stats(Path(str(resources.files("jjjmap.geodata")))),
                 *_tree_stats(Path(str(resources.files("jjjmap.resources"))) / "web"),
                 *_tree_stats(package / "render", "*.py"), *_tree_stats(package / "model", "*.py"),
                 *_tree_stats(package / "geo", "*.py"), *_tree_stats(package, "catalog.py"),
                 *_tree_stats(package / "ui", "mapview.py"),   # the app's render options
                 *_frozen_stats(),
                 f"lang={lang}", f"datum={datum}",
                 "tianditu=" + hashlib.sha256((tianditu or "").encode()).hexdigest()]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    except Exception:  # no warm start is never an error
        log.debug("warm start: no key", exc_info=True)
        return None


def fragment(view: tuple[float, float, float] | None, basemap: str) -> str:
    """The page URL's fragment for a view (in the basemap's datum) and a basemap."""
    parts = []
    if view is not None:
        lat, lon, zoom = view
        parts.append(f"view={lat:.6f},{lon:.6f},{zoom:g}")
    parts.append(f"basemap={basemap}")
    return "&".join(parts)


@dataclass
class WarmStart:
    """What a default start knows before the data stack loads.

    ``html`` is the stored page (None on a miss) and ``fit`` the default view's bounds it was
    rendered with; ``key`` is where the first page of a miss is kept.
    """

    key: str | None
    html: bytes | None = None
    fit: tuple[float, float, float, float] | None = None

    @property
    def hit(self) -> bool:
        return self.html is not None

    @classmethod
    def for_start(cls, *, lang: str, basemap: str, tianditu: str | None) -> "WarmStart":
        from jjjmap.render.basemaps import get

        key = cache_key(lang=lang, datum=get(basemap).datum, tianditu=tianditu)
        folder = directory()
        if key is None or folder is None:
            return cls(None)
        try:
            html = (folder / f"{key}.html").read_bytes()
            meta = json.loads((folder / f"{key}.json").read_text())
            fit = tuple(float(v) for v in meta["fit"])
            os.utime(folder / f"{key}.html")   # recently used: kept by _prune
        except FileNotFoundError:
            return cls(key)
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("warm start: the stored page %s is unreadable; rendering", key)
            return cls(key)
        return cls(key, html, fit)   # type: ignore[arg-type]

    def discard(self) -> None:
        """Forget the stored page (it did not draw)."""
        folder = directory()
        if folder is not None and self.key:
            for suffix in (".html", ".json"):
                (folder / f"{self.key}{suffix}").unlink(missing_ok=True)

    def save(self, html: str, fit) -> None:
        """Keep the default map's page (rendered at the default view) for the next start."""
        folder = directory()
        if folder is None or not self.key:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            meta = json.dumps({"fit": [float(v) for v in fit]})
            from jjjmap.io.atomic import write_bytes

            for suffix, text in ((".json", meta), (".html", html)):  # the page last: it counts
                write_bytes(folder / f"{self.key}{suffix}", text.encode("utf-8"))
            _prune(folder)
        except OSError:
            log.warning("warm start: could not keep the page", exc_info=True)


def _prune(folder: Path) -> None:
    pages = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in pages[KEEP:]:
        for path in (old, old.with_suffix(".json")):
            path.unlink(missing_ok=True)


def _import_renderer() -> None:
    """On a worker: folium and the renderer (0.3-0.4 s), so a render need not wait for them."""
    import jjjmap.render.page  # noqa: F401


def _read_builtin(prepare_render: bool):
    """On a worker: the default document, after the renderer with ``prepare_render``."""
    from jjjmap import catalog

    if prepare_render:
        _import_renderer()
    return catalog.default_document()


class BuiltinStart(QObject):
    """The one owner of a window's start on the built-in map (``MainWindow(None, warm=True)``).

    The window shows at once with an empty document; the stored page, if any, loads at the
    remembered view and basemap; the built-in layers are read on a worker (after the stored
    page has loaded: it draws sooner without the reading beside it), put into the document
    here and the map keeps the stored page when it shows them (``MapView.adopt``). A stored
    page that does not draw within STORED_PAGE_GRACE_MS is forgotten and the map rendered. A
    start without a stored page renders once the layers are in and stores that page, at the
    default view, when it has drawn.

    Its collaborators are passed in: the map view (and through it the document), the
    Tianditu key, whether the view was restored from the last run, the process start time,
    and three callbacks to the window: ``busy(bool)`` for its progress indicator,
    ``adopted()`` once the layers are in the document, ``error(title, text)``.
    """

    def __init__(self, view: MapView, *, tianditu_key: Callable[[], str | None],
                 restored_view: bool, started_at: float, busy: Callable[[bool], None],
                 adopted: Callable[[], None], error: Callable[[str, str], None],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.map, self.doc = view, view.doc
        self._tianditu_key, self._restored_view = tianditu_key, restored_view
        self._started_at = started_at
        self._busy, self._adopted, self._error = busy, adopted, error
        self.loading = True
        self.warm: WarmStart | None = None
        self.layers_seconds: float | None = None
        self._runner = None
        self._keep: tuple[WarmStart, str, tuple] | None = None
        view.wait_for_layers()

    def begin(self) -> None:
        """Show the stored page of the built-in map if there is one, and read the layers."""
        from .mapview import wgs84_to_display

        doc = self.doc
        self.warm = warm = WarmStart.for_start(lang=doc.lang, basemap=doc.basemap,
                                               tianditu=self._tianditu_key())
        if warm.hit:
            view = None
            if self._restored_view:
                lon, lat = wgs84_to_display(doc.basemap, doc.view.lon, doc.view.lat)
                view = (lat, lon, doc.view.zoom)
            else:
                doc.view = type(doc.view)(fit=warm.fit)
            self.map.show_stored(warm.html, fragment(view, doc.basemap))
        # a runner of its own: the status bar's Cancel (for files) must not strand the map
        self._runner = TaskRunner(self)
        self._busy(True)   # until the layers are in

        def read() -> None:
            if self.loading:   # a miss renders at once: the renderer's imports come along
                self._runner.submit(Task(_read_builtin, not warm.hit), self._adopt, self._failed)

        if warm.hit:
            self.map.loadFinished.connect(read, type=Qt.ConnectionType.SingleShotConnection)
        else:
            read()

    def _done(self) -> None:
        self.loading = False
        self._busy(False)

    def _adopt(self, full) -> None:
        if not self.loading:
            return   # given up (a project replaced the map)
        self._done()
        doc, view = self.doc, self.map
        if not self._restored_view:
            doc.view = full.view   # quietly: the default view, as a stored page shows it
        pristine = not doc.layers   # nothing added meanwhile: the page can be stored
        with view.receiving_layers():   # at the bottom of the document, in their order
            for index, layer in enumerate(full.layers):
                doc.add_layer(layer, index)
        view.adopt()
        self.layers_seconds = time.perf_counter() - self._started_at
        self._adopted()
        if view.state is PageState.ADOPTED and not view.ready:
            QTimer.singleShot(STORED_PAGE_GRACE_MS, self, self._check_stored_page)
        if not self.warm.hit and pristine and view.last_html is not None:
            self._prepare_keep(full.view)
        elif self.warm.hit:   # the first change that re-renders need not wait for folium
            self._runner.submit(Task(_import_renderer), lambda _r: None,
                                lambda exc: log.debug("renderer import failed: %s", exc))

    def _check_stored_page(self) -> None:
        """An adopted stored page that never draws is forgotten and the map rendered."""
        if self.map.state is PageState.ADOPTED and not self.map.ready:
            log.warning("the stored page did not draw; rendering the map")
            if self.warm is not None:
                self.warm.discard()
            self.map.render()

    def _prepare_keep(self, default_view) -> None:
        """The page to store for the next start, under the key of the settings it was
        rendered with (the language may have changed meanwhile), at the default view."""
        from jjjmap.render.basemaps import datum_of

        doc = self.doc
        key = cache_key(lang=doc.lang, datum=datum_of(doc.basemap), tianditu=self._tianditu_key())
        if key is None:
            return
        html = self.map.last_html
        if doc.view != default_view:   # a remembered view: render the default view's page
            try:
                html = self.map.renderer(doc.snapshot(view=default_view))
            except Exception:  # the map shows; only the next start is slower
                log.warning("warm start: the default view's page failed", exc_info=True)
                return
        self._keep = (WarmStart(key), html, default_view.fit)

    def page_drawn(self) -> None:
        """The map has drawn: a page waiting to be stored has proved itself."""
        if self._keep is not None:
            warm, html, fit = self._keep
            self._keep = None
            warm.save(html, fit)

    def _failed(self, exc: BaseException) -> None:
        if self.loading:
            self.give_up()
            self._error(self.tr("Could not read the built-in map"), str(exc))

    def give_up(self) -> None:
        """The layers will not be adopted (they failed, or a project replaces the map)."""
        if self.loading:
            self._done()
            self.map.stop_waiting()

    def shutdown(self) -> None:
        self.loading = False
        if self._runner is not None:
            self._runner.cancel_all()
