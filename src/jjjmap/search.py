"""Find features by Chinese name, English name or pinyin (with or without tones, partial).

Qt-free: the GUI's search box and any script use the same index. Every text column whose name
looks like a name (``name``, ``name_zh``, ``名称`` ...) is indexed; Chinese text is also indexed
by its toneless pinyin, so "xiong an", "xióng'ān", "xiong2an1" and "雄安" meet the same feature.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from pypinyin import lazy_pinyin

from jjjmap.model import MapDocument

_CJK = re.compile(r"[\u3400-\u9fff]")
_NAME_COLUMN = re.compile(r"(^|_)(name|title|label)(_|$)|名称|名字|地名|标题", re.IGNORECASE)
# Boundaries first: a place name most often means the place, not a point named after it.
_KIND_RANK = {"boundary": 0, "vector": 1, "clusters": 2, "institutions": 2}


def fold(text: str) -> str:
    """Lower case ASCII letters and digits only: no tones, spaces, apostrophes or tone numbers."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]", "", ascii_only.lower().replace("ü", "v"))


def _keys(text: str) -> tuple[str, tuple[str, ...]]:
    """(Chinese characters, folded Latin forms) of a name; pinyin stands in for Chinese."""
    text = str(text)
    han = "".join(_CJK.findall(text))
    latin = [fold(text)] if fold(text) else []
    if han:
        latin.append("".join(lazy_pinyin(han)))
    return han, tuple(latin)


@dataclass(frozen=True)
class Hit:
    layer_id: str
    row: int            # positional index in the layer's GeoDataFrame
    label: str          # the matched name as written
    layer_title: str
    score: tuple        # lower is better


def name_columns(df: pd.DataFrame) -> list[str]:
    geometry = df.geometry.name
    return [c for c in df.columns
            if c != geometry and _NAME_COLUMN.search(str(c))
            and (pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c]))]


class SearchIndex:
    def __init__(self, doc: MapDocument):
        self._entries: list[tuple[str, str, str, str, int, str, int]] = []
        for order, layer in enumerate(doc.layers):
            gdf = layer.gdf
            for column in name_columns(gdf):
                for row, value in enumerate(gdf[column].tolist()):
                    if not isinstance(value, str) or not value.strip():
                        continue
                    han, latin = _keys(value)
                    self._entries.append((han, latin, value, layer.id, row,
                                          layer.title(doc.lang), _KIND_RANK.get(layer.kind, 1) * 100 + order))

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, query: str, limit: int = 20) -> list[Hit]:
        """Matches ranked: exact before prefix before inside, boundaries before points."""
        query = query.strip()
        q_han = "".join(_CJK.findall(query))
        q_latin = "" if q_han else fold(query)
        if not (q_han or q_latin):
            return []
        hits: dict[tuple[str, int], Hit] = {}
        for han, latin, label, layer_id, row, title, rank in self._entries:
            texts = (han,) if q_han else latin
            q = q_han or q_latin
            found = [(0 if t == q else 1, 0 if t.startswith(q) else 1) for t in texts if q in t]
            if not found:
                continue
            score = (*min(found), rank, len(label))
            key = (layer_id, row)
            if key not in hits or score < hits[key].score:
                hits[key] = Hit(layer_id, row, label, title, score)
        return sorted(hits.values(), key=lambda h: h.score)[:limit]
