"""The shape of app/: no import cycles (none hidden in a function either), every package whole.

The import graph is read from the source (AST), not by importing: an edge is a module-level
``import app.x`` or ``from app.x import y`` (to ``app.x.y`` when that is a module), outside
``if TYPE_CHECKING:``. An import inside a function that would close a cycle were it at the
top is a cycle in disguise and fails too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"


@dataclass(frozen=True)
class Import:
    """One import of an app module: where it is, what it names, whether it runs at import."""

    source: str
    line: int
    target: str
    module_level: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(APP.rglob("*.py"))}


def _targets(node: ast.Import | ast.ImportFrom, source: str, is_package: bool) -> list[str]:
    known = modules()
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: resolve against the importing package
            package = source.split(".") if is_package else source.split(".")[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    return [name for name in names if name in known]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(body: list[ast.stmt], source: str, is_package: bool, top: bool) -> Iterator[Import]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(node, source, is_package):
                yield Import(source, node.lineno, target, top)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            continue  # never runs: no cycle at import time
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _walk(node.body, source, is_package, top=False)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    yield from _walk(inner, source, is_package, top)


@cache
def imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(), filename=str(path))
        found += _walk(tree.body, name, path.name == "__init__.py", top=True)
    return tuple(found)


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in modules()}
    for found in imports():
        if found.module_level:
            edges[found.source].add(found.target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1 or node in edges[node]:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for other in edges[node] - seen:
            seen.add(other)
            todo.append(other)
    return False


def test_the_graph_is_read() -> None:
    edges = graph()
    assert "app.main" in edges
    assert "app.audit.context" in edges["app.security.caller"]
    assert "app.audit.ledger.watch" in edges["app.audit.ledger.sequencer"]


def test_no_import_cycles_in_app() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}}) == [["a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_function_level_import_dodges_a_cycle() -> None:
    edges = graph()
    dodges = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in imports()
        if not found.module_level and reaches(edges, found.target, found.source)
    ]
    assert dodges == []


def test_every_directory_of_python_files_is_a_package() -> None:
    directories = {path.parent for path in APP.rglob("*.py")} - {APP.parent}
    missing = sorted(
        str(d.relative_to(APP.parent))
        for d in directories
        if "__pycache__" not in d.parts and not (d / "__init__.py").exists()
    )
    assert missing == []


def test_app_never_imports_bench_or_tests() -> None:
    """The wheel holds app/ alone: demo data is in app/demo/, benchmark data in bench/."""
    found = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            found += [f"{name}:{node.lineno} imports {root}" for root in roots]
    assert [f for f in found if f.endswith((" bench", " tests"))] == []
