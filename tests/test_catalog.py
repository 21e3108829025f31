"""The catalog of built-in layers."""
from pathlib import Path

import pytest

from jjjmap import catalog
from jjjmap.model import GROUPS, Layer, MapDocument, Style


def test_layer_keys_order():
    # bottom to top: the finest outlines on top, so a click picks the county first (issue 18)
    assert catalog.LAYER_KEYS == ("provinces", "prefectures", "counties", "xiongan",
                                  "sector_clusters", "relocated_institutions")


def test_sectors_stable_and_bilingual():
    assert list(catalog.SECTORS) == [
        "integrated_circuits", "network_security", "electrical_equipment", "biopharmaceutical",
        "new_energy_vehicles", "biomedical", "hydrogen_energy", "robotics",
        "artificial_intelligence"]
    for names in catalog.SECTORS.values():
        assert set(names) == {"en", "zh"} and names["en"] and names["zh"]


@pytest.mark.parametrize("key", catalog.LAYER_KEYS)
def test_load_layer(key):
    layer = catalog.load_layer(key)
    assert isinstance(layer, Layer)
    assert layer.gdf.crs.to_epsg() == 4326 and len(layer.gdf) > 0
    assert layer.title_en and layer.title_zh
    assert layer.group in GROUPS and layer.source and layer.licence and layer.precision
    assert isinstance(layer.style, Style)
    assert layer.builtin == key and layer.provenance.format == "builtin"
    if key in ("counties", "prefectures", "provinces", "xiongan"):
        assert layer.kind == "boundary" and layer.group == "boundaries"
        assert layer.level == {"counties": "county", "prefectures": "prefecture",
                               "provinces": "province", "xiongan": "xiongan"}[key]
        assert (layer.gdf["name_en"] != "").all() and layer.gdf["parent"].notna().all()
    else:
        assert layer.level is None
        assert "coord_precision" in layer.precision
        assert layer.gdf.geom_type.eq("Point").all()
        assert layer.gdf["approx_lon"].dtype.kind == "f"


def test_kinds_and_groups():
    by_key = {layer.builtin: layer for layer in catalog.load_all()}
    assert (by_key["sector_clusters"].kind, by_key["sector_clusters"].group) == ("clusters", "sectors")
    assert (by_key["relocated_institutions"].kind,
            by_key["relocated_institutions"].group) == ("institutions", "relocations")
    assert by_key["sector_clusters"].style.field == "sector"
    assert set(by_key["sector_clusters"].style.categories) == set(catalog.SECTORS)


def test_unknown_key():
    with pytest.raises(KeyError, match="counties"):
        catalog.load_layer("rivers")


def test_layers_do_not_share_state():
    a, b = catalog.load_layer("counties"), catalog.load_layer("counties")
    assert a.id != b.id and a.gdf is not b.gdf and a.style is not b.style
    a.gdf.loc[0, "name_en"] = "changed"
    a.style.color = "#000000"
    assert b.gdf.loc[0, "name_en"] != "changed" and b.style.color != "#000000"
    assert catalog.load_layer("counties").gdf.loc[0, "name_en"] == "Dongcheng District"


def test_load_all_and_default_document():
    layers = catalog.load_all()
    assert [layer.builtin for layer in layers] == list(catalog.LAYER_KEYS)
    doc = catalog.default_document()
    assert isinstance(doc, MapDocument)
    assert doc.title == "Jing-Jin-Ji / 京津冀"
    assert [layer.builtin for layer in doc.layers] == list(catalog.LAYER_KEYS)


def test_load_all_reads_each_file_once_per_process(monkeypatch):
    """Work counted, not seconds: a first load_all reads each built-in file once, the next
    reads none (how fast against plain geopandas: `python -m bench --only catalog_load`)."""
    reads: list[str] = []

    class Counting:
        def __init__(self, module):
            self._module = module

        def __getattr__(self, name):
            attr = getattr(self._module, name)
            if name not in ("read_dataframe", "read_csv"):
                return attr

            def counted(path, *args, **kwargs):
                reads.append(Path(path).name)
                return attr(path, *args, **kwargs)
            return counted

    monkeypatch.setattr(catalog, "pyogrio", Counting(catalog.pyogrio))
    monkeypatch.setattr(catalog, "pd", Counting(catalog.pd))
    catalog._read.cache_clear()
    catalog.load_all()
    assert sorted(reads) == ["counties.shp", "prefectures.shp", "provinces.shp",
                             "relocated_institutions.csv", "sector_clusters.csv", "xiongan.shp"]
    reads.clear()
    layers = catalog.load_all()
    assert reads == [] and len(layers) == 6
