import geopandas as gpd
import pytest
from shapely.geometry import Point

from jjjmap import catalog
from jjjmap.model import Layer, MapDocument
from jjjmap.search import SearchIndex, fold


@pytest.fixture(scope="module")
def index():
    doc = catalog.default_document()
    return doc, SearchIndex(doc)


def _top(doc, index, query):
    hit = index.find(query)[0]
    return doc.layer(hit.layer_id), hit.row


@pytest.mark.parametrize("query", ["xiongan", "雄安", "xiong an", "Xióng'ān", "XIONG2AN1"])
def test_xiongan_queries_find_the_new_area_first(index, query):
    doc, ix = index
    layer, row = _top(doc, ix, query)
    assert layer.level == "xiongan"
    assert layer.gdf.iloc[row]["name_zh"] == "雄安新区"


def test_rongcheng_finds_rongcheng_county(index):
    doc, ix = index
    layer, row = _top(doc, ix, "Rongcheng")
    assert layer.level == "county"
    assert layer.gdf.iloc[row]["code"] == "130629"


def test_partial_pinyin_and_partial_chinese(index):
    doc, ix = index
    labels = {h.label for h in ix.find("haidian")} | {h.label for h in ix.find("海淀")}
    assert "海淀区" in labels


def test_custom_layers_are_searchable_and_nonsense_finds_nothing():
    gdf = gpd.GeoDataFrame({"名称": ["白洋淀码头"], "name": ["Baiyangdian Pier"]},
                           geometry=[Point(116, 38.9)], crs=4326)
    doc = MapDocument()
    doc.add_layer(Layer(gdf, "mine"))
    ix = SearchIndex(doc)
    assert [h.row for h in ix.find("baiyangdian")] == [0]
    assert [h.row for h in ix.find("白洋淀")] == [0]
    assert ix.find("qqqzzz") == [] and ix.find("  ") == []


def test_fold_drops_tones_spaces_and_apostrophes():
    assert fold("Xi'ān  Shì") == "xianshi"


@pytest.mark.parametrize("query, zh, en", [
    ("hdq", "海淀区", "Haidian District"),          # pinyin initials
    ("zjk", "张家口市", "Zhangjiakou City"),
    ("haidianqu", "海淀区", "Haidian District"),     # whole pinyin
    ("xiangdu", "襄都区", "Xiangdu District"),       # 都 read du in the place name (geo.names)
    ("xdq", "襄都区", "Xiangdu District"),
])
def test_initials_whole_pinyin_and_names_in_each_language(index, query, zh, en):
    doc, ix = index
    hits = ix.find(query, lang="en")
    names = [(h.name, h.other) for h in hits]
    assert (en, zh) in names
    assert (zh, en) in [(h.name, h.other) for h in ix.find(query, lang="zh")]
    hit = hits[names.index((en, zh))]
    assert doc.layer(hit.layer_id).gdf.iloc[hit.row]["name_zh"] == zh


def test_initials_only_match_from_the_start(index):
    _doc, ix = index
    # 海淀区 is hdq; "dq" is inside its initials but not their start
    assert "海淀区" not in {h.label for h in ix.find("dq")}
