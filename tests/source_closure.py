"""The program's modules a module imports, directly or through others: what a cache keyed on source
code must hash so a change to any of them is never read from an old cache."""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterable
from types import ModuleType


def imported_closure(modules: Iterable[ModuleType]) -> set[str]:
    """Names of `modules` and of every `advisor` module they import, transitively (function-level
    imports included)."""
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module.__name__ in seen:
            continue
        seen.add(module.__name__)
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            todo += [importlib.import_module(n) for n in names if n.split(".")[0] == "advisor"]
    return seen
