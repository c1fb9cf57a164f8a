"""The package's modules import one another one way: the graph built from their `import` and
`from` statements (at any depth, function bodies included) has no cycle, the Spark helpers stack
as k8s < doctor < spark, and no module imports one of ours inside a function to get round an
order (only the doctor's executor probe, which imports the package on purpose). Read from the
source, nothing is imported."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "arrowroot"

EXTENSIONS = {"_core"}  # compiled modules: leaves of the graph

# Function-level imports of our own modules that are there on purpose: (module, imported).
ALLOWED_LOCAL_IMPORTS = {
    ("doctor", "arrowroot"),  # _probe runs on an executor and reports a missing arrowroot
}


def _modules() -> dict[str, Path]:
    """Module name ("arrowroot" for the package itself) → file."""
    out = {"arrowroot": PACKAGE / "__init__.py"}
    out.update({p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"})
    return out


def _imported(node: ast.AST, modules: dict[str, Path]) -> list[str]:
    """Our modules an import statement names (the extension _core is a leaf, left out)."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == "arrowroot":
                names.append(parts[1] if len(parts) > 1 else "arrowroot")
    elif isinstance(node, ast.ImportFrom):
        if node.level == 1 or node.module and node.module.split(".")[0] == "arrowroot":
            parts = (node.module or "").split(".")
            if node.level == 0:
                parts = parts[1:]
            if parts and parts[0]:
                names.append(parts[0])
            else:  # from . import x, y: modules, or names of the package itself
                for alias in node.names:
                    if alias.name not in EXTENSIONS:
                        names.append(alias.name if alias.name in modules else "arrowroot")
    return [n for n in names if n in modules]


def _graph() -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """(module → modules it imports, {(module, imported)} for imports inside functions)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    local: set[tuple[str, str]] = set()
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        graph[name] = set()
        for node in ast.walk(tree):
            for target in _imported(node, modules):
                graph[name].add(target)
        for func in ast.walk(tree):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(func):
                    local.update((name, t) for t in _imported(node, modules))
    return graph, local


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (found := visit(n)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_every_kind_of_import():
    graph, local = _graph()
    assert "_api" in graph["arrowroot"] and "_errors" in graph["_api"]  # from ._x import y
    assert ("doctor", "arrowroot") in local  # import arrowroot as _ar, in a function


def test_modules_import_each_other_one_way():
    graph, _ = _graph()
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph))}"


def test_spark_helpers_stack_k8s_doctor_spark():
    graph, _ = _graph()
    assert not graph["k8s"] & {"doctor", "spark"}, graph["k8s"]
    assert not graph["_k8s_api"] & {"k8s", "doctor", "spark"}, graph["_k8s_api"]
    assert "spark" not in graph["doctor"], graph["doctor"]
    assert "_options" in graph["_api"] and not graph["_options"] - {"_errors"}, graph["_options"]


def test_no_function_level_imports_of_our_modules():
    _, local = _graph()
    assert local <= ALLOWED_LOCAL_IMPORTS, sorted(local - ALLOWED_LOCAL_IMPORTS)
