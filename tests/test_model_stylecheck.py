"""Style values from a project or style file are checked in Style.from_dict (issue 20,
item 15): a colour is pasted into the page's CSS, so ``url(http://...)`` must never pass."""
from __future__ import annotations

import math

import pytest

from jjjmap.model import Style
from jjjmap.model.stylecheck import CSS_COLOUR_NAMES, is_colour


@pytest.mark.parametrize("colour", ["#3366cc", "#36c", "#3366cc80", "#FFF", "red",
                                    "RebeccaPurple", "transparent", "rgb(10, 20, 30)",
                                    "rgba(10,20,30,0.5)", "rgb(10% 20% 30% / 50%)"])
def test_colours_accepted(colour):
    assert Style.from_dict({"color": colour}).color == colour
    assert Style.from_dict({"categories": {"a": colour}}).categories == {"a": colour}


@pytest.mark.parametrize("colour", [
    "url(http://example.invalid/beacon)", "red; background:url(x)", "#12345",
    "rgb(1,2,3) url(x)", "expression(alert(1))", "var(--x)", "", "  ", "notacolour",
    "rgb(1,2)", "#3366cc\" onload=\"x", 123, None, ["#fff"], "</style><script>",
])
def test_colours_refused(colour):
    with pytest.raises(ValueError, match="colour"):
        Style.from_dict({"color": colour})
    with pytest.raises(ValueError, match="colour"):
        Style.from_dict({"categories": {"a": colour}})
    if colour is not None:
        with pytest.raises(ValueError, match="colour"):
            Style.from_dict({"fill_color": colour})


@pytest.mark.parametrize("data", [
    {"mode": "sparkly"}, {"scheme": "random"}, {"weight": math.nan}, {"weight": 1e308},
    {"weight": "2"}, {"weight": True}, {"fill_opacity": 1.5}, {"radius": -1},
    {"radius": math.inf}, {"k": 2.5}, {"k": 10_000}, {"k": True}, {"cmap": "url(x)"},
    {"dash": "4 4; stroke:url(x)"}, {"dash": 4}, {"field": 12}, {"tooltip_fields": "name"},
    {"tooltip_fields": [1, 2]}, {"categories": ["a"]}, {"label_field": ["x"]},
])
def test_bad_values_refused(data):
    with pytest.raises(ValueError):
        Style.from_dict(data)


def test_defaults_and_builtin_styles_pass():
    from jjjmap import catalog

    assert Style.from_dict(Style().to_dict()) == Style()
    for key in catalog.LAYER_KEYS:   # the catalog itself goes through from_dict
        style = catalog.load_layer(key).style
        assert Style.from_dict(style.to_dict()) == style


def test_colour_names_are_the_css_names():
    """Checked against an independent list: Qt's SVG colour names (CSS adds rebeccapurple)."""
    qtgui = pytest.importorskip("PySide6.QtGui")
    qt_names = {n.lower() for n in qtgui.QColor.colorNames()}
    assert CSS_COLOUR_NAMES - {"transparent", "rebeccapurple"} == qt_names - {"transparent"}
    assert len(CSS_COLOUR_NAMES - {"transparent"}) == 148
    assert not is_colour("url(red)")
