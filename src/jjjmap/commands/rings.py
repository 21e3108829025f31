"""`jjjmap rings --of PLACE --distances 30,50,100km -o OUT.gpkg`: geodesic distance rings."""
from __future__ import annotations

from .within import add_place_argument, user_errors


def add_parser(sub, common) -> None:
    p = sub.add_parser("rings", parents=[common], help="geodesic distance rings around a place")
    add_place_argument(p)
    p.add_argument("--distances", default="30,50,100km", metavar="LIST",
                   help="ring distances, e.g. 30,50,100km (the default)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="a .gpkg or .geojson file to write (.csv gives WKT)")


def run(args) -> int:
    from jjjmap.analysis.geodesy import parse_distances
    from jjjmap.analysis.output import write_rows
    from jjjmap.analysis.places import resolve_place
    from jjjmap.analysis.rings import ring_frame

    with user_errors():
        distances = parse_distances(args.distances)
        place = resolve_place(args.place)
        rings = ring_frame(place, distances)
        write_rows(rings, args.output)
    print(f"{len(rings)} rings around {place.name}: " + ", ".join(rings["label"].iloc[::-1]))
    print(f"wrote {args.output}")
    return 0
