"""One attribute value as the text a table cell shows (the attribute table, the identify
panel, a PostGIS table's pages). A module of its own so the table widgets that show cells can
share it without importing each other."""
from __future__ import annotations

import math
from typing import Any



def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, (list, tuple, dict, set)) or getattr(value, "ndim", 0) > 0:
        from jjjmap.values import json_text   # numpy: only once such a value is there

        return json_text(value)
    from jjjmap.values import scalar_text   # imported at the first cell: the window shows
    return scalar_text(value)               # before the data stack (tests/test_ui_warmstart)
