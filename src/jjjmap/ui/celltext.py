"""One attribute value as the text a table cell shows (the attribute table, the identify
panel, a PostGIS table's pages). A module of its own so the table widgets that show cells can
share it without importing each other."""
from __future__ import annotations

import math
from typing import Any

from jjjmap.values import json_text, scalar_text


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, (list, tuple, dict, set)) or getattr(value, "ndim", 0) > 0:
        return json_text(value)
    return scalar_text(value)
