"""Rules every test file keeps (issue 23), checked by walking the syntax of tests/**/*.py.

1. No timing in assertions. A clock reading (time.perf_counter/time/monotonic and their _ns
   forms), or a name computed from one, may be printed but never compared in an ``assert``
   (nor in an ``if`` that fails the test). A shared CI machine fails such a check with nothing
   wrong, a fast one hides a regression. Speed belongs in bench/ (a case with its ratio
   against a baseline, bench/README.md); a test can count work instead (calls, rows read).
2. No fixed sleeps. ``qtbot.wait(N)``, ``QTest.qWait(N)``, ``time.sleep(N)``,
   ``asyncio.sleep(N)`` and playwright's ``wait_for_timeout(N)`` either wait too little
   (flaky) or let a "nothing happened" check pass while the bug is there. Wait on the
   condition instead: ``qtbot.waitUntil(lambda: ...)``, ``qtbot.waitSignal(...)``, the page's
   ready flag, or for "nothing happened" a positive sign the change was handled (a counter
   the code keeps, e.g. ``MapView.render_requests``, or a page round trip; see
   tests/test_ui_helpers.py: ``language_changed``, ``close_window``, ``page_answered``).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CLOCKS = {"perf_counter", "perf_counter_ns", "time", "time_ns", "monotonic", "monotonic_ns"}
SLEEPS = {("time", "sleep"), ("asyncio", "sleep"), ("QTest", "qWait")}
TIMING = "timing in an assert"
SLEEP = "fixed sleep"
HOW_TO_FIX = """
How to fix (the module docstring of tests/test_suite_rules.py says more):
- timing in an assert: move the speed check to bench/ (a case with its ratio against a
  baseline, bench/README.md), or count work (calls, rows read) instead of seconds;
  printing a duration is fine.
- fixed sleep: wait on the condition: qtbot.waitUntil(lambda: ...), qtbot.waitSignal(...),
  page.wait_for_function(...) / the page's ready flag; for "nothing happened", first wait
  for a positive sign that the change was handled (a counter the code keeps, a signal, a
  page round trip: test_ui_helpers.page_answered, language_changed, close_window)."""


def _clock_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names bound by `from time import perf_counter [as x]` and `import time [as t]`."""
    bare, modules = set(), {"time"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            bare |= {a.asname or a.name for a in node.names if a.name in CLOCKS | {"sleep"}}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "time"}
    return bare, modules


class _Checker:
    def __init__(self, tree: ast.AST):
        self.bare, self.time_modules = _clock_names(tree)

    def is_clock(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            return f.value.id in self.time_modules and f.attr in CLOCKS
        return isinstance(f, ast.Name) and f.id in self.bare and f.id != "sleep"

    def is_sleep(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        f = node.func
        if isinstance(f, ast.Name):
            return f.id == "sleep" and "sleep" in self.bare
        if not isinstance(f, ast.Attribute):
            return False
        if f.attr == "wait_for_timeout":
            return True
        owner = f.value
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        if f.attr == "wait" and "qtbot" in name:
            return True
        if name in self.time_modules and f.attr == "sleep":
            return True
        return (name, f.attr) in SLEEPS

    def timed(self, node: ast.AST, tainted: set[str]) -> bool:
        return any(self.is_clock(n) or (isinstance(n, ast.Name) and n.id in tainted)
                   for n in ast.walk(node))


def _scopes(tree: ast.Module):
    """The nodes of the module outside functions, then each function's (with what it
    nests: a closure sees its function's names)."""
    def outside(node):
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from outside(child)

    yield list(outside(tree))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield list(ast.walk(node))


def _fails_test(body: list[ast.stmt]) -> bool:
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Raise):
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "fail"):
            return True
    return False


def violations(source: str, filename: str = "<test>") -> list[str]:
    tree = ast.parse(source, filename)
    check = _Checker(tree)
    found = []
    for nodes in _scopes(tree):
        # names computed from a clock, to a fixed point (t0 = perf_counter(); dt = now - t0)
        tainted: set[str] = set()
        while True:
            before = len(tainted)
            for node in nodes:
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and \
                        node.value is not None and check.timed(node.value, tainted):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        tainted |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
            if len(tainted) == before:
                break
        for node in nodes:
            if isinstance(node, ast.Assert) and check.timed(node.test, tainted):
                found.append(f"{filename}:{node.lineno}: {TIMING}: "
                             f"assert {ast.unparse(node.test)}")
            elif isinstance(node, ast.If) and check.timed(node.test, tainted) \
                    and _fails_test(node.body):
                found.append(f"{filename}:{node.lineno}: {TIMING}: "
                             f"if {ast.unparse(node.test)}: <fail>")
    for node in ast.walk(tree):
        if check.is_sleep(node):
            found.append(f"{filename}:{node.lineno}: {SLEEP}: {ast.unparse(node)}")
    return sorted(set(found))


def test_no_timing_assertions_and_no_fixed_sleeps_in_tests():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        found += violations(path.read_text(encoding="utf-8"), str(path.relative_to(TESTS.parent)))
    assert not found, ("tests break the suite's rules:\n" + "\n".join(found) + HOW_TO_FIX)


@pytest.mark.parametrize("source", [
    "import time\ndef test():\n    t0 = time.perf_counter()\n    x = 1\n"
    "    elapsed = time.perf_counter() - t0\n    assert elapsed < 2\n",
    "from time import monotonic as now\ndef test():\n    start = now()\n"
    "    spent = [now() - start]\n    assert spent[0] < 1\n",
    "import time\ndef test():\n    assert time.time() - 5 > 0\n",
    "import time\ndef test():\n    t = time.perf_counter()\n"
    "    if time.perf_counter() - t > 3:\n        pytest.fail('slow')\n",
    "def test(qtbot):\n    qtbot.wait(50)\n    assert True\n",
    "def helper(self):\n    self.qtbot.wait(10)\n",
    "import time\ndef test():\n    time.sleep(0.1)\n",
    "from time import sleep\ndef test():\n    sleep(1)\n",
    "from PySide6.QtTest import QTest\ndef test():\n    QTest.qWait(100)\n",
    "def test(page):\n    page.wait_for_timeout(500)\n",
])
def test_the_rules_catch(source):
    assert len(violations(source)) == 1, violations(source)


@pytest.mark.parametrize("source", [
    "import time\ndef test():\n    t0 = time.perf_counter()\n"
    "    print(f'{time.perf_counter() - t0:.2f} s')\n    assert 1 + 1 == 2\n",
    "def test(qtbot, w):\n    qtbot.waitUntil(lambda: w.ready, timeout=5000)\n"
    "    with qtbot.waitSignal(w.done):\n        w.go()\n    assert w.ready\n",
    "def test(proc, runner):\n    proc.wait(timeout=10)\n    assert runner.wait(10000)\n",
    "import time\ndef other():\n    return time.perf_counter()\n"
    "def test(x):\n    elapsed = 3\n    assert elapsed == x\n",
    "import time\ndef a():\n    t0 = time.perf_counter()\n"
    "def b():\n    t0 = 5\n    assert t0 == 5\n",
])
def test_the_rules_let_pass(source):
    assert violations(source) == []
