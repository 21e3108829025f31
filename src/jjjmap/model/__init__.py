"""Qt-free model: layers, styles and the map document."""
from .document import LIVE_CHANGES, DocumentSnapshot, MapDocument, View
from .layer import GROUPS, LEVELS, Layer, Provenance
from .style import Style

__all__ = ["DocumentSnapshot", "GROUPS", "LEVELS", "LIVE_CHANGES", "Layer", "MapDocument",
           "Provenance", "Style", "View"]
