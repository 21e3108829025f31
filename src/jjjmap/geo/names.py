"""English (Hanyu Pinyin) names of Chinese administrative units.

The rule is the official romanisation: the specific part of the name in pinyin without tones,
written as one word, with an apostrophe before a syllable starting with a, o or e (Chang'an,
Wu'an) so the syllable split stays unambiguous, followed by the translated generic part
(District, County, City, Mining District, New Area, ... Autonomous County). pypinyin picks the
reading of each character; place names with a reading it gets wrong (乐亭 is Laoting, 蔚县 is
Yu County) are listed in ``READINGS``. Provinces and municipalities use their usual English
names without a generic (Beijing, Tianjin, Hebei).
"""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Specific names whose pypinyin reading is wrong or doubtful, as syllables.
READINGS: dict[str, list[str]] = {
    "乐亭": ["lao", "ting"],
    "蔚": ["yu"],
    "行唐": ["xing", "tang"],
    "朝阳": ["chao", "yang"],
    "长安": ["chang", "an"],
    "柏乡": ["bai", "xiang"],
    "泊头": ["bo", "tou"],
    "蠡": ["li"],
    "曲阳": ["qu", "yang"],
    "曲周": ["qu", "zhou"],
    "大城": ["da", "cheng"],
    "大名": ["da", "ming"],
    "大厂": ["da", "chang"],
    "任丘": ["ren", "qiu"],
    "任泽": ["ren", "ze"],
    "井陉": ["jing", "xing"],
    "藁城": ["gao", "cheng"],
    "涞水": ["lai", "shui"],
    "涞源": ["lai", "yuan"],
    "阜平": ["fu", "ping"],
    "阜城": ["fu", "cheng"],
    "巨鹿": ["ju", "lu"],
    "涿鹿": ["zhuo", "lu"],
    "鹿泉": ["lu", "quan"],
    "南和": ["nan", "he"],
    "宁晋": ["ning", "jin"],
    "单": ["shan"],
    "都": ["du"],
    "坻": ["di"],
}

# Whole names with a customary English form.
SPECIAL: dict[str, str] = {
    "北京市": "Beijing",
    "天津市": "Tianjin",
    "河北省": "Hebei",
    "雄安新区": "Xiongan New Area",
}

# Generic parts, longest first so 满族自治县 wins over 县 and 矿区 over 区.
GENERICS: list[tuple[str, str]] = [
    ("满族蒙古族自治县", "Manchu and Mongol Autonomous County"),
    ("满族自治县", "Manchu Autonomous County"),
    ("回族自治县", "Hui Autonomous County"),
    ("蒙古族自治县", "Mongol Autonomous County"),
    ("自治县", "Autonomous County"),
    ("矿区", "Mining District"),
    ("新区", "New Area"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
    ("省", "Province"),
]


def syllables(specific: str) -> list[str]:
    """Toneless pinyin syllables of a specific name, with the place-name readings applied."""
    out: list[str] = []
    i = 0
    keys = sorted(READINGS, key=len, reverse=True)
    while i < len(specific):
        for key in keys:
            if specific.startswith(key, i):
                out.extend(READINGS[key])
                i += len(key)
                break
        else:
            out.extend(lazy_pinyin(specific[i], style=Style.NORMAL, v_to_u=False,
                                   errors="ignore"))
            i += 1
    return [s.replace("v", "ü") for s in out]


def pinyin_word(specific: str) -> str:
    """``长安`` -> ``Chang'an``: one capitalised word, apostrophes where syllables are ambiguous."""
    parts = syllables(specific)
    word = parts[0] if parts else ""
    for syl in parts[1:]:
        word += ("'" if syl[:1] in ("a", "o", "e") else "") + syl
    return word[:1].upper() + word[1:]


def english_name(name_zh: str) -> str:
    """English name of an administrative unit from its Chinese name (see module doc)."""
    if name_zh in SPECIAL:
        return SPECIAL[name_zh]
    for generic, english in GENERICS:
        if name_zh.endswith(generic) and len(name_zh) > len(generic):
            return f"{pinyin_word(name_zh[: -len(generic)])} {english}"
    return pinyin_word(name_zh)
