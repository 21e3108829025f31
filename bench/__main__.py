"""``python -m bench [--quick] [--only CASE ...]``: run the cases, print and save the table."""
from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench.harness import DID_NOT_FINISH, alternate, median_of, median_rss

RESULTS = Path(__file__).resolve().parent / "results"
TIMEOUT_S = 120
SIDES = ("jjjmap", "baseline", "leafmap")
NOT_INSTALLED = "not installed"
NOT_RUN_QUICK = "not run (--quick)"
NO_SIDE = "no leafmap side"
NO_BASELINE = "(none)"   # a base_metric no side reports: a row judged on jjjmap's value alone


@dataclass
class Case:
    name: str            # the name in the table
    worker: str          # the worker case that measures it
    metric: str          # the worker value compared
    unit: str
    target: str          # in words, for the table
    met: Callable[[float | None, float | None, dict], bool | None]
    params: Callable[[bool], dict] = lambda quick: {}
    reps: int = 5
    quick_reps: int = 3
    base_metric: str | None = None   # the baselines' value compared, if not ``metric``
    in_quick: bool = True            # --quick runs it at all
    quick_baseline: bool = True      # --quick runs its baseline side (False: known to take 120 s)
    leafmap: bool = True             # has a leafmap side (the second baseline)
    quick_leafmap: bool = True       # --quick runs its leafmap side
    timeout_s: float = TIMEOUT_S     # a sample past it is killed (did not finish)


def _points(n: int) -> Callable[[bool], dict]:
    def params(quick: bool) -> dict:
        from bench.data import hebei_points_csv
        return {"csv": str(hebei_points_csv(n))}
    return params


def _clustered(n: int, **extra) -> Callable[[bool], dict]:
    def params(quick: bool) -> dict:
        from bench.data import clustered_points_csv
        return {"csv": str(clustered_points_csv(n)), **extra}
    return params


def _density_met(j, b, extra):
    """Drawn within 10 s and redrawn after a pan or zoom within half a second."""
    if j is None:
        return False
    return j < 10 and extra.get("pan_redraw_s", 9) < 0.5 and extra.get("zoom_redraw_s", 9) < 0.5


def _large(n: int, fmt: str) -> Callable[[bool], dict]:
    def params(quick: bool) -> dict:
        return {"n": n, "format": fmt}   # bench/points10m.py makes (and caches) the file
    return params


def _large_met(j, b, extra):
    """File to drawn within 2x of the minimal canvas page in the same engine, the whole
    process tree under 3 GB at its peak, and the window never stalled 100 ms or more."""
    if j is None or b is None:
        return False if j is None else None
    return (j <= 2 * b and extra.get("peak_memory_mb", 9e9) < 3 * 1024
            and extra.get("max_stall_ms", 9e9) < 100)


def _path(make: str) -> Callable[[bool], dict]:
    def params(quick: bool) -> dict:
        from bench import polydata
        return {"path": str(getattr(polydata, make)())}
    return params


def _deviation_met(j, b, extra):
    """A fifth of the baseline's bytes, and the app and the self-contained export within a
    pixel of the source at every zoom 7-14 (the light export is reported, not judged)."""
    if j is None or b is None:
        return None
    return (j * 5 <= b and extra.get("dev_app_worst_px", 99) <= 1.0
            and extra.get("dev_export_worst_px", 99) <= 1.0)


def _time_to_map_met(j, b, extra):
    """No slower than the folium page, and within 1.5x of the small-page floor."""
    floor = extra.get("baseline_floor_s")
    if j is None or b is None or floor is None:
        return None
    return j <= b and j <= 1.5 * floor


def _ratio(jjj, base):
    return None if not jjj or not base else base / jjj


def _faster(times: float, within: float | None = None):
    """Met when jjjmap is ``times`` faster than the baseline (or the baseline did not finish)
    and, with ``within``, under that many seconds."""
    def met(j, b, extra):
        if j is None:
            return False
        return (within is None or j < within) and (b is None or b / j >= times)
    return met


