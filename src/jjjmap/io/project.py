"""``.jjjmap`` project files: what is on the map, where the data lives, how it is drawn.

The data itself is never copied into a project; custom layers are referenced by path (relative
to the project, so a folder can be moved or shared) plus the options they were opened with.
Saving is atomic (temporary file in the same folder, fsync, ``os.replace``), so a crash or a
killed process leaves either the old project or the new one, never a torn file.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Callable

from . import atomic
from .errors import LayerLoadError, ProjectFileError, display_name

FORMAT = "jjjmap-project"
VERSION = 1
SUFFIX = ".jjjmap"
_OPEN_KEYS = ("layer", "crs", "encoding", "datum")

log = logging.getLogger(__name__)

ResolveMissing = Callable[[str], "str | os.PathLike | None"]


# -- saving ---------------------------------------------------------------------------------
def _relative(data_path: str, project_dir: Path) -> str:
    try:
        rel = os.path.relpath(os.path.abspath(data_path), project_dir)
    except ValueError:  # another drive on Windows
        return os.path.abspath(data_path)
    return Path(rel).as_posix()


def layer_entry(layer, project_dir: Path) -> dict[str, Any]:
    builtin = layer.builtin
    entry: dict[str, Any] = {"builtin": builtin, "path": None, "open": {}}
    if layer.meta.get("postgis"):   # a database layer: its address, never its password
        entry.update(postgis=layer.meta["postgis"], part=layer.provenance.part)
    elif builtin is None and isinstance(layer.meta.get("derived"), dict):
        # rings, a drawn study area: the question is stored and recomputed on open
        from jjjmap.analysis.derived import entry_for

        entry["derived"] = entry_for(layer, project_dir)
    elif builtin is None and ("join" in layer.meta or "aggregate" in layer.meta):
        from .derived import derived_entry   # how to redo a join or a count, not the data

        entry.update(derived_entry(layer, lambda p: _relative(p, project_dir)))
    elif builtin is None:
        if not layer.path:
            raise ProjectFileError(
                f"Layer {layer.title_en!r} has no file behind it (it was created in the program), "
                f"so a project cannot refer to it. Export it to a file first.", None)
        entry["path"] = _relative(layer.path, project_dir)
        opened = layer.provenance.reopen
        entry["open"] = {k: opened[k] for k in _OPEN_KEYS if opened.get(k) is not None}
        entry["part"] = layer.provenance.part
    entry.update({
        "title": layer.title_en,
        "title_zh": layer.title_zh,
        "visible": bool(layer.visible),
        "opacity": float(layer.opacity),
        "style": layer.style.to_dict(),
        "filter": {str(k): list(v) for k, v in layer.filter.items()},
    })
    return entry


def project_dict(doc, path: Path) -> dict[str, Any]:
    project_dir = path.resolve().parent
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": doc.title,
        "basemap": doc.basemap,
        "lang": doc.lang,
        "view": {"lat": float(doc.view.lat), "lon": float(doc.view.lon),
                 "zoom": float(doc.view.zoom)},
        "layers": [layer_entry(lyr, project_dir) for lyr in doc.layers],
    }


def save_project(doc, path) -> Path:
    """Write ``doc`` to ``path`` atomically; ProjectFileError if it cannot be written."""
    path = Path(path)
    try:
        text = json.dumps(project_dict(doc, path), ensure_ascii=False, indent=2, default=_jsonable)
    except (TypeError, ValueError) as exc:
        raise ProjectFileError(f"Cannot save {display_name(path)}: {exc}", path) from exc
    try:   # temp sibling, then replace: keeps an existing file's mode, new ones the umask's
        atomic.write_bytes(path, (text + "\n").encode("utf-8"))
    except OSError as exc:
        raise ProjectFileError(f"Cannot save {display_name(path)}: {exc.strerror or exc}",
                               path) from exc
    return path


def _jsonable(value):
    if hasattr(value, "item"):  # numpy scalars in filters
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


# -- loading --------------------------------------------------------------------------------
def read_project_dict(path) -> dict[str, Any]:
    from .projectcheck import MAX_BYTES, check_project

    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_BYTES:
            raise ProjectFileError(f"{display_name(path)} is larger than a project file can be "
                                   f"({MAX_BYTES // 2**20} MiB).", path)
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ProjectFileError(f"The project {display_name(path)} does not exist.", path) from exc
    except IsADirectoryError as exc:
        raise ProjectFileError(f"{display_name(path)} is a folder, not a project file.",
                               path) from exc
    except OSError as exc:
        raise ProjectFileError(f"Cannot read the project {display_name(path)}: {exc}",
                               path) from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProjectFileError(f"The project {display_name(path)} is damaged: it is not valid "
                               f"JSON ({exc}).", path) from exc
    except RecursionError as exc:
        raise ProjectFileError(f"The project {display_name(path)} is damaged: it nests too "
                               f"deeply.", path) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectFileError(f"{display_name(path)} is not a jjjmap project file.", path)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProjectFileError(f"The project {display_name(path)} has no valid format version.",
                               path)
    if version > VERSION:
        raise ProjectFileError(
            f"The project {display_name(path)} was written by a newer jjjmap (format version "
            f"{version}; this one reads up to {VERSION}). Update jjjmap to open it.", path)
    check_project(data, path)   # every value, before anything is applied (io.projectcheck)
    return data


def load_project(path, *, resolve_missing: ResolveMissing | None = None,
                 open_kwargs: dict | None = None,
                 ask_password: Callable[[str], str | None] | None = None):
    """Rebuild the MapDocument saved in ``path``.

    A data file that is no longer where the project says is passed to ``resolve_missing``
    (absolute path); it returns the new location, or None to leave that layer out. Without a
    callback a missing file is a ProjectFileError. A data file that exists but cannot be read is a
    ProjectFileError naming the layer, with the LayerLoadError as its cause.
    A PostGIS layer whose password libpq cannot find calls ``ask_password(connection)`` (once
    per connection; None leaves its layers out).
    """
    from jjjmap.model import MapDocument, Style

    path = Path(path)
    data = read_project_dict(path)
    project_dir = path.resolve().parent
    doc = MapDocument(title=str(data.get("title", "Jing-Jin-Ji")),
                      basemap=str(data.get("basemap", "positron")),
                      lang=data.get("lang", "en") if data.get("lang") in ("en", "zh") else "en")
    view = data.get("view") or {}
    try:
        doc.set_view(float(view.get("lat", doc.view.lat)), float(view.get("lon", doc.view.lon)),
                     float(view.get("zoom", doc.view.zoom)))
    except (TypeError, ValueError, AttributeError) as exc:
        raise ProjectFileError(f"The project {display_name(path)} has a damaged view.",
                               path) from exc
    cache: dict[tuple, list] = {}
    resolved: dict[str, str | None] = {}
    for i, entry in enumerate(data.get("layers", [])):
        if not isinstance(entry, dict):
            raise ProjectFileError(f"The project {display_name(path)} is damaged: layer {i + 1} "
                                   f"is not an object.", path)
        if entry.get("postgis"):
            from .postgis import load_project_entry

            layer = load_project_entry(entry, path, ask_password, resolved)
        else:
            layer = _load_entry(entry, path, project_dir, resolve_missing, cache, resolved,
                                open_kwargs or {})
        if layer is None:
            continue
        try:
            layer.style = _style(entry.get("style"), Style, path, layer.title_en)
        except (TypeError, ValueError) as exc:
            log.warning("project %s: style of layer %r ignored: %s", path, layer.title_en, exc)
        if entry.get("title"):
            layer.title_en = str(entry["title"])
        if entry.get("title_zh"):
            layer.title_zh = str(entry["title_zh"])
        layer.visible = bool(entry.get("visible", True))
        layer.opacity = max(0.0, min(1.0, float(entry.get("opacity", 1.0))))
        flt = entry.get("filter") or {}
        layer.filter = {str(k): list(v) for k, v in flt.items()} if isinstance(flt, dict) else {}
        doc.add_layer(layer)
    return doc


def _style(data, style_cls, path, title):
    """The saved style; options this version does not know are dropped, not fatal."""
    from dataclasses import fields

    if not isinstance(data, dict):
        return style_cls()
    known = {f.name for f in fields(style_cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        log.warning("project %s: layer %r: unknown style option(s) ignored: %s", path, title,
                    ", ".join(unknown))
    return style_cls.from_dict({k: v for k, v in data.items() if k in known})


def _load_entry(entry, path, project_dir, resolve_missing, cache, resolved, extra):
    title = entry.get("title") or "?"
    if entry.get("builtin"):
        from jjjmap import catalog

        try:
            return catalog.load_layer(entry["builtin"])
        except Exception as exc:  # an unknown key or damaged built-in data
            raise ProjectFileError(f"The project {display_name(path)} refers to the built-in "
                                   f"layer {entry['builtin']!r}, which cannot be loaded: {exc}",
                                   path) from exc
    if isinstance(entry.get("derived"), dict):
        from jjjmap.analysis.derived import rebuild
        from jjjmap.analysis.errors import AnalysisError

        try:
            return rebuild(entry["derived"], str(project_dir))
        except (AnalysisError, LayerLoadError, KeyError, TypeError, ValueError) as exc:
            raise ProjectFileError(f"The project {display_name(path)} could not recompute layer "
                                   f"{title!r}: {exc}", path) from exc
    if entry.get("join") or entry.get("aggregate"):   # a table joined, or points counted
        from .derived import load_derived

        return load_derived(entry, lambda rel: data_file(rel, path, project_dir,
                                                          resolve_missing, resolved, title),
                            path)
    rel = entry.get("path")
    if not isinstance(rel, str) or not rel:
        raise ProjectFileError(f"The project {display_name(path)} is damaged: layer {title!r} has "
                               f"neither a built-in key nor a file path.", path)
    data_path = data_file(rel, path, project_dir, resolve_missing, resolved, title)
    if data_path is None:
        return None
    opts = {k: v for k, v in (entry.get("open") or {}).items() if k in _OPEN_KEYS}
    opts.update(extra)
    cache_key = (str(data_path), tuple(sorted((k, str(v)) for k, v in opts.items())))
    part = entry.get("part")
    for _attempt in range(2):
        if not cache.get(cache_key):
            # first use of this file, or it is used twice in the project: (re)open it
            try:
                cache[cache_key] = _open(data_path, opts)
            except LayerLoadError as exc:
                raise ProjectFileError(f"The project {display_name(path)} could not load layer "
                                       f"{title!r}: {exc}", path) from exc
        layers = cache[cache_key]
        match = next((lyr for lyr in layers if lyr.provenance.part == part), None)
        if match is None and part is None and layers:
            match = layers[0]
        if match is not None:
            layers.remove(match)
            return match
        cache[cache_key] = []
    log.warning("project %s: layer %r (%s) not found in %s", path, title, part, data_path)
    return None


def data_file(rel: str, path, project_dir, resolve_missing, resolved, title) -> Path | None:
    """Where a file the project names is now: as saved, or where the user says it went
    (asked once per file); None to leave the layer out."""
    data_path = Path(rel) if Path(rel).is_absolute() else project_dir / rel
    data_path = Path(os.path.normpath(data_path))
    key = str(data_path)
    if not data_path.exists():
        if key not in resolved:
            if resolve_missing is None:
                raise ProjectFileError(
                    f"The project {display_name(path)} uses {display_name(data_path)} (layer "
                    f"{title!r}), which is missing. Was it moved or deleted?", path)
            new = resolve_missing(key)
            resolved[key] = None if new is None else str(new)
        if resolved[key] is None:
            log.warning("project %s: layer %r left out, %s is missing", path, title, key)
            return None
        data_path = Path(resolved[key])
    return data_path


def _open(data_path: Path, opts: dict) -> list:
    from .readers import open_layer

    return open_layer(data_path, **opts)
