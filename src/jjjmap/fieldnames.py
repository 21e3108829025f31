"""Display names of the built-in layers' fields and coded values, in English and Chinese.

The built-in tables (geodata/) keep short stable column names (``name_en``, ``area_km2``) and
keys (``under_construction``, ``integrated_circuits``) because projects, joins and scripts
refer to them; a reader of the attribute table wants words in the language of the interface.
This module holds the words and nothing else: the table, the style and count dialogs show
them, the data keeps its real names and values (sorting and filtering work on those).

Only the built-in layers get names (``layer.builtin``): a user's columns mean what the
user says. The fields are those of geodata/ (the .dbf and .csv columns), their meanings those
given in geodata/SOURCES.md and the reference README; a field not listed keeps its raw name.
Qt-free.
"""
from __future__ import annotations

from typing import Any

Pair = tuple[str, str]   # (English, Chinese)

_BOUNDARY = ("code", "name_zh", "name_en", "level", "parent", "area_km2")
_POINTS = ("name_en", "name_zh", "approx_lon", "approx_lat", "coord_precision", "region",
           "evidence", "source_url")

# The columns of each built-in layer that have a display name (all of them, as built).
# (The table shows each feature's geometry type under the geometry column's name.)
LAYER_FIELDS: dict[str, tuple[str, ...]] = {
    "provinces": _BOUNDARY,
    "prefectures": _BOUNDARY,
    "counties": _BOUNDARY,
    "xiongan": _BOUNDARY + ("members", "plan_km2", "note", "note_zh"),
    "sector_clusters": _POINTS + ("sector", "sector_en", "sector_zh", "city",
                                  "district_or_county"),
    "relocated_institutions": _POINTS + ("kind", "origin", "destination", "year_announced",
                                         "status"),
}
LAYER_FIELDS = {k: v + ("geometry",) for k, v in LAYER_FIELDS.items()}

# Words shared with the map's popups (render/points.py) where the popup shows the same field.
FIELDS: dict[str, Pair] = {
    "code": ("Administrative code", "行政区划代码"),
    "name_zh": ("Chinese name", "中文名称"),
    "name_en": ("English name", "英文名称"),
    "level": ("Level", "级别"),
    "parent": ("Parent unit's code", "上级区划代码"),
    "area_km2": ("Area (km²)", "面积（平方千米）"),
    "members": ("Member counties' codes", "所含县代码"),
    "plan_km2": ("Planning area (km²)", "规划面积（平方千米）"),
    "note": ("Note", "说明"),
    "note_zh": ("Note (Chinese)", "说明（中文）"),
    "sector": ("Sector", "产业"),
    "sector_en": ("Sector (English)", "产业（英文）"),
    "sector_zh": ("Sector (Chinese)", "产业（中文）"),
    "city": ("City", "城市"),
    "district_or_county": ("District / county", "区县"),
    "kind": ("Kind", "类型"),
    "origin": ("Origin", "迁出地"),
    "destination": ("Destination", "落地"),
    "year_announced": ("Year announced", "宣布年份"),
    "status": ("Status", "状态"),
    "approx_lon": ("Longitude (approximate)", "经度（近似）"),
    "approx_lat": ("Latitude (approximate)", "纬度（近似）"),
    "coord_precision": ("Position precision", "位置精度"),
    "region": ("Region", "地区"),
    "evidence": ("Evidence", "依据"),
    "source_url": ("Source", "来源链接"),
    "geometry": ("Geometry type", "几何类型"),
}

KIND_NAMES: dict[str, Pair] = {
    "university": ("University", "高校"), "hospital": ("Hospital", "医院"),
    "state_owned_enterprise": ("State-owned enterprise", "央企"),
    "research_institute": ("Research institute", "科研院所"),
    "enterprise": ("Enterprise", "企业"), "other": ("Other", "其他"),
}
STATUS_NAMES: dict[str, Pair] = {
    "announced": ("Announced", "已宣布"),
    "under_construction": ("Under construction", "建设中"),
    "operating": ("Operating", "已运营"),
}
LEVEL_NAMES: dict[str, Pair] = {
    "province": ("Province-level", "省级"),
    "prefecture": ("Prefecture-level", "地级"),
    "county": ("County-level", "县级"),
    "xiongan": ("Xiongan New Area", "雄安新区"),
}
# coord_precision: "district" = the district or county seat, "city" = the city point.
PRECISION_NAMES: dict[str, Pair] = {
    "district": ("District or county seat", "区县政府驻地"),
    "city": ("City point", "城市代表点"),
}
# Values already in English: only the Chinese side is given (the names in geodata/boundaries).
REGION_NAMES: dict[str, Pair] = {
    "Beijing": ("Beijing", "北京市"), "Tianjin": ("Tianjin", "天津市"),
    "Hebei": ("Hebei", "河北省"), "Xiongan": ("Xiongan", "雄安新区"),
}
CITY_NAMES: dict[str, Pair] = {
    "Beijing": ("Beijing", "北京市"), "Tianjin": ("Tianjin", "天津市"),
    "Shijiazhuang": ("Shijiazhuang", "石家庄市"), "Tangshan": ("Tangshan", "唐山市"),
    "Qinhuangdao": ("Qinhuangdao", "秦皇岛市"), "Baoding": ("Baoding", "保定市"),
    "Zhangjiakou": ("Zhangjiakou", "张家口市"), "Cangzhou": ("Cangzhou", "沧州市"),
    "Langfang": ("Langfang", "廊坊市"), "Xiongan New Area": ("Xiongan New Area", "雄安新区"),
}


def _sectors() -> dict[str, Pair]:
    from jjjmap.catalog import SECTORS

    return {k: (v["en"], v["zh"]) for k, v in SECTORS.items()}


_VALUES = {"kind": KIND_NAMES, "status": STATUS_NAMES, "level": LEVEL_NAMES,
           "coord_precision": PRECISION_NAMES, "region": REGION_NAMES, "city": CITY_NAMES,
           "sector": None}   # the sector keys' names live in catalog.SECTORS


def builtin_key(layer: Any) -> str | None:
    """The built-in data set a layer shows (None for a user's layer)."""
    key = getattr(layer, "builtin", None)
    return key if key in LAYER_FIELDS else None


def _pick(pair: Pair, lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def field_label(layer: Any, column: Any, lang: str) -> str:
    """The name to show for ``column`` of ``layer``: its display name in ``lang`` for a
    built-in field, else the column's own name."""
    key = builtin_key(layer)
    if key is not None and column in LAYER_FIELDS[key]:
        return _pick(FIELDS[column], lang)
    return str(column)


def has_label(layer: Any, column: Any) -> bool:
    """Whether ``field_label`` shows something other than the raw name."""
    key = builtin_key(layer)
    return key is not None and column in LAYER_FIELDS[key]


def value_names(layer: Any, column: Any, lang: str) -> dict[str, str] | None:
    """Raw value -> display text of a coded column of a built-in layer (None: shown as is).
    Values whose display text equals the raw value are left out."""
    key = builtin_key(layer)
    if key is None or column not in LAYER_FIELDS[key] or column not in _VALUES:
        return None
    table = _VALUES[column] if _VALUES[column] is not None else _sectors()
    out = {raw: _pick(pair, lang) for raw, pair in table.items()}
    return {raw: text for raw, text in out.items() if text != raw} or None


def value_label(layer: Any, column: Any, value: Any, lang: str) -> str | None:
    """The display text of one coded value (None: show the value itself)."""
    names = value_names(layer, column, lang)
    return None if names is None or not isinstance(value, str) else names.get(value)
