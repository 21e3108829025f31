"""ruff (the test extra; rules in pyproject.toml's [tool.ruff]) finds nothing in the tree."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                          "--output-format", "concise", "src", "tests", "bench", "scripts"],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert "No module named ruff" not in run.stderr, "ruff is in the test extra: pip install -e .[test]"
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_reads_the_projects_rules(tmp_path):
    """The check can fail: a file with an unused import and a needless noqa is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx = 1  # noqa: E501\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                          "--config", str(REPO / "pyproject.toml"), "--output-format", "concise",
                          str(bad)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "F401" in run.stdout and "RUF100" in run.stdout
