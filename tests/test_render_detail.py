"""Boundary level of detail and the on-disk cache of display geometries."""
import numpy as np
import pytest
import shapely

from jjjmap import catalog
from jjjmap.render import detail, displaycache
from jjjmap.render.boundaries import level_of
from jjjmap.render.geometry import simplified


@pytest.fixture(scope="module")
def counties():
    doc = catalog.default_document()
    return next(lyr for lyr in doc.layers if lyr.kind == "boundary" and level_of(lyr) == "county")


def pixel_m(zoom, lat):
    return 156543.03392 * np.cos(np.radians(lat)) / 2 ** zoom


def unpack(polys, scale):
    """What resources/web/jjj.js does with packed polygons."""
    out = []
    for rings in polys:
        shells = []
        for r in rings:
            xy = np.cumsum(np.asarray(r, dtype=np.int64).reshape(-1, 2), axis=0) / scale
            shells.append(np.vstack([xy, xy[:1]]))
        out.append(shapely.Polygon(shells[0], shells[1:]))
    return shapely.MultiPolygon(out)


@pytest.mark.parametrize("level", [7, 9])   # deeper levels: Hausdorff takes minutes
def test_each_level_stays_within_a_pixel_of_the_source(counties, level):
    got = detail.level_geometries(counties, level)
    assert got["rows"] == list(range(len(counties.gdf)))
    drawn = [unpack(g, got["scale"]) for g in got["geoms"]]
    assert all(shapely.is_valid(drawn))
    src = counties.gdf.to_crs(32650).geometry.values
    import geopandas as gpd
    out = gpd.GeoSeries(drawn, crs=4326).to_crs(32650).values
    north = counties.gdf.bounds["maxy"].to_numpy()   # a pixel is smallest at a county's north
    assert (shapely.hausdorff_distance(src, out) <= pixel_m(level, north)).all()


def test_levels_get_finer_and_the_app_page_only_links_them(counties):
    sizes = [len(detail.level_json(counties, z)) for z in (8, 10, 12)]
    assert sizes == sorted(sizes)
    spec = detail.page_spec(counties, 7.0, "fetch")
    assert spec["url"].startswith(f"detail/{counties.id}/{{z}}.json") and "levels" not in spec
    embedded = detail.page_spec(counties, 7.0, "embed")
    assert list(embedded["levels"]) == ["9"]
    assert detail.page_spec(counties, 7.0, "none") is None


def test_display_cache_round_trips_and_ignores_a_corrupt_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    geoms = np.array([shapely.box(0, 0, 1, 1), None, shapely.Point(1, 2)], dtype=object)
    key = displaycache.key(geoms, 0.01)
    assert displaycache.load(key, 3) is None
    displaycache.store(key, geoms)
    files = list((tmp_path / "jjjmap" / "display").iterdir())
    assert [f.name for f in files] == [f"{key}.npz"]          # no temporary file left
    back = displaycache.load(key, 3)
    assert back[1] is None and shapely.equals(back[0], geoms[0]) and back[2] == geoms[2]
    assert displaycache.key(geoms, 0.02) != key
    files[0].write_bytes(b"not a cache file")
    assert displaycache.load(key, 3) is None and not files[0].exists()


def test_a_second_process_reads_simplified_outlines_from_disk(counties, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from jjjmap.render import geometry

    first = simplified(counties.gdf, 0.0123)
    geometry._CACHE.clear()           # as if the app started again
    calls = []
    monkeypatch.setattr(geometry, "_simplify", lambda *a: calls.append(a))
    again = simplified(counties.gdf, 0.0123)
    assert calls == [] and all(shapely.equals(first.values, again.values))


def _wiggly_parcels():
    """A user's polygon layer: two detailed outlines (a 1,000-vertex circle and a ring)."""
    import geopandas as gpd
    from shapely.geometry import Point

    from jjjmap.model import Layer

    circle = Point(116.0, 39.0).buffer(0.2, quad_segs=256)
    ring = Point(116.6, 39.2).buffer(0.15, quad_segs=256).difference(
        Point(116.6, 39.2).buffer(0.05, quad_segs=64))
    gdf = gpd.GeoDataFrame({"name": ["circle", "ring"]}, geometry=[circle, ring], crs=4326)
    return Layer(gdf, "Parcels")


@pytest.mark.parametrize("assets, mode", [("app", "url"), ("inline", "levels"), ("files", None)])
def test_a_users_polygons_get_finer_as_the_boundaries_do(assets, mode):
    from jjjmap.model import MapDocument
    from jjjmap.render.geometry import display_tolerance
    from jjjmap.render.page import layer_spec

    doc = MapDocument()
    parcels = doc.add_layer(_wiggly_parcels())
    tolerance = display_tolerance(doc.view.zoom)
    mode_of = {"app": "fetch", "inline": "embed", "files": None}
    spec = layer_spec(parcels, doc, tolerance, None, mode_of[assets])
    assert "simplified" not in spec
    if mode is None:
        assert "detail" not in spec
        return
    assert mode in spec["detail"] and spec["detail"]["base"] == doc.view.zoom
    # the initial outline is coarse; level 12 is within half a pixel of the source there
    drawn = len(spec["data"]["features"][0]["geometry"]["coordinates"][0])
    fine = detail.level_geometries(parcels, 12)
    assert fine["rows"] == [0, 1] and fine["scale"] is not None
    finer = unpack(fine["geoms"][0], fine["scale"])
    source = parcels.gdf.geometry.iloc[0]
    assert len(finer.exterior.coords if finer.geom_type == "Polygon"
               else finer.geoms[0].exterior.coords) > drawn
    error_deg = finer.hausdorff_distance(source)
    assert error_deg * 111_320 <= pixel_m(12, 39.0)


def test_a_users_points_have_no_levels():
    import geopandas as gpd
    from shapely.geometry import Point

    from jjjmap.model import Layer, MapDocument
    from jjjmap.render.page import layer_spec

    doc = MapDocument()
    pts = doc.add_layer(Layer(gpd.GeoDataFrame(geometry=[Point(116, 39)], crs=4326), "P"))
    spec = layer_spec(pts, doc, 0.01, None, "fetch")
    assert spec["render"] == "points" and "detail" not in spec and "simplified" not in spec


def test_a_layers_source_is_hashed_once_for_its_levels(monkeypatch):
    import geopandas as gpd

    geoms = gpd.GeoSeries([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]).values
    first = displaycache.key(geoms, 0.01)
    written = []
    real = displaycache.shapely.to_wkb
    monkeypatch.setattr(displaycache.shapely, "to_wkb", lambda a: written.append(1) or real(a))
    assert displaycache.key(geoms, 0.02) != first and displaycache.key(geoms, 0.01) == first
    assert written == []                        # the same array: its digest remembered
    geoms[1] = shapely.Point(5, 5).buffer(1)    # edited in place: another vertex count
    assert displaycache.key(geoms, 0.01) != first and written == [1]
    same = gpd.GeoSeries([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]).values
    assert displaycache.key(same, 0.01) == first   # a copy of the same data: the same key
