"""`jjjmap join` and `jjjmap export --join` as a user runs them (tables are invented test data)."""
import subprocess
import sys

import pyogrio


def jjjmap(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jjjmap", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


# invented data: firm counts per county; row 3 is ambiguous without a city
TABLE = "区县,企业数\n海淀区,\"1,200\"\n藁城市,80\n新华区,35\n浦东新区,7\n"


def test_join_refuses_to_write_with_rows_left(tmp_path):
    src = tmp_path / "firms.csv"
    src.write_text(TABLE, encoding="utf-8")
    out = tmp_path / "out.gpkg"
    r = jjjmap("join", str(src), "--to", "counties", "-o", str(out))
    assert r.returncode == 1
    assert not out.exists()
    assert "row 2 '藁城市' -> 藁城区 (石家庄市) 130109: renamed/merged" in r.stdout
    assert "row 3 '新华区': several places" in r.stdout and "新华区 (沧州市) 130902" in r.stdout
    assert "row 4 '浦东新区'" in r.stdout
    err = r.stderr.strip().splitlines()
    assert err[-1].startswith("jjjmap: error: ") and "2 row(s)" in err[-1]
    assert "Traceback" not in r.stderr


def test_join_with_a_fix_and_allow_unmatched(tmp_path):
    src = tmp_path / "firms.csv"
    src.write_text(TABLE, encoding="utf-8")
    out = tmp_path / "out.gpkg"
    r = jjjmap("join", str(src), "--to", "counties", "--fix", "3=130902", "--allow-unmatched",
               "-o", str(out))
    assert r.returncode == 0, r.stderr
    gdf = pyogrio.read_dataframe(out)
    got = gdf.set_index("code")["企业数"]
    assert len(gdf) == 199
    assert (got["110108"], got["130109"], got["130902"]) == (1200, 80, 35)
    assert got.isna().sum() == 196
    csv = tmp_path / "out.csv"
    r = jjjmap("join", str(src), "--to", "counties", "--fix", "3=130902", "--fix", "4=none",
               "-o", str(csv))
    assert r.returncode == 0, r.stderr
    assert "海淀区" in csv.read_text(encoding="utf-8-sig")


def test_export_join_maps_it(tmp_path):
    src = tmp_path / "firms.csv"
    src.write_text("code,firms\n110108,1200\n130109,80\n130902,35\n", encoding="utf-8")
    style = tmp_path / "style.json"
    style.write_text('{"mode": "graduated", "field": "firms", "k": 3, '
                     '"legend_title": "Firms", "units": "count"}')
    html = tmp_path / "map.html"
    r = jjjmap("export", "--join", str(src), "--to", "counties", "--style", str(style),
               "-o", str(html))
    assert r.returncode == 0, r.stderr
    page = html.read_text(encoding="utf-8")
    assert "Firms (count)" in page and "no data" in page


def test_export_join_refuses_graduated_text(tmp_path):
    src = tmp_path / "firms.csv"
    # invented data: "firms" is mostly words
    src.write_text("code,firms\n110108,many\n130109,few\n130902,35\n", encoding="utf-8")
    style = tmp_path / "style.json"
    style.write_text('{"mode": "graduated", "field": "firms"}')
    html = tmp_path / "map.html"
    r = jjjmap("export", "--join", str(src), "--to", "counties", "--style", str(style),
               "-o", str(html))
    assert r.returncode == 1 and not html.exists()
    last = r.stderr.strip().splitlines()[-1]
    assert "firms.csv" in last and "'firms' is mostly text" in last and "numeric" in last
