"""Counts, sums and means of points per polygon. The points are INVENTED TEST DATA placed with
GEOS's point_on_surface (inside a known county by construction) or drawn at random; expected
results are written out or come from geopandas.sjoin, never from the code under test."""
import geopandas as gpd
import numpy as np
import pytest
import shapely

from jjjmap import catalog
from jjjmap.analysis import aggregate as A


@pytest.fixture(scope="module")
def counties():
    return catalog.load_layer("counties").gdf


def _points_in(counties, codes_values):
    """One point inside each named county (repeat a code for more), with a value and a kind."""
    geoms, values, kinds = [], [], []
    for code, value, kind in codes_values:
        poly = counties.loc[counties["code"] == code].geometry.iloc[0]
        geoms.append(shapely.point_on_surface(poly))
        values.append(value)
        kinds.append(kind)
    return gpd.GeoDataFrame({"value": values, "kind": kinds}, geometry=geoms, crs=4326)


def test_count_sum_mean_per_county(counties):
    pts = _points_in(counties, [("110108", 10, "a"), ("110108", 30, "b"), ("130104", 5, "a"),
                                ("130703", 7, "a")])
    pts.loc[len(pts)] = [1, "a", shapely.Point(121.47, 31.23)]   # Shanghai: in no county
    res = A.aggregate(pts, counties, stat=("count", "sum", "mean"), field="value")
    g = res.gdf.set_index("code")
    assert res.columns == ["count", "sum_value", "mean_value"]
    assert (g.loc["110108", "count"], g.loc["130104", "count"], g.loc["130703", "count"]) == \
        (2, 1, 1)
    assert g["count"].sum() == 4 and res.outside == 1
    assert g.loc["110108", "sum_value"] == 40 and g.loc["110108", "mean_value"] == 20
    assert g.loc["110101", "sum_value"] == 0 and np.isnan(g.loc["110101", "mean_value"])


def test_count_per_category(counties):
    pts = _points_in(counties, [("110108", 1, "robotics"), ("110108", 1, "ai"),
                                ("110108", 1, "ai"), ("120116", 1, "robotics")])
    res = A.aggregate(pts, counties, by="kind")
    g = res.gdf.set_index("code")
    assert sorted(res.columns) == ["count_ai", "count_robotics"]
    assert (g.loc["110108", "count_ai"], g.loc["110108", "count_robotics"]) == (2, 1)
    assert (g.loc["120116", "count_ai"], g.loc["120116", "count_robotics"]) == (0, 1)


def test_the_grid_shortcut_agrees_with_sjoin(counties):
    rng = np.random.default_rng(12)          # invented: random points over the region's box
    minx, miny, maxx, maxy = counties.total_bounds
    n = 60_000                               # above the shortcut's threshold
    x = rng.uniform(minx - 0.5, maxx + 0.5, n)
    y = rng.uniform(miny - 0.5, maxy + 0.5, n)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    got = A.polygon_of_points(x, y, counties.geometry.values)
    joined = gpd.sjoin(pts, counties[["geometry"]], predicate="within")
    expected = np.full(n, -1)
    expected[joined.index.to_numpy()] = joined["index_right"].to_numpy()
    assert (got == expected).all()
    assert (got >= 0).sum() > n // 3        # most fall in the region, some outside


def test_bad_requests(counties):
    pts = _points_in(counties, [("110108", 1, "a")])
    with pytest.raises(A.AggregateError, match="needs a numeric field"):
        A.aggregate(pts, counties, stat="sum", field="nope")
    with pytest.raises(A.AggregateError, match="no column 'x'"):
        A.aggregate(pts, counties, by="x")
    with pytest.raises(A.AggregateError, match="points only"):
        A.aggregate(counties, counties)
