"""Find features by Chinese name, English name or pinyin (with or without tones, partial).

Qt-free: the GUI's search box and any script use the same index. Every text column whose name
looks like a name (``name``, ``name_zh``, ``名称`` ...) is indexed; Chinese text is also indexed
by its toneless pinyin, so "xiong an", "xióng'ān", "xiong2an1" and "雄安" meet the same feature,
and by its pinyin initials (hdq: 海淀区, zjk: 张家口市). Polyphonic characters are read as
pypinyin reads the phrase and, where place names read otherwise, as jjjmap.geo.names does
(泊头: botou as well as potou). A hit carries the feature's name in the interface language.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from pypinyin import lazy_pinyin

from jjjmap.lazy import LazyModule
from jjjmap.model import MapDocument

gpd = LazyModule("geopandas")

_SEP = "\x1f"   # joins an entry's forms: never in a folded form (a-z only)
_CJK = re.compile(r"[\u3400-\u9fff]")
_NAME_COLUMN = re.compile(r"(^|_)(name|title|label)(_|$)|名称|名字|地名|标题", re.IGNORECASE)
# Boundaries first: a place name most often means the place, not a point named after it.
_KIND_RANK = {"boundary": 0, "vector": 1, "clusters": 2, "institutions": 2}


def fold(text: str) -> str:
    """Lower case ASCII letters and digits only: no tones, spaces, apostrophes or tone numbers."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]", "", ascii_only.lower().replace("ü", "v"))


def _readings(han: str) -> list[list[str]]:
    """Toneless pinyin syllables of Chinese text: pypinyin's reading of the phrase, and where
    it differs, the place-name reading (泊头 is Botou, not Potou: jjjmap.geo.names)."""
    phrase = lazy_pinyin(han, errors="ignore")
    out = [phrase]
    if len(phrase) == len(han) and not _PLACE_STARTS.isdisjoint(han):
        place, i = list(phrase), 0
        while i < len(han):
            for key, syllables in _PLACE_READINGS.get(han[i], ()):
                if han.startswith(key, i):
                    place[i:i + len(key)] = syllables
                    i += len(key)
                    break
            else:
                i += 1
        if place != phrase:
            out.append(place)
    return out


@functools.lru_cache(maxsize=65536)
def _keys(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(Chinese characters, folded Latin forms, pinyin initials) of a name; pinyin stands in
    for Chinese, whole (haidianqu) or by initials (hdq)."""
    han = "".join(_CJK.findall(text))
    folded = fold(text)
    latin = [folded] if folded else []
    initials = []
    if han:
        for syllables in _readings(han):
            latin.append("".join(syllables))
            initials.append("".join([s[:1] for s in syllables]))
    return han, tuple(dict.fromkeys(latin)), tuple(dict.fromkeys(initials))


def _place_readings() -> dict[str, list[tuple[str, list[str]]]]:
    """geo.names.READINGS by first character, longest first (one syllable per character)."""
    from jjjmap.geo.names import READINGS

    out: dict[str, list[tuple[str, list[str]]]] = {}
    for key in sorted(READINGS, key=len, reverse=True):
        if len(READINGS[key]) == len(key):
            out.setdefault(key[0], []).append((key, list(READINGS[key])))
    return out


_PLACE_READINGS = _place_readings()
_PLACE_STARTS = frozenset(_PLACE_READINGS)


@dataclass(frozen=True)
class Hit:
    layer_id: str
    row: int            # positional index in the layer's GeoDataFrame
    label: str          # the matched name as written
    layer_title: str
    score: tuple        # lower is better
    name: str = ""      # the feature's name in the language asked for (label if it has one)
    other: str = ""     # its name in the other language, if it has one


def name_columns(df: pd.DataFrame) -> list[str]:
    """The name-like text columns of a layer's table (a GeoDataFrame or, for points held
    as arrays, the attribute frame: ``Layer.table``)."""
    geometry = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    return [c for c in df.columns
            if c != geometry and _NAME_COLUMN.search(str(c))
            and (pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c]))]


def names_in(names: tuple[str, ...], lang: str) -> tuple[str, str]:
    """(the name to list a feature by in ``lang``, its name in the other language or "").
    A Chinese name is one with Chinese characters; a feature with names of one kind only
    is listed by its first."""
    chinese = [n for n in names if _CJK.search(n)]
    latin = [n for n in names if not _CJK.search(n)]
    first, second = (chinese, latin) if lang == "zh" else (latin, chinese)
    if not first:
        return (names[0] if names else ""), ""
    return first[0], (second[0] if second else "")


class SearchIndex:
    def __init__(self, doc: MapDocument):
        self.lang = doc.lang
        self._layers = {layer.id: layer for layer in doc.layers}
        # per feature: (layer id, row, its names as written, rank)
        self._features: list[tuple[str, int, tuple[str, ...], int]] = []
        # per name: (Chinese characters, Latin forms, initials, the Latin forms and the initials
        # joined for a quick first test, name, feature number)
        self._entries: list[tuple] = []
        for order, layer in enumerate(doc.layers):
            gdf = layer.table   # points as arrays: no shapely Point built for a search
            rank = _KIND_RANK.get(layer.kind, 1) * 100 + order
            columns = [gdf[c].tolist() for c in name_columns(gdf)]
            for row, values in enumerate(zip(*columns)):
                names = tuple(dict.fromkeys(v for v in values
                                            if isinstance(v, str) and v.strip()))
                if not names:
                    continue
                number = len(self._features)
                self._features.append((layer.id, row, names, rank))
                for value in names:
                    han, latin, initials = _keys(value)
                    self._entries.append((han, latin, initials, _SEP.join(latin),
                                          _SEP + _SEP.join(initials) if initials else "",
                                          value, number))

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, query: str, limit: int = 20, lang: str | None = None) -> list[Hit]:
        """Matches ranked: exact before prefix before inside, boundaries before points; pinyin
        initials match whole or at the start. Hits are named in ``lang`` (default: the
        document's language when the index was built)."""
        lang = lang or self.lang
        query = query.strip()
        q_han = "".join(_CJK.findall(query))
        q_latin = "" if q_han else fold(query)
        if not (q_han or q_latin):
            return []
        q = q_han or q_latin
        best: dict[int, tuple[tuple, str]] = {}
        q_start = _SEP + q
        for han, latin, initials, latin_joined, initials_joined, label, number in self._entries:
            if q_han:
                if q not in han:
                    continue
                found = [(0 if han == q else 1, 0 if han.startswith(q) else 1, 0)]
            else:
                if q not in latin_joined and q_start not in initials_joined:
                    continue
                found = [(0 if t == q else 1, 0 if t.startswith(q) else 1, 0)
                         for t in latin if q in t]
                found += [(0 if t == q else 1, 0, 1) for t in initials if t.startswith(q)]
                if not found:
                    continue
            score = (*min(found), self._features[number][3], len(label))
            if number not in best or score < best[number][0]:
                best[number] = (score, label)
        hits = []
        for number, (score, label) in sorted(best.items(), key=lambda kv: kv[1][0])[:limit]:
            layer_id, row, names, _rank = self._features[number]
            name, other = names_in(names, lang)
            hits.append(Hit(layer_id, row, label, self._layers[layer_id].title(lang), score,
                            name, other))
        return hits
