"""Where an export may write: never over one of its inputs, never to a name that says it is
another kind of file (``-o survey.csv`` would replace a data file with HTML)."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ExportError

KINDS = {"html": ((".html", ".htm"), "an HTML page"), "png": ((".png",), "a PNG picture"),
         "pdf": ((".pdf",), "a PDF document")}


def check_target(path, kind: str, inputs=()) -> None:
    """ExportError if writing ``kind`` ('html' | 'png' | 'pdf') to ``path`` would replace an input or
    contradict the file name's extension. ``inputs``: the files the export reads (``a::b`` is
    the file ``a``)."""
    from jjjmap.io.atomic import same_file

    path = Path(path)
    suffixes, what = KINDS[kind]
    if path.suffix and path.suffix.lower() not in suffixes:
        raise ExportError(f"{path} is named like a {path.suffix} file, but the export writes "
                          f"{what}; use a name ending in {suffixes[0]}.")
    for src in inputs:
        text = os.fspath(src)
        if "::" in text and not Path(text).exists():
            text = text.rpartition("::")[0]
        if path.exists() and same_file(text, path):
            raise ExportError(f"{path} is one of the export's inputs ({text}); writing there "
                              f"would replace it. Choose another output name.")
