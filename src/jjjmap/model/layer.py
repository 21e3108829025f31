"""A layer: a GeoDataFrame in EPSG:4326 plus how to draw it and where it came from."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from jjjmap.lazy import LazyModule

from .pointdata import PointData
from .style import Style

gpd = LazyModule("geopandas")
np = LazyModule("numpy")

_ids = itertools.count(1)

# Groups of the layer panel, in display order.
GROUPS = ("boundaries", "sectors", "relocations", "custom")

# The administrative levels of the built-in boundary layers (``Layer.level``).
LEVELS = ("province", "prefecture", "county", "xiongan")


@dataclass
class Provenance:
    """Where a layer's data came from and what reading it found out, as io recorded it.

    ``format`` the reader that opened it ("shapefile", "csv", "gpkg", "parquet", "postgis",
    "builtin", "geodataframe"...); ``encoding`` the text encoding used (None when the format
    fixes it); ``crs_read`` the CRS the file declared, as a label ("" when it declared none and
    WGS-84 was assumed or the user chose one); ``warnings`` what the user should know about
    the read; ``layer_name`` the layer or sheet inside the file; ``part`` the geometry family
    ("points", "lines", "polygons") when a mixed file was split, else None; ``reopen`` the
    keyword arguments of ``io.open_layer`` that open the same layer again (layer, crs,
    encoding, datum), as a project stores them.
    """

    format: str = ""
    encoding: str | None = None
    crs_read: str = ""
    warnings: list[str] = field(default_factory=list)
    layer_name: str | None = None
    part: str | None = None
    reopen: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)  # identity: comparing GeoDataFrames is ambiguous and slow
class Layer:
    """One map layer.

    ``kind`` names what the renderer does with it: ``boundary`` (admin polygons of one
    ``level``), ``clusters`` and ``institutions`` for the built-in point sets, ``vector`` for
    anything a user brings, ``postgis`` for a database table.

    ``builtin`` is the catalog key of a built-in layer (how a project saves it), None for the
    user's; ``provenance`` what io recorded while reading it; ``meta`` what analysis and the
    database reader attach: how to redo a derived layer (``join``, ``aggregate``,
    ``derived``) and a database layer's live source (``postgis``, ``pg_*``).
    """

    gdf: gpd.GeoDataFrame = field(repr=False)   # or a PointData: see the property below
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
    builtin: str | None = None
    level: str | None = None  # boundary layers: one of LEVELS
    provenance: Provenance = field(default_factory=Provenance)
    meta: dict[str, Any] = field(default_factory=dict)
    filter: dict[str, list[Any]] = field(default_factory=dict)  # field -> allowed values
    id: str = field(default_factory=lambda: f"layer{next(_ids)}")

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"unknown layer group {self.group!r}")
        if self.level is not None and self.level not in LEVELS:
            raise ValueError(f"unknown boundary level {self.level!r}")
        crs = self._data.crs
        if crs is not None and crs.to_epsg() != 4326:
            raise ValueError(f"layer {self.title_en!r} is in {crs.to_string()}, not EPSG:4326")

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title_en

    def filtered(self) -> gpd.GeoDataFrame:
        """The features that pass the layer's attribute filter."""
        rows = self.kept_rows()
        return self.gdf if rows is None else self.gdf.iloc[rows]

    @property
    def data(self):
        """What the layer holds: its GeoDataFrame, or its PointData while the points are
        arrays (reading it never builds the GeoDataFrame)."""
        return self._data

    @property
    def points(self) -> PointData | None:
        """The layer's points as arrays while no one has asked for its ``gdf``, else None."""
        data = self._data
        return data if isinstance(data, PointData) else None

    @property
    def table(self):
        """The attribute table: a DataFrame whose columns are the layer's fields (the
        GeoDataFrame itself, geometry column included, unless the points are arrays)."""
        data = self._data
        return data.frame if isinstance(data, PointData) else data

    def fields(self, hidden: bool = True) -> list:
        """The attribute column names, without the geometry column; ``hidden=False`` also
        without the ``_`` ones (what analysis keeps for itself, e.g. ``_label_lon``)."""
        data = self._data
        if isinstance(data, PointData):
            names = list(data.frame.columns)
        else:
            try:
                geom = data.geometry.name
            except AttributeError:   # a frame with no active geometry column
                geom = None
            names = [c for c in data.columns if c != geom]
        return names if hidden else [c for c in names if not str(c).startswith("_")]

    def kept_rows(self) -> np.ndarray | None:
        """Row positions that pass the attribute filter, None when all do."""
        table = self.table
        keep = None
        for column, allowed in self.filter.items():
            if column in table.columns:
                ok = table[column].isin(allowed).to_numpy()
                keep = ok if keep is None else keep & ok
        return None if keep is None or keep.all() else np.flatnonzero(keep)

    @property
    def shown_count(self) -> int:
        """How many features pass the attribute filter (no GeoDataFrame built for it)."""
        rows = self.kept_rows()
        return self.feature_count if rows is None else len(rows)

    @property
    def total_bounds(self) -> np.ndarray:
        return np.asarray(self._data.total_bounds, dtype=float)

    @property
    def feature_count(self) -> int:
        return len(self._data)


def _get_gdf(self) -> gpd.GeoDataFrame:
    data = self._data
    if isinstance(data, PointData):   # first asked: shapely Points from here on
        data = self._data = data.to_geodataframe()
    return data


def _set_gdf(self, value) -> None:
    self._data = value


# a property over the dataclass field: Layer(gdf=...) sets it, and a PointData given there
# turns into a GeoDataFrame the first time code reads ``layer.gdf``
Layer.gdf = property(_get_gdf, _set_gdf, doc="The layer's features as a GeoDataFrame in "
                                             "EPSG:4326.")
