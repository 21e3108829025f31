"""Run one side of a case in a fresh process, with a time limit and peak-memory sampling."""
from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psutil

DID_NOT_FINISH = "did not finish"


@dataclass
class Sample:
    ok: bool
    values: dict = field(default_factory=dict)   # what the worker measured (seconds, bytes, ...)
    peak_rss_mb: float | None = None             # the worker's whole process tree
    error: str = ""


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _command(case: str, side: str, params: dict) -> list[str]:
    return [sys.executable, "-m", "bench.worker", case, side, json.dumps(params)]


def run_worker(case: str, side: str, params: dict, timeout: float) -> Sample:
    """``python -m bench.worker`` for one measurement; past ``timeout`` it is killed (DNF)."""
    cmd = _command(case, side, params)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    stop = threading.Event()

    def sample_memory():
        nonlocal peak
        while not stop.is_set():
            try:
                peak = max(peak, _tree_rss(ps))
            except psutil.Error:
                return
            stop.wait(0.05)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        for child in ps.children(recursive=True):
            child.kill()
        proc.kill()
        proc.communicate()
        stop.set()
        return Sample(False, error=DID_NOT_FINISH, peak_rss_mb=peak / 2**20)
    finally:
        stop.set()
        sampler.join()
    values = _last_json(out)
    if values is not None and ERROR_KEY not in values:
        # measured and printed: a crash while Qt/Chromium tear down afterwards is not a failure
        return Sample(True, values, peak / 2**20)
    if values is not None:
        reason = values[ERROR_KEY]
    else:
        reason = _reason(err, proc.returncode)
    return Sample(False, error=f"failed: {reason}", peak_rss_mb=peak / 2**20)


ERROR_KEY = "__error__"   # the worker's line when its case raised (bench/worker.py)
# Chromium's and Qt WebEngine's own log lines ("[123:456:1202/150102.123:ERROR:gpu_...]
# GPUInfo not initialized"), and Qt's: noise, never the reason a sample failed
_ENGINE_LOG = re.compile(r"^\[\d+:\d+:\d{4}/\d{6}\.\d+:[A-Z]+:|^(qt\.|js:|Fontconfig |libEGL )")


def _last_json(out: str) -> dict | None:
    for line in reversed(out.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        return value if isinstance(value, dict) else None
    return None


def _reason(err: str, returncode: int) -> str:
    """Why a worker that printed no result failed: its last line that is not engine noise,
    with the exit code (a signal shows as a negative one)."""
    lines = [ln for ln in err.strip().splitlines() if ln.strip() and not _ENGINE_LOG.match(ln)]
    tail = lines[-1].strip() if lines else "(no output)"
    return f"{tail} (exit {returncode})"


def alternate(case: str, params: dict, reps: int, timeout: float,
              sides: tuple[str, ...] = ("jjjmap", "baseline")) -> dict[str, list[Sample]]:
    """The sides take turns, each repetition starting one further along (two sides: jjjmap,
    baseline, then baseline, jjjmap; three: j b l, b l j, l j b), so drifts in machine load
    hit all alike.

    A side that did not finish once is not run again: it would only burn the time limit.
    """
    samples: dict[str, list[Sample]] = {side: [] for side in sides}
    for rep in range(reps):
        turn = rep % len(sides)
        for side in sides[turn:] + sides[:turn]:
            if samples[side] and not samples[side][-1].ok:
                continue
            samples[side].append(run_worker(case, side, params, timeout))
    return samples


def median_of(samples: list[Sample], key: str) -> float | None:
    values = [s.values[key] for s in samples if s.ok and key in s.values]
    return statistics.median(values) if values else None


def median_rss(samples: list[Sample]) -> float | None:
    values = [s.peak_rss_mb for s in samples if s.ok and s.peak_rss_mb]
    return statistics.median(values) if values else None


class Stopwatch:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
