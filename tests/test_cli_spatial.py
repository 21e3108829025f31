"""`jjjmap within` and `jjjmap rings` as a user runs them."""
import math

import pyogrio
import pyproj
import pytest
import shapely

from test_cli import assert_one_line_error, jjjmap


def test_within_writes_the_clusters_near_xiongan_as_csv(tmp_path):
    out = tmp_path / "near.csv"
    result = jjjmap("within", "clusters", "--of", "雄安", "--distance", "50km", "-o", str(out))
    assert result.returncode == 0, result.stderr
    import pandas as pd
    table = pd.read_csv(out, encoding="utf-8-sig")
    # counted by hand: three clusters on the Xiongan point, two on the Baoding city point
    assert len(table) == 5
    assert sorted(table["city"]) == ["Baoding", "Baoding", "Xiongan New Area",
                                     "Xiongan New Area", "Xiongan New Area"]
    assert {"distance_km", "lon", "lat"} <= set(table.columns)
    baoding = table[table.city == "Baoding"]
    assert (baoding["distance_km"] > 0).all() and (baoding["distance_km"] < 50).all()


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_within_a_point_writes_geodata_with_geod_distances(tmp_path, suffix):
    out = tmp_path / f"near{suffix}"
    result = jjjmap("within", "clusters", "--of", "116.397,39.909", "--distance", "30km",
                    "-o", str(out))
    assert result.returncode == 0, result.stderr
    gdf = pyogrio.read_dataframe(out)
    geod = pyproj.Geod(ellps="WGS84")
    assert len(gdf) > 0
    for _, row in gdf.iterrows():
        want = geod.inv(row.geometry.x, row.geometry.y, 116.397, 39.909)[2] / 1000.0
        assert row["distance_km"] == pytest.approx(want, abs=1e-3)
        assert want <= 30


def test_rings_writes_labelled_geodesic_rings(tmp_path):
    out = tmp_path / "rings.gpkg"
    result = jjjmap("rings", "--of", "115.904,39.048", "--distances", "30,50,100km",
                    "-o", str(out))
    assert result.returncode == 0, result.stderr
    gdf = pyogrio.read_dataframe(out)
    assert sorted(gdf["label"]) == ["100 km", "30 km", "50 km"]
    assert not any(c.startswith("_") for c in gdf.columns)
    geod = pyproj.Geod(ellps="WGS84")
    for _, row in gdf.iterrows():
        area = abs(geod.geometry_area_perimeter(shapely.geometry.polygon.orient(row.geometry))[0])
        assert area / 1e6 == pytest.approx(math.pi * row["distance_km"] ** 2, rel=0.005)


@pytest.mark.parametrize("args, needle", [
    (["within", "clusters", "--of", "雄安", "--distance", "0km"], "more than 0"),
    (["within", "clusters", "--of", "雄安", "--distance=-5km"], "more than 0"),
    (["rings", "--of", "雄安", "--distances", "20000km"], "too far"),
    (["rings", "--of", "Atlantis"], "no place called"),
    (["within", "parks", "--of", "雄安", "--distance", "5km"], "parks"),
])
def test_bad_input_is_one_line(tmp_path, args, needle):
    assert_one_line_error(jjjmap(*args, "-o", str(tmp_path / "x.gpkg")), needle)
