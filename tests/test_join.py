"""Joining tables to the built-in boundaries: every key form, renamed districts, duplicate short
names, encodings, workbooks, numbers with separators and units, bad input.

Every table here is INVENTED TEST DATA (the numbers mean nothing); the expected codes are the
built-in geodata's codes, written out by hand from geodata/boundaries/*.dbf.
"""
from __future__ import annotations

import pandas as pd
import pytest

from jjjmap import catalog
from jjjmap.analysis import join as J
from jjjmap.analysis.numbers import parse_number
from jjjmap.io import LayerLoadError
from jjjmap.io.tabledata import Table, read_table


@pytest.fixture(scope="module")
def counties():
    return catalog.load_layer("counties")


def table(rows, columns, path="invented.csv"):
    return Table(df=pd.DataFrame(rows, columns=columns), path=path)


def codes_of(report, status=None):
    """{row: code} of the applied rows (or of one status)."""
    t = report.target
    return {r.row: t.codes[r.feature] for r in report.rows
            if (r.applied if status is None else r.status == status) and r.feature is not None}


def test_every_code_form_finds_haidian(counties):
    rows = [[110108], ["110108"], [110108.0], ["１１０１０８"], [110108001000], ["110108001"]]
    # invented data: six spellings of Haidian's code, each in its own table (one row per place)
    expected_rule = [None, None, "code written as a number", None,
                     "first 6 digits of a 12-digit statistical code",
                     "first 6 digits of a 9-digit statistical code"]
    for row, rule in zip(rows, expected_rule):
        rep = J.match_table(table([row + [1]], ["code", "v"]), counties, key="code")
        (r,) = rep.rows
        assert r.applied, (row, r)
        assert rep.target.codes[r.feature] == "110108"
        assert (r.rule or None) == rule


def test_chinese_english_and_pinyin_names(counties):
    # invented data: one key form per row, each a different county
    t = table([["海淀区", 1], ["丰台", 2], ["青龙满族自治县", 3], ["宽城", 4], ["赵县", 5],
               ["滨海", 6], ["Chang'an District", 7], ["Shunyi", 8], ["changping qu", 9],
               ["Fengning Manchu Autonomous County", 10], ["MENTOUGOU DISTRICT", 11]],
              ["name", "v"])
    rep = J.match_table(t, counties)
    assert rep.key_column == "name"
    assert rep.complete
    assert codes_of(rep) == {1: "110108", 2: "110106", 3: "130321", 4: "130827", 5: "130133",
                             6: "120116", 7: "130102", 8: "110113", 9: "110114",
                             10: "130826", 11: "110109"}
    rules = {r.row: r.rule for r in rep.rows}
    assert rules[1] == "" and rules[2] == "name without its suffix"
    assert rules[8] == "English/pinyin name" and rules[9] == "English/pinyin name"


def test_one_county_claimed_by_two_rows_is_a_conflict(counties):
    # invented data: Qinglong written in Chinese and in English
    t = table([["青龙满族自治县", 3], ["Qinglong Manchu Autonomous County", 10]], ["name", "v"])
    rep = J.match_table(t, counties)
    assert [r.status for r in rep.rows] == ["conflict", "conflict"]
    assert not rep.complete
    assert rep.target.codes[rep.rows[0].candidates[0]] == "130321"


def test_duplicate_short_names_need_the_city(counties):
    # invented data: the two 桥西区 and the two 新华区 of the built-in counties, with a city
    t = table([["桥西区", "石家庄市", 1], ["桥西区", "张家口", 2], ["新华区", "石家庄", 3],
               ["新华区", "沧州市", 4], ["Wei County", "Handan", 5],
               ["Wei County", "Xingtai City", 6]], ["区县", "城市", "v"])
    rep = J.match_table(t, counties)
    assert rep.parent_column == "城市"
    assert codes_of(rep) == {1: "130104", 2: "130703", 3: "130105", 4: "130902", 5: "130434",
                             6: "130533"}
    assert all("told apart by the city" in r.rule for r in rep.rows)


