"""The committed .qm files are their .ts sources compiled (issue 22).

The wheel, an editable install and the desktop bundle ship resources/translations/*.qm as
committed; nothing compiles them at install or run time. So a .ts edited without running
scripts/compile_translations.py would ship an old translation: this test compiles each .ts
with PySide6's lrelease and compares the bytes (lrelease's output is deterministic).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TRANSLATIONS = REPO / "resources" / "translations"
FIX = "run `.venv/bin/python scripts/compile_translations.py` and commit the .qm with the .ts"


def _script():
    spec = importlib.util.spec_from_file_location(
        "compile_translations", REPO / "scripts" / "compile_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SOURCES = sorted(TRANSLATIONS.glob("*.ts"))


def test_there_is_a_translation_to_check():
    assert [ts.name for ts in SOURCES] == ["jjjmap_zh_CN.ts"]


@pytest.mark.parametrize("ts", SOURCES, ids=lambda p: p.name)
def test_committed_qm_is_the_compiled_ts(ts, tmp_path):
    pytest.importorskip("PySide6")
    committed = ts.with_suffix(".qm")
    assert committed.is_file(), f"{committed.relative_to(REPO)} is missing: {FIX}"
    fresh = tmp_path / committed.name
    _script().compile_ts(ts, fresh)
    assert fresh.read_bytes() == committed.read_bytes(), (
        f"{committed.relative_to(REPO)} is not what lrelease makes of {ts.name}: {FIX}")


def test_committed_qm_translates_the_window():
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "jjjmap_zh_CN.qm"))
    # written out from the .ts by hand: the menus and the layer panel's groups
    assert translator.translate("MainWindow", "&File") == "文件(&F)"
    assert translator.translate("MainWindow", "Layers") == "图层"
    assert translator.translate("LayerPanel", "Boundaries") == "行政边界"
