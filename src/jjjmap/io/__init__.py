"""Reading and writing layers and project files. Qt-free; every user-facing failure is typed.

- ``open_layer(path, ...)`` -> list of WGS-84 ``Layer`` (any supported format)
- ``describe(path)`` / ``format_description(info)`` for ``jjjmap info``
- ``write_layer(gdf, path)`` / ``convert(in, out)`` for exports and ``jjjmap convert``
- ``save_project(doc, path)`` / ``load_project(path, resolve_missing=...)`` for ``.jjjmap`` files
"""
from .describe import describe, format_description
from .errors import JjjmapIOError, LayerExportError, LayerLoadError, ProjectFileError
from .project import load_project, save_project
from .readers import open_layer
from .write import convert, write_layer

__all__ = ["JjjmapIOError", "LayerExportError", "LayerLoadError", "ProjectFileError", "convert",
           "describe", "format_description", "load_project", "open_layer", "save_project",
           "write_layer"]