CASES = [
    Case("default_map_html", "default_map_html", "bytes", "bytes",
         "<= 1/5 of baseline; app and self-contained export within 1 px at every zoom 7-14",
         _deviation_met, reps=1, quick_reps=1),
    Case("time_to_map", "time_to_map", "seconds", "s",
         "no slower than baseline; <= 1.5x the small-page floor", _time_to_map_met,
         reps=5, quick_reps=1),
    # the same samples as time_to_map: a first start (empty caches) against the floor, a bare
    # viewer showing a small page
    Case("cold_start", "time_to_map", "first_start_s", "s", "<= 3x the small-page floor",
         lambda j, b, extra: None if j is None or b is None else j <= 3 * b,
         base_metric="floor_s", reps=5, quick_reps=1, leafmap=False),
    Case("points_100k", "points_app", "seconds", "s", ">= 10x faster than baseline",
         _faster(10), params=_points(100_000), reps=3, quick_reps=1,
         quick_leafmap=False),   # leafmap: about 90 s a sample
    Case("points_1m", "points_app", "seconds", "s",
         "< 10 s, window responsive (stall < 250 ms); >= 10x faster than baseline",
         lambda j, b, extra: None if j is None else j < 10 and (b is None or b / j >= 10)
         and extra.get("max_stall_ms", 1e9) < 250,
         params=_points(1_000_000), reps=1, in_quick=False, leafmap=False),
    Case("points_100k_export", "points_export", "seconds", "s", ">= 10x faster than baseline",
         _faster(10), params=_points(100_000), reps=3, in_quick=False),
    Case("points_1m_export", "points_export", "seconds", "s",
         "< 10 s; >= 10x faster than baseline",
         lambda j, b, extra: None if j is None else j < 10 and (b is None or b / j >= 10),
         params=_points(1_000_000), reps=1, in_quick=False, leafmap=False),
    Case("toggle_layer", "toggle_layer", "seconds", "s",
         "< 50 ms and no slower than folium's LayerControl",
         lambda j, b, extra: None if j is None or b is None else j < 0.050 and j <= b,
         reps=3, quick_reps=1),
    Case("aggregate_1m", "aggregate", "seconds", "s",
         "count + sum of 1M points per county: no slower than baseline (a few seconds)",
         lambda j, b, extra: None if j is None else (b is None or j <= b),
         params=_points(1_000_000), reps=3, quick_reps=1, in_quick=False, leafmap=False),
    # density / time (bench/density.py): "baseline" for hexbin_1m is the app's canvas point
    # layer on the same points (folium has no hexagons), for heatmap_1m folium's HeatMap in
    # the bare viewer, for time_filter_100k a visibility toggle of the same layer
    Case("hexbin_1m", "density_app", "seconds", "s",
         "< 10 s to drawn; pan/zoom redraw < 0.5 s", _density_met,
         params=_clustered(1_000_000, renderer="hexbin"), reps=1, quick_reps=1,
         in_quick=False, leafmap=False),
    Case("heatmap_1m", "density_app", "seconds", "s",
         "< 10 s to drawn; pan/zoom redraw < 0.5 s", _density_met,
         params=_clustered(1_000_000, renderer="heatmap"), reps=1, quick_reps=1,
         in_quick=False, leafmap=False),
    Case("time_filter_100k", "time_filter", "seconds", "s",
         "< 50 ms, like a visibility toggle",
         lambda j, b, extra: None if j is None else j < 0.050,
         params=_clustered(100_000), reps=3, quick_reps=1, leafmap=False),
    # export: the first export (display cache empty), and (the same samples) one with the
    # cache a first export filled, each in a fresh process
    Case("export_html", "export_html", "seconds", "s",
         "< 2 s; <= 3 MB; light <= 1 MB (display cache empty)",
         lambda j, b, extra: None if j is None else j < 2.0
         and extra.get("bytes", 9e9) <= 3e6 and extra.get("light_bytes", 9e9) <= 1e6,
         quick_reps=1),
    Case("export_html_warm", "export_html", "warm_s", "s",
         "< 2 s (display cache filled by a first export)",
         lambda j, b, extra: None if j is None else j < 2.0, quick_reps=1),
    # large polygon layers (bench/polygons.py; invented data, bench/polydata.py)
    Case("polygons_50k", "polygons_app", "pan_worst_ms", "ms",
         "worst frame while panning < 50 ms (50k polygons at zoom 8)",
         lambda j, b, extra: None if j is None else j < 50,
         params=_path("voronoi_50k"), reps=1, quick_reps=1, in_quick=False, leafmap=False),
    Case("polygon_2m_vertices", "polygon_export", "seconds", "s",
         "export >= 3x faster than folium (display cache empty)", _faster(3),
         params=_path("star_2m"), reps=3, quick_reps=1, in_quick=False, leafmap=False),
    Case("detail_level_zoom12", "detail_zoom", "seconds", "s",
         "finer outlines < 1 s after a jump to zoom 12 (display cache empty)",
         lambda j, b, extra: None if j is None else j < 1.0,
         params=_path("star_2m"), reps=3, quick_reps=1, in_quick=False, leafmap=False),
    # 10M points in the app (bench/points10m.py; invented points): "baseline" is the minimal
    # canvas page in the same engine (pyarrow reads lon/lat, one ArrayBuffer over the same
    # scheme, one pixel per point). The frame and second-layer rows read the CSV run's samples.
    Case("points_10m_csv", "points_10m", "file_to_drawn_s", "s",
         "file to drawn <= 2x the minimal canvas page; peak memory < 3 GB; no stall >= 100 ms",
         _large_met, base_metric="floor_file_to_drawn_s", params=_large(10_000_000, "csv"),
         reps=1, in_quick=False, leafmap=False, timeout_s=1200),
    Case("points_10m_parquet", "points_10m", "file_to_drawn_s", "s",
         "file to drawn <= 2x the minimal canvas page; peak memory < 3 GB; no stall >= 100 ms",
         _large_met, base_metric="floor_file_to_drawn_s",
         params=_large(10_000_000, "parquet"), reps=1, in_quick=False, leafmap=False,
         timeout_s=1200),
    Case("pan_frame_10m", "points_10m", "frame_worst_ms", "ms",
         "every pan/zoom frame < 50 ms over 10M points (region view and zoom 11)",
         lambda j, b, extra: None if j is None else j < 50,
         base_metric=NO_BASELINE, params=_large(10_000_000, "csv"), reps=1,
         in_quick=False, leafmap=False, timeout_s=1200),
    Case("second_layer_over_10m", "points_10m", "second_layer_s", "s",
         "a second layer opened over 10M points drawn < 1 s, without a page reload",
         lambda j, b, extra: None if j is None else j < 1.0
         and extra.get("second_layer_reloaded") is False,
         base_metric=NO_BASELINE, params=_large(10_000_000, "csv"), reps=1,
         in_quick=False, leafmap=False, timeout_s=1200),
    # bench/data_cases.py (the speed checks that were timed assertions in tests/)
    Case("catalog_load", "catalog_load", "seconds", "s",
         "<= 1.5x baseline; a second load >= 10x faster than reading again",
         lambda j, b, extra: None if j is None or b is None else j <= 1.5 * b
         and extra.get("warm_s", 9e9) * 10 <= extra.get("baseline_warm_s", 0),
         quick_reps=1, leafmap=False),
    Case("open_csv_1m", "open_csv", "seconds", "s", "<= 2x baseline (it also sniffs, validates)",
         lambda j, b, extra: None if j is None or b is None else j <= 2 * b,
         params=_points(1_000_000), reps=3, quick_reps=1, in_quick=False, leafmap=False),
    Case("attribute_table_100k", "attribute_table", "seconds", "s", ">= 10x faster than baseline",
         _faster(10), reps=3, quick_reps=1, leafmap=False,
         quick_baseline=False),   # QStandardItemModel: about 40 s a sample
]


