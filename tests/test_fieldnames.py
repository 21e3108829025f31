"""Display names of the built-in fields and coded values (jjjmap.fieldnames), checked against
the files in geodata/ read directly (not through the catalog)."""
from __future__ import annotations

import csv
from pathlib import Path

import pyogrio
import pytest

from jjjmap import fieldnames as F

GEODATA = Path(__file__).resolve().parents[1] / "geodata"
FILES = {"provinces": "boundaries/provinces.dbf", "prefectures": "boundaries/prefectures.dbf",
         "counties": "boundaries/counties.dbf", "xiongan": "boundaries/xiongan.dbf",
         "sector_clusters": "sector_clusters.csv",
         "relocated_institutions": "relocated_institutions.csv"}


def _rows(key: str) -> list[dict]:
    path = GEODATA / FILES[key]
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    table = pyogrio.read_dataframe(path, read_geometry=False, encoding="UTF-8")
    return [{k: ("" if v is None else v) for k, v in r.items()}
            for r in table.to_dict("records")]


class Built:   # a stand-in layer: only the built-in key matters
    def __init__(self, key):
        self.builtin = key


@pytest.mark.parametrize("key", list(FILES))
def test_every_column_of_the_geodata_has_a_name_in_both_languages(key):
    columns = list(_rows(key)[0])
    assert set(F.LAYER_FIELDS[key]) == set(columns) | {"geometry"}
    layer = Built(key)
    for column in columns:
        en, zh = F.field_label(layer, column, "en"), F.field_label(layer, column, "zh")
        assert en != column and zh != column and en != zh


@pytest.mark.parametrize("key, column", [
    ("relocated_institutions", "kind"), ("relocated_institutions", "status"),
    ("relocated_institutions", "coord_precision"), ("relocated_institutions", "region"),
    ("sector_clusters", "sector"), ("sector_clusters", "city"),
    ("sector_clusters", "coord_precision"), ("sector_clusters", "region"),
    ("counties", "level"), ("prefectures", "level"), ("provinces", "level"),
    ("xiongan", "level")])
def test_every_coded_value_present_is_shown_in_chinese(key, column):
    present = {r[column] for r in _rows(key)}
    names = F.value_names(Built(key), column, "zh")
    assert names is not None and present <= set(names)


def test_written_out_examples():
    inst = Built("relocated_institutions")
    assert F.field_label(inst, "name_en", "zh") == "英文名称"
    assert F.field_label(inst, "name_en", "en") == "English name"
    assert F.field_label(inst, "status", "zh") == "状态"
    assert F.value_label(inst, "status", "under_construction", "zh") == "建设中"
    assert F.value_label(inst, "status", "under_construction", "en") == "Under construction"
    assert F.value_label(inst, "kind", "state_owned_enterprise", "zh") == "央企"
    assert F.value_label(Built("sector_clusters"), "sector", "integrated_circuits",
                         "zh") == "集成电路"
    assert F.value_label(Built("counties"), "level", "county", "zh") == "县级"
    # already English: left as it is in the English UI
    assert F.value_names(inst, "region", "en") is None
    assert F.value_label(inst, "status", "no_such_status", "zh") is None


def test_region_and_city_names_are_the_boundaries_own():
    """The Chinese names given for the region and city values are those geodata/boundaries
    gives the same unit (its name_en with or without " City")."""
    zh_of = {}
    for key in ("provinces", "prefectures", "xiongan"):
        for r in _rows(key):
            zh_of[r["name_en"]] = r["name_zh"]
            zh_of[r["name_en"].removesuffix(" City")] = r["name_zh"]
    zh_of["Xiongan"] = zh_of["Xiongan New Area"]
    for table in (F.REGION_NAMES, F.CITY_NAMES):
        for raw, (en, zh) in table.items():
            assert en == raw and zh == zh_of[raw], raw


def test_user_layers_keep_their_own_names():
    class Mine:
        builtin = None

    assert F.field_label(Mine(), "status", "zh") == "status"
    assert F.value_names(Mine(), "status", "zh") is None
    assert F.field_label(None, "name_en", "zh") == "name_en"


def test_time_slider_names_its_field_in_the_interface_language():
    from jjjmap import catalog
    from jjjmap.render.timefilter import time_spec

    layer = catalog.load_layer("relocated_institutions")
    assert time_spec(layer, "zh").label == "宣布年份"
    assert time_spec(layer, "en").label == "Year announced"
    assert time_spec(layer, "zh").to_page()["field"] == "year_announced"


def test_xiongan_popup_names_its_note_in_chinese_and_gives_the_chinese_note():
    from jjjmap import catalog
    from jjjmap.model import MapDocument
    from jjjmap.render.page import layer_spec

    layer = catalog.load_layer("xiongan")
    note_zh = _rows("xiongan")[0]["note_zh"]

    def popup_rows(lang):
        spec = layer_spec(layer, MapDocument(lang=lang), 0.01)
        return dict(spec["data"]["features"][0]["properties"]["_p"]["r"])

    rows = popup_rows("zh")
    assert rows["说明"] == note_zh
    rows = popup_rows("en")
    assert rows["Note"] == _rows("xiongan")[0]["note"]


def test_choropleth_legend_header_is_the_fields_display_name():
    from jjjmap import catalog
    from jjjmap.model import Style
    from jjjmap.render.legendfmt import legend_header

    layer = catalog.load_layer("counties")
    style = Style(mode="graduated", field="area_km2")
    assert legend_header(style, "zh", layer) == "面积（平方千米）"
    assert legend_header(style, "en", layer) == "Area (km²)"
    assert legend_header(style, "zh") == "area_km2"   # no layer: the field as named
