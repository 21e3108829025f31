"""Colour by a field for view-driven PostGIS layers (Qt-free).

A file layer's classes come from all its rows (render.vectors.colour_classes). A layer that
stays on the server is classified once from a sample of the field (``SAMPLE_ROWS`` values:
``TABLESAMPLE SYSTEM`` of a table, the first rows of a view or query), with the very same
function, so the legend reads like a file layer's. Each view request then carries the field's
value with every feature and the value is put in its class here: categorized by the sample's
categories (values the sample never met: "other"), graduated by the sample's class breaks
(values beyond the outer breaks fall in the outer classes). The legend says when its classes
come from a sample. Aggregated grid cells are not coloured by the field (one colour: a cell
mixes values).
"""
from __future__ import annotations

import numpy as np

from jjjmap.model import Style

SAMPLE_ROWS = 100_000


class Classes:
    """Class index per value, the class colours and the legend entries (colour_classes')."""

    def __init__(self, style: Style, sample: list, lang: str, sampled: bool):
        import pandas as pd

        from .vectors import NO_DATA_COLOR, OTHER_COLOR, colour_classes
        from .common import text as value_text

        self.field, self.mode, self.sampled = style.field, style.mode, sampled
        frame = pd.DataFrame({style.field: pd.Series(sample, dtype=object)})
        if style.mode == "graduated":
            frame[style.field] = pd.to_numeric(frame[style.field], errors="coerce")
        idx, colours, legend = colour_classes(frame, style, lang)
        self.colours, self.legend = list(colours), list(legend)
        self._text = value_text
        self.bins = None
        self.lut: dict[str, int] = {}
        if style.mode == "graduated" and len(colours) > 1:
            y = frame[style.field].to_numpy(dtype=float, na_value=np.nan)
            ok = np.isfinite(y)
            import mapclassify   # the same breaks colour_classes drew the legend with

            k = max(2, min(int(style.k), np.unique(y[ok]).size))
            scheme = {"quantiles": "quantiles", "equal_interval": "equal_interval",
                      "natural_breaks": "natural_breaks", "fisher_jenks": "fisher_jenks"}.get(
                style.scheme, "quantiles")
            self.bins = np.asarray(mapclassify.classify(y[ok], scheme, k=k).bins, dtype=float)
            k = len(self.bins)
            self.no_data = k
            if len(self.colours) <= k:
                self.colours.append(NO_DATA_COLOR)
        elif style.mode == "categorized" and len(colours) > 1:
            for v, c in zip(frame[style.field], idx):
                self.lut.setdefault(value_text(v) if v is not None else "", int(c))
            self.other = len(self.colours)
            if OTHER_COLOR in self.colours[-1:] and any(e.get("color") == OTHER_COLOR
                                                         for e in legend[-1:]):
                self.other = len(self.colours) - 1
            else:
                self.colours.append(OTHER_COLOR)
                self.legend.append({"label": "other" if lang == "en" else "其他",
                                    "color": OTHER_COLOR})
        else:
            self.mode = "single"

    @property
    def active(self) -> bool:
        return self.mode in ("graduated", "categorized")

    def index(self, values) -> np.ndarray:
        """The class of each value (uint16)."""
        if self.mode == "graduated":
            import pandas as pd

            y = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce") \
                .to_numpy(dtype=float, na_value=np.nan)
            out = np.searchsorted(self.bins, y, side="left").clip(0, len(self.bins) - 1)
            out[~np.isfinite(y)] = self.no_data
            return out.astype(np.uint16)
        if self.mode == "categorized":
            return np.array([self.lut.get(self._text(v) if v is not None else "", self.other)
                             for v in values], dtype=np.uint16)
        return np.zeros(len(values), dtype=np.uint16)


def classes_for(layer, lang: str) -> Classes | None:
    """The layer's classes for its current style, or None (single colour). Cached on the
    layer's source per style and language: the sample is read once."""
    style = layer.style
    source = layer.meta["pg_source"]
    if style.mode not in ("graduated", "categorized") or style.field not in source.res.columns:
        return None
    key = (style.mode, style.field, style.scheme, style.k, style.cmap,
           tuple(sorted(style.categories.items())), lang)
    cache = source.__dict__.setdefault("_classes", {})
    if key not in cache:
        sample, sampled = source.sample_values(style.field, SAMPLE_ROWS)
        cache.clear()
        cache[key] = Classes(style, sample, lang, sampled)
    found = cache[key]
    return found if found.active else None
