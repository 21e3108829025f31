"""What you see is what you export (issue 20, items 8 and 9): hidden layers stay out of
exported pages unless asked for, filtered-out clusters are not in the page, and the Tianditu
key goes into a page only when the page uses Tianditu and the user asked for it."""
from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
from shapely.geometry import Point

from jjjmap import catalog
from jjjmap.export.html import export_html_text, write_html
from jjjmap.model import Layer, MapDocument

# Made-up test data: a private survey layer (not a real place or person).
SECRET = "secret-survey-value-4711"


def survey_layer() -> Layer:
    gdf = gpd.GeoDataFrame({"respondent": [SECRET, "other-respondent-0815"]},
                           geometry=[Point(116.4, 39.9), Point(117.2, 39.1)], crs=4326)
    return Layer(gdf, "Survey")


def test_hidden_layer_stays_out_of_the_export(tmp_path):
    doc = MapDocument(basemap="none")
    doc.add_layer(catalog.load_layer("provinces"))
    survey = doc.add_layer(survey_layer())
    doc.set_visible(survey.id, False)
    page = export_html_text(doc)
    assert SECRET not in page and "other-respondent-0815" not in page
    assert survey.id not in page
    assert "Beijing" in page                       # the visible layer is there
    write_html(doc, tmp_path / "map.html")
    assert SECRET not in (tmp_path / "map.html").read_text(encoding="utf-8")
    # the user may choose to include it: then it is in the page, hidden
    included = export_html_text(doc, include_hidden=True)
    assert SECRET in included


def test_the_app_page_keeps_hidden_layers():
    """The desktop page still has them: ticking a layer on must not need a reload."""
    from jjjmap.render import render_html

    doc = MapDocument(basemap="none")
    survey = doc.add_layer(survey_layer())
    doc.set_visible(survey.id, False)
    assert SECRET in render_html(doc, assets="app", show_panel=False)


def test_filtered_out_clusters_are_not_in_the_export():
    doc = catalog.default_document()
    doc.basemap = "none"
    clusters = doc.layer("sector_clusters")
    keep = sorted(catalog.SECTORS)[0]
    doc.set_filter(clusters.id, "sector", [keep])
    gdf = clusters.gdf
    left_out = [n for n in gdf.loc[gdf["sector"] != keep, "name_en"] if n]
    kept = [n for n in gdf.loc[gdf["sector"] == keep, "name_en"] if n]
    assert left_out and kept
    for include in (False, True):
        page = export_html_text(doc, include_hidden=include)
        assert not any(name in page for name in left_out)
        assert all(name in page for name in kept)


def jjjmap(*args, env_key=None, tmp_path=None):
    import os

    env = dict(os.environ)
    env.pop("JJJMAP_TIANDITU_KEY", None)
    if env_key:
        env["JJJMAP_TIANDITU_KEY"] = env_key
    return subprocess.run([sys.executable, "-m", "jjjmap", *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=tmp_path)


KEY = "testkey0123456789abcdef"   # made up: not a real Tianditu key


def test_cli_export_keeps_the_key_out_unless_asked(tmp_path):
    out = tmp_path / "a.html"
    for args in (["--basemap", "positron"], ["--basemap", "tianditu"],
                 ["--basemap", "positron", "--tianditu-key-in-page"],
                 ["--basemap", "osm", "--light"]):
        result = jjjmap("export", "-o", str(out), *args, env_key=KEY, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert KEY not in out.read_text(encoding="utf-8"), args
        if "tianditu" in args:
            assert "--tianditu-key-in-page" in result.stderr   # says how to put it in
    result = jjjmap("export", "-o", str(out), "--basemap", "tianditu", "--tianditu-key-in-page",
                    env_key=KEY, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert KEY in out.read_text(encoding="utf-8")


def test_cli_key_flag_without_a_key_is_a_clear_error(tmp_path):
    result = jjjmap("export", "-o", str(tmp_path / "a.html"), "--basemap", "tianditu",
                    "--tianditu-key-in-page", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "JJJMAP_TIANDITU_KEY" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.html").exists()


def test_cli_include_hidden_flag_is_accepted(tmp_path):
    result = jjjmap("export", "-o", str(tmp_path / "a.html"), "--basemap", "none",
                    "--include-hidden", "--sectors", sorted(catalog.SECTORS)[0],
                    tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