def _fmt(value, unit):
    if value is None:
        return DID_NOT_FINISH
    if unit == "bytes":
        return f"{value / 1e6:.2f} MB"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.0f} ms"
    return f"{value:g} {unit}"


def leafmap_installed() -> bool:
    """Whether the leafmap side can run (``pip install -e '.[bench]'``). Importing leafmap here
    would cost seconds, so only its presence is checked: a broken install shows as the leafmap
    samples' errors."""
    return importlib.util.find_spec("leafmap") is not None


def _status(case: Case, quick: bool, leafmap_ok: bool) -> dict[str, str]:
    """Each side: "run", or why it is not."""
    status = {"jjjmap": "run",
              "baseline": NOT_RUN_QUICK if quick and not case.quick_baseline else "run"}
    if not case.leafmap:
        status["leafmap"] = NO_SIDE
    elif not leafmap_ok:
        status["leafmap"] = NOT_INSTALLED
    else:
        status["leafmap"] = NOT_RUN_QUICK if quick and not case.quick_leafmap else "run"
    return status


def _extras(samples: list, metric: str, prefix: str = "") -> dict:
    """Medians of the numbers a side measured besides the compared metric (keys of its first
    good sample); the baselines' ``deviation_m`` (0: they draw the source) is left out; lists
    (per-step frame times) come from the first good sample."""
    first = next((s for s in samples if s.ok), None)
    if first is None:
        return {}
    skip = {metric} | ({"deviation_m"} if prefix else set())
    return {f"{prefix}{k}": (v if isinstance(v, (list, dict, str, bool)) or v is None
                             else median_of(samples, k))
            for k, v in first.values.items() if k not in skip}


