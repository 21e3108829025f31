"""A large point layer held as coordinate arrays beside its attribute table (issue 21 item 3).

Ten million shapely Points cost 13.5 s to build and about 1.5 GB, and drawing a point layer
needs none of them: the page takes lon/lat as Float32 arrays. ``PointData`` keeps ``x`` and
``y`` (float64, one per row, all finite) and ``frame`` (the attribute columns, a RangeIndex
in the same order), and answers what reading, placing and drawing ask of a GeoDataFrame:
``len``, ``crs``, ``total_bounds``, ``set_crs``, ``to_crs``, ``columns``, ``attrs``. Anything
else (an analysis, a spatial filter, writing a file) asks ``Layer.gdf``, which builds the
GeoDataFrame once (``to_geodataframe``, in slices between cancel checkpoints) and from then
on the layer is an ordinary one.
"""
from __future__ import annotations

from jjjmap.lazy import LazyModule

np = LazyModule("numpy")   # the window shows before numpy is imported (ui.warmstart)

POINTS_PER_CALL = 10_000   # shapely.points holds the GIL: ~0.1 s per call on a loaded machine


def _nothing() -> None:
    return None


class PointData:
    """Points as arrays: ``x``/``y`` (float64, finite) and ``frame`` (attributes, row order)."""

    def __init__(self, frame, x: np.ndarray, y: np.ndarray, crs=None, attrs=None):
        if len(x) != len(y) or len(x) != len(frame):
            raise ValueError("x, y and the attribute frame differ in length")
        self.frame = frame
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self._crs = None
        if crs is not None:
            from pyproj import CRS
            self._crs = CRS.from_user_input(crs)
        self.attrs = dict(attrs or {})
        # attribute columns still being read (io.deferred.DeferredColumns), None: all here
        self.pending = None

    def __len__(self) -> int:
        return len(self.x)

    @property
    def crs(self):
        return self._crs

    @property
    def columns(self):
        return self.frame.columns

    @property
    def total_bounds(self) -> np.ndarray:
        if not len(self.x):
            return np.full(4, np.nan)
        return np.array([self.x.min(), self.y.min(), self.x.max(), self.y.max()])

    def _with(self, x, y, crs) -> PointData:
        return PointData(self.frame, x, y, crs, self.attrs).pending_columns(self.pending)

    def pending_columns(self, pending) -> PointData:
        """These points, whose other attribute columns ``pending`` reads later (itself)."""
        self.pending = pending
        return self

    def with_frame(self, frame) -> PointData:
        """The same points with another attribute frame (the whole one, once read)."""
        return PointData(frame, self.x, self.y, self._crs, self.attrs)

    def set_crs(self, crs, allow_override: bool = False) -> PointData:
        from pyproj import CRS
        crs = CRS.from_user_input(crs)
        if self._crs is not None and not allow_override and not self._crs.equals(crs):
            raise ValueError("the points already have a CRS; pass allow_override=True")
        return self._with(self.x, self.y, crs)

    def to_crs(self, crs, checkpoint=_nothing) -> PointData:
        """Reprojected (pyproj, always x=lon, y=lat) in slices, ``checkpoint()`` between."""
        from pyproj import CRS, Transformer

        if self._crs is None:
            raise ValueError("the points have no CRS to reproject from")
        crs = CRS.from_user_input(crs)
        if self._crs.equals(crs, ignore_axis_order=True):   # OGC:CRS84 -> EPSG:4326: x is lon
            return self._with(self.x, self.y, crs)
        tr = Transformer.from_crs(self._crs, crs, always_xy=True)
        x, y = np.empty_like(self.x), np.empty_like(self.y)
        step = 1_000_000
        for start in range(0, len(x), step):
            end = start + step
            x[start:end], y[start:end] = tr.transform(self.x[start:end], self.y[start:end])
            checkpoint()
        return self._with(x, y, crs)

    def with_xy(self, x: np.ndarray, y: np.ndarray) -> PointData:
        """The same rows at other coordinates (a datum undone)."""
        return self._with(x, y, self._crs)

    def to_geodataframe(self, checkpoint=_nothing):
        """The layer as an ordinary GeoDataFrame of shapely Points, built in slices with
        ``checkpoint()`` between (io passes its cancel checkpoint)."""
        import geopandas as gpd
        import shapely

        out = np.empty(len(self.x), dtype=object)
        for start in range(0, len(out), POINTS_PER_CALL):
            end = start + POINTS_PER_CALL
            out[start:end] = shapely.points(self.x[start:end], self.y[start:end])
            checkpoint()
        gdf = gpd.GeoDataFrame(self.frame, geometry=gpd.array.GeometryArray(out), crs=self._crs)
        gdf.attrs.update(self.attrs)
        return gdf


__all__ = ["POINTS_PER_CALL", "PointData"]
