"""The time slider's share of a layer spec: each feature's date, by row, for the page.

Any layer whose style names a ``time_field`` (the built-in institutions default to
``year_announced``) gets a ``time`` entry; the page (resources/web/jjj-time.js) draws one
slider under the map for all such layers and hides features outside the chosen range live,
without a re-render, in the app and in exported HTML alike. Dates travel as base64 Float32
days since 1970-01-01 indexed by the layer's row (NaN: no date), so a drawn feature finds
its date through the row it already carries.
"""
from __future__ import annotations

import base64

import numpy as np

from jjjmap.analysis.timefields import TimeValues, read_time
from jjjmap.fieldnames import field_label
from jjjmap.model import Layer

from .specs import TimeSpec

# layers that have a slider unless their style says otherwise (time_field = "")
DEFAULT_TIME_FIELD = {"institutions": "year_announced"}

TIME_UI = {
    "en": {"play": "Play", "pause": "Pause", "from": "from", "to": "to", "step": "Step",
           "year": "year", "month": "month", "day": "day", "speed": "Speed",
           "cumulative": "cumulative", "window": "window", "mode": "Mode",
           "undated_year": "%n without a year", "undated_date": "%n without a date",
           "show_undated": "show them", "shown": "%s of %t shown", "time": "Time",
           "no_dates": "no readable dates"},
    "zh": {"play": "播放", "pause": "暂停", "from": "自", "to": "至", "step": "步长",
           "year": "年", "month": "月", "day": "日", "speed": "速度",
           "cumulative": "累计", "window": "时间窗", "mode": "方式",
           "undated_year": "%n 个无年份", "undated_date": "%n 个无日期",
           "show_undated": "仍显示", "shown": "显示 %s / %t", "time": "时间",
           "no_dates": "没有可读的日期"},
}


def time_field_of(layer: Layer) -> str | None:
    """The field the layer's slider uses, or None (no slider)."""
    chosen = layer.style.time_field
    if chosen is None:
        chosen = DEFAULT_TIME_FIELD.get(layer.kind)
    if not chosen or chosen not in layer.table.columns:
        return None
    return chosen


def layer_time(layer: Layer) -> TimeValues | None:
    field = time_field_of(layer)
    return None if field is None else read_time(layer.table[field], field)


def time_spec(layer: Layer, lang: str) -> TimeSpec | None:
    """The ``time`` entry of the layer's spec, or None when it has no slider."""
    tv = layer_time(layer)
    if tv is None:
        return None
    days = tv.days.astype(np.float32)
    span = tv.span()
    return TimeSpec(
        column=tv.field, label=field_label(layer, tv.field, lang),
        days=base64.b64encode(days.tobytes()).decode("ascii"),
        count=len(days), unit=tv.unit, step=layer.style.time_step or tv.step(),
        mode=layer.style.time_mode, span=list(span) if span else None,
        shown_range=list(layer.style.time_range) if layer.style.time_range else None,
        undated=tv.undated, ui=TIME_UI.get(lang, TIME_UI["en"]))


__all__ = ["time_spec", "time_field_of", "layer_time", "DEFAULT_TIME_FIELD", "TIME_UI"]
