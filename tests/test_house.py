"""The package's structure: its imports (lazy ones inside functions too) form no loop, and the wings only
import downwards: the core from nothing of the package but its top, the chapters from the core, the build
from both; the command line sits on top."""

import pytest

from claimbook.builder import dependencies

# Each wing, and the wings it may import from (besides itself and the package's top, claimbook/__init__).
MAY_IMPORT = {
    "core": set(),
    "chapters": {"core"},
    "builder": {"core", "chapters"},
    "cli": {"core", "chapters", "builder"},
}


def _graph(modules: dict[str, str]) -> dict[str, set[str]]:
    """Module -> the package modules it imports (package __init__ files left out: importing a wing's
    module passes through them, which is no dependency of one module on another)."""
    graph = {}
    for module, source in modules.items():
        found, _ = dependencies.imports_of_source(source, module)
        graph[module] = {m for m in found if m != module and not m.endswith("__init__")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


def _wing(module: str) -> str:
    return module.split("/")[0]


def _package_sources() -> dict[str, str]:
    return {
        m: dependencies.module_file(m).read_text(encoding="utf-8")
        for m in dependencies.all_modules()
        if not m.endswith("__main__") and m != "__init__"
    }


def test_the_package_imports_form_no_loop():
    assert _cycles(_graph(_package_sources())) == []


def test_the_cycle_finder_finds_a_loop_through_a_lazy_import():
    # the loop the runner and the reports once made: the second import sits inside a function
    sources = {
        "builder/runner": "from claimbook.builder import runreport\n",
        "builder/runreport": "def write():\n    from claimbook.builder.runner import BUILD_DIR\n",
    }
    assert _cycles(_graph(sources)) == [["builder/runner", "builder/runreport", "builder/runner"]]


def _upward(graph: dict[str, set[str]], wing: str) -> set[tuple[str, str]]:
    return {
        (m, i)
        for m, imported in graph.items()
        if _wing(m) == wing
        for i in imported
        if _wing(i) != wing and _wing(i) not in MAY_IMPORT[wing]
    }


@pytest.mark.parametrize("wing", sorted(MAY_IMPORT))
def test_each_wing_imports_only_from_the_wings_below_it(wing):
    upward = _upward(_graph(_package_sources()), wing)
    assert not upward, f"{wing} imports from above it: {sorted(upward)}"


def test_a_chapter_helper_taken_from_the_build_is_an_upward_import():
    # what the chapters once did: a table helper imported from the build's collect module
    sources = {
        "chapters/offer": "def show():\n    from claimbook.builder.collect import table\n",
        "builder/collect": "from claimbook.core import register\n",
        "core/register": "",
    }
    graph = _graph(sources)
    assert _upward(graph, "chapters") == {("chapters/offer", "builder/collect")}
    assert _upward(graph, "builder") == set()


def test_the_package_is_three_wings_and_the_command_line():
    top = {_wing(m) for m in dependencies.all_modules()} - {"__init__", "__main__"}
    assert top == set(MAY_IMPORT)
