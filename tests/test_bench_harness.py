"""The bench's harness tells a crash from engine noise (issue 21): a Chromium log line is
never a sample's failure, the worker's own exception is, and only crashes fail ``--quick``."""
import json
import sys

from bench import harness
from bench.__main__ import crashed

GPU_LINE = ("[2291:2291:1202/150102.123456:ERROR:gpu_init.cc(1234)] "
            "GPUInfo not initialized on GpuInfoUpdate")


def test_engine_log_lines_are_not_the_reason():
    err = "Traceback (most recent call last):\n  ...\nTimeoutError: the page did not draw\n" + GPU_LINE
    assert harness._reason(err, 1) == "TimeoutError: the page did not draw (exit 1)"
    assert harness._reason(GPU_LINE + "\n", -11) == "(no output) (exit -11)"


def test_last_json_line_wins_over_noise():
    out = 'js: something\n{"seconds": 1.5}\n'
    assert harness._last_json(out) == {"seconds": 1.5}
    assert harness._last_json("no result\n") is None


def _worker(tmp_path, body: str):
    """A stand-in for ``python -m bench.worker``: run_worker only needs its output."""
    script = tmp_path / "w.py"
    script.write_text(body, encoding="utf-8")
    return [sys.executable, str(script)]


def test_a_result_printed_before_a_crash_counts(tmp_path, monkeypatch):
    cmd = _worker(tmp_path, "import json, os, sys\nprint(json.dumps({'seconds': 2.0}), flush=True)\n"
                            f"print({GPU_LINE!r}, file=sys.stderr)\nos._exit(134)\n")
    monkeypatch.setattr(harness, "_command", lambda case, side, params: cmd)
    sample = harness.run_worker("x", "baseline", {}, 30)
    assert sample.ok and sample.values == {"seconds": 2.0}


def test_the_workers_error_line_is_the_failure(tmp_path, monkeypatch):
    line = json.dumps({harness.ERROR_KEY: "RuntimeError: the click changed nothing"})
    cmd = _worker(tmp_path, f"import sys\nprint({line!r})\nprint({GPU_LINE!r}, file=sys.stderr)\n"
                            "sys.exit(1)\n")
    monkeypatch.setattr(harness, "_command", lambda case, side, params: cmd)
    sample = harness.run_worker("x", "baseline", {}, 30)
    assert not sample.ok and sample.error == "failed: RuntimeError: the click changed nothing"


def test_only_crashes_fail_the_run():
    rows = [{"case": "a", "errors": [f"baseline: {harness.DID_NOT_FINISH}"]},
            {"case": "b", "errors": []}]
    assert crashed({"rows": rows}) == []
    rows.append({"case": "c", "errors": ["jjjmap: failed: KeyError: 'x'"]})
    assert crashed({"rows": rows}) == ["c jjjmap: failed: KeyError: 'x'"]
