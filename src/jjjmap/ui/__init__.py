"""Desktop explorer (PySide6): the only package that imports Qt. Entry: ``jjjmap.ui.app.main``."""
