"""Density renderers' Python side: H3 binning checked against h3 itself, point by point;
weights and their bad values; dense-point defaults; stacked points; the style options."""
from __future__ import annotations

import base64
from collections import Counter

import geopandas as gpd
import h3
import numpy as np
import pytest
from shapely.geometry import Point

from jjjmap.analysis.hexbins import bin_points, parent_cells, point_cells
from jjjmap.model import Layer, MapDocument, Style
from jjjmap.render import render_html
from test_render import layer_specs
from jjjmap.render.specs import BuildContext
from jjjmap.render.density import (dense_point_style, heatmap_spec, hexbin_spec,
                                   read_weights, stack_ranks)


def _grid_points():
    """Invented test points (not data): a fixed 40 x 25 lattice plus 300 points on three
    spots, around Xiong'an's latitude; weight = index mod 7."""
    xs, ys = np.meshgrid(np.linspace(115.5, 116.5, 40), np.linspace(38.7, 39.3, 25))
    lon = np.concatenate([xs.ravel(), np.repeat([115.9, 116.1, 116.3], 100)])
    lat = np.concatenate([ys.ravel(), np.repeat([39.0, 38.9, 39.1], 100)])
    w = (np.arange(len(lon)) % 7).astype(float)
    return lon, lat, w


def _h3_counts(lon, lat, res, w):
    """Counts and sums per cell, with h3's string API one point at a time."""
    count, total = Counter(), Counter()
    for x, y, v in zip(lon, lat, w):
        c = h3.latlng_to_cell(float(y), float(x), res)
        count[c] += 1
        total[c] += v
    return count, total


@pytest.mark.parametrize("res", [4, 6, 7, 8])
def test_per_hexagon_counts_and_sums_match_h3(res):
    lon, lat, w = _grid_points()
    count, total = _h3_counts(lon, lat, res, w)
    level = bin_points(lon, lat, res, w)
    assert level.res == res
    got = {h3.int_to_str(int(c)): int(n) for c, n in zip(level.cells, level.count)}
    assert got == dict(count)
    sums = {h3.int_to_str(int(c)): float(t) for c, t in zip(level.cells, level.total)}
    assert sums == pytest.approx({k: float(v) for k, v in total.items()})
    # each point knows its cell
    want = [h3.latlng_to_cell(float(y), float(x), res) for x, y in zip(lon, lat)]
    assert [h3.int_to_str(int(level.cells[i])) for i in level.index] == want


def test_parent_cells_are_h3s_parents():
    lon, lat, _ = _grid_points()
    fine = point_cells(lon, lat, 10)
    for res in (0, 3, 7, 9, 10):
        want = [h3.str_to_int(h3.cell_to_parent(h3.int_to_str(int(c)), res)) for c in fine]
        assert parent_cells(fine, res).tolist() == want


def _layer(lon, lat, **cols):
    gdf = gpd.GeoDataFrame(cols, geometry=[Point(x, y) for x, y in zip(lon, lat)], crs=4326)
    return Layer(gdf, "invented test points")


def _page(builder, layer):
    """What the page reads of the spec ``builder`` makes for ``layer`` (render.specs)."""
    return builder(layer, BuildContext(MapDocument(lang="en"), 0.0)).to_page()


def _f32(s):
    return np.frombuffer(base64.b64decode(s), dtype=np.float32)


def test_hexbin_spec_at_a_fixed_resolution_gives_each_point_its_h3_cell():
    lon, lat, w = _grid_points()
    layer = _layer(lon, lat, w=w)
    layer.style = Style(renderer="hexbin", hex_resolution=7, weight_field="w", hex_stat="sum")
    spec = _page(hexbin_spec, layer)
    cells = spec["h3"]["cells"]
    index = np.frombuffer(base64.b64decode(spec["h3"]["index"]), dtype=np.int32)
    rows = np.frombuffer(base64.b64decode(spec["rows"]), dtype=np.int32)
    assert rows.tolist() == list(range(len(lon)))
    want = [h3.latlng_to_cell(float(y), float(x), 7) for x, y in zip(lon, lat)]
    assert [cells[i] for i in index] == want
    assert _f32(spec["w"]).tolist() == w.tolist()
    nv = spec["h3"]["nv"]
    ring = _f32(spec["h3"]["ring"]).reshape(len(cells), nv, 2)
    # each cell's ring is h3's boundary of that cell (lon, lat)
    first = h3.cell_to_boundary(cells[0])
    assert ring[0, :len(first), ::-1] == pytest.approx(np.array(first), abs=1e-5)
    assert spec["fixed"] is True and spec["stat"] == "sum"