def run(cases: list[Case], quick: bool) -> dict:
    leafmap_ok = leafmap_installed()
    rows = []
    done: dict[tuple, dict] = {}   # cases that read other values of the same samples
    for case in cases:
        params = case.params(quick)
        reps = case.quick_reps if quick else case.reps
        status = _status(case, quick, leafmap_ok)
        sides = tuple(side for side in SIDES if status[side] == "run")
        key = (case.worker, json.dumps(params, sort_keys=True), reps, sides)
        if key in done:
            print(f"… {case.name} (the samples above)", flush=True)
        else:
            print(f"… {case.name} ({reps} rep(s) per side: {', '.join(sides)})", flush=True)
            done[key] = alternate(case.worker, params, reps, case.timeout_s, sides)
        samples = done[key]
        base_metric = case.base_metric or case.metric
        value = {side: median_of(samples.get(side, []),
                                 case.metric if side == "jjjmap" else base_metric)
                 for side in SIDES}
        extra = _extras(samples["jjjmap"], case.metric)
        for side in SIDES[1:]:
            extra.update(_extras(samples.get(side, []), base_metric, f"{side}_"))
        jjj, base, leaf = value["jjjmap"], value["baseline"], value["leafmap"]
        rows.append({
            "case": case.name, "metric": case.metric, "unit": case.unit,
            "jjjmap": jjj, "baseline": base, "ratio": _ratio(jjj, base),
            "leafmap": leaf, "leafmap_ratio": _ratio(jjj, leaf),
            **{f"{side}_peak_rss_mb": median_rss(samples.get(side, [])) for side in SIDES},
            # the targets are the issue's, against the folium baseline
            "extra": extra, "target": case.target, "met": case.met(jjj, base, extra),
            "errors": sorted({f"{side}: {s.error}" for side, got in samples.items()
                              for s in got if not s.ok}),
            "status": status, "baseline_run": status["baseline"] == "run",
        })
    return {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": quick,
            "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
            "leafmap": _leafmap_version() if leafmap_ok else None, "rows": rows}


def _leafmap_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("leafmap")
    except PackageNotFoundError:
        return None


def _cell(row: dict, side: str) -> str:
    """A side's median, or why there is none."""
    status = row.get("status", {}).get(side, "run")
    if status == NO_SIDE:
        return "—"
    if status != "run":
        return status
    if row[side] is not None:
        return _fmt(row[side], row["unit"])
    return (DID_NOT_FINISH if f"{side}: {DID_NOT_FINISH}" in row["errors"] else "failed")


