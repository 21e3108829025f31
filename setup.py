"""Build hook: compile the Qt translations (resources/translations/*.ts -> .qm).

Everything else is in pyproject.toml. The compiler is the lrelease PySide6 ships. In pip's
isolated build environment PySide6 is not importable, so the hook also looks for it where
it would run: the target environment's site-packages (PySide6 is a runtime dependency, so it
is usually there already) and PATH. With no lrelease anywhere the build goes on without .qm
files and the app compiles the .ts into the user's cache at first start (jjjmap.ui.i18n).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TRANSLATIONS = HERE / "resources" / "translations"


def lrelease() -> list[str] | None:
    candidates = []
    try:
        import PySide6

        candidates.append(Path(PySide6.__file__).parent / "lrelease")
    except ImportError:
        pass
    for key in ("purelib", "platlib"):
        candidates.append(Path(sysconfig.get_paths()[key]) / "PySide6" / "lrelease")
    candidates.append(Path(sys.prefix) / "bin" / "pyside6-lrelease")
    for path in candidates:
        if path.is_file():
            return [str(path)]
    for name in ("pyside6-lrelease", "lrelease", "lrelease-qt6"):
        if (found := shutil.which(name)) is not None:
            return [found]
    return None


class BuildPyWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        sources = sorted(TRANSLATIONS.glob("*.ts"))
        if not sources:
            return
        command = lrelease()
        if command is None:
            print("warning: no lrelease (PySide6) found; the .qm translations are compiled at "
                  "first start instead", file=sys.stderr)
            return
        # an editable install reads resources/ in place; a wheel takes what is in build_lib
        if getattr(self, "editable_mode", False):
            out = TRANSLATIONS
        else:
            out = Path(self.build_lib) / "jjjmap" / "resources" / "translations"
        out.mkdir(parents=True, exist_ok=True)
        for ts in sources:
            qm = out / f"{ts.stem}.qm"
            subprocess.run([*command, "-silent", str(ts), "-qm", str(qm)], check=True)


setup(cmdclass={"build_py": BuildPyWithTranslations})