def test_duplicate_short_names_without_a_city_are_ambiguous(counties):
    # invented data: no city column
    t = table([["桥西区", 1], ["新华区", 2], ["海淀区", 3]], ["区县", "v"])
    rep = J.match_table(t, counties)
    assert [r.status for r in rep.rows] == ["ambiguous", "ambiguous", "matched"]
    cands = [sorted(rep.target.codes[i] for i in r.candidates) for r in rep.rows[:2]]
    # 桥西区: Shijiazhuang's and Zhangjiakou's, and Xingtai's old 桥西区 (信都区 since 2020)
    assert cands == [["130104", "130503", "130703"], ["130105", "130902"]]
    text = "\n".join(rep.lines())
    assert "桥西区 (石家庄市) 130104" in text and "新华区 (沧州市) 130902" in text


def test_the_city_written_before_the_name(counties):
    # invented data
    t = table([["河北省石家庄市桥西区", 1], ["张家口市桥西区", 2], ["北京市海淀区", 3]],
              ["地区", "v"])
    rep = J.match_table(t, counties)
    assert codes_of(rep) == {1: "130104", 2: "130703", 3: "110108"}


def test_a_duplicate_unique_within_the_target_layer(tmp_path, counties):
    """Joined to a user's layer holding only Shijiazhuang's districts, 桥西区 is one place."""
    gdf = counties.gdf[counties.gdf["parent"] == "130100"][["code", "name_zh", "geometry"]]
    path = tmp_path / "sjz.geojson"
    gdf.to_file(path, driver="GeoJSON")
    layer = J.load_target(str(path))
    rep = J.match_table(table([["桥西区", 1], ["新华区", 2]], ["name", "v"]), layer)
    assert codes_of(rep) == {1: "130104", 2: "130105"}


def test_renamed_and_merged_districts(counties):
    # invented data: names and codes from before the changes
    t = table([["藁城市", 1], ["滦县", 2], ["塘沽区", 3], ["蓟县", 4], ["崇文区", 5],
               ["密云县", 6], ["冀州市", 7], ["唐海县", 8], ["北市区", 9]], ["name", "v"])
    rep = J.match_table(t, counties)
    assert codes_of(rep) == {1: "130109", 2: "130284", 3: "120116", 4: "120119", 5: "110101",
                             6: "110118", 7: "131103", 8: "130209", 9: "130606"}
    assert all(r.status == "rule" and "renamed/merged" in r.rule for r in rep.rows)
    assert "since 2014" in rep.rows[0].rule and "since 2018" in rep.rows[1].rule
    assert "Ministry of Civil Affairs" in rep.rows[0].rule


def test_old_codes_and_split_districts(counties):
    # invented data: 130182 was 藁城市; 120107 塘沽区; Shijiazhuang's 桥东区 (130103) was split
    t = table([[130182, 1], [120107, 2], [130103, 3]], ["code", "v"])
    rep = J.match_table(t, counties)
    assert codes_of(rep) == {1: "130109", 2: "120116"}
    split = rep.rows[2]
    assert split.status == "ambiguous"
    assert sorted(rep.target.codes[i] for i in split.candidates) == ["130102", "130104"]


def test_merged_districts_in_one_table_conflict(counties):
    # invented data: a 2008 table still listing Tianjin's three coastal districts
    t = table([["塘沽区", 1], ["汉沽区", 2], ["大港区", 3]], ["name", "v"])
    rep = J.match_table(t, counties)
    assert [r.status for r in rep.rows] == ["conflict"] * 3


def test_rows_outside_the_region_are_reported_not_dropped(counties):
    # invented data: Shanghai rows, a province total, a total row and an empty key
    t = table([["110108", 1], ["310115", 2], ["130000", 3], ["合计", 4], [None, 5]],
              ["code", "v"])
    rep = J.match_table(t, counties)
    assert len(rep.rows) == 5
    assert [r.status for r in rep.rows] == ["matched"] + ["unmatched"] * 4
    reasons = [r.reason for r in rep.rows[1:]]
    assert "outside Beijing, Tianjin and Hebei" in reasons[0]
    assert "not a feature of this layer" in reasons[1]
    assert "total row" in reasons[2] and "empty" in reasons[3]
    assert len(rep.features_without_row) == 198
    named = J.match_table(table([["海淀区", "北京市", 1], ["浦东新区", "上海市", 2]],
                                ["区县", "城市", "v"]), counties)
    assert [r.status for r in named.rows] == ["matched", "unmatched"]


