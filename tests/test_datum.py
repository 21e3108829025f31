"""GCJ-02 / BD-09 datum transforms."""
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from jjjmap.geo import datum

# (wgs_lat, wgs_lon, gcj_lat, gcj_lon) from googollee/eviltransform, go/transform_test.go
# (the same three vectors appear in its python/test.py and the other language ports).
EVILTRANSFORM_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),   # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),   # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),   # Beijing
]


def metres(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres (spherical, good enough at these scales)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371008.8 * np.arcsin(np.sqrt(h))


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM_PAIRS)
def test_forward_matches_published_pairs(wlat, wlon, glat, glon):
    lon, lat = datum.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM_PAIRS)
def test_inverse_recovers_published_pairs(wlat, wlon, glat, glon):
    lon, lat = datum.gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, wlon, wlat) < 0.01


def test_gcoord_reference_values():
    # hujiulong/gcoord, test/unit/crs/GCJ02.spec.js: GCJ02 -> WGS84 and GCJ02 -> BD09 of
    # (123, 45), checked there to 5 decimals.
    lon, lat = datum.gcj02_to_wgs84(123, 45)
    assert (lon, lat) == pytest.approx((122.99395597, 44.99804071), abs=5e-6)
    lon, lat = datum.gcj02_to_bd09(123, 45)
    assert (lon, lat) == pytest.approx((123.00636499, 45.00636899), abs=5e-6)


def test_offset_near_beijing_is_hundreds_of_metres():
    lon, lat = datum.wgs84_to_gcj02(116.4, 39.9)
    assert 300 < metres(lon, lat, 116.4, 39.9) < 800


def china_grid():
    lon, lat = np.meshgrid(np.linspace(73.0, 135.0, 125), np.linspace(3.0, 53.5, 102))
    return lon.ravel(), lat.ravel()


def test_round_trips_over_china_below_half_a_metre():
    lon, lat = china_grid()
    glon, glat = datum.wgs84_to_gcj02(lon, lat)
    wlon, wlat = datum.gcj02_to_wgs84(glon, glat)
    assert metres(wlon, wlat, lon, lat).max() < 0.5
    # and the residual of the inverse is far below that: it iterates to ~1e-9 deg
    assert np.abs(wlon - lon).max() < 1e-8 and np.abs(wlat - lat).max() < 1e-8
    blon, blat = datum.wgs84_to_bd09(lon, lat)
    wlon, wlat = datum.bd09_to_wgs84(blon, blat)
    assert metres(wlon, wlat, lon, lat).max() < 0.5
    glon2, glat2 = datum.bd09_to_gcj02(*datum.gcj02_to_bd09(glon, glat))
    assert metres(glon2, glat2, glon, glat).max() < 0.5


@pytest.mark.parametrize("func", [
    datum.wgs84_to_gcj02, datum.gcj02_to_wgs84, datum.gcj02_to_bd09, datum.bd09_to_gcj02,
    datum.wgs84_to_bd09, datum.bd09_to_wgs84,
])
@pytest.mark.parametrize("lon,lat", [(2.35, 48.85), (-74.0, 40.7), (0.0, 0.0), (140.0, 35.7),
                                     (100.0, 60.0), (151.2, -33.9)])
def test_points_outside_china_unchanged(func, lon, lat):
    assert func(lon, lat) == (lon, lat)


def test_out_of_china_box():
    assert datum.out_of_china(2.35, 48.85) is True
    assert datum.out_of_china(116.4, 39.9) is False
    assert datum.out_of_china(np.array([116.4, 0.0]), np.array([39.9, 0.0])).tolist() == [False, True]


def test_scalars_and_arrays():
    lon, lat = datum.wgs84_to_gcj02(116.4, 39.9)
    assert isinstance(lon, float) and isinstance(lat, float)
    lons = np.array([[116.4, 2.35], [117.2, 115.9]])
    lats = np.array([[39.9, 48.85], [39.1, 39.05]])
    glon, glat = datum.wgs84_to_gcj02(lons, lats)
    assert glon.shape == lats.shape and glat.shape == lats.shape
    assert glon[0, 0] == pytest.approx(lon) and glat[0, 0] == pytest.approx(lat)
    assert (glon[0, 1], glat[0, 1]) == (2.35, 48.85)
    # lists work, inputs are not modified, NaN stays NaN
    src = np.array([116.4, np.nan])
    out_lon, out_lat = datum.gcj02_to_wgs84(src, [39.9, 39.9])
    assert src[0] == 116.4 and math.isnan(out_lon[1]) and not math.isnan(out_lon[0])
    empty = datum.gcj02_to_wgs84(np.array([]), np.array([]))
    assert empty[0].shape == (0,)


def test_transform_geometries_on_geoseries_and_geodataframe():
    poly = shapely.Polygon([(116, 39), (117, 39), (117, 40), (116, 40)], holes=[
        [(116.4, 39.4), (116.6, 39.4), (116.6, 39.6)]])
    gdf = gpd.GeoDataFrame({"name": ["a", "b", "c"]},
                           geometry=[poly, shapely.Point(116.4, 39.9), None],
                           index=[5, 7, 9], crs="EPSG:4326")
    moved = datum.to_gcj02(gdf)
    assert isinstance(moved, gpd.GeoDataFrame)
    assert moved.crs == gdf.crs and list(moved.index) == [5, 7, 9]
    assert list(moved["name"]) == ["a", "b", "c"]
    assert moved.geometry.iloc[2] is None
    assert gdf.geometry.iloc[1].x == 116.4            # input untouched
    x, y = datum.wgs84_to_gcj02(116.4, 39.9)
    assert moved.geometry.iloc[1].x == pytest.approx(x) and moved.geometry.iloc[1].y == pytest.approx(y)
    assert len(moved.geometry.iloc[0].interiors) == 1
    back = datum.from_gcj02(moved.geometry)
    assert isinstance(back, gpd.GeoSeries)
    assert back.iloc[:2].geom_equals_exact(gdf.geometry.iloc[:2], tolerance=1e-8).all()
    single = datum.to_gcj02(shapely.Point(116.4, 39.9))
    assert single.x == pytest.approx(x)


def test_result_of_a_point_does_not_depend_on_its_neighbours_in_the_call():
    # Shared polygon borders must convert to identical coordinates in every polygon.
    one = datum.gcj02_to_wgs84(np.array([116.3]), np.array([39.9]))
    many = datum.gcj02_to_wgs84(np.array([116.3, 100.1, 87.6]), np.array([39.9, 20.3, 43.8]))
    assert one[0][0] == many[0][0] and one[1][0] == many[1][0]
