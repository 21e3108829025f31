"""The interface language: Qt translators for jjjmap's own strings and for Qt's dialogs.

The window and the map follow one choice (``doc.lang``): "en" or "zh" (Simplified Chinese).
Swapping translators makes Qt send LanguageChange to every widget, which retranslate
themselves. The compiled ``jjjmap_zh_CN.qm`` is built from the ``.ts`` source by the package
build (setup.py); a checkout or a wheel built without PySide6 at hand has only the ``.ts``, so
it is compiled once, at first start, into the user's cache with the lrelease PySide6 ships.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QStandardPaths,
    QTranslator,
)

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh")
QT_LOCALES = {"zh": "zh_CN"}
_installed: list[QTranslator] = []
_current = {"lang": "en"}


def system_language() -> str:
    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def current_language() -> str:
    return _current["lang"]


def translations_dir() -> Path:
    """resources/translations: inside the installed package, or at the top of a checkout."""
    here = Path(__file__).resolve()
    for folder in (here.parents[1] / "resources" / "translations",
                   here.parents[3] / "resources" / "translations"):
        if folder.is_dir():
            return folder
    return here.parents[1] / "resources" / "translations"


def lrelease() -> list[str] | None:
    """The command that compiles .ts to .qm: PySide6's own lrelease, else one on PATH."""
    try:
        import PySide6

        binary = Path(PySide6.__file__).parent / "lrelease"
        if binary.is_file():
            return [str(binary)]
    except ImportError:  # pragma: no cover - this module imports PySide6 anyway
        pass
    for name in ("pyside6-lrelease", "lrelease", "lrelease-qt6"):
        if (found := shutil.which(name)) is not None:
            return [found]
    return None


def qm_file(code: str) -> Path | None:
    """jjjmap_<locale>.qm: the built one, or one compiled from the .ts into the cache."""
    stem = f"jjjmap_{QT_LOCALES.get(code, code)}"
    folder = translations_dir()
    built, source = folder / f"{stem}.qm", folder / f"{stem}.ts"
    if built.is_file() and (not source.is_file()
                            or built.stat().st_mtime >= source.stat().st_mtime):
        return built
    if not source.is_file():
        return built if built.is_file() else None
    cache = Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.CacheLocation) or Path.home() / ".cache" / "jjjmap")
    cached = cache / "translations" / f"{stem}.qm"
    if cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime:
        return cached
    command = lrelease()
    if command is None:
        log.warning("no lrelease to compile %s; the interface stays in English", source.name)
        return built if built.is_file() else None
    cached.parent.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([*command, "-silent", str(source), "-qm", str(cached)],
                         capture_output=True, text=True)
    if run.returncode != 0 or not cached.is_file():
        log.warning("lrelease failed on %s: %s", source.name, run.stderr.strip())
        return built if built.is_file() else None
    return cached


def set_language(code: str) -> bool:
    """Install the translators for ``code`` (replacing the previous ones); False if the
    jjjmap translation could not be loaded."""
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language {code!r}")
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs a QApplication")
    if code == _current["lang"] and (code == "en" or _installed):
        return True
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _current["lang"] = code
    if code == "en":
        return True
    locale = QT_LOCALES.get(code, code)
    ok = False
    qm = qm_file(code)
    sources = [(qm, True)] if qm is not None else []
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    sources.append((qt_dir / f"qtbase_{locale}.qm", False))   # standard buttons and dialogs
    for path, ours in sources:
        translator = QTranslator(app)
        if translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
            ok = ok or ours
        else:
            log.warning("could not load the translation %s", path)
    return ok
