"""The window's own texts as data: what `jjjmap gui --screenshot PNG --texts JSON` writes.

A translation is checked where it runs: the desktop bundle's smoke test starts the bundle
with ``--lang zh`` and reads these texts back (it has no Python to ask the window directly).
"""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QDockWidget, QMenu, QToolBar


def window_texts(window) -> dict[str, list[str]]:
    """Title, menus (titles and actions), toolbars, docks, and the layer panel's groups and
    layers, as the window shows them now (with their ``&`` accelerators)."""
    menus: list[str] = []

    def walk(menu: QMenu) -> None:
        menus.append(menu.title())
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.isSeparator() and action.text():
                menus.append(action.text())

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu())
    model = window.layers.model
    groups = [model.item(row) for row in range(model.rowCount())]
    return {
        "title": [window.windowTitle()],
        "menus": menus,
        "toolbars": [a.text() for bar in window.findChildren(QToolBar)
                     for a in bar.actions() if not a.isSeparator() and a.text()],
        "docks": [dock.windowTitle() for dock in window.findChildren(QDockWidget)],
        "layer_groups": [group.text() for group in groups],
        "layers": [group.child(r).text() for group in groups for r in range(group.rowCount())],
    }


def write_texts(window, path: str | Path) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(window_texts(window), ensure_ascii=False, indent=1),
                   encoding="utf-8")
