"""`jjjmap within LAYER --of PLACE --distance 50km -o OUT.csv|.gpkg|.geojson`.

The features of LAYER within a geodesic distance of PLACE, nearest first, each with a
``distance_km`` column (0 inside the place).
"""
from __future__ import annotations

from contextlib import contextmanager


def add_place_argument(p) -> None:
    """``--of PLACE``, shared with `jjjmap rings`."""
    p.add_argument("--of", required=True, metavar="PLACE", dest="place",
                   help="a built-in place name (雄安, Xiongan, Haidian, 天津市), LON,LAT "
                        "(WGS-84) or a file (the union of its features)")


@contextmanager
def user_errors():
    """An analysis error is the user's: one line, exit 1 (cli.CliError)."""
    from jjjmap.analysis.errors import AnalysisError
    from jjjmap.commands import CliError

    try:
        yield
    except AnalysisError as exc:
        raise CliError(str(exc)) from exc


def add_parser(sub, common) -> None:
    p = sub.add_parser("within", parents=[common],
                       help="features of a layer within a geodesic distance of a place")
    p.add_argument("layer", metavar="LAYER",
                   help="clusters, institutions, counties, prefectures, provinces, xiongan "
                        "or a file")
    add_place_argument(p)
    p.add_argument("--distance", required=True, metavar="DIST", help="e.g. 50km or 500m")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="a .csv, .gpkg or .geojson file to write")


def run(args) -> int:
    from jjjmap.analysis.geodesy import parse_distance
    from jjjmap.analysis.output import write_rows
    from jjjmap.analysis.places import open_named_layer, resolve_place
    from jjjmap.analysis.proximity import within_distance

    with user_errors():
        km = parse_distance(args.distance)
        place = resolve_place(args.place)
        layer = open_named_layer(args.layer)
        found = within_distance(layer.gdf, place.geometry, km, name=place.name)
        write_rows(found, args.output)
    print(f"{len(found)} of {len(layer.gdf)} features of {layer.title_en} lie within "
          f"{km:g} km of {place.name}")
    print(f"wrote {args.output}")
    return 0
