"""jjjmap: a desktop GIS explorer for the Beijing-Tianjin-Hebei region.

The public Python surface is ``jjjmap.Map`` (see docs/python.md); it is imported on first
use, so ``import jjjmap`` loads neither Qt nor the data stack.
"""
__version__ = "0.1.0"
__all__ = ["Map", "MapError", "__version__"]


def __getattr__(name: str):
    if name in ("Map", "MapError"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'jjjmap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
