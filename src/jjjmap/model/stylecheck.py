"""What a style from a file may hold: checked before it becomes a Style.

Style values end up in the page's CSS and SVG attributes, and a project or style file is a
stranger's file: a "colour" of ``url(http://...)`` would make the page call out. Colours are
hex, ``rgb()``/``rgba()`` of plain numbers, or CSS colour names; numbers are finite and in
range; names are known. Every problem is a ``ValueError`` worded for the user.
"""
from __future__ import annotations

import math
import re
from typing import Any

# CSS Color Module Level 4, named colours (the 148 names) plus "transparent".
CSS_COLOUR_NAMES = frozenset("""
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen
transparent
""".split())

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_NUM = r"\s*(?:\d{1,3}(?:\.\d+)?|\.\d+)%?\s*"
_ALPHA = r"\s*(?:\d(?:\.\d+)?|\.\d+|\d{1,3}(?:\.\d+)?%)\s*"
_RGB = re.compile(rf"rgba?\({_NUM},{_NUM},{_NUM}(?:,{_ALPHA})?\)"
                  rf"|rgba?\({_NUM} {_NUM} {_NUM}(?:/{_ALPHA})?\)", re.IGNORECASE)
_DASH = re.compile(r"\d{1,4}(?:\.\d+)?(?:[ ,]+\d{1,4}(?:\.\d+)?){0,15}")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")

MODES = ("single", "categorized", "graduated")
SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "fisher_jenks")
MAX_TEXT = 1000          # a field name
MAX_ITEMS = 10_000       # categories, tooltip fields

# option -> (minimum, maximum) for numbers
_RANGES = {"weight": (0.0, 100.0), "fill_opacity": (0.0, 1.0), "radius": (0.0, 500.0)}


def is_colour(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 64:
        return False
    text = value.strip()
    return bool(_HEX.fullmatch(text) or _RGB.fullmatch(text)
                or text.lower() in CSS_COLOUR_NAMES)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _colour(name: str, value: Any) -> None:
    if not is_colour(value):
        raise ValueError(f"the style option {name!r} must be a colour (#rrggbb, rgb(...) or a "
                         f"CSS colour name), not {_shown(value)}")


def _number(name: str, value: Any) -> None:
    lo, hi = _RANGES[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"the style option {name!r} must be a number from {lo:g} to {hi:g}, "
                         f"not {_shown(value)}")


def _text(name: str, value: Any, optional: bool = True) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError(f"the style option {name!r} must be a field name, not {_shown(value)}")


def _one_of(name: str, value: Any, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"the style option {name!r} must be one of {', '.join(allowed)}, "
                         f"not {_shown(value)}")


def check_style_dict(data: dict[str, Any]) -> None:
    """ValueError naming the first option of ``data`` that a Style cannot take."""
    if not isinstance(data, dict):
        raise ValueError("a style must be an object of style options")
    for name, value in data.items():
        if name == "mode":
            _one_of(name, value, MODES)
        elif name == "scheme":
            _one_of(name, value, SCHEMES)
        elif name in ("color", "fill_color"):
            if not (value is None and name == "fill_color"):
                _colour(name, value)
        elif name in _RANGES:
            _number(name, value)
        elif name == "k":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 32:
                raise ValueError(f"the style option 'k' (classes) must be a whole number from "
                                 f"1 to 32, not {_shown(value)}")
        elif name == "cmap":
            if not isinstance(value, str) or not _NAME.fullmatch(value):
                raise ValueError(f"the style option 'cmap' must be a colour ramp name, "
                                 f"not {_shown(value)}")
        elif name == "dash":
            if value is not None and (not isinstance(value, str)
                                      or not _DASH.fullmatch(value.strip())):
                raise ValueError(f"the style option 'dash' must be dash lengths such as "
                                 f"'4 4', not {_shown(value)}")
        elif name in ("field", "radius_field", "label_field"):
            _text(name, value)
        elif name == "tooltip_fields":
            if not isinstance(value, list) or len(value) > MAX_ITEMS:
                raise ValueError("the style option 'tooltip_fields' must be a list of field "
                                 "names")
            for item in value:
                _text(name, item, optional=False)
        elif name == "categories":
            if not isinstance(value, dict) or len(value) > MAX_ITEMS:
                raise ValueError("the style option 'categories' must map values to colours")
            for key, colour in value.items():
                if len(str(key)) > MAX_TEXT:
                    raise ValueError("a category value of the style is too long")
                _colour(f"categories[{str(key)[:40]!r}]", colour)
        # options added later are checked where they are defined


__all__ = ["CSS_COLOUR_NAMES", "check_style_dict", "is_colour"]
