"""Display simplification: coverages (shared edges) keep their edges shared; other polygon
layers get topology-preserving simplification. Every shape here is invented."""
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, Polygon

from jjjmap.render import geometry
from jjjmap.render.geometry import simplified


def _two_squares_sharing_a_wiggly_edge(n=400, seed=7):
    """Invented: the squares [0,1]x[0,1] and [1,2]x[0,1], their common side a random wiggle
    around x=1 of n vertices (amplitude 0.002), the same vertices in both."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, n)
    x = 1 + rng.normal(0, 0.002, n)
    x[0] = x[-1] = 1.0
    edge = np.column_stack([x, y])                       # from (1, 0) up to (1, 1)
    left = Polygon(np.vstack([[[0, 0]], edge, [[0, 1]]]))
    right = Polygon(np.vstack([[[2, 0], [2, 1]], edge[::-1]]))
    return gpd.GeoDataFrame({"name": ["left", "right"]}, geometry=[left, right], crs=4326)


def test_a_coverage_keeps_its_shared_edge_shared():
    gdf = _two_squares_sharing_a_wiggly_edge()
    tol = 0.01
    src = np.asarray(gdf.geometry.values, dtype=object)
    assert geometry.is_coverage(src)
    out = simplified(gdf, tol).values
    # what shapely's coverage simplification gives for these two, computed directly
    assert shapely.equals_exact(out, shapely.coverage_simplify(src, tol), 0).all()
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(src).sum() / 4
    left, right = out
    assert shapely.intersection(left, right).area < 1e-12            # no overlap
    union = shapely.union(left, right)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0   # no gap
    assert abs(left.area + right.area - 2.0) < 1e-12                # the outer square intact
    # the shared edge is one line in both: the same vertices, in reverse order
    edge_l = [c for c in left.exterior.coords if 0 < c[0] < 2 and c[0] > 0.5]
    edge_r = [c for c in right.exterior.coords if 0 < c[0] < 2 and c[0] < 1.5]
    assert sorted(edge_l) == sorted(edge_r) and len(edge_l) > 2
    # simplifying each square on its own would not have kept it shared (the test can fail)
    apart = shapely.simplify(src, tol, preserve_topology=True)
    assert shapely.intersection(apart[0], apart[1]).area > 1e-9 or \
        len(shapely.union(apart[0], apart[1]).interiors) > 0


def _overlapping_parcels():
    """Invented: two overlapping detailed circles (no shared edges), the first with a small
    hole that Douglas-Peucker alone would drop at this tolerance."""
    a = Point(0, 0).buffer(1, quad_segs=64).difference(Point(0.3, 0).buffer(0.01, quad_segs=8))
    b = Point(1.2, 0.3).buffer(0.8, quad_segs=64)
    return gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[a, b], crs=4326)


def test_overlapping_polygons_get_plain_topology_preserving_simplification():
    gdf = _overlapping_parcels()
    tol = 0.05
    src = np.asarray(gdf.geometry.values, dtype=object)
    assert not geometry.is_coverage(src)
    out = simplified(gdf, tol).values
    assert shapely.is_valid(out).all()
    expected = shapely.simplify(src, tol, preserve_topology=True)   # shapely, directly
    assert shapely.equals_exact(shapely.normalize(out), shapely.normalize(expected), 0).all()
    assert len(out[0].interiors) == 1                              # the hole is kept
    assert len(shapely.simplify(src[0], tol, preserve_topology=False).interiors) == 0  # DP: no
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(src).sum() / 4


def test_a_single_huge_polygon_is_no_coverage_and_is_simplified_per_polygon():
    angle = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    radius = 1 + 0.05 * np.sin(angle * 97)
    ring = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    gdf = gpd.GeoDataFrame(geometry=[Polygon(ring)], crs=4326)
    src = np.asarray(gdf.geometry.values, dtype=object)
    assert geometry.shared_vertex_share(src) == 0.0
    out = simplified(gdf, 0.01).values
    expected = shapely.simplify(src, 0.01, preserve_topology=True)
    assert shapely.equals_exact(shapely.normalize(out), shapely.normalize(expected), 0).all()


def test_the_built_in_boundaries_are_coverages():
    from jjjmap import catalog

    doc = catalog.default_document()
    shares = {lyr.id: geometry.shared_vertex_share(np.asarray(lyr.gdf.geometry.values,
                                                              dtype=object))
              for lyr in doc.layers if lyr.kind == "boundary" and len(lyr.gdf) > 1}
    assert shares and all(s > 0.5 for s in shares.values()), shares
