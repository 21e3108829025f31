"""`jjjmap export --style` with the density and time keys, exactly as the issue names them:
renderer = "heatmap" | "hexbin" | "points", weight_field, time_field; and the built-in
institutions' slider in every export."""
from __future__ import annotations

import pytest

from test_cli import assert_one_line_error, jjjmap
from test_render import layer_specs

# invented test points (not data)
CSV = "name,lon,lat,staff,opened\n" + "".join(
    f"p{i},{115.5 + (i % 10) * 0.05:.2f},{38.9 + (i // 10) * 0.05:.2f},{i % 5},{2010 + i % 6}\n"
    for i in range(40))


@pytest.mark.parametrize("renderer", ["heatmap", "hexbin", "points"])
def test_style_file_keys_choose_the_renderer_weight_and_time(tmp_path, renderer):
    data = tmp_path / "pts.csv"
    data.write_text(CSV, encoding="utf-8")
    style = tmp_path / "style.toml"
    style.write_text(f'renderer = "{renderer}"\nweight_field = "staff"\ntime_field = "opened"\n',
                     encoding="utf-8")
    out = tmp_path / "map.html"
    r = jjjmap("export", "-o", str(out), "--basemap", "none", "--layer", str(data),
               "--style", str(style))
    assert r.returncode == 0, r.stderr
    specs = layer_specs(out.read_text(encoding="utf-8"))
    user = next(s for s in specs.values() if s["title"] == "pts")
    inst = next(s for s in specs.values() if s["kind"] == "institutions")
    assert user["render"] == renderer
    assert inst["time"]["field"] == "year_announced" and inst["time"]["undated"] == 4
    # hexagons too: the page bins the points itself, under the slider's mask
    assert user["time"]["field"] == "opened" and user["time"]["undated"] == 0
    if renderer == "heatmap":
        assert user["w"] is not None
    if renderer == "hexbin":
        # binned in the page (no fixed H3 resolution): every point goes, with its weight
        assert user["stat"] == "count" and user["n"] == 40 and "h3" not in user
        assert user["xy"] and user["w"] is not None


def test_a_wrong_renderer_in_the_style_file_is_one_clear_line(tmp_path):
    data = tmp_path / "pts.csv"
    data.write_text(CSV, encoding="utf-8")
    style = tmp_path / "style.toml"
    style.write_text('renderer = "dots"\n', encoding="utf-8")
    r = jjjmap("export", "-o", str(tmp_path / "m.html"), "--layer", str(data),
               "--style", str(style))
    assert_one_line_error(r, "style.toml", "renderer", "'heatmap'")
