"""What the app remembers between runs: window layout, last view, basemap, language, recent
files and the user's Tianditu key (kept here, never written into an export unasked)."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "jjjmap"
APPLICATION = "jjjmap"
MAX_RECENT = 8


class Settings:
    """A thin typed wrapper; pass a QSettings (e.g. an .ini in a temp dir) to isolate tests."""

    def __init__(self, store: QSettings | None = None):
        self.store = store if store is not None else QSettings(ORGANISATION, APPLICATION)

    # -- window -----------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def state(self) -> QByteArray | None:
        value = self.store.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    # -- map --------------------------------------------------------------------------------
    def last_view(self) -> tuple[float, float, float] | None:
        try:
            lat = float(self.store.value("map/lat"))
            lon = float(self.store.value("map/lon"))
            zoom = float(self.store.value("map/zoom"))
        except (TypeError, ValueError):
            return None
        if -90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 22:
            return lat, lon, zoom
        return None

    def save_view(self, lat: float, lon: float, zoom: float) -> None:
        self.store.setValue("map/lat", float(lat))
        self.store.setValue("map/lon", float(lon))
        self.store.setValue("map/zoom", float(zoom))

    def basemap(self) -> str | None:
        value = self.store.value("map/basemap")
        return str(value) if value else None

    def save_basemap(self, name: str) -> None:
        self.store.setValue("map/basemap", name)

    def language(self) -> str | None:
        value = self.store.value("ui/language")
        return str(value) if value in ("en", "zh") else None

    def save_language(self, code: str) -> None:
        self.store.setValue("ui/language", code)

    def tianditu_key(self) -> str | None:
        value = self.store.value("map/tianditu_key")
        return str(value).strip() or None if value else None

    def save_tianditu_key(self, key: str) -> None:
        self.store.setValue("map/tianditu_key", key.strip())

    # -- files ------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.store.value("files/recent") or []
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value if v][:MAX_RECENT]

    def add_recent(self, path: str) -> list[str]:
        recent = [path] + [p for p in self.recent_files() if p != path]
        recent = recent[:MAX_RECENT]
        self.store.setValue("files/recent", recent)
        return recent

    def clear_recent(self) -> None:
        self.store.setValue("files/recent", [])

    def last_dir(self) -> str:
        return str(self.store.value("files/last_dir") or "")

    def save_last_dir(self, folder: str) -> None:
        self.store.setValue("files/last_dir", folder)

    def sync(self) -> None:
        self.store.sync()
