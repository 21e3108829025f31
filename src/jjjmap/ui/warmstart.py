"""Warm start: show the page the last identical start drew, before the data stack is imported.

A start with no layers on the command line and no project always renders the same page for the
same inputs. After a successful first render the app writes that page (and the assets it loads)
to ``$XDG_CACHE_HOME/jjjmap/pages/<key>/`` (``~/.cache/jjjmap``), keyed by a hash of cheap
inputs only: jjjmap's version, size and mtime of every file of the built-in data, of
``resources/web`` and of the render package, and the start settings that reach the page
(language, basemap, view, Tianditu key). The next start computes the key right after the
QApplication exists -- without importing geopandas, pandas, shapely or folium -- and on a hit
shows the stored page at once; the main window adopts that page later (MapView ``warm=``)
instead of rendering it again. ``JJJMAP_NO_DISK_CACHE=1`` turns it off;
``JJJMAP_WARMSTART_DEBUG=1`` prints "jjjmap: warm start: hit|miss" on stderr.
"""
from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import shutil
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = "1"
KEEP = 4            # cached pages kept (the newest)
READY_TIMEOUT_MS = 8000
PAGE_PATH = "index.html"   # the first MapView's page path (its details live under "")


def directory() -> Path | None:
    if os.environ.get("JJJMAP_NO_DISK_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jjjmap" / "pages"


def _debug(text: str) -> None:
    log.debug("warm start: %s", text)
    if os.environ.get("JJJMAP_WARMSTART_DEBUG"):
        print(f"jjjmap: warm start: {text}", file=sys.stderr)


def _tree_stats(root: Path, pattern: str = "*") -> list[str]:
    out = []
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            out.append(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}")
    return out


def _xstatic_versions() -> list[str]:
    from importlib import metadata

    out = []
    for dist in ("XStatic-Leaflet", "XStatic-Leaflet-MarkerCluster", "folium", "branca"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist}=?")
    return out


def cache_key(*, lang: str, basemap: str | None, view, tianditu: str | None) -> str | None:
    """The key of the page a default start with these settings renders; None if unknown.

    Imports nothing heavy: only jjjmap's version, file stats and the settings given.
    """
    try:
        import jjjmap

        package = Path(jjjmap.__file__).parent
        h = hashlib.sha256(f"{FORMAT}|{jjjmap.__version__}|{sys.version}".encode())
        parts = [*_xstatic_versions(),
                 *_tree_stats(Path(str(resources.files("jjjmap.geodata")))),
                 *_tree_stats(Path(str(resources.files("jjjmap.resources"))) / "web"),
                 *_tree_stats(package / "render", "*.py"),
                 *_tree_stats(package / "model", "*.py"),
                 *_tree_stats(package, "catalog.py"),
                 f"lang={lang}", f"basemap={basemap}", f"view={view!r}",
                 "tianditu=" + (hashlib.sha256(tianditu.encode()).hexdigest() if tianditu
                                else "")]
        h.update("\n".join(parts).encode())
        return h.hexdigest()[:32]
    except Exception:  # noqa: BLE001 - no warm start is never an error
        log.debug("warm start: no key", exc_info=True)
        return None


def save(key: str, html: str, size: tuple[int, int]) -> None:
    """Store the page (and its assets) under ``key``, atomically; errors are only logged."""
    folder = directory()
    if folder is None or not key:
        return
    target = folder / key
    if (target / PAGE_PATH).exists():
        return
    try:
        from jjjmap.render import assets

        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
        try:
            for name in assets.page_assets():
                out = tmp / "assets" / name
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(assets.asset_bytes(name))
            (tmp / "meta.json").write_text(json.dumps({"size": list(size)}))
            (tmp / PAGE_PATH).write_text(html, encoding="utf-8")
            os.replace(tmp, target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not (target / PAGE_PATH).exists():
                raise
        _prune(folder)
    except Exception:  # noqa: BLE001
        log.warning("warm start: could not store the page", exc_info=True)


def _prune(folder: Path) -> None:
    entries = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


class WarmStart:
    """Start settings' key and, on a hit, the stored page shown in an early view.

    ``page``/``view``/``bridge``/``channel`` are None on a miss; ``drawn_at`` is the
    ``time.perf_counter()`` at which the stored page said it was drawn.
    """

    def __init__(self, key: str | None):
        self.key = key
        self.page = self.view = self.bridge = self.page_bridge = self.channel = None
        self.drawn_at: float | None = None
        self.page_path = PAGE_PATH
        self.last_view: tuple[float, float, float] | None = None
        self._provider = None

    @classmethod
    def for_start(cls, *, lang: str, basemap: str | None, restore: bool) -> "WarmStart":
        """The key of a default start: ``restore`` reads the remembered view and basemap as
        MainWindow does; the Tianditu key as the window's renderer finds it."""
        from .settings import Settings

        settings = Settings()
        view = settings.last_view() if restore else None
        chosen = basemap or (settings.basemap() if restore else None)
        tianditu = settings.tianditu_key() or os.environ.get("JJJMAP_TIANDITU_KEY") or None
        return cls(cache_key(lang=lang, basemap=chosen, view=view, tianditu=tianditu))

    @property
    def hit(self) -> bool:
        return self.page is not None and self.drawn_at is not None

    def show(self, app) -> bool:
        """On a hit show the stored page and wait until it is drawn; False on a miss."""
        folder = directory()
        entry = folder / self.key if folder is not None and self.key else None
        if entry is None or not (entry / PAGE_PATH).is_file():
            _debug("miss")
            return False
        try:
            html = (entry / PAGE_PATH).read_bytes()
            size = json.loads((entry / "meta.json").read_text())["size"]
            os.utime(entry)   # recently used: kept by _prune
        except (OSError, ValueError, KeyError):
            _debug("miss (unreadable)")
            return False
        try:
            return self._show(app, entry, html, size)
        except Exception:  # noqa: BLE001 - never worse than a cold start
            log.warning("warm start: the stored page could not be shown", exc_info=True)
            self.discard()
            return False

    def _show(self, app, entry: Path, html: bytes, size) -> bool:
        from PySide6.QtCore import QEventLoop, QTimer, QUrl
        from PySide6.QtWebEngineWidgets import QWebEngineView

        from .bridge import new_page
        from .scheme import HOST, SCHEME, shared_profile

        profile, handler = shared_profile(app)
        fallback = handler.assets

        def stored_asset(name: str) -> tuple[bytes, str]:
            path = entry / "assets" / name
            if ".." not in Path(name).parts and path.is_file():
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return path.read_bytes(), mime
            return fallback(name)

        self._provider = fallback
        handler.assets = stored_asset
        handler.hold_details = True   # finer outlines wait for the document
        if PAGE_PATH in handler.pages:   # another view lives (tests): a path of its own
            self.page_path = f"warm{id(self)}/{PAGE_PATH}"
        handler.pages[self.page_path] = html

        page, self.bridge, self.page_bridge, self.channel = new_page(profile)
        self.page = page

        view = self.view = QWebEngineView()
        view.setPage(page)
        view.setWindowTitle("jjjmap")
        view.resize(int(size[0]), int(size[1]))
        loop = QEventLoop()

        def drawn() -> None:
            if self.drawn_at is None:
                self.drawn_at = time.perf_counter()
            loop.quit()

        def loaded(ok: bool) -> None:
            if not ok:
                loop.quit()

        self.bridge.mapReady.connect(drawn)
        self.bridge.viewChanged.connect(self._on_view)
        page.loadFinished.connect(loaded)
        QTimer.singleShot(READY_TIMEOUT_MS, loop.quit)
        view.show()
        page.load(QUrl(f"{SCHEME.decode()}://{HOST}/{self.page_path}"))
        loop.exec()
        self.bridge.mapReady.disconnect(drawn)
        page.loadFinished.disconnect(loaded)
        if self.drawn_at is None:
            _debug("miss (the stored page was not drawn)")
            self.discard()
            return False
        _debug("hit")
        return True

    def _on_view(self, lat: float, lon: float, zoom: float) -> None:
        self.last_view = (lat, lon, zoom)

    def release(self) -> None:
        """The document exists: assets and details are served the usual way again."""
        from .scheme import shared_profile

        if self.bridge is not None:
            try:
                self.bridge.viewChanged.disconnect(self._on_view)
            except (RuntimeError, TypeError):
                pass
        if self._provider is not None:
            _profile, handler = shared_profile(None)
            handler.assets = self._provider
            self._provider = None

    def close_view(self) -> None:
        if self.view is not None:
            self.view.hide()
            self.view.deleteLater()
            self.view = None

    def discard(self) -> None:
        """Forget the early page: the app starts the usual way."""
        from .scheme import shared_profile

        self.release()
        _profile, handler = shared_profile(None)
        handler.hold_details = False
        handler.fail_held()
        if self.page is not None:
            handler.pages.pop(self.page_path, None)
            self.close_view()
            self.page.deleteLater()
        self.page = self.bridge = self.page_bridge = self.channel = None
