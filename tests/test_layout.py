"""The architecture, checked: layers import downwards only, no import cycles, rooms stay small.

The layers, bottom to top (see README, "Layout"): the helpers (`errors`, `hints`,
`exit_codes`), the rule language, the engine, the decision, analysis, the `Advisor`
facade (`decide`), and the three ways in: the command line, the Gherkin vocabulary and
the service. A module may import its own layer and the layers below it, never above.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {"advisor": ROOT / "src" / "advisor", "advisor.api": ROOT / "api"}

#: module prefix -> layer rank; the longest matching prefix wins
LAYERS = {
    "advisor.errors": 0,
    "advisor.hints": 0,
    "advisor.exit_codes": 0,
    "advisor.language": 1,
    "advisor.engine": 2,
    "advisor.decision": 3,
    "advisor.analysis": 4,
    "advisor.indices": 4,
    "advisor.decide": 5,
    "advisor.batch": 5,  # runs the facade over many profiles
    "advisor": 5,  # the package's __init__: the public API re-exports the facade
    "advisor.cli": 6,
    "advisor.bdd": 6,
    "advisor.api": 6,
}
#: the ways in that must not import each other (the command line finds `serve` by entry point)
ENTRANCES = ("advisor.cli", "advisor.bdd", "advisor.api")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _modules() -> Iterator[tuple[str, Path]]:
    for package, root in SOURCES.items():
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join([package, *parts]), path


MODULES = dict(_modules())


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _imports(module: str, path: Path) -> set[str]:
    """Project modules this module imports (at any depth in the file, lazily or not)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(module, path).split(".")
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in MODULES}
    return found - {module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _layer(module: str) -> tuple[str, int]:
    prefix = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return prefix, LAYERS[prefix]


def test_the_layers_cover_every_module() -> None:
    assert len(MODULES) > 40
    assert all(_layer(module) for module in MODULES)


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(target)[1] > _layer(module)[1]
    ]
    assert upward == []


def test_the_ways_in_do_not_import_each_other() -> None:
    crossing = [
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(module)[0] in ENTRANCES
        and _layer(target)[0] in ENTRANCES
        and _layer(target)[0] != _layer(module)[0]
    ]
    assert crossing == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle met by a depth-first walk, as the modules along it."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_no_import_cycle_among_the_projects_modules() -> None:
    # An edge into a package is an edge to its __init__, so a module importing the
    # package that re-exports it shows up here as a cycle too.
    assert find_cycles(GRAPH) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_rooms_stay_small(module: str) -> None:
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{module}: split it by job"
    long_functions = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long_functions == [], module
    assert ast.get_docstring(ast.parse(text)) or path.name in ("__main__.py",), (
        f"{module}: say what the module is for"
    )
