"""How a layer is drawn. Plain data, so it serialises into project files and style files."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from dataclasses import field as _field
import re
from typing import Any, Literal

StyleMode = Literal["single", "categorized", "graduated"]
Renderer = Literal["points", "heatmap", "hexbin"]
RENDERERS = ("points", "heatmap", "hexbin")
HEX_STATS = ("count", "sum", "mean")
TIME_STEPS = ("year", "month", "day")
TIME_MODES = ("cumulative", "window")
# a period of the time slider as the page labels it: a year ("2017"), a month ("2017-03")
# or a day ("2017-03-05"); years may be 0 or negative (the page's Date can show them)
_TIME_LABEL = re.compile(r"-?\d{1,6}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def valid_time_label(value) -> bool:
    return isinstance(value, str) and bool(_TIME_LABEL.fullmatch(value))


@dataclass
class Style:
    mode: StyleMode = "single"
    color: str = "#3366cc"          # stroke colour, or the point colour
    fill_color: str | None = None   # None: same as color
    weight: float = 1.5             # stroke width in px
    fill_opacity: float = 0.3
    dash: str | None = None         # Leaflet dashArray, e.g. "4 4"
    radius: float = 6.0             # point radius in px
    radius_field: str | None = None # scale point size by this numeric field
    field: str | None = None        # categorized / graduated field
    scheme: str = "quantiles"       # mapclassify scheme for graduated
    k: int = 5                      # classes for graduated
    cmap: str = "YlOrRd"            # colour ramp name (matplotlib / branca names)
    categories: dict[str, str] = _field(default_factory=dict)  # value -> colour overrides
    label_field: str | None = None  # permanent label from this field
    tooltip_fields: list[str] = _field(default_factory=list)
    legend_title: str | None = None # the legend's heading for a categorized / graduated map
    units: str | None = None        # shown after the heading, e.g. "亿元"
    # density and time (render/density.py, render/timefilter.py)
    renderer: Renderer = "points"   # how a point layer is drawn
    weight_field: str | None = None # heatmap weight / hexbin sum and mean
    heat_radius: float = 18.0       # heatmap kernel radius in px
    heat_intensity: float = 1.0     # heatmap: >1 saturates sooner
    hex_resolution: int | None = None  # fixed H3 resolution; None: follows the zoom
    hex_stat: str = "count"         # hexbin colour: count, or sum / mean of weight_field
    time_field: str | None = None   # time slider on this field; None: the layer's default
                                    # (the built-in institutions: year_announced), "": off
    time_step: str | None = None    # slider step; None: picked from the dates' span
    time_mode: str = "cumulative"   # playback grows the range, or moves a window
    time_range: list[str] | None = None  # slider range [from, to] as period labels
                                    # ("2017", "2017-03", "2017-03-05"); None: all of it
    spread_stacked: bool = True     # points on one spot are drawn spread around it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Style":
        """A Style from a project or style file: ValueError for an unknown option or a value
        it cannot take (colours, numbers, names: see model.stylecheck)."""
        from .stylecheck import check_style_dict

        if not isinstance(data, dict):
            raise ValueError("a style must be an object of style options")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown style option(s): {', '.join(sorted(unknown))}")
        check_style_dict(data)
        data = dict(data)
        if "tooltip_fields" in data:
            data["tooltip_fields"] = list(data["tooltip_fields"])
        if "categories" in data:
            data["categories"] = dict(data["categories"])
        if isinstance(data.get("time_range"), (list, tuple)):   # a year may be a number
            data["time_range"] = [str(v) if isinstance(v, int) and not isinstance(v, bool)
                                  else v for v in data["time_range"]]
        style = cls(**data)
        style.validate()
        return style

    def validate(self) -> None:
        """ValueError, worded for a style file's author, if an option is out of range."""
        def one_of(name, allowed, optional=False):
            value = getattr(self, name)
            if (value is None and optional) or value in allowed:
                return
            raise ValueError(f"style option {name} = {value!r}: expected one of "
                             + ", ".join(repr(a) for a in allowed))

        def number(name, lo, hi):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not lo <= value <= hi:
                raise ValueError(f"style option {name} = {value!r}: expected a number "
                                 f"from {lo} to {hi}")

        one_of("renderer", RENDERERS)
        one_of("hex_stat", HEX_STATS)
        one_of("time_step", TIME_STEPS, optional=True)
        one_of("time_mode", TIME_MODES)
        number("heat_radius", 1, 200)
        number("heat_intensity", 0.01, 100)
        if self.hex_resolution is not None:
            if isinstance(self.hex_resolution, bool) or not isinstance(self.hex_resolution, int) \
                    or not 0 <= self.hex_resolution <= 15:
                raise ValueError(f"style option hex_resolution = {self.hex_resolution!r}: "
                                 "expected a whole number from 0 to 15 (H3 resolution)")
        for name in ("weight_field", "time_field"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"style option {name} = {value!r}: expected a field name")
        if self.time_range is not None and not (
                isinstance(self.time_range, list) and len(self.time_range) == 2
                and all(valid_time_label(v) for v in self.time_range)):
            raise ValueError(f"style option time_range = {self.time_range!r}: expected "
                             '[from, to] as years or dates, e.g. ["2017", "2019"] or '
                             '["2017-03", "2018-12"]')
        if not isinstance(self.spread_stacked, bool):
            raise ValueError(f"style option spread_stacked = {self.spread_stacked!r}: "
                             "expected true or false")
