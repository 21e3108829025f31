"""Attribute values that are not scalars: arrays and objects read from JSON properties."""
from __future__ import annotations

import json
from typing import Any

import numpy as np

NESTED = (list, tuple, dict, set, np.ndarray)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def json_text(value: Any) -> str | None:
    """A nested value as compact JSON text (Chinese kept as is); None stays None and a
    scalar is returned as text."""
    if value is None:
        return None
    if not isinstance(value, NESTED):
        return str(value)
    return json.dumps(_plain(value), ensure_ascii=False, separators=(", ", ": "),
                      default=str)


def scalar_text(value: Any) -> str:
    """A scalar as text, '' when pandas calls it missing (NaN, NaT, pd.NA, None)."""
    import pandas as pd

    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):   # pd.isna of something array-like or odd
        pass
    return str(value)
