"""A layer: a GeoDataFrame in EPSG:4326 plus how to draw it and where it came from."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any


from jjjmap.lazy import LazyModule

from .style import Style

gpd = LazyModule("geopandas")

_ids = itertools.count(1)

# Groups of the layer panel, in display order.
GROUPS = ("boundaries", "sectors", "relocations", "custom")


@dataclass(eq=False)  # identity: comparing GeoDataFrames is ambiguous and slow
class Layer:
    """One map layer.

    ``kind`` names what the renderer does with it: ``boundary`` (admin polygons, with ``level``
    in ``meta``), ``clusters`` and ``institutions`` for the built-in point sets, ``vector`` for
    anything a user brings.
    """

    gdf: gpd.GeoDataFrame
    title_en: str
    title_zh: str = ""
    kind: str = "vector"
    group: str = "custom"
    style: Style = field(default_factory=Style)
    visible: bool = True
    opacity: float = 1.0
    source: str = ""          # URL or path the data came from
    licence: str = ""
    precision: str = ""       # how precise positions are, in plain words
    path: str | None = None   # file the layer was loaded from (custom layers)
    meta: dict[str, Any] = field(default_factory=dict)
    filter: dict[str, list[Any]] = field(default_factory=dict)  # field -> allowed values
    id: str = field(default_factory=lambda: f"layer{next(_ids)}")

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"unknown layer group {self.group!r}")
        crs = self.gdf.crs
        if crs is not None and crs.to_epsg() != 4326:
            raise ValueError(f"layer {self.title_en!r} is in {crs.to_string()}, not EPSG:4326")

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en

    def filtered(self) -> gpd.GeoDataFrame:
        """The features that pass the layer's attribute filter."""
        gdf = self.gdf
        for column, allowed in self.filter.items():
            if column in gdf.columns:
                gdf = gdf[gdf[column].isin(allowed)]
        return gdf

    @property
    def feature_count(self) -> int:
        return len(self.gdf)
