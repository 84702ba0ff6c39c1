"""Which modules of the package a notebook uses, so that its inputs hash covers exactly those.

A module is named by its path in the package without `.py`: `core/verdicts`, `chapters/reserves`,
`__init__` (the package itself), `builder/__init__`. A notebook's modules are those its cells import,
followed through the modules' own imports (absolute or relative, lazy imports inside functions too), with
the packages they pass through; editing one chapter's module therefore reruns only the chapters that use it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

from claimbook.builder.workspace import PACKAGE_DIR

EVERY = "*"  # a source that cannot be parsed: it may use any module
# The modules that execute every notebook, part of every notebook's inputs whatever it imports.
EXECUTION_MODULES = (
    "__init__",
    "builder/__init__",
    "builder/engine",
    "builder/runner",
    "builder/runreport",
    "builder/workspace",
    "core/__init__",
    "core/notebooks",
    "core/params",
)
# Not followed: the runner imports the whole package to warm up, which changes no output.
NOT_FOLLOWED = ("builder/runner",)
# The module whose readers of the executed chapters make a notebook a reader of them.
COLLECT = "builder/collect"
# Files besides its source that a module's output is made from: core/html renders the templates.
MODULE_DATA = {"core/html": ("templates", "*.html.j2")}
FOLDERS = ("EXECUTED_DIR", "SWEEP_DIR")


def all_modules(package_dir: Path | None = None) -> list[str]:
    root = package_dir or PACKAGE_DIR
    return sorted(
        p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.py") if "__pycache__" not in p.parts
    )


def module_file(module: str, package_dir: Path | None = None) -> Path:
    return (package_dir or PACKAGE_DIR) / f"{module}.py"


def module_files(module: str, package_dir: Path | None = None) -> list[Path]:
    """A module's source and the files it renders (MODULE_DATA): what a notebook that uses it depends on."""
    root = package_dir or PACKAGE_DIR
    data = MODULE_DATA.get(module)
    return [module_file(module, root), *(sorted((root / data[0]).glob(data[1])) if data else [])]


def _resolve(parts: list[str], package_dir: Path) -> str | None:
    """The module that a dotted path inside the package names (a package names its __init__)."""
    if not parts:
        return "__init__"
    name = "/".join(parts)
    if (package_dir / f"{name}.py").is_file():
        return name
    if (package_dir / name / "__init__.py").is_file():
        return f"{name}/__init__"
    return None


def _packages_of(parts: list[str]) -> set[str]:
    """The package __init__ modules that importing a dotted path runs."""
    return {"/".join([*parts[:i], "__init__"]) for i in range(len(parts))}


def imports_of_source(
    source: str, module: str | None = None, package_dir: Path | None = None
) -> tuple[set[str], set[tuple[str, str]]]:
    """The package modules a piece of Python imports, and the (module, name) pairs it imports by name.
    `module` is where the source lives (for relative imports); None for a notebook cell. {EVERY} when it
    cannot be parsed."""
    package_dir = package_dir or PACKAGE_DIR
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]  # IPython magics
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return {EVERY}, set()
    here = module.split("/")[:-1] if module else []  # the package the source lives in
    modules: set[str] = set()
    names: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level and module is not None:
                base = here[: len(here) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            elif node.level == 0 and node.module and node.module.split(".")[0] == "claimbook":
                base = node.module.split(".")[1:]
            else:
                continue
            target = _resolve(base, package_dir)
            if target is None:
                continue
            modules |= _packages_of(base) | {target}
            for alias in node.names:
                names.add((target, alias.name))
                sub = _resolve([*base, alias.name], package_dir)
                if sub is not None:  # `from claimbook.core import rules`: the module itself
                    modules.add(sub)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "claimbook" and (target := _resolve(parts[1:], package_dir)) is not None:
                    modules |= _packages_of(parts[1:]) | {target}
    return modules, names


@functools.cache
def _module_imports(
    module: str, content: bytes, package_dir: Path
) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    modules, names = imports_of_source(content.decode("utf-8", "replace"), module, package_dir)
    return frozenset(modules), frozenset(names)


def own_modules(sources: Iterable[str], package_dir: Path | None = None) -> tuple[set[str], set[tuple[str, str]]]:
    """The modules some notebook cells import, followed through the modules' own imports, with every
    (module, name) imported along the way. ({EVERY}, ...) when some source cannot be parsed."""
    package_dir = package_dir or PACKAGE_DIR
    todo: set[str] = set()
    names: set[tuple[str, str]] = set()
    for source in sources:
        found, pairs = imports_of_source(source, None, package_dir)
        todo |= found
        names |= pairs
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module == EVERY:
            return {EVERY}, names
        if module in seen or not module_file(module, package_dir).is_file():
            continue
        seen.add(module)
        if module in NOT_FOLLOWED:
            continue
        module_found, module_pairs = _module_imports(module, module_file(module, package_dir).read_bytes(), package_dir)
        todo |= module_found - seen
        if module != COLLECT:  # it defines the readers: importing only its other helpers (flips) reads nothing
            names |= module_pairs
    return seen, names


def package_modules(sources: Iterable[str], package_dir: Path | None = None) -> list[str]:
    """The package modules some notebook cells use, plus the modules that execute every notebook."""
    own, _ = own_modules(sources, package_dir)
    if EVERY in own:
        return all_modules(package_dir)
    return sorted(own | set(EXECUTION_MODULES))


@functools.cache
def _collect_readers(content: bytes) -> frozenset[str]:
    """The functions of the collect module that read the executed chapters (directly or through another)."""
    defs = {
        n.name: {x.id for x in ast.walk(n) if isinstance(x, ast.Name)}
        for n in ast.parse(content).body
        if isinstance(n, ast.FunctionDef)
    }
    readers = set(FOLDERS)
    while True:
        more = {f for f, used in defs.items() if used & readers} - readers
        if not more:
            return frozenset(readers)
        readers |= more


def reads_executed(sources: Iterable[str], package_dir: Path | None = None) -> bool:
    """Whether notebook cells read the executed chapters (their verdicts or parameters): they, or a module
    they use, import a reader of the collect module, the build folders, or collect as a whole."""
    package_dir = package_dir or PACKAGE_DIR
    own, names = own_modules(sources, package_dir)
    if EVERY in own:
        return True
    readers = _collect_readers(module_file(COLLECT, package_dir).read_bytes())
    return any(
        (module == COLLECT and name in readers)
        or (name in FOLDERS)
        or (module == "builder/__init__" and name == "collect")
        for module, name in names
    )
