"""Reading and writing layers and project files. Qt-free; every user-facing failure is typed."""
from .errors import JjjmapIOError, LayerExportError, LayerLoadError, ProjectFileError
from .readers import open_layer

__all__ = ["JjjmapIOError", "LayerExportError", "LayerLoadError", "ProjectFileError",
           "open_layer"]
