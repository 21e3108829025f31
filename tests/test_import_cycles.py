"""No module in src/jjjmap imports a module that imports it back, directly or round a loop.

What counts as "imports" (read from the source with ``ast``, nothing is executed):
- every ``import x`` / ``from x import y`` anywhere in the file: at module level, inside a
  function or method (a deferred import still ties the two modules together, it only moves
  the moment the circle bites), and under ``if TYPE_CHECKING:`` (a type named from a module
  is a dependency on it: that is the coupling the rule is about);
- ``from pkg import name`` is an import of ``pkg.name`` when that is a module of ours, else of
  ``pkg`` itself;
- importing ``a.b.c`` is an edge to ``a.b.c`` only, not to its parent packages: Python runs
  their ``__init__`` too, but ours are docstrings and lazy ``__getattr__``s, and counting
  them would make every package a hub of false circles.
Only modules of jjjmap are nodes; the standard library and third parties are ignored.
"""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "jjjmap"


def module_names(src: Path = SRC, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted name -> file, for every module and package of ``package`` under ``src``."""
    names: dict[str, Path] = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _absolute(module: str | None, level: int, current: str, is_package: bool) -> str:
    if level == 0:
        return module or ""
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The jjjmap modules ``name`` imports anywhere in its file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def add(target: str) -> None:
        # the module itself, or the closest enclosing module of ours (``a.b.func`` -> ``a.b``)
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, name, is_package)
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                add(full if full in known else base)
    return found


def import_graph(src: Path = SRC, package: str = PACKAGE) -> dict[str, set[str]]:
    names = module_names(src, package)
    known = set(names)
    return {name: imports_of(name, path, known) for name, path in names.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted,
    and one shortest circle through each for the message."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:   # iterative: no recursion limit on a deep graph
        nonlocal counter
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(components)


def shortest_circle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest path from the component's first module back to itself (breadth first)."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return component   # pragma: no cover - a component always has a circle


def _described(graph: dict[str, set[str]], found: list[list[str]]) -> str:
    return "\n".join(" -> ".join(shortest_circle(graph, c)) + f"   (all: {', '.join(c)})"
                     for c in found)


def test_no_import_cycles_in_jjjmap():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import circles in src/jjjmap:\n" + _described(graph, found)


# -- the checker itself, on small trees written here -----------------------------------------

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / "pkg" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_function_level_import_closes_a_circle(tmp_path):
    src = _tree(tmp_path, {"__init__.py": "", "a.py": "from . import b\n",
                           "b.py": "def f():\n    from .a import g\n"})
    graph = import_graph(src, "pkg")
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_a_type_checking_import_closes_a_circle(tmp_path):
    src = _tree(tmp_path, {"__init__.py": "", "ui/__init__.py": "",
                           "ui/win.py": "import pkg.ui.helper\n",
                           "ui/helper.py": "from typing import TYPE_CHECKING\n"
                                           "if TYPE_CHECKING:\n"
                                           "    from .win import Win\n"})
    graph = import_graph(src, "pkg")
    assert cycles(graph) == [["pkg.ui.helper", "pkg.ui.win"]]


def test_a_longer_circle_and_names_that_are_not_modules(tmp_path):
    src = _tree(tmp_path, {"__init__.py": "", "a.py": "from pkg.b import thing\n",
                           "b.py": "from .c import other\nimport os\n",
                           "c.py": "import pkg.a as a\n", "d.py": "from . import a, c\n"})
    graph = import_graph(src, "pkg")
    assert graph["pkg.b"] == {"pkg.c"}       # os is not ours
    assert graph["pkg.d"] == {"pkg.a", "pkg.c"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert shortest_circle(graph, ["pkg.a", "pkg.b", "pkg.c"]) == [
        "pkg.a", "pkg.b", "pkg.c", "pkg.a"]


def test_no_circle_is_no_circle(tmp_path):
    src = _tree(tmp_path, {"__init__.py": "", "a.py": "from . import b\n",
                           "b.py": "import json\n", "c.py": "from .a import x\n"})
    assert cycles(import_graph(src, "pkg")) == []
