"""One side of one case, in a fresh process: ``python -m bench.worker CASE SIDE PARAMS_JSON``.

Prints one JSON line of what it measured. Timing starts inside the process for export cases
(imports are not what we compare) and at process creation for the start-up case.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Stopwatch

TMP = Path(tempfile.mkdtemp(prefix="jjjbench-"))


def _doc(extra_layers=()):
    from jjjmap import catalog

    doc = catalog.default_document()
    doc.basemap = "none"   # tiles would measure the network, which is not there
    for layer in extra_layers:
        doc.add_layer(layer)
    return doc


# -- default map and export ------------------------------------------------------------------
def default_map_html_jjjmap(params):
    from jjjmap import export

    out = {}
    for mode, self_contained in (("bytes", True), ("light_bytes", False)):
        path = TMP / f"{mode}.html"
        export.write_html(_doc(), path, self_contained=self_contained)
        out[mode] = path.stat().st_size
    doc = _doc()
    # Pixels are smallest (in ground metres) at the region's northern edge: judge there.
    north = max(lyr.gdf.total_bounds[3] for lyr in doc.layers if lyr.kind == "boundary")
    out.update(deviation_m=boundary_deviation_m(doc), zoom=doc.view.zoom, lat=float(north))
    return out


def default_map_html_baseline(params):
    from bench.baseline import folium_map

    return {"bytes": folium_map.save(folium_map.default_map(), TMP / "base.html"),
            "deviation_m": 0.0}


def boundary_deviation_m(doc) -> float:
    """Largest distance between a drawn boundary (at the initial zoom) and the source's."""
    import shapely
    from jjjmap.render.geometry import display_tolerance, simplified

    worst = 0.0
    tolerance = display_tolerance(doc.view.zoom)
    for layer in doc.layers:
        if layer.kind != "boundary":
            continue
        source = layer.gdf.to_crs(32650).geometry.values
        drawn = simplified(layer.gdf, tolerance).set_crs(4326, allow_override=True)
        drawn = drawn.to_crs(32650).values
        worst = max(worst, float(shapely.hausdorff_distance(source, drawn).max()))
    return worst


def export_html_jjjmap(params):
    from jjjmap import export

    doc = _doc()
    with Stopwatch() as sw:
        export.write_html(doc, TMP / "e.html", self_contained=True)
    return {"seconds": sw.seconds}


def export_html_baseline(params):
    from bench.baseline import folium_map

    with Stopwatch() as sw:
        folium_map.save(folium_map.default_map(), TMP / "e.html")
    return {"seconds": sw.seconds}


# -- many points, file to drawn page in Chromium ---------------------------------------------
def points_jjjmap(params):
    from bench.browser import time_to_drawn
    from jjjmap import export
    from jjjmap.io import open_layer

    path = TMP / "p.html"
    with Stopwatch() as build:
        layers = open_layer(params["csv"])
        export.write_html(_doc(layers), path, self_contained=True)
    draw = time_to_drawn(path, jjjmap=True)
    return {"seconds": build.seconds + draw, "build_s": build.seconds, "draw_s": draw,
            "bytes": path.stat().st_size}


def points_baseline(params):
    from bench.baseline import folium_map
    from bench.browser import time_to_drawn

    path = TMP / "p.html"
    with Stopwatch() as build:
        size = folium_map.save(folium_map.points_map(params["csv"]), path)
    draw = time_to_drawn(path, jjjmap=False)
    return {"seconds": build.seconds + draw, "build_s": build.seconds, "draw_s": draw,
            "bytes": size}


CASES = {
    "default_map_html": (default_map_html_jjjmap, default_map_html_baseline),
    "export_html": (export_html_jjjmap, export_html_baseline),
    "points_export": (points_jjjmap, points_baseline),
}


def main(argv):
    case, side, params = argv[0], argv[1], json.loads(argv[2])
    jjj, base = CASES[case]
    result = (jjj if side == "jjjmap" else base)(params)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
