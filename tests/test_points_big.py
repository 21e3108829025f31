"""Large point layers (issue 21 items 2, 4, 6): packed into one grid-sorted buffer
(render.pointbin), drawn from the cells in view, pre-binned at low zooms, attributes shown
on a click at any size. The points here are invented test data (random, seeded), not facts."""
from __future__ import annotations

import numpy as np
import pytest

from jjjmap.render import pointbin

from browser import needs_browser, open_page, real_errors


def invented_points(n: int, seed: int = 7):
    """Invented positions (not real places): clusters inside the Beijing-Tianjin-Hebei box."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform([114.5, 37.5], [118.5, 40.5], (20, 2))
    k = rng.integers(0, 20, n)
    return centres[k, 0] + rng.normal(0, 0.2, n), centres[k, 1] + rng.normal(0, 0.15, n)


def _merc(lon, lat):
    """Web mercator written out again (not pointbin.mercator), in plain Python."""
    import math
    s = math.sin(math.radians(lat))
    return (lon + 180) / 360, 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def test_points_sit_in_the_cells_the_offsets_say_and_keep_their_rows():
    lon, lat = invented_points(3000)
    rows = np.arange(3000) * 3          # rows need not be 0..n-1 (a filtered layer)
    geo = pointbin._geometry(lon, lat, rows)
    p, h = geo["parts"], geo["header"]
    g = h["grid"]
    assert g["z"] == pointbin.GRID_ZOOM
    off = p["off"]
    assert off[0] == 0 and off[-1] == 3000 and len(off) == g["nx"] * g["ny"] + 1
    k = 2 ** g["z"]
    for cell in range(g["nx"] * g["ny"]):
        for i in range(off[cell], off[cell + 1]):
            row = int(p["rows"][i])
            mx, my = _merc(lon[row // 3], lat[row // 3])
            assert (int(mx * k) - g["x0"], int(my * k) - g["y0"]) == \
                (cell % g["nx"], cell // g["nx"])
            # the Float32 offset from the corner puts it back within 1e-7 of the world
            assert abs(h["ox"] + float(p["x"][i]) - mx) < 1e-7
            assert abs(h["oy"] + float(p["y"][i]) - my) < 1e-7
    assert sorted(p["rows"].tolist()) == rows.tolist()


def test_prebinned_levels_hold_one_entry_per_pixel_and_count_every_point(monkeypatch):
    monkeypatch.setattr(pointbin, "OVERVIEW_ABOVE", 100)
    lon, lat = invented_points(5000)
    geo = pointbin._geometry(lon, lat, np.arange(5000))
    p, levels = geo["parts"], geo["header"]["levels"]
    assert levels, "a coarse level must pay at 5000 points in 20 clusters"
    # the points' pixels at each level, counted by hand from the sorted positions
    xs = geo["header"]["ox"] + p["x"].astype(np.float64)
    ys = geo["header"]["oy"] + p["y"].astype(np.float64)
    for lv in levels:
        scale = 256 * 2 ** lv["level"]
        pixels: dict[tuple, int] = {}
        for x, y in zip(xs.tolist(), ys.tolist()):
            key = (int(x * scale), int(y * scale))
            pixels[key] = pixels.get(key, 0) + 1
        idx, cnt = p[lv["name"] + "i"], p[lv["name"] + "c"]
        seen = {}
        for i, c in zip(idx.tolist(), cnt.tolist()):
            key = (int(xs[i] * scale), int(ys[i] * scale))
            assert key not in seen
            seen[key] = c
        # float32 storage may move a point across a pixel edge: allow a handful
        assert abs(len(seen) - len(pixels)) <= 5
        assert int(cnt.sum()) == 5000
        assert len(p[lv["name"] + "o"]) == lv["nx"] * lv["ny"] + 1


def test_the_store_keeps_the_newest_buffers():
    store = pointbin.BinaryStore(keep=2)
    store.put("a.bin", b"1")
    store.put("b.bin", b"2")
    store.put("c.bin", b"3")
    assert store.get("a.bin") is None and store.get("c.bin") == b"3"
    store.put("first.bin", b"4", once=True)    # a first frame's buffer: served one time
    assert store.get("first.bin") == b"4" and store.get("first.bin") is None
    assert store.get("c.bin") == b"3" and store.get("c.bin") == b"3"


def big_layer(n: int = 60_000, layer_id: str = "big"):
    import geopandas as gpd

    from jjjmap.model import Layer, Style
    lon, lat = invented_points(n)
    kinds = np.array(["alpha", "beta", "gamma"])[np.arange(n) % 3]
    gdf = gpd.GeoDataFrame({"name": [f"site {i}" for i in range(n)], "kind": kinds,
                            "value": np.arange(n) * 0.5},
                           geometry=gpd.points_from_xy(lon, lat), crs=4326)
    return Layer(gdf, "Invented points", id=layer_id,
                 style=Style(mode="categorized", field="kind"))


def test_a_large_layer_travels_binary_and_small_ones_as_before():
    from jjjmap.model import MapDocument
    from jjjmap.render.page import layer_spec, live_layer_spec

    doc = MapDocument()
    layer = big_layer()
    doc.add_layer(layer)
    app = live_layer_spec(doc, layer, doc.basemap)
    assert "xy" not in app and app["bin"]["geoUrl"].startswith("bin/")
    assert pointbin.STORE.get(app["bin"]["geoUrl"][4:]) is not None
    assert app["rowUrl"] == "row/big/{row}.json" and app["fields"] == ["name", "kind", "value"]
    export = layer_spec(layer, doc, 0.001, None, "embed")
    assert "geoB64" in export["bin"] and len(export["cols"]) == 3
    small = big_layer(500, "small")
    doc.add_layer(small)
    assert "xy" in layer_spec(small, doc, 0.001, None, "fetch")


# -- in the browser: an export ------------------------------------------------------------

@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    from jjjmap.model import MapDocument
    from jjjmap.render import render_html

    doc = MapDocument()
    doc.add_layer(big_layer(250_000))
    path = tmp_path_factory.mktemp("big") / "big.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return doc, path


@pytest.mark.browser
@needs_browser
def test_an_exported_large_layer_draws_and_its_popups_show_attributes(big_export):
    doc, path = big_export
    gdf = doc.layers[0].gdf
    with open_page(path) as (page, log):
        assert page.evaluate("jjj.featureCount('big')") == 250_000
        cloud = "jjj.layerGroup('big')"
        assert page.evaluate(f"{cloud}.drawn") > 0
        # a whole-region view draws a pre-binned level, not every point
        page.evaluate("jjj.setView(39, 116.5, 6)")
        page.wait_for_function(f"{cloud}.level !== null && {cloud}.level !== undefined")
        assert page.evaluate(f"{cloud}.drawn") < 250_000
        # zoomed in on one point: it is found through the grid, its popup has its row's text
        row = 12345
        x, y = gdf.geometry.iloc[row].x, gdf.geometry.iloc[row].y
        page.evaluate(f"jjj.setView({y}, {x}, 18)")
        page.wait_for_function(f"{cloud}.level === null || {cloud}.level === undefined")
        got = page.evaluate(f"""(() => {{
            const c = {cloud}, m = jjj.map, p = m.latLngToContainerPoint([{y}, {x}]);
            const i = c.nearest(p, 3); return i < 0 ? null : c.rows[i]; }})()""")
        assert got == row
        page.evaluate(f"""(() => {{ const m = jjj.map;
            m.fire('click', {{latlng: L.latLng({y}, {x}),
                             containerPoint: m.latLngToContainerPoint([{y}, {x}])}}); }})()""")
        page.wait_for_selector(".leaflet-popup-content")
        text = page.inner_text(".leaflet-popup-content")
        assert f"site {row}" in text and "alpha" in text and "6172.5" in text
        assert page.evaluate(f"{cloud}.latLngOfRow({row}).lat") == pytest.approx(y, abs=1e-5)
    assert real_errors(log) == []


# -- reading GeoParquet (issue 21 item 3) -------------------------------------------------
def test_geoparquet_points_read_straight_from_the_buffer_match_geopandas(tmp_path, monkeypatch):
    import geopandas as gpd
    import pyarrow.parquet as pq
    from shapely.geometry import LineString, Point

    from jjjmap.io import open_layer, parquetpoints

    lon, lat = invented_points(1200)
    gdf = gpd.GeoDataFrame({"name": [f"p{i}" for i in range(1200)], "v": np.arange(1200.0)},
                           geometry=gpd.points_from_xy(lon, lat), crs=4326)
    path = tmp_path / "pts.parquet"
    gdf.to_parquet(path)
    chunk = pq.read_table(path).column("geometry").chunks[0]
    xy = parquetpoints._point_xy(chunk)
    assert xy is not None and np.array_equal(xy[0], lon) and np.array_equal(xy[1], lat)
    monkeypatch.setattr(parquetpoints, "CHUNK", 500)   # several chunks
    layer = open_layer(path)[0]
    assert layer.gdf.crs.to_epsg() == 4326
    assert np.array_equal(layer.gdf.geometry.x.to_numpy(), lon)
    assert layer.gdf["name"].tolist() == gdf["name"].tolist()
    # not all points, and a missing geometry: the WKB decoder, the same answer as geopandas
    mixed = gpd.GeoDataFrame({"k": [1, 2, 3]}, geometry=[
        Point(116, 39), LineString([(116, 39), (117, 40)]), None], crs=4326)
    mixed.to_parquet(tmp_path / "mixed.parquet")
    got = parquetpoints.read_geoparquet(tmp_path / "mixed.parquet",
                                        pq.read_schema(tmp_path / "mixed.parquet"))
    want = gpd.read_parquet(tmp_path / "mixed.parquet")
    assert got.geometry.iloc[2] is None and want.geometry.iloc[2] is None
    assert got.geometry.iloc[:2].geom_equals(want.geometry.iloc[:2]).all()


def test_sorted_order_is_numpys_stable_argsort_whichever_way_it_sorts():
    rng = np.random.default_rng(5)
    for key in (rng.integers(0, 40, 5000),                 # packed with the row: one sort
                rng.integers(0, 2 ** 62, 5000),            # too wide to pack: argsort
                np.zeros(1, dtype=np.int64)):
        order, ks = pointbin.sorted_order(key)
        want = np.argsort(key, kind="stable")
        assert np.array_equal(order, want) and np.array_equal(ks, key[want])
    cells = rng.integers(0, 60_000, 5000)
    assert np.array_equal(pointbin._cell_order(cells, 60_000), np.argsort(cells, kind="stable"))


def test_levels_counted_in_an_array_equal_the_sorted_ones(monkeypatch):
    lon, lat = invented_points(30_000)
    mx, my = pointbin.mercator(lon, lat)
    monkeypatch.setattr(pointbin, "DENSE_CELLS", 1 << 30)    # every level counted
    dense = pointbin._levels(mx, my)
    monkeypatch.setattr(pointbin, "DENSE_CELLS", 0)          # every level sorted
    ranked = pointbin._levels(mx, my)
    assert dense[0] == ranked[0] and dense[1].keys() == ranked[1].keys()
    for k in dense[1]:
        assert np.array_equal(dense[1][k], ranked[1][k]), k


def test_a_first_frame_has_the_coarse_levels_and_every_point_in_one_cell(monkeypatch):
    monkeypatch.setattr(pointbin, "OVERVIEW_ABOVE", 100)
    lon, lat = invented_points(20_000)
    geo = pointbin.quick_geometry(lon, lat, np.arange(20_000))
    h, p = geo["header"], geo["parts"]
    assert h["quick"] and h["grid"]["nx"] == h["grid"]["ny"] == 1
    assert p["off"].tolist() == [0, 20_000] and p["rows"].tolist() == list(range(20_000))
    assert {lv["level"] for lv in h["levels"]} <= set(pointbin.QUICK_LEVELS)
    for lv in h["levels"]:   # one entry per pixel of that zoom, counted by np.unique
        k = 256.0 * 2 ** lv["level"]
        mx, my = pointbin.mercator(lon, lat)
        pixels = np.unique(np.floor(mx * k).astype(np.int64) * 10 ** 8 + np.floor(my * k))
        assert len(p[lv["name"] + "i"]) == len(pixels)
        assert int(p[lv["name"] + "c"].astype(np.int64).sum()) == 20_000
