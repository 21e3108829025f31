"""Layers computed in the program (rings, drawn study areas): what a project stores for them
and how they come back. The stored dict is the question, not the answer."""
from __future__ import annotations

import shapely

from .errors import AnalysisError


def entry_for(layer, project_dir=None) -> dict:
    """The ``derived`` member of a project's layer entry (a file place made relative)."""
    import os

    derived = dict(layer.meta["derived"])
    place = dict(derived.get("place") or {})
    if place.get("kind") == "file" and project_dir is not None:
        try:
            place["path"] = os.path.relpath(place["path"], project_dir)
        except ValueError:
            pass
        derived["place"] = place
    return derived


def rebuild(derived: dict, base_dir: str | None = None):
    from .rings import rebuild as rebuild_rings, study_area_layer

    kind = derived.get("kind")
    if kind == "rings":
        return rebuild_rings(derived, base_dir)
    if kind == "shape":
        return study_area_layer(shapely.from_wkt(derived["wkt"]),
                                str(derived.get("name") or "Study area"),
                                str(derived.get("name_zh") or "研究区"))
    raise AnalysisError(f"unknown computed layer {kind!r}")
