"""Writing files so that a crash, SIGKILL or a full disk never leaves a half file or loses the
old one: write a temporary sibling, fsync, then ``os.replace`` it over the target.

- ``write_bytes(path, data)`` for one file (pages, caches, projects);
- ``output(path)`` for what GDAL writes: a context that yields a path inside a temporary
  sibling folder; GDAL creates the file and all its sidecars there (a Shapefile's .shx, .dbf,
  .prj, .cpg; a GeoPackage with every layer), and on success each file replaces its namesake
  beside the target (the main file last), stale sidecars of the old target are removed, and the
  folder goes. On failure the target is untouched.

New files get the usual mode (0666 minus the umask), an existing target keeps its mode.
``same_file(a, b)`` says whether two paths are one file (symlinks, hard links, spelling).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from .sniff import SIDECARS

_SHP_OWN = {".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix"}


def _umask() -> int:
    try:   # Linux >= 4.7 reports it without changing it (os.umask is process-wide: racy)
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def write_bytes(path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically; OSError if it cannot be written."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    fsync_dir(folder)
    return path


def _family(folder: Path, stem: str) -> list[Path]:
    """Files of a Shapefile-like family: ``stem`` plus a sidecar extension."""
    return [p for p in folder.glob(glob_escape(stem) + ".*")
            if p.stem == stem and p.suffix.lower() in SIDECARS]


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


@contextlib.contextmanager
def output(path):
    """``with output(target) as tmp: write(tmp)``: the written files replace the target's."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    mode = _mode_for(path)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder))
    try:
        yield work / path.name
        made = sorted(work.iterdir(), key=lambda p: p.name == path.name)   # main file last
        if not any(p.name == path.name for p in made):
            raise FileNotFoundError(f"nothing was written to {path}")
        for p in made:
            _fsync_file(p)
            os.chmod(p, mode)
        if path.suffix.lower() == ".shp":   # an old index or .prj would not match the new data
            new_names = {p.name for p in made}
            for old in _family(folder, path.stem):
                if old.name not in new_names and old.suffix.lower() in _SHP_OWN:
                    old.unlink()
        for p in made:
            os.replace(p, folder / p.name)
        fsync_dir(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def same_file(a, b) -> bool:
    """True if ``a`` and ``b`` name the same file (or would: same resolved path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()
