"""jjjmap: a desktop GIS explorer for the Beijing-Tianjin-Hebei region."""
__version__ = "0.1.0"
