"""HTML export: the same page the app shows, self-contained (one file, opens with no network)
or light (a much smaller page with Leaflet's files in a folder beside it, ``map_files/``;
also works with no network, and is what to put on a web server: both, side by side)."""
from __future__ import annotations

from pathlib import Path

from jjjmap.model import MapDocument
from jjjmap.render import render_html

from .errors import ExportError


def files_folder(path) -> Path:
    """The folder a light export keeps Leaflet's files in: ``map_files`` for ``map.html``."""
    path = Path(path)
    return path.with_name(f"{path.stem}_files")


def export_html_text(doc: MapDocument, *, self_contained: bool = True,
                     tianditu_key: str | None = None, asset_folder: str = "map_files",
                     include_hidden: bool = False) -> str:
    """The exported page. What you see is what you export: hidden layers stay out unless
    ``include_hidden`` (then they are in the page, hidden); features outside a layer's
    filter are never in it. The page carries a Tianditu key only when given one: an export
    never picks up the environment's or the settings' key by itself."""
    try:
        return render_html(doc, assets="inline" if self_contained else "files",
                           tianditu_key=tianditu_key or "", show_panel=True,
                           asset_folder=asset_folder, include_hidden=include_hidden)
    except ValueError as exc:
        raise ExportError(f"The map could not be exported: {exc}", detail=repr(exc)) from exc


def _folder_of(path: Path) -> Path:
    """The existing folder ``path`` goes into; ExportError if there is none, or if ``path``
    is itself a folder."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder; choose a file name to export to.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"The folder {folder} does not exist.")
    return folder


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file next to ``path`` and rename it over: never a half file."""
    from jjjmap.io.atomic import write_bytes

    path = Path(path)
    _folder_of(path)
    try:
        write_bytes(path, data)
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.", detail=repr(exc)) from exc


def write_html(doc: MapDocument, path, *, self_contained: bool = True,
               tianditu_key: str | None = None, include_hidden: bool = False) -> Path:
    """Write the map as HTML. ``self_contained``: one file, every script and style inlined
    (works from a USB stick with no network); otherwise a smaller page that loads Leaflet
    from ``files_folder(path)``, written beside it from the installed wheels."""
    path = Path(path)
    _folder_of(path)
    folder = files_folder(path)
    text = export_html_text(doc, self_contained=self_contained, tianditu_key=tianditu_key,
                            asset_folder=folder.name, include_hidden=include_hidden)
    if not self_contained:
        _write_files(folder)
    atomic_write(path, text.encode("utf-8"))
    return path


def _write_files(folder: Path) -> None:
    """Leaflet's files for a light page, from the wheels (what is there is replaced)."""
    from jjjmap.render.assets import asset_bytes, files_beside

    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is in the way of the light export's folder; "
                          "move it or choose another file name.")
    try:
        for name in files_beside():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)   # the page's folder exists
            atomic_write(target, asset_bytes(name))
    except OSError as exc:
        raise ExportError(f"Cannot write {folder}: {exc.strerror or exc}.",
                          detail=repr(exc)) from exc
