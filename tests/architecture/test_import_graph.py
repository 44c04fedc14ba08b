"""The package's imports follow the data flow: no cycles, and no stage imports a later one.

The stage order is read from DESIGN.md (the block under "Stage order"), so the documented map and
the code cannot drift apart. Imports inside functions count as much as those at the top.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mtqa"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """mtqa modules that ``path`` imports anywhere in its body (``from a import b`` counts ``a.b``
    when ``b`` is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(path, name, known) for name, path in modules.items()}


def stage_order(design: str) -> list[tuple[str, tuple[str, ...]]]:
    """[(stage, module prefixes)] from the numbered list after the "Stage order" heading."""
    block = design.split("## Stage order", 1)[1].split("\n## ", 1)[0]
    stages = re.findall(r"^\d+\. \*\*(\w+)\*\*: ((?:`[\w.]+`[, ]*)+)", block, flags=re.M)
    return [(stage, tuple(re.findall(r"`([\w.]+)`", prefixes))) for stage, prefixes in stages]


STAGES = stage_order((ROOT / "DESIGN.md").read_text("utf-8"))


def stage_of(module: str) -> int:
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), i
    if rank is None:
        raise AssertionError(f"{module} belongs to no stage in DESIGN.md's stage order")
    return rank


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def backward_imports(edges: dict[str, set[str]]) -> list[str]:
    return [f"{a} ({STAGES[stage_of(a)][0]}) imports {b} ({STAGES[stage_of(b)][0]})"
            for a in sorted(edges) for b in sorted(edges[a]) if stage_of(b) > stage_of(a)]


def test_design_md_names_the_stages():
    assert [s for s, _ in STAGES][:3] == ["base", "ingest", "text"], STAGES
    assert len(STAGES) >= 8


def test_every_module_has_a_stage():
    for module in all_modules():
        stage_of(module)


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_no_stage_imports_a_later_stage():
    assert backward_imports(graph()) == []


@pytest.mark.parametrize("edge, expect", [
    (("mtqa.types", "mtqa.cli.app"), "backward"),  # the lowest stage reaching the highest
    (("mtqa.models.locate", "mtqa.models.context"), "cycle"),  # context imports locate already
])
def test_the_checks_catch_a_planted_violation(edge, expect):
    edges = graph()
    source, target = edge
    edges[source] = edges[source] | {target}
    if expect == "cycle":
        assert any(source in c and target in c for c in cycles(edges))
    else:
        assert any(line.startswith(f"{source} ") and target in line for line in backward_imports(edges))
