"""Where jjjmap keeps what it can rebuild: ``$XDG_CACHE_HOME/jjjmap/<part>``
(``~/.cache/jjjmap/<part>``), or nowhere when ``JJJMAP_NO_DISK_CACHE`` is set."""
from __future__ import annotations

import os
from pathlib import Path


def cache_folder(part: str) -> Path | None:
    """The folder for one kind of cached file (not created here); None if caching is off."""
    if os.environ.get("JJJMAP_NO_DISK_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jjjmap" / part
