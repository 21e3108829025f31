"""Small helpers every layer renderer shares: safe JSON for <script>, display text, popups.

Attribute text is never turned into HTML on the Python side. It travels as JSON strings and
the page builds popups, tooltips and legends with ``textContent`` (see resources/web/jjj.js).
"""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from jjjmap.values import NESTED, json_text, scalar_text

# Interface text of the page, by language.
UI = {
    "en": {
        "layers": "Layers", "legend": "Legend", "basemap": "Basemap", "sectors": "Sectors",
        "all": "all", "none": "none", "source": "Source", "flows": "Relocation flows",
        "no_tiles": "No basemap tiles: the map shows the layers on a plain background.",
        "tianditu_key": ("Tianditu needs a free key: register at https://console.tianditu.gov.cn/ "
                         "and set JJJMAP_TIANDITU_KEY."),
        "row": "row", "more": "more", "data": "Data",
        "also_here": "Also here",
    },
    "zh": {
        "layers": "图层", "legend": "图例", "basemap": "底图", "sectors": "产业",
        "all": "全选", "none": "全不选", "source": "来源", "flows": "迁移流向",
        "no_tiles": "无底图瓦片：图层显示在纯色背景上。",
        "tianditu_key": ("天地图需要免费密钥：请在 https://console.tianditu.gov.cn/ 注册，"
                         "并设置环境变量 JJJMAP_TIANDITU_KEY。"),
        "row": "行", "more": "更多", "data": "数据",
        "also_here": "此处还有",
    },
}

PRECISION_TEXT = {
    "en": {
        "district": "position: district seat, not the site",
        "city": "position: city point, not the site",
        "exact": "position: the site",
    },
    "zh": {
        "district": "位置：区县政府驻地，并非实际地点",
        "city": "位置：城市代表点，并非实际地点",
        "exact": "位置：实际地点",
    },
}


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element (no "</script>", no "<!--")."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def text(value: Any) -> str:
    """A cell as display text: '' for missing values, ints without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    if isinstance(value, (np.floating,)):
        return text(float(value))
    if isinstance(value, (np.integer,)):
        return str(int(value))
    if isinstance(value, NESTED):
        return json_text(value)
    return scalar_text(value)


def texts(values: Any) -> list[str]:
    """``[text(v) for v in values]``, vectorised for integer, float and string columns
    (a million attribute values: about a second one by one)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    dtype = series.dtype
    try:
        if pd.api.types.is_bool_dtype(dtype):
            pass
        elif pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
            return series.astype("int64").astype(str).tolist()
        elif pd.api.types.is_float_dtype(dtype):
            v = series.to_numpy(dtype=float, na_value=np.nan)
            whole = np.isfinite(v) & (np.abs(v) < 1e15) & (np.floor(v) == v)
            out = np.full(len(v), "", dtype=object)
            out[whole] = v[whole].astype(np.int64).astype(str)
            rest = ~whole & ~np.isnan(v)
            out[rest] = [f"{x:.6g}" for x in v[rest].tolist()]
            return out.tolist()
        elif pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
            return series.fillna("").astype(str).tolist()
    except (TypeError, ValueError):
        pass
    return [text(v) for v in series.tolist()]


def safe_url(value: Any) -> str | None:
    """Only http(s) links are ever made clickable (never javascript: or data:)."""
    url = text(value).strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def both_names(row, lang: str, zh_col: str = "name_zh", en_col: str = "name_en") -> tuple[str, str]:
    """(primary, secondary) name in the document's language order."""
    zh = text(row.get(zh_col, "")) if zh_col else ""
    en = text(row.get(en_col, "")) if en_col else ""
    first, second = (zh, en) if lang == "zh" else (en, zh)
    if not first:
        first, second = second, ""
    return first, (second if second != first else "")


def popup(title: str, subtitle: str = "", rows: list[tuple[str, str]] | None = None,
          link: str | None = None, note: str = "") -> dict:
    """A popup the page renders with textContent: {t, s, r, u, n}."""
    out: dict[str, Any] = {"t": title}
    if subtitle:
        out["s"] = subtitle
    if rows:
        out["r"] = [[k, v] for k, v in rows if v != ""]
    if link:
        out["u"] = link
    if note:
        out["n"] = note
    return out


def round_coords(geojson: dict, ndigits: int) -> dict:
    """Round every coordinate of a GeoJSON geometry mapping in place-free fashion."""
    def rnd(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(float(v), ndigits) for v in c]
        return [rnd(x) for x in c]

    out = dict(geojson)
    if out.get("type") == "GeometryCollection":
        out["geometries"] = [round_coords(g, ndigits) for g in out["geometries"]]
    elif "coordinates" in out:
        out["coordinates"] = rnd(out["coordinates"])
    return out


def pixel_degrees(zoom: float) -> float:
    """Width of one screen pixel in degrees of longitude at a web-mercator zoom."""
    return 360.0 / (256.0 * 2.0 ** zoom)


def ramp(cmap: str, k: int) -> list[str]:
    """``k`` colours along the branca colour map named ``cmap`` (YlOrRd when unknown)."""
    import branca.colormap as bcm
    names = [n for n in dir(bcm.linear) if n.split("_")[0].lower() == cmap.lower()]
    if not names:
        names = ["YlOrRd_09"]
    cm = getattr(bcm.linear, sorted(names)[-1])
    if k <= 1:
        return [cm.rgb_hex_str(cm.vmax)]
    return [cm.rgb_hex_str(cm.vmin + (cm.vmax - cm.vmin) * i / (k - 1)) for i in range(k)]
