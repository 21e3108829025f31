"""The interface language: Qt translators for jjjmap's own strings and for Qt's dialogs.

The window and the map follow one choice (``doc.lang``): "en" or "zh" (Simplified Chinese).
Swapping translators makes Qt send LanguageChange to every widget, which retranslate
themselves. The compiled ``jjjmap_zh_CN.qm`` is committed next to its ``.ts`` source
(``scripts/compile_translations.py`` makes it; ``tests/test_translations.py`` checks that it is
what lrelease makes of the ``.ts``), so the wheel, an editable install and the desktop bundle
all ship the same file and nothing compiles anything at run time.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
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


def qm_file(code: str) -> Path | None:
    """The shipped jjjmap_<locale>.qm, or None if this install has none."""
    stem = f"jjjmap_{QT_LOCALES.get(code, code)}"
    built = translations_dir() / f"{stem}.qm"
    if not built.is_file():
        log.warning("no %s in %s; the interface stays in English", built.name, built.parent)
        return None
    return built


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
