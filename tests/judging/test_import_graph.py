"""The layers stay apart and no module of the app imports another that imports it back: `scoring/` and
`exports/` never import Flask, the models or the web layer; the domain never imports a blueprint; and the
module-level imports of `judging/` form no cycle (a blueprint's pages register on a blueprint defined apart,
not on one that imports them back)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported when `path` is imported (not those imported inside a function)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def _graph(top: str) -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in (ROOT / top).rglob("*.py") if "migrations" not in p.parts}
    return {name: {m for m in _top_level_imports(path) if m in modules and m != name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None


def test_the_finder_sees_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_the_app_imports_one_that_imports_it_back():
    graph = _graph("judging")
    # A package's __init__ importing its own submodules to register them is the one allowed loop: the submodules
    # must not need the package's names, so the edge from a submodule to its package is ignored.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_pure_packages_and_the_domain_do_not_reach_up():
    for top in ("scoring", "exports"):
        for path in (ROOT / top).rglob("*.py"):
            imported = _top_level_imports(path)
            assert not {m for m in imported if m.split(".")[0] in ("flask", "judging", "flask_sqlalchemy")}, path
    for path in (ROOT / "judging" / "domain").glob("*.py"):
        blueprints = ("judging.auth", "judging.entries", "judging.jury", "judging.organiser", "judging.api")
        imported = {m for m in _top_level_imports(path) if m.startswith(blueprints) and not m.endswith("forms")}
        assert not imported, f"{path.name} imports a blueprint: {imported}"
