"""Distance rings (geodesic buffers) around a place, as an ordinary vector layer with labels.

Each ring is the whole area within its distance (a disk, not an annulus), so "inside the 50 km
ring" is a plain select-by-location. The largest ring comes first in the table, so the smaller
ones draw on top and stay clickable. ``Layer.meta["derived"]`` records the question (place
spec + distances): a project stores that and recomputes the rings when it opens.
"""
from __future__ import annotations

import geopandas as gpd
import shapely

from jjjmap.model import Layer, Style

from .errors import AnalysisError
from .geodesy import GEOD, area_km2, buffer_km, check_distance, km_label
from .places import Place, place_from_spec, valid_geometry

DEFAULT_DISTANCES_KM = (30.0, 50.0, 100.0)
RING_COLOUR = "#d35400"


def ring_rows(place: Place, distances_km) -> list[dict]:
    """One dict per distance, largest first: place, distance_km, label ("50 km"), area_km2,
    geometry; ``_label_lon``/``_label_lat`` put each label on the ring's northern edge.
    Plain shapely and floats (no CRS object), so a worker thread can compute them."""
    distances = sorted({check_distance(float(d)) for d in distances_km}, reverse=True)
    if not distances:
        raise AnalysisError("give at least one ring distance, e.g. 30,50,100km")
    centre = valid_geometry(place.geometry, place.name)
    rows = []
    for km in distances:
        ring = buffer_km(centre, km)
        north = ring.bounds[3]
        x = ((ring.bounds[0] + ring.bounds[2]) / 2.0)
        if centre.geom_type == "Point":     # exactly km due north of the point
            x, north, _ = GEOD.fwd(centre.x, centre.y, 0.0, km * 1000.0)
        rows.append({"place": place.name, "distance_km": km, "label": km_label(km),
                     "area_km2": round(area_km2(ring), 1),
                     "_label_lon": float(x), "_label_lat": float(north), "geometry": ring})
    return rows


def ring_frame(place: Place, distances_km, rows: list[dict] | None = None) -> gpd.GeoDataFrame:
    """The rings as a GeoDataFrame (see ring_rows)."""
    rows = ring_rows(place, distances_km) if rows is None else rows
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def rings_layer(place: Place, distances_km, *, rows: list[dict] | None = None) -> Layer:
    """The rings as a labelled vector layer; ``rows`` from ring_rows if already computed."""
    gdf = ring_frame(place, distances_km, rows)
    kms = sorted(gdf["distance_km"])
    title_en = f"Rings around {place.name} ({', '.join(km_label(k) for k in kms)})"
    title_zh = f"{place.name} 周边距离圈（{'、'.join(km_label(k).replace('km', '公里') for k in kms)}）"
    return Layer(
        gdf=gdf, title_en=title_en, title_zh=title_zh, kind="vector", group="custom",
        style=Style(color=RING_COLOUR, weight=1.8, fill_opacity=0.05, dash="6 4",
                    label_field="label", tooltip_fields=["label", "place"]),
        source=f"geodesic rings computed by jjjmap around {place.name}",
        precision="Geodesic distances on the WGS-84 ellipsoid; as precise as the place itself.",
        meta={"derived": {"kind": "rings", "place": dict(place.spec),
                          "distances_km": kms, "name": place.name}},
    )


def rebuild(derived: dict, base_dir: str | None = None) -> Layer:
    """The ring layer a project recorded (see Layer.meta["derived"])."""
    place = place_from_spec(derived.get("place") or {}, base_dir)
    if derived.get("name"):
        place.name = str(derived["name"])
    return rings_layer(place, derived.get("distances_km") or DEFAULT_DISTANCES_KM)


def study_area_layer(geom, name: str = "Study area", name_zh: str = "研究区") -> Layer:
    """A drawn polygon (or line) kept as a layer; crossing edges are repaired."""
    geom = valid_geometry(geom, name)
    area = area_km2(geom) if geom.geom_type in ("Polygon", "MultiPolygon") else 0.0
    gdf = gpd.GeoDataFrame([{"name": name, "area_km2": round(area, 3), "geometry": geom}],
                           geometry="geometry", crs="EPSG:4326")
    return Layer(gdf=gdf, title_en=name, title_zh=name_zh, kind="vector", group="custom",
                 style=Style(color="#AA3377", weight=2.0, fill_opacity=0.1),
                 source="drawn on the map in jjjmap", precision="As drawn by hand.",
                 meta={"derived": {"kind": "shape", "wkt": shapely.to_wkt(geom),
                                   "name": name, "name_zh": name_zh}})
