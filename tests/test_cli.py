"""The command line as a user meets it: one clear line per error, no traceback, exit codes."""
import json
import subprocess
import sys
from pathlib import Path



def jjjmap(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jjjmap", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def assert_one_line_error(result, *needles):
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_info_on_a_missing_file_names_it(tmp_path):
    missing = tmp_path / "parks.shp"
    assert_one_line_error(jjjmap("info", str(missing)), "parks.shp", "does not exist")


def test_debug_adds_the_traceback(tmp_path):
    bad = tmp_path / "parks.shp"
    bad.write_text("name,lon,lat\nx,116,39\n")
    quiet = jjjmap("info", str(bad))
    assert_one_line_error(quiet, "parks.shp")
    loud = jjjmap("info", "--debug", str(bad))
    assert loud.returncode == 1 and "Traceback" in loud.stderr


def test_export_with_a_broken_layer_fails_cleanly(tmp_path):
    bad = tmp_path / "broken.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    out = tmp_path / "map.html"
    result = jjjmap("export", "-o", str(out), "--layer", str(bad))
    assert_one_line_error(result, "broken.geojson")
    assert not out.exists()


def test_export_refuses_unknown_sectors_and_basemaps(tmp_path):
    out = str(tmp_path / "m.html")
    assert_one_line_error(jjjmap("export", "-o", out, "--sectors", "hydrogen_energy,steel"),
                          "steel")
    assert_one_line_error(jjjmap("export", "-o", out, "--basemap", "bing"), "bing")


def test_a_bad_style_file_is_named(tmp_path):
    style = tmp_path / "style.json"
    style.write_text(json.dumps({"colour": "red"}))
    csv = tmp_path / "pts.csv"
    csv.write_text("经度,纬度\n116.4,39.9\n", encoding="utf-8")
    result = jjjmap("export", "-o", str(tmp_path / "m.html"), "--layer", str(csv),
                    "--style", str(style))
    assert_one_line_error(result, "style.json", "colour")


def test_export_without_an_output_says_what_is_missing():
    assert_one_line_error(jjjmap("export"), "-o")


def test_light_export_says_where_its_folder_is(tmp_path):
    result = jjjmap("export", "-o", "map.html", "--light", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wrote map.html", "wrote map_files/ (keep it beside the page)"]
    assert (tmp_path / "map_files" / "leaflet.js").is_file()


def test_convert_reports_every_file_written(tmp_path):
    src = tmp_path / "mixed.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": 1},
         "geometry": {"type": "Point", "coordinates": [116, 39]}},
        {"type": "Feature", "properties": {"n": 2},
         "geometry": {"type": "LineString", "coordinates": [[116, 39], [117, 40]]}}]}))
    result = jjjmap("convert", str(src), str(tmp_path / "out.gpkg"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("wrote ") >= 1
    for line in result.stdout.splitlines():
        assert Path(line.removeprefix("wrote ")).exists(), line


def test_export_png_draws_the_map_headless(tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "map.png"
    result = jjjmap("export", "--png", str(out), "--basemap", "none", "--size", "1400x900px")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    # Drawn, not blank: the boundaries, symbols and legend give the picture many colours.
    colours = {image.pixel(x, y) for x in range(0, 1400, 7) for y in range(0, 900, 7)}
    assert len(colours) > 50


def test_a_command_module_plugs_in_through_the_registry(monkeypatch, capsys):
    """jjjmap.commands.NAMES is the one place a new subcommand is listed."""
    import sys
    import types

    from jjjmap import cli, commands

    mod = types.ModuleType("jjjmap.commands.hello")

    def add_parser(sub, common):
        p = sub.add_parser("hello", parents=[common])
        p.add_argument("--who", default="world")

    mod.add_parser = add_parser
    mod.run = lambda args: print(f"hello {args.who}") or 7
    monkeypatch.setitem(sys.modules, "jjjmap.commands.hello", mod)
    monkeypatch.setattr(commands, "NAMES", ("hello",))
    assert cli.main(["hello", "--who", "海淀"]) == 7
    assert capsys.readouterr().out == "hello 海淀\n"


def test_texts_without_a_screenshot_is_refused(tmp_path):
    result = jjjmap("gui", "--texts", "texts.json", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "--texts needs --screenshot" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "texts.json").exists()
