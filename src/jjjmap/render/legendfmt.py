"""Class breaks written for people: 1.2k / 3.4M in English, 1.2万 / 3.4亿 in Chinese.

A legend of "12345.678 – 45678.9" makes the reader do arithmetic; three significant digits
and the unit words readers of each language use are enough to tell classes apart.
"""
from __future__ import annotations

import math

_EN = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
_ZH = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))


def _trim(v: float, digits: int = 3) -> str:
    if v == 0:
        return "0"
    places = max(0, digits - 1 - int(math.floor(math.log10(abs(v)))))
    text = f"{v:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def human_number(v: float, lang: str = "en") -> str:
    """1234 -> "1.23k" (en) / "1234" (zh); 34000 -> "34k" / "3.4万"; 0.0123 -> "0.0123"."""
    if v is None or not math.isfinite(v):
        return ""
    sign = "-" if v < 0 else ""
    a = abs(v)
    for size, word in (_ZH if lang == "zh" else _EN):
        if a >= size:
            return f"{sign}{_trim(a / size)}{word}"
    return sign + _trim(a, 3 if a < 1000 else 4)


def class_label(lo: float, hi: float, lang: str = "en") -> str:
    return f"{human_number(lo, lang)} – {human_number(hi, lang)}"


def legend_header(style, lang: str, layer=None) -> str:
    """The legend's title: the user's words, else the field (a built-in layer's by its display
    name, jjjmap.fieldnames); the unit in brackets."""
    from jjjmap.fieldnames import field_label

    field = field_label(layer, style.field, lang) if style.field else ""
    title = (getattr(style, "legend_title", None) or field or "").strip()
    units = (getattr(style, "units", None) or "").strip()
    if units:
        title = f"{title}（{units}）" if lang == "zh" else f"{title} ({units})"
    return title
