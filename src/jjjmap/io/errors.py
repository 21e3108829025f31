"""Errors a user can hit while opening, exporting or saving; messages are written for them.

Every message names the file and says what is wrong in plain words, so the GUI can show it in a
dialog and the CLI can print it without a traceback.
"""
from __future__ import annotations

import os


class JjjmapIOError(Exception):
    """Base of the user-facing I/O errors."""

    def __init__(self, message: str, path: str | os.PathLike | None = None):
        super().__init__(message)
        self.path = None if path is None else str(path)


class LayerLoadError(JjjmapIOError):
    """A data file could not be opened as a map layer."""


class LayerExportError(JjjmapIOError):
    """A layer could not be written to a file."""


class ProjectFileError(JjjmapIOError):
    """A ``.jjjmap`` project file could not be read or written."""


def display_name(path: str | os.PathLike) -> str:
    """How a file is named in messages: its full path, quoted, so the user can find it."""
    p = os.fspath(path)
    return f"'{p}'"