def _details(row: dict, side: str) -> str:
    """A side's other numbers (per-zoom and per-step lists are in the JSON and in
    ``deviation_table``)."""
    prefix = "" if side == "jjjmap" else f"{side}_"
    own = {k[len(prefix):]: v for k, v in row["extra"].items() if v is not None
           and isinstance(v, (int, float)) and not re.search(r"_z\d+$", k)
           and k.startswith(prefix) and (prefix or not k.startswith(("baseline_", "leafmap_")))}
    parts = [f"{k} {_fmt(v, 'bytes') if k.endswith('bytes') else f'{v:.3g}'}"
             for k, v in own.items()]
    parts += [e[len(side) + 2:] for e in row["errors"] if e.startswith(f"{side}: ")]
    return ", ".join(parts)


def table(result: dict) -> str:
    lines = ["| case | jjjmap | baseline | baseline / jjjmap | leafmap | leafmap / jjjmap | "
             "peak RSS jjjmap / baseline / leafmap | target | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        ratio = {k: f"{r[k]:.1f}x" if r.get(k) else "—" for k in ("ratio", "leafmap_ratio")}
        rss = " / ".join(f"{r.get(f'{side}_peak_rss_mb'):.0f} MB"
                         if r.get(f"{side}_peak_rss_mb") else "—" for side in SIDES)
        met = {True: "yes", False: "NO", None: "—"}[r["met"]]
        lines.append(f"| {r['case']} | {_cell(r, 'jjjmap')} | {_cell(r, 'baseline')} | "
                     f"{ratio['ratio']} | {_cell(r, 'leafmap')} | {ratio['leafmap_ratio']} | "
                     f"{rss} | {r['target']} | {met} |")
        details = {side: _details(r, side) for side in SIDES}
        if any(details.values()):
            lines.append(f"| ↳ | {details['jjjmap']} | {details['baseline']} | | "
                         f"{details['leafmap']} | | | | |")
    return "\n".join(lines)


def deviation_table(result: dict) -> str:
    """Boundary deviation (px) at each zoom, per output, when ``default_map_html`` ran."""
    row = next((r for r in result["rows"] if r["case"] == "default_map_html"), None)
    extra = row["extra"] if row else {}
    zooms = sorted({int(m.group(1)) for k in extra for m in [re.search(r"_px_z(\d+)$", k)] if m})
    if not zooms:
        return ""
    lines = ["| largest boundary deviation (px) at zoom | " + " | ".join(map(str, zooms)) + " |",
             "|---|" + "---|" * len(zooms)]
    for kind, name in (("app", "app (level ceil(zoom))"),
                       ("export", "self-contained export"), ("light", "light export")):
        cells = [f"{extra[f'dev_{kind}_px_z{z}']:.2f}" if extra.get(f"dev_{kind}_px_z{z}")
                 is not None else "—" for z in zooms]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def crashed(result: dict) -> list[str]:
    """Samples that failed (not those that ran into the time limit, which is a measurement)."""
    return [f"{r['case']} {e}" for r in result["rows"] for e in r["errors"]
            if DID_NOT_FINISH not in e]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true",
                        help="one repetition, only the cases under a minute (no 1M-point, "
                             "density or 50k-polygon cases), no leafmap side of points_100k")
    parser.add_argument("--only", nargs="*", help="case names to run")
    args = parser.parse_args()
    cases = [c for c in CASES if (c.name in args.only if args.only else
                                  (c.in_quick or not args.quick))]
    result = run(cases, args.quick)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    md = table(result)
    dev = deviation_table(result)
    if dev:
        md += "\n\n" + dev
    (RESULTS / "latest.md").write_text(md + "\n", encoding="utf-8")
    print(md)
    failed = crashed(result)
    if failed:   # no thresholds here (targets are reported, not enforced): only crashes
        print("\nfailed samples:\n" + "\n".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
