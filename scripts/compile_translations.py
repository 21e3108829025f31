"""Compile resources/translations/*.ts into the .qm files committed beside them.

Run after editing a .ts (the README of resources/translations says when), then commit both:

    .venv/bin/python scripts/compile_translations.py

The .qm is a build artefact kept in git so that every way of installing jjjmap (wheel, sdist,
editable install, the desktop bundle) ships the same file and none needs lrelease: pip builds
a package before it installs the package's dependencies, so a build step that runs PySide6's
lrelease finds none on a fresh machine. tests/test_translations.py compiles each .ts again and
fails if a committed .qm differs.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"


def lrelease() -> list[str]:
    """PySide6's own lrelease (it ships one), else one on PATH."""
    try:
        import PySide6

        binary = Path(PySide6.__file__).parent / "lrelease"
        if binary.is_file():
            return [str(binary)]
    except ImportError:
        pass
    for name in ("pyside6-lrelease", "lrelease", "lrelease-qt6"):
        if (found := shutil.which(name)) is not None:
            return [found]
    raise SystemExit("compile_translations: no lrelease (install PySide6 into this Python)")


def compile_ts(ts: Path, qm: Path) -> None:
    run = subprocess.run([*lrelease(), "-silent", str(ts), "-qm", str(qm)],
                         capture_output=True, text=True)
    if run.returncode != 0 or not qm.is_file():
        raise SystemExit(f"compile_translations: lrelease failed on {ts.name}: "
                         f"{(run.stderr or run.stdout).strip()}")


def main() -> int:
    for ts in sorted(TRANSLATIONS.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        compile_ts(ts, qm)
        print(f"wrote {qm.relative_to(TRANSLATIONS.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