def test_prefectures_provinces_and_xiongan():
    pref = catalog.load_layer("prefectures")
    # invented data
    t = table([["石家庄", 1], ["Baoding City", 2], ["北京", 3]], ["city", "v"])
    rep = J.match_table(t, pref)
    assert codes_of(rep) == {1: "130100", 2: "130600", 3: "110100"}
    rep = J.match_table(table([["130700", 1], [120000, 2]], ["code", "v"]), pref)
    assert codes_of(rep) == {1: "130700", 2: "120100"}
    assert "municipality code" in rep.rows[1].rule
    prov = catalog.load_layer("provinces")
    rep = J.match_table(table([["河北", 1], ["Beijing", 2], ["天津市", 3]], ["p", "v"]), prov)
    assert codes_of(rep) == {1: "130000", 2: "110000", 3: "120000"}
    xa = catalog.load_layer("xiongan")
    rep = J.match_table(table([["雄安新区", 1]], ["n", "v"]), xa)
    assert rep.rows[0].applied


def test_manual_fixes(counties):
    # invented data
    t = table([["新华区", 1], ["浦东", 2]], ["name", "v"])
    rep = J.match_table(t, counties, fixes={1: "130902", 2: None})
    assert rep.complete
    assert codes_of(rep) == {1: "130902"}
    with pytest.raises(J.JoinError, match="not a feature code"):
        J.match_table(t, counties, fixes={1: "999999"})


def test_gbk_csv(tmp_path, counties):
    path = tmp_path / "gbk.csv"
    # invented data, saved as GBK the way Excel on a Chinese Windows does
    path.write_bytes("区县,城市,企业数\n桥西区,石家庄市,120\n桥西区,张家口市,45\n藁城市,石家庄市,88\n"
                     .encode("gbk"))
    tab = read_table(path)
    assert tab.encoding.lower() in ("gbk", "gb18030", "cp936")
    rep = J.match_table(tab, counties)
    assert codes_of(rep) == {1: "130104", 2: "130703", 3: "130109"}
    res = J.apply_join(tab, counties, rep)
    got = res.gdf.set_index("code")["企业数"]
    assert (got["130104"], got["130703"], got["130109"]) == (120, 45, 88)
    assert str(res.gdf["企业数"].dtype) == "Int64"
    assert got.isna().sum() == 196


def test_xlsx_with_sheets(tmp_path, counties):
    path = tmp_path / "stats.xlsx"
    with pd.ExcelWriter(path) as xl:   # invented data
        pd.DataFrame({"notes": []}).to_excel(xl, sheet_name="readme", index=False)
        pd.DataFrame({"代码": [110108.0, 130104.0], "GDP": ["1,234.5亿元", "88亿元"]}).to_excel(
            xl, sheet_name="2023", index=False)
        pd.DataFrame({"代码": [110108], "GDP": [1]}).to_excel(xl, sheet_name="2022", index=False)
    tab = read_table(path)
    assert tab.sheet == "2023" and tab.sheets == ["readme", "2023", "2022"]
    rep = J.match_table(tab, counties)
    res = J.apply_join(tab, counties, rep)
    got = res.gdf.set_index("code")["GDP"]
    assert got["110108"] == 1234.5 and got["130104"] == 88.0
    assert res.units == {"GDP": "亿元"}
    assert read_table(path, sheet="2022").df["GDP"].tolist() == [1]
    with pytest.raises(LayerLoadError, match="'readme'.*empty"):
        read_table(path, sheet="readme")
    with pytest.raises(LayerLoadError, match="no sheet named 'x'"):
        read_table(path, sheet="x")


