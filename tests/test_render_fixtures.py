"""Synthetic documents for the renderer and export tests (no catalog needed; holds no tests)."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import LineString, Point, box

from jjjmap.model import Layer, MapDocument, Style

EVIL_IMG = "<img src=x onerror=alert(1)>"
EVIL_SCRIPT = "<script>window.pwned=1</script>"


def grid_counties() -> gpd.GeoDataFrame:
    cells, names = [], []
    for i in range(3):
        for j in range(3):
            cells.append(box(115 + i * 0.5, 38.5 + j * 0.5, 115.5 + i * 0.5, 39 + j * 0.5))
            names.append((f"县{i}{j}", f"County {i}{j}"))
    return gpd.GeoDataFrame({"code": [f"13{i:04d}" for i in range(9)],
                             "name_zh": [n[0] for n in names], "name_en": [n[1] for n in names],
                             "level": "county", "parent": "130000",
                             "area_km2": np.full(9, 2300.0)}, geometry=cells, crs=4326)


def synthetic_document(evil: bool = False, lang: str = "en") -> MapDocument:
    doc = MapDocument(title=EVIL_IMG if evil else "Test map", lang=lang)
    doc.view.lat, doc.view.lon, doc.view.zoom = 39.2, 115.8, 8
    counties = grid_counties()
    if evil:
        counties.loc[0, "name_en"] = EVIL_IMG
        counties.loc[1, "name_zh"] = EVIL_SCRIPT
    doc.add_layer(Layer(counties, "Counties", "县", kind="boundary", group="boundaries",
                        level="county", id="counties"))
    clusters = gpd.GeoDataFrame({
        "name_en": [EVIL_IMG if evil else "Chip park", "Robot town", "AI valley"],
        "name_zh": [EVIL_SCRIPT if evil else "芯片园", "机器人小镇", "人工智能谷"],
        "sector": ["integrated_circuits", "robotics", "artificial_intelligence"],
        "sector_en": ["Integrated circuits", "Robotics", "Artificial intelligence"],
        "sector_zh": ["集成电路", "机器人", "人工智能"],
        "city": ["Beijing", "Tianjin", EVIL_IMG if evil else "Baoding"],
        "district_or_county": ["Haidian", "Binhai", "Lianchi"],
        "coord_precision": ["district", "city", "district"],
        "evidence": [EVIL_SCRIPT if evil else "Report", "Report", "Report"],
        "source_url": ["javascript:alert(1)" if evil else "https://example.org/a",
                       "https://example.org/b", "https://example.org/c"],
    }, geometry=[Point(115.6, 38.8), Point(116.1, 39.3), Point(115.6, 38.8)], crs=4326)
    doc.add_layer(Layer(clusters, "Clusters", "产业集群", kind="clusters", group="sectors",
                        id="clusters"))
    inst = gpd.GeoDataFrame({
        "name_en": [EVIL_IMG if evil else "Uni A", "Hospital B", "SOE C"],
        "name_zh": ["大学甲", EVIL_SCRIPT if evil else "医院乙", "央企丙"],
        "kind": ["university", "hospital", "state_owned_enterprise"],
        "origin": ["Haidian (origin district not in cited source)", "Beijing (district not verified)",
                   "Xicheng (Xicheng and Tongzhou campuses)"],
        "destination": ["Xiongan"] * 3, "year_announced": [2023, 2023, 2024],
        "status": ["announced", "under_construction", "operating"],
        "coord_precision": ["city"] * 3, "evidence": ["e1", "e2", EVIL_IMG if evil else "e3"],
        "source_url": ["https://example.org/x"] * 3,
    }, geometry=[Point(115.904, 39.048)] * 3, crs=4326)
    doc.add_layer(Layer(inst, "Institutions", "迁移机构", kind="institutions",
                        group="relocations", id="institutions"))
    pts = gpd.GeoDataFrame({"name": [EVIL_IMG if evil else f"p{i}" for i in range(5)],
                            "value": [1.0, 2.0, 3.0, 10.0, 20.0],
                            "cat": ["a", "b", "a", EVIL_SCRIPT if evil else "c", "b"]},
                           geometry=[Point(115.2 + i * 0.2, 39.0) for i in range(5)], crs=4326)
    doc.add_layer(Layer(pts, "My points", kind="vector", id="mypoints",
                        style=Style(mode="categorized", field="cat", label_field="name",
                                    radius_field="value", tooltip_fields=["name"])))
    lines = gpd.GeoDataFrame({"name": [EVIL_IMG if evil else "road", "river"],
                              "len": [5.0, 9.0]},
                             geometry=[LineString([(115, 38.6), (116.4, 39.9)]),
                                       LineString([(115.2, 39.8), (116.2, 38.7)])], crs=4326)
    doc.add_layer(Layer(lines, "My lines", kind="vector", id="mylines",
                        style=Style(mode="graduated", field="len", k=2, cmap="Blues",
                                    tooltip_fields=["name"])))
    return doc
