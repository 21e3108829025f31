"""How a table's key cell is read: administrative codes, Chinese names, English or pinyin names,
and the districts renamed or merged since 2009.

Statistical tables name a county in many ways: ``130104``, ``130104.0``, ``130104000000``
(a 12-digit statistical code), ``桥西区``, ``桥西``, ``石家庄市桥西区``, ``Qiaoxi District``,
``qiaoxi qu``. Each helper here turns one of those into a comparable form; it never decides
which feature a row belongs to (that is ``analysis.join``, which reports every decision).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# Longest first, so that 满族自治县 is removed whole and not as 县.
ZH_SUFFIXES = ("满族蒙古族自治县", "满族自治县", "回族自治县", "自治县", "新区", "特别行政区",
               "自治区", "直辖市", "地区", "省", "市", "区", "县")
EN_SUFFIXES = ("manchu and mongol autonomous county", "manchu autonomous county",
               "hui autonomous county", "autonomous county", "new area", "municipality",
               "province", "district", "county", "city", "xinqu", "sheng", "shi", "qu", "xian")
# Rows such as 合计 / 全省 are totals, not places; the report says so instead of "unmatched".
TOTAL_WORDS = {"合计", "总计", "全省", "全市", "全区", "全国", "小计", "total", "sum", "all"}
# What a missing cell is written as in Chinese statistical yearbooks and spreadsheets.
MISSING_TEXT = {"", "-", "--", "—", "——", "…", "...", "na", "n/a", "nan", "null", "none",
                "无", "缺", "空"}
# Province code prefixes of the region: 11 Beijing, 12 Tianjin, 13 Hebei.
REGION_PROVINCES = ("11", "12", "13")


def nfkc(value) -> str:
    """Full-width digits, letters and punctuation as plain ASCII; outer spaces removed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd
        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:   # pragma: no cover - pandas is a dependency
        pass
    return nfkc(value).lower() in MISSING_TEXT


@dataclass(frozen=True)
class Code:
    code: str          # the 6-digit county/prefecture/province code
    rule: str | None   # None: written as 6 digits; else how it was read