def test_number_text():
    assert parse_number("1,234.5亿元") == (1234.5, "亿元")
    assert parse_number("１２３４") == (1234.0, "")
    assert parse_number("12.5%") == (12.5, "%")
    assert parse_number("1，234") == (1234.0, "")
    assert parse_number("about 3") is None
    assert parse_number("12,34") is None      # not a thousands separator


def test_number_columns_parsed_or_reported(counties):
    # invented data
    t = table([["110108", "1,234", "１２", "3亿元", "n/a", "-"],
               ["110102", "5,678.5", "７", "4万元", "text", "9"],
               ["110105", "-", "3", "5亿元", "words", "10"],
               ["110106", "10", "1", "6亿元", "more", "11"],
               ["110109", "12", "2", "7亿元", "8", "12"]],
              ["code", "sep", "fullwidth", "mixed", "mostly_text", "dash"])
    rep = J.match_table(t, counties)
    problems = {n.column for n in rep.notes if n.problem}
    assert problems == {"mixed", "mostly_text"}
    assert any("mostly text" in n.text and "invented.csv" in n.text for n in rep.notes)
    res = J.apply_join(t, counties, rep)
    g = res.gdf.set_index("code")
    assert g.loc["110102", "sep"] == 5678.5 and pd.isna(g.loc["110105", "sep"])
    assert g.loc["110108", "fullwidth"] == 12 and str(g["fullwidth"].dtype) == "Int64"
    assert g.loc["110108", "mixed"] == "3亿元"     # kept as text, reported
    assert g.loc["110102", "dash"] == 9 and pd.isna(g.loc["110108", "dash"])


def test_bad_input_is_named(counties, tmp_path):
    with pytest.raises(J.JoinError, match=r"'invented.csv': no usable key column"):
        J.match_table(table([["x", 1], ["y", 2]], ["a", "b"]), counties)
    mixed = table([["110108", 1], ["110102", 2], ["丰台区", 3], ["朝阳区", 4]], ["key", "v"])
    with pytest.raises(J.JoinError, match=r"key column 'key' mixes codes \(2 rows\) and names"):
        J.match_table(mixed, counties, key="key")
    dup = table([["海淀区", 1], ["海淀区", 2]], ["name", "v"])
    with pytest.raises(J.JoinError, match=r"duplicate keys \('海淀区' in rows 1, 2\)"):
        J.match_table(dup, counties)
    with pytest.raises(J.JoinError, match="has no column 'nope'"):
        J.match_table(dup, counties, key="nope")
    empty = tmp_path / "empty.csv"
    empty.write_text("code,v\n")
    with pytest.raises(LayerLoadError, match="empty.csv.*no data rows"):
        read_table(empty)


def test_joined_columns_never_overwrite_the_layer(counties):
    # invented data: a table with its own "name_zh" and "code" columns
    t = table([["110108", "海淀", 5]], ["code", "name_zh", "v"])
    rep = J.match_table(t, counties, key="code")
    res = J.apply_join(t, counties, rep)
    g = res.gdf.set_index("code")
    assert g.loc["110108", "name_zh"] == "海淀区"
    assert g.loc["110108", "name_zh_table"] == "海淀"
    assert "code_table" in res.columns and len(res.gdf) == 199


def test_class_breaks_for_humans():
    from jjjmap.render.legendfmt import class_label, human_number, legend_header
    from jjjmap.model import Style

    assert human_number(1234, "en") == "1.23k" and human_number(1234, "zh") == "1234"
    assert human_number(34000, "zh") == "3.4万" and human_number(34000, "en") == "34k"
    assert human_number(2.5e8, "zh") == "2.5亿" and human_number(2.5e9, "en") == "2.5B"
    assert human_number(0.0123, "en") == "0.0123" and human_number(-1500, "en") == "-1.5k"
    assert class_label(10, 1.2e6, "en") == "10 – 1.2M"
    st = Style(field="gdp", legend_title="GDP", units="亿元")
    assert legend_header(st, "en") == "GDP (亿元)" and legend_header(st, "zh") == "GDP（亿元）"
    assert legend_header(Style(field="gdp"), "en") == "gdp"
