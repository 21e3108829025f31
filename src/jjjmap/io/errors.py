"""Errors a user can hit while opening, exporting or saving; messages are written for them.

Every message names the file and says what is wrong in plain words, so the GUI can show it in a
dialog and the CLI can print it without a traceback.
"""
from __future__ import annotations

import os


class JjjmapIOError(Exception):
    """Base of the user-facing I/O errors."""

    def __init__(self, message: str, path: str | os.PathLike | None = None):
        super().__init__(short_message(message))
        self.path = None if path is None else str(path)


# A message is read in a dialog or one terminal line: long lists and numbers are cut.
MAX_MESSAGE = 600
MAX_LIST = 10


def short_message(message: str) -> str:
    """``message`` with lists of more than MAX_LIST comma-separated items shortened to the
    first ones and a count, digit runs over 20 cut, and the whole cut at MAX_MESSAGE."""
    import re

    def shorten_list(m: re.Match) -> str:
        items = m.group(0).split(", ")
        if len(items) <= MAX_LIST:
            return m.group(0)
        return ", ".join(items[:MAX_LIST]) + f" and {len(items) - MAX_LIST:,} more"

    text = re.sub(r"[^,:;\n]{1,80}(?:, [^,:;\n]{1,80}){%d,}" % MAX_LIST, shorten_list, message)
    text = re.sub(r"\d{21,}", lambda m: m.group(0)[:20] + "…", text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


class LayerLoadError(JjjmapIOError):
    """A data file could not be opened as a map layer."""


class MissingCRSError(LayerLoadError):
    """A file whose coordinates are projected but which does not say in which CRS: the GUI
    asks (a CRS picker with these suggestions), the CLI names --crs."""

    def __init__(self, message: str, path, bounds, suggestions: list[str]):
        super().__init__(message, path)
        self.bounds = tuple(float(v) for v in bounds)
        self.suggestions = list(suggestions)


class LayerExportError(JjjmapIOError):
    """A layer could not be written to a file."""


class ProjectFileError(JjjmapIOError):
    """A ``.jjjmap`` project file could not be read or written."""


def display_name(path: str | os.PathLike) -> str:
    """How a file is named in messages: its full path, quoted, so the user can find it."""
    p = os.fspath(path)
    return f"'{p}'"