def read_code(value) -> Code | None:
    """A 6-digit code from ``110108``, ``110108.0`` (a number cell), ``１１０１０８``, or a 9- or
    12-digit statistical code (township / village level: its first 6 digits are the county)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or hasattr(value, "dtype") and "int" in str(value.dtype):
        digits, rule = str(int(value)), None
    elif isinstance(value, float) and math.isfinite(value) and float(value).is_integer():
        digits, rule = str(int(value)), "code written as a number"
    else:
        text = re.sub(r"\s+", "", nfkc(value))
        if re.fullmatch(r"\d+\.0+", text):
            text, rule = text.split(".")[0], "code written as a number"
        else:
            rule = None
        if not text.isdigit() or not text.isascii():
            return None
        digits = text
    if len(digits) == 6:
        return Code(digits, rule)
    if len(digits) in (9, 12):
        return Code(digits[:6], f"first 6 digits of a {len(digits)}-digit statistical code")
    return None


def looks_like_code(value) -> bool:
    """Digits only (any length): the cell is meant as a code, even when not a valid one."""
    if isinstance(value, bool) or is_missing(value):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(re.fullmatch(r"\d+(\.0+)?", re.sub(r"\s+", "", nfkc(value))))


def zh_full(value) -> str:
    return re.sub(r"\s+", "", nfkc(value))


def zh_short(value) -> str:
    """桥西区 -> 桥西, 青龙满族自治县 -> 青龙, 滨海新区 -> 滨海; one character is kept (赵县 -> 赵)."""
    text = zh_full(value)
    for suffix in ZH_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def en_full(value) -> str:
    """"Chang'an District" -> "changan district" (apostrophes, hyphens and case ignored)."""
    text = nfkc(value).lower()
    text = re.sub(r"['’`ʼ\-_.]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def en_short(value) -> str:
    """"Haidian District", "haidian qu", "Haidian" -> "haidian"."""
    text = en_full(value)
    for suffix in EN_SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1].strip()
            break
    return text.replace(" ", "")


def has_han(value) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(value))


def is_total(value) -> bool:
    text = nfkc(value).lower()
    return text in TOTAL_WORDS or zh_short(text) in TOTAL_WORDS


def outside_region(code: str) -> bool:
    return code[:2] not in REGION_PROVINCES


# ---- renamed and merged districts ------------------------------------------------------

MCA = ("Ministry of Civil Affairs of the PRC, annual list of changes to county-level and "
       "higher administrative divisions (民政部《{year}年县级以上行政区划变更情况》)")


@dataclass(frozen=True)
class Rename:
    old_zh: str
    old_en: str          # the old name's pinyin base, as en_short gives it
    old_code: str        # the code the old unit had ('' when it kept its code)
    new_codes: tuple[str, ...]   # current feature(s); two or more: split, never guessed
    year: int
    source: str

    @property
    def kind(self) -> str:
        return "split between" if len(self.new_codes) > 1 else "now"


def _r(old_zh, old_en, old_code, new, year) -> Rename:
    new_codes = tuple(new) if isinstance(new, (tuple, list)) else (new,)
    return Rename(old_zh, old_en, old_code, new_codes, year, MCA.format(year=year))


# Only changes whose old name, old code and successor are certain. The State Council approvals
# (国务院批复) are listed by the Ministry of Civil Affairs in the year they took effect; the
# 2014 Shijiazhuang approval also read out at the city's meeting of 2014-09-23 (reported by
# Hebei News) says how 桥东区 was divided. Counties that were abolished and divided in ways
# we could not confirm (邯郸县 2016, 邢台县 2020) are left out: they stay unmatched.
RENAMES: tuple[Rename, ...] = (
    # Beijing
    _r("崇文区", "chongwen", "110103", "110101", 2010),
    _r("宣武区", "xuanwu", "110104", "110102", 2010),
    _r("密云县", "miyun", "110228", "110118", 2015),
    _r("延庆县", "yanqing", "110229", "110119", 2015),
    # Tianjin
    _r("塘沽区", "tanggu", "120107", "120116", 2009),
    _r("汉沽区", "hangu", "120108", "120116", 2009),
    _r("大港区", "dagang", "120109", "120116", 2009),
    _r("宁河县", "ninghe", "120221", "120117", 2015),
    _r("静海县", "jinghai", "120223", "120118", 2015),
    _r("蓟县", "ji", "120225", "120119", 2016),
    # Shijiazhuang (2014)
    _r("藁城市", "gaocheng", "130182", "130109", 2014),
    _r("鹿泉市", "luquan", "130185", "130110", 2014),
    _r("栾城县", "luancheng", "130124", "130111", 2014),
    _r("桥东区", "qiaodong", "130103", ("130102", "130104"), 2014),
    # Tangshan
    _r("唐海县", "tanghai", "130230", "130209", 2012),
    _r("滦县", "luan", "130223", "130284", 2018),
    # Qinhuangdao
    _r("抚宁县", "funing", "130323", "130306", 2015),
    # Handan
    _r("肥乡县", "feixiang", "130428", "130407", 2016),
    _r("永年县", "yongnian", "130429", "130408", 2016),
    # Xingtai (2020): the two districts kept their codes under new names
    _r("桥东区", "qiaodong", "", "130502", 2020),
    _r("桥西区", "qiaoxi", "", "130503", 2020),
    _r("任县", "ren", "130526", "130505", 2020),
    _r("南和县", "nanhe", "130527", "130506", 2020),
    # Baoding (2015)
    _r("新市区", "xinshi", "", "130602", 2015),
    _r("北市区", "beishi", "130603", "130606", 2015),
    _r("南市区", "nanshi", "130604", "130606", 2015),
    _r("满城县", "mancheng", "130621", "130607", 2015),
    _r("清苑县", "qingyuan", "130622", "130608", 2015),
    _r("徐水县", "xushui", "130625", "130609", 2015),
    # Zhangjiakou (2016)
    _r("宣化县", "xuanhua", "130721", "130705", 2016),
    _r("万全县", "wanquan", "130729", "130708", 2016),
    _r("崇礼县", "chongli", "130733", "130709", 2016),
    # Chengde
    _r("平泉县", "pingquan", "130823", "130881", 2017),
    # Hengshui
    _r("冀州市", "jizhou", "131181", "131103", 2016),
)

# The old unit's prefecture (first 4 digits + 00) for renames that kept their code.
# Beijing and Tianjin are both a province-level unit and their own prefecture-level city.
MUNICIPALITIES = {"110000": "110100", "120000": "120100", "110100": "110000",
                  "120100": "120000"}
