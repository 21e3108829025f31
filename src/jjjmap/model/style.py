"""How a layer is drawn. Plain data, so it serialises into project files and style files."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from dataclasses import field as _field
from typing import Any, Literal

StyleMode = Literal["single", "categorized", "graduated"]


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
        return cls(**data)
