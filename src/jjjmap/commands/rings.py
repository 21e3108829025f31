"""`jjjmap rings --of PLACE --distances 30,50,100km -o OUT.gpkg`: geodesic distance rings."""
from __future__ import annotations


def add_parser(sub, common) -> None:
    p = sub.add_parser("rings", parents=[common], help="geodesic distance rings around a place")
    p.add_argument("--of", required=True, metavar="PLACE", dest="place",
                   help="a built-in place name (雄安, Xiongan, Haidian, 天津市), LON,LAT "
                        "(WGS-84) or a file (the union of its features)")
    p.add_argument("--distances", default="30,50,100km", metavar="LIST",
                   help="ring distances, e.g. 30,50,100km (the default)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="a .gpkg or .geojson file to write (.csv gives WKT)")


def run(args) -> int:
    from jjjmap.analysis.errors import AnalysisError
    from jjjmap.analysis.geodesy import parse_distances
    from jjjmap.analysis.output import write_rows
    from jjjmap.analysis.places import resolve_place
    from jjjmap.analysis.rings import ring_frame
    from jjjmap.cli import CliError

    try:
        distances = parse_distances(args.distances)
        place = resolve_place(args.place)
        rings = ring_frame(place, distances)
        write_rows(rings, args.output)
    except AnalysisError as exc:
        raise CliError(str(exc)) from exc
    print(f"{len(rings)} rings around {place.name}: "
          + ", ".join(rings["label"].iloc[::-1]))
    print(f"wrote {args.output}")
    return 0
