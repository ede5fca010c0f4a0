"""The analysis package imports one way only: methods -> method_result, registry -> methods.

Every import is counted, also those inside a function (an import put off to run time still
makes a cycle: the cycle just fails later, on the first call).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import widgets.analysis

PACKAGE = "widgets.analysis"
FOLDER = Path(widgets.analysis.__file__).parent
MODULES = sorted(p.stem for p in FOLDER.glob("*.py") if p.stem != "__init__")
REGISTRY = f"{PACKAGE}.positive_exceptions"


def imported(module: str, tree: ast.AST) -> set[str]:
    """The modules of this package that ``tree`` (the code of ``module``) imports."""
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from .x import y
                base = ".".join(module.split(".")[:-node.level])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{a.name}" for a in node.names]
        for name in names:
            if name.startswith(PACKAGE + ".") and name.split(".")[2] in MODULES:
                found.add(".".join(name.split(".")[:3]))
    found.discard(module)
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """module -> the package's modules it imports, from the modules' source code."""
    return {m: imported(m, ast.parse(code)) for m, code in sources.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def package_sources() -> dict[str, str]:
    return {f"{PACKAGE}.{m}": (FOLDER / f"{m}.py").read_text(encoding="utf-8")
            for m in MODULES}


def test_the_checker_sees_a_cycle_even_inside_a_function():
    sources = {
        f"{PACKAGE}.funnel": "from widgets.analysis.method_result import prepare\n"
                             "def f():\n    from widgets.analysis import positive_exceptions\n",
        f"{PACKAGE}.positive_exceptions": "from widgets.analysis.funnel import funnel\n",
        f"{PACKAGE}.method_result": "import numpy\n",
    }
    assert find_cycle(import_graph(sources)) == [
        f"{PACKAGE}.funnel", f"{PACKAGE}.positive_exceptions", f"{PACKAGE}.funnel"]
    sources[f"{PACKAGE}.funnel"] = "from widgets.analysis.method_result import prepare\n"
    assert find_cycle(import_graph(sources)) is None


def test_the_analysis_package_has_no_import_cycle():
    assert find_cycle(import_graph(package_sources())) is None


def test_only_the_registry_knows_the_methods():
    graph = import_graph(package_sources())
    users = sorted(m for m, deps in graph.items() if REGISTRY in deps)
    assert users == [], f"{users} import the registry; import method_result instead"
    methods = {f"{PACKAGE}.{m}" for m in ("group_choice", "similar_circumstances",
                                          "better_than_expected", "funnel")}
    assert methods <= graph[REGISTRY]
    for method in methods:
        assert f"{PACKAGE}.method_result" in graph[method]


@pytest.mark.parametrize("module", MODULES)
def test_each_analysis_module_imports_alone(module):
    """In a fresh interpreter, so that no earlier import hides a missing or circular one."""
    out = subprocess.run([sys.executable, "-c", f"import {PACKAGE}.{module}"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
