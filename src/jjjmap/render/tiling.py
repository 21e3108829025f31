"""Which user polygon layers are drawn in canvas tiles (render.polytiles): the rule the
kind registry (render.specs.kind_of) reads, in a module of its own so that the registry does
not import the builders that import it back."""
from __future__ import annotations

import numpy as np
import shapely

from jjjmap.model import Layer

from .geometry import geom_types

# Above this many features a polygon layer is tiled. Leaflet's canvas path costs about
# 20 us per polygon per redraw on this machine (50k: 0.9-1 s, issue 21), so at 5,000 a pan
# end is still about a frame of 100 ms; below, the GeoJSON layer's hover outline and labels
# are worth it.
TILED_ABOVE = 5000


def tiled(layer: Layer) -> bool:
    """Whether ``layer`` is drawn as tiles: a user layer of more than TILED_ABOVE features,
    all polygons or multipolygons, that asks for no permanent labels (the labels are placed
    on the GeoJSON path only: a user who asked for them gets them, at slower pans)."""
    if layer.kind != "vector" or layer.feature_count <= TILED_ABOVE \
            or layer.style.label_field or layer.points is not None:
        return False
    gdf = layer.gdf
    arr = np.asarray(gdf.geometry.values, dtype=object)
    # the first geometry first: a large point layer is not walked whole
    if shapely.get_type_id(arr[:1])[0] not in (3, 6):
        return False
    types = geom_types(arr)
    return bool(types) and types <= {"Polygon", "MultiPolygon"}