def test_hexbin_spec_following_the_zoom_sends_the_points_for_the_page_to_bin():
    lon, lat, w = _grid_points()
    layer = _layer(lon, lat, w=w)
    layer.style = Style(renderer="hexbin")
    spec = _page(hexbin_spec, layer)
    assert "h3" not in spec and spec["fixed"] is False and spec["stat"] == "count"
    xy = _f32(spec["xy"]).reshape(-1, 2)
    assert xy[:, 0] == pytest.approx(lon, abs=1e-5) and xy[:, 1] == pytest.approx(lat, abs=1e-5)
    assert spec["w"] is None     # no weight field chosen


def test_weights_with_negative_and_non_numeric_values_are_counted_and_weigh_nothing():
    layer = _layer([116, 116.1, 116.2, 116.3, 116.4], [39] * 5,
                   w=["3", "-2", "x", None, "1.5"])
    w, problems = read_weights(layer.gdf, "w")
    assert w.tolist() == [3.0, 0.0, 0.0, 0.0, 1.5]
    assert problems == {"missing": 1, "not_numeric": 1, "negative": 1}
    layer.style = Style(renderer="heatmap", weight_field="w")
    spec = _page(heatmap_spec, layer)
    assert spec["n"] == 5 and _f32(spec["w"]).tolist() == [3.0, 0.0, 0.0, 0.0, 1.5]
    assert spec["weightProblems"] == problems
    assert spec["radius"] == 18.0


def test_stacked_points_get_their_rank_on_the_spot():
    lon = np.array([1, 2, 1, 1, 3, 2], dtype=float)
    lat = np.array([5, 5, 5, 5, 5, 5], dtype=float)
    assert stack_ranks(lon, lat).tolist() == [0, 0, 1, 2, 0, 1]
    assert stack_ranks(np.array([1.0, 2.0]), np.array([1.0, 1.0])) is None


def test_stack_ranks_of_many_points_match_a_count_by_hand():
    rng = np.random.default_rng(3)   # invented points on a coarse lattice: many share a spot
    lon = 116 + rng.integers(0, 300, 20_000) * 0.01
    lat = 39 + rng.integers(0, 300, 20_000) * 0.01
    seen: dict = {}
    want = []
    for x, y in zip(np.float32(lon).tolist(), np.float32(lat).tolist()):
        want.append(seen.get((x, y), 0))
        seen[(x, y)] = want[-1] + 1
    assert max(want) > 0
    assert stack_ranks(lon, lat).tolist() == want


def test_large_layers_get_small_translucent_points_unless_the_user_chose_a_size():
    assert dense_point_style(1000, Style()) == {"alpha": 0.85}
    big = dense_point_style(500_000, Style())
    assert big["alpha"] < 0.5 and big["radius"] < Style().radius
    assert "radius" not in dense_point_style(500_000, Style(radius=4.0))


def test_the_style_picks_the_renderer_of_a_point_layer_only():
    from shapely.geometry import box
    lon, lat, _ = _grid_points()
    doc = MapDocument()
    pts = doc.add_layer(_layer(lon, lat))
    polys = doc.add_layer(Layer(gpd.GeoDataFrame(geometry=[box(115, 38, 116, 39)], crs=4326),
                                "invented box"))
    for renderer in ("heatmap", "hexbin", "points"):
        pts.style = Style(renderer=renderer)
        polys.style = Style(renderer=renderer)
        specs = layer_specs(render_html(doc))
        assert specs[pts.id]["render"] == renderer
        assert specs[polys.id]["render"] == "geojson"


def test_style_options_are_validated_and_round_trip():
    s = Style.from_dict({"renderer": "hexbin", "weight_field": "w", "time_field": "d",
                         "hex_resolution": 6, "hex_stat": "mean", "heat_radius": 25})
    assert Style.from_dict(s.to_dict()) == s
    for bad in ({"renderer": "dots"}, {"hex_resolution": 16}, {"hex_resolution": 2.5},
                {"hex_stat": "max"}, {"heat_radius": 0}, {"time_step": "week"},
                {"weight_field": 3}, {"spread_stacked": "yes"}):
        with pytest.raises(ValueError, match="style option"):
            Style.from_dict(bad)


def test_a_project_keeps_the_density_and_time_style(tmp_path):
    from jjjmap.io import open_layer
    from jjjmap.io.project import load_project, save_project

    csv = tmp_path / "pts.csv"   # invented test points (not data)
    csv.write_text("name,lon,lat,w,opened\n" + "".join(
        f"p{i},{115 + i * 0.01:.2f},39.0,{i},{2000 + i}\n" for i in range(20)), encoding="utf-8")
    doc = MapDocument()
    layer = doc.add_layer(open_layer(str(csv))[0])
    style = Style(renderer="hexbin", weight_field="w", hex_stat="mean", hex_resolution=6,
                  time_field="opened", time_step="month", time_mode="window",
                  spread_stacked=False, heat_radius=30.0, heat_intensity=2.0)
    doc.set_style(layer.id, style)
    back = load_project(save_project(doc, tmp_path / "p.jjjmap"))
    assert back.layers[0].style == style
