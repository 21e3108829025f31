"""Files for places outside Jing-Jin-Ji are brought into view, and `gui --layer` takes the
same --crs/--encoding/--datum/--style as export (issue 17, items 5 and 7).

The Chongqing and Tokyo points are invented test data (city-centre coordinates rounded)."""
import json
import subprocess
import sys

import geopandas as gpd
import pytest
from PySide6.QtGui import QColor, QImage
from pyproj import Transformer
from shapely.geometry import Point

from jjjmap import catalog
from jjjmap.model import Layer, MapDocument

CHONGQING = [(106.55, 29.56), (106.50, 29.60)]
TOKYO = [(139.76, 35.68)]


def _layer(points, title="far"):
    gdf = gpd.GeoDataFrame({"name": [f"p{i}" for i in range(len(points))]},
                           geometry=[Point(*p) for p in points], crs=4326)
    return Layer(gdf=gdf, title_en=title)


def test_a_layer_outside_the_region_moves_the_view_to_it():
    doc = catalog.default_document()
    far = doc.add_layer(_layer(CHONGQING))
    assert doc.frame([far]) is True
    assert 106.4 < doc.view.lon < 106.7 and 29.5 < doc.view.lat < 29.7
    assert doc.view.fit == (106.5, 29.56, 106.55, 29.6)


def test_a_layer_inside_the_region_leaves_the_view_alone():
    doc = catalog.default_document()
    before = doc.view
    near = doc.add_layer(_layer([(116.4, 39.9)]))
    assert doc.frame([near]) is False and doc.view is before


def test_an_empty_map_frames_a_single_point():
    doc = MapDocument()
    far = doc.add_layer(_layer(TOKYO))
    assert doc.frame([far]) is True
    assert (doc.view.lat, doc.view.lon) == (35.68, 139.76) and doc.view.fit is None


def _config(html: str) -> dict:
    start = html.index("jjj.init(map_")   # the call itself, not jjj.js's own definition
    body = html[html.index(",", start) + 1:]
    return json.JSONDecoder().raw_decode(body.strip())[0]


def test_export_of_a_chongqing_file_is_centred_on_it(tmp_path):
    csv = tmp_path / "cq.csv"
    csv.write_text("name,lon,lat\n" + "".join(f"p{i},{x},{y}\n" for i, (x, y) in
                                             enumerate(CHONGQING)), encoding="utf-8")
    out = tmp_path / "cq.html"
    result = subprocess.run([sys.executable, "-m", "jjjmap", "export", "-o", str(out), "--layer",
                             str(csv), "--basemap", "none"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    config = _config(out.read_text(encoding="utf-8"))
    assert 106.4 < config["view"]["lon"] < 106.7 and 29.5 < config["view"]["lat"] < 29.7


@pytest.mark.gui
def test_export_png_of_a_tokyo_file_shows_it(tmp_path):
    csv = tmp_path / "tokyo.csv"
    csv.write_text("name,lon,lat\nTokyo,139.76,35.68\n", encoding="utf-8")
    style = tmp_path / "red.json"
    style.write_text(json.dumps({"color": "#ff0000", "fill_color": "#ff0000", "radius": 12}),
                     encoding="utf-8")
    png = tmp_path / "tokyo.png"
    result = subprocess.run([sys.executable, "-m", "jjjmap", "export", "--png", str(png),
                             "--layer", str(csv), "--style", str(style), "--basemap", "none"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    red = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
              if (lambda c: c.red() > 200 and c.green() < 80 and c.blue() < 80)(
                  QColor(image.pixel(x, y))))
    assert red > 20   # the point is drawn, not off-screen


def test_gui_passes_layer_options_and_style(monkeypatch, tmp_path):
    from jjjmap import cli
    import jjjmap.ui.app

    seen = {}
    monkeypatch.setattr(jjjmap.ui.app, "main", lambda **kw: seen.update(kw) or 0)
    style = tmp_path / "s.json"
    style.write_text('{"color": "#00ff00"}', encoding="utf-8")
    assert cli.main(["gui", "--layer", "a.shp", "--crs", "EPSG:4548", "--encoding", "gbk",
                     "--datum", "gcj02", "--style", str(style)]) == 0
    assert seen["layers"] == ("a.shp",)
    assert seen["layer_options"] == {"crs": "EPSG:4548", "encoding": "gbk", "datum": "gcj02"}
    assert seen["style"] == {"color": "#00ff00"}


@pytest.mark.gui
def test_the_window_opens_a_file_with_the_given_crs_and_style(qtbot, tmp_path):
    from test_ui_helpers import shown_window

    to_gk = Transformer.from_crs(4326, 4548, always_xy=True)  # CGCS2000 GK CM 117E
    x, y = to_gk.transform(116.4, 39.9)
    csv = tmp_path / "gk.csv"
    csv.write_text(f"name,x,y\nsite,{x},{y}\n", encoding="utf-8")
    doc = catalog.default_document()
    doc.basemap = "none"
    with shown_window(qtbot, doc, tmp_path, timeout=60000) as window:
        with qtbot.waitSignal(window.mapReady, timeout=30000):
            window.files.open_path(str(csv), {"crs": "EPSG:4548"}, {"color": "#00ff00"})
        added = window.doc.layers[-1]
        point = added.gdf.geometry.iloc[0]
        assert point.x == pytest.approx(116.4, abs=1e-6)
        assert point.y == pytest.approx(39.9, abs=1e-6)
        assert added.style.color == "#00ff00"
