"""Qt-free model: layers, styles and the map document."""
from .document import LIVE_CHANGES, MapDocument, View
from .layer import GROUPS, Layer
from .style import Style

__all__ = ["GROUPS", "LIVE_CHANGES", "Layer", "MapDocument", "Style", "View"]
