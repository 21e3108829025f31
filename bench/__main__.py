"""``python -m bench [--quick] [--only CASE ...]``: run the cases, print and save the table."""
from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench.harness import DID_NOT_FINISH, alternate, median_of, median_rss

RESULTS = Path(__file__).resolve().parent / "results"
TIMEOUT_S = 120


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
    in_quick: bool = True            # --quick runs it at all
    quick_baseline: bool = True      # --quick runs its baseline side (False: known to take 120 s)


def _points(n: int) -> Callable[[bool], dict]:
    def params(quick: bool) -> dict:
        from bench.data import hebei_points_csv
        return {"csv": str(hebei_points_csv(n))}
    return params


def ground_pixel_m(zoom: float, lat: float) -> float:
    """Ground size of one web-mercator screen pixel at ``zoom`` and latitude ``lat``."""
    import math
    return 156543.03392 * math.cos(math.radians(lat)) / 2 ** zoom


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
         "<= 1/5 of baseline; deviation <= 1 px",
         lambda j, b, extra: None if j is None or b is None else
         j * 5 <= b and extra.get("deviation_px", 99) <= 1.0, reps=1, quick_reps=1),
    Case("time_to_map", "time_to_map", "seconds", "s", "no slower than baseline",
         lambda j, b, extra: None if j is None or b is None else j <= b, reps=5, quick_reps=2),
    Case("points_100k", "points_app", "seconds", "s", ">= 10x faster than baseline",
         _faster(10), params=_points(100_000), reps=3, quick_reps=1),
    Case("points_1m", "points_app", "seconds", "s",
         "< 10 s, window responsive; baseline does not finish",
         lambda j, b, extra: None if j is None else j < 10 and b is None
         and extra.get("max_stall_ms", 1e9) < 250,
         params=_points(1_000_000), reps=1, quick_reps=1, quick_baseline=False),
    Case("points_100k_export", "points_export", "seconds", "s", ">= 10x faster than baseline",
         _faster(10), params=_points(100_000), reps=3, in_quick=False),
    Case("points_1m_export", "points_export", "seconds", "s", "< 10 s; baseline does not finish",
         lambda j, b, extra: None if j is None else j < 10 and b is None,
         params=_points(1_000_000), reps=1, in_quick=False),
    Case("toggle_layer", "toggle_layer", "seconds", "s", "< 50 ms and >= 10x faster",
         _faster(10, within=0.050), reps=3, quick_reps=1),
    Case("export_html", "export_html", "seconds", "s", "< 2 s; <= 3 MB; light <= 1 MB",
         lambda j, b, extra: None if j is None else j < 2.0
         and extra.get("bytes", 9e9) <= 3e6 and extra.get("light_bytes", 9e9) <= 1e6),
]


def _fmt(value, unit):
    if value is None:
        return DID_NOT_FINISH
    if unit == "bytes":
        return f"{value / 1e6:.2f} MB"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    return f"{value:g} {unit}"


def run(cases: list[Case], quick: bool) -> dict:
    rows = []
    for case in cases:
        params = case.params(quick)
        reps = case.quick_reps if quick else case.reps
        print(f"… {case.name} ({reps} rep(s) per side)", flush=True)
        sides = ("jjjmap",) if quick and not case.quick_baseline else ("jjjmap", "baseline")
        samples = alternate(case.worker, params, reps, TIMEOUT_S, sides)
        jjj = median_of(samples["jjjmap"], case.metric)
        base = median_of(samples["baseline"], case.metric)
        extra = {k: median_of(samples["jjjmap"], k)
                 for s in samples["jjjmap"][:1] if s.ok for k in s.values if k != case.metric}
        extra.update({f"baseline_{k}": median_of(samples["baseline"], k)
                      for s in samples["baseline"][:1] if s.ok for k in s.values
                      if k not in (case.metric, "deviation_m")})
        if "deviation_m" in extra and extra["deviation_m"] is not None:
            extra["deviation_px"] = extra["deviation_m"] / ground_pixel_m(extra.pop("zoom"),
                                                                          extra.pop("lat"))
        rows.append({
            "case": case.name, "metric": case.metric, "unit": case.unit,
            "jjjmap": jjj, "baseline": base, "ratio": _ratio(jjj, base),
            "jjjmap_peak_rss_mb": median_rss(samples["jjjmap"]),
            "baseline_peak_rss_mb": median_rss(samples["baseline"]),
            "extra": extra, "target": case.target, "met": case.met(jjj, base, extra),
            "errors": sorted({s.error for side in samples.values() for s in side if not s.ok}),
            "baseline_run": "baseline" in sides,
        })
    return {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": quick,
            "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
            "rows": rows}


def table(result: dict) -> str:
    lines = ["| case | jjjmap | baseline | baseline / jjjmap | peak RSS jjjmap / baseline | "
             "target | met |", "|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        ratio = f"{r['ratio']:.1f}x" if r["ratio"] else "—"
        rss = " / ".join(f"{v:.0f} MB" if v else "—"
                         for v in (r["jjjmap_peak_rss_mb"], r["baseline_peak_rss_mb"]))
        met = {True: "yes", False: "NO", None: "—"}[r["met"]]
        base = (_fmt(r["baseline"], r["unit"]) if r.get("baseline_run", True)
                else "not run (--quick)")
        lines.append(f"| {r['case']} | {_fmt(r['jjjmap'], r['unit'])} | "
                     f"{base} | {ratio} | {rss} | {r['target']} | {met} |")
        details = ", ".join(f"{k} {_fmt(v, 'bytes') if k.endswith('bytes') else f'{v:.3g}'}"
                            for k, v in r["extra"].items() if v is not None)
        if details or r["errors"]:
            lines.append(f"| ↳ | {details} | {'; '.join(r['errors'])} | | | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions, no export-path point cases, no 1M baseline "
                             "(< 3 min)")
    parser.add_argument("--only", nargs="*", help="case names to run")
    args = parser.parse_args()
    cases = [c for c in CASES if (c.name in args.only if args.only else
                                  (c.in_quick or not args.quick))]
    result = run(cases, args.quick)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    md = table(result)
    (RESULTS / "latest.md").write_text(md + "\n", encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
