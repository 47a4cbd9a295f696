"""The import contract of docs/architecture.md: layers, no lab in the product, no cycles.

import-linter reads the contracts from ``pyproject.toml``; grimp's graph counts every
import, those inside function bodies included, so a function-level import cannot hide a
cycle or a reach into a higher layer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("cyberkind", cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_contracts_in_pyproject_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 kept, 0 broken" in run.stdout


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    assert _cycles(graph) == []


def test_graph_counts_imports_inside_functions(graph: grimp.ImportGraph) -> None:
    """`labels` imports the engine only inside its function; the graph must still see it."""
    details = graph.get_import_details(
        importer="cyberkind.cli._engine", imported="cyberkind.engine"
    )
    assert any(d["line_contents"].startswith("from ..engine import") for d in details)


def test_cycle_finder_finds_a_cycle() -> None:
    """The finder itself, on a graph with a cycle hidden behind a function-level import."""
    g = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        g.add_module(name)
    g.add_import(importer="p.a", imported="p.b")
    g.add_import(importer="p.b", imported="p.c")
    g.add_import(importer="p.c", imported="p.a")
    assert _cycles(g) == [["p.a", "p.b", "p.c"]]


def test_product_never_imports_the_lab(graph: grimp.ImportGraph) -> None:
    lab = {m for m in graph.modules if m == "cyberkind.lab" or m.startswith("cyberkind.lab.")}
    product = set(graph.modules) - lab
    reaching = {
        importer for importer in product if graph.find_modules_directly_imported_by(importer) & lab
    }
    assert reaching == set()


def test_lab_commands_arrive_through_the_plugin_hook() -> None:
    from cyberkind.cli import cli

    assert {"train", "bench"} <= set(cli.commands)
    assert cli.commands["train"].callback is not None
    assert cli.commands["train"].callback.__module__ == "cyberkind.lab.commands"


def _calls_to(attribute: str) -> set[str]:
    """The product's modules (relative to src/cyberkind) that call ``<anything>.attribute(...)``."""
    import ast

    package = ROOT / "src" / "cyberkind"
    found = set()
    for path in package.rglob("*.py"):
        if path.relative_to(package).parts[0] == "lab":
            continue  # the lab is not the product (and calls np.random.set_state)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == attribute
            ):
                found.add(path.relative_to(package).as_posix())
    return found


def test_only_the_inbox_changes_an_opportunitys_state() -> None:
    """STYLE.md §9: the inbox owns every state change; nothing else calls ``set_state``."""
    callers = {p for p in _calls_to("set_state") if not p.startswith("store/")}
    assert callers == {"inbox.py"}


def test_domain_errors_are_defined_in_the_core() -> None:
    """``ClaimedError`` (any subclass of cyberkind's errors) lives in ``cyberkind.errors``."""
    import ast

    from cyberkind import errors

    package = ROOT / "src" / "cyberkind"
    defined = []
    for folder in ("web", "cli"):
        for path in (package / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                bases = {
                    getattr(b, "id", getattr(b, "attr", "")) for b in getattr(node, "bases", [])
                }
                if isinstance(node, ast.ClassDef) and bases & set(errors.__all__):
                    defined.append(f"{folder}/{path.name}:{node.name}")
    assert defined == []
    assert issubclass(errors.ClaimedError, errors.ConfigError)


def test_sending_reaches_accounts_without_the_pipeline(graph: grimp.ImportGraph) -> None:
    assert "cyberkind.pipeline" not in graph.find_modules_directly_imported_by("cyberkind.sending")
    assert "cyberkind.accounts" in graph.find_modules_directly_imported_by("cyberkind.sending")
