"""HTML export: the same page the app shows, self-contained (opens with no network) or light
(Leaflet from public CDNs, a much smaller file)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jjjmap.model import MapDocument
from jjjmap.render import render_html

from .errors import ExportError


def export_html_text(doc: MapDocument, *, self_contained: bool = True,
                     tianditu_key: str | None = None) -> str:
    try:
        return render_html(doc, assets="inline" if self_contained else "cdn",
                           tianditu_key=tianditu_key, show_panel=True)
    except ValueError as exc:
        raise ExportError(f"The map could not be exported: {exc}", detail=repr(exc)) from exc


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file next to ``path`` and rename it over: never a half file."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder; choose a file name to export to.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"The folder {folder} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"Cannot write into {folder}: {exc.strerror or exc}.",
                          detail=repr(exc)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.", detail=repr(exc)) from exc


def write_html(doc: MapDocument, path, *, self_contained: bool = True,
               tianditu_key: str | None = None) -> Path:
    """Write the map as one HTML file. ``self_contained``: every script and style inlined
    (works from a USB stick with no network); otherwise Leaflet comes from public CDNs."""
    path = Path(path)
    text = export_html_text(doc, self_contained=self_contained, tianditu_key=tianditu_key)
    atomic_write(path, text.encode("utf-8"))
    return path
