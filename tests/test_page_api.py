"""One page API: the real page (resources/web/jjj.js), the stand-in page of the GUI tests
(test_ui_helpers.STANDIN) and the window's calls (src/jjjmap/ui) all match PAGE_API."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from test_ui_helpers import PAGE_API, PAGE_PROPERTIES, STANDIN

REPO = Path(__file__).resolve().parents[1]
UI = REPO / "src" / "jjjmap" / "ui"


def _params(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def real_page_api() -> dict[str, tuple[str, ...]]:
    """`jjj.name = function (a, b)` in jjj.js."""
    source = (REPO / "resources" / "web" / "jjj.js").read_text(encoding="utf-8")
    return {name: _params(params) for name, params in
            re.findall(r"^\s*jjj\.(\w+)\s*=\s*function\s*\(([^)]*)\)", source, re.M)}


def real_page_properties() -> set[str]:
    source = (REPO / "resources" / "web" / "jjj.js").read_text(encoding="utf-8")
    return set(re.findall(r"^\s*jjj\.(\w+)\s*=\s*(?!function)", source, re.M))


def standin_api() -> dict[str, tuple[str, ...]]:
    """`name: function (a, b)` in the stand-in's window.jjj."""
    body = STANDIN[STANDIN.index("window.jjj = {"):]
    body = body[:body.index("\n  };")]
    return {name: _params(params)
            for name, params in re.findall(r"(\w+):\s*function\s*\(([^)]*)\)", body)}


def window_calls() -> list[tuple[str, int | None, str]]:
    """(function, number of arguments or None, where) for every call the window makes:
    MapView._js_call("name", ...) and `window.jjj.name(` in the scripts it runs."""
    calls = []
    for path in sorted(UI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "_js_call" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                calls.append((node.args[0].value, len(node.args) - 1, where))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in re.findall(r"window\.jjj\.(\w+)\(", node.value):
                    calls.append((name, None, where))
    return calls


def test_the_real_page_has_every_function_of_the_list_with_its_parameters():
    real = real_page_api()
    wrong = {name: (params, real.get(name)) for name, params in PAGE_API.items()
             if real.get(name) != params}
    assert not wrong, f"PAGE_API (test_ui_helpers) differs from jjj.js: {wrong}"
    assert set(PAGE_PROPERTIES) <= real_page_properties()


def test_the_standin_implements_exactly_the_list():
    assert standin_api() == PAGE_API
    for prop in PAGE_PROPERTIES:
        assert re.search(rf"\b{prop}:", STANDIN), prop


def test_the_window_calls_only_listed_functions_with_their_arity():
    calls = window_calls()
    assert {name for name, _, _ in calls} >= {"setVisible", "setBasemap", "getView"}  # found
    unknown = [(name, where) for name, _, where in calls if name not in PAGE_API]
    assert not unknown, f"the window calls page functions PAGE_API does not list: {unknown}"
    arity = [(name, n, PAGE_API[name], where) for name, n, where in calls
             if n is not None and n != len(PAGE_API[name])]
    assert not arity, f"calls with another number of arguments than the page takes: {arity}"


def test_the_window_reads_only_listed_properties():
    read = set()
    for path in sorted(UI.glob("*.py")):
        read |= set(re.findall(r"window\.jjj\.(\w+)\b(?!\s*\()",
                               path.read_text(encoding="utf-8")))
    assert read - set(PAGE_API) <= set(PAGE_PROPERTIES), read
