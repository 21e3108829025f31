"""Exports of the map: HTML (self-contained or light) and PNG, from the one renderer."""
from .errors import ExportError
from .html import files_folder, write_html
from .png import write_png

__all__ = ["ExportError", "files_folder", "write_html", "write_png"]
