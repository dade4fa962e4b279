"""The core must not import Qt: only advisor/ui/ may (import-linter's contracts in pyproject.toml,
run by scripts/test.sh, enforce it too, with the layers); and no module imports itself in a circle."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
PACKAGE = Path(__file__).resolve().parents[1] / "advisor"


def qt_imports_outside_ui(package_dir: Path) -> list[str]:
    """Every `import PySide6...` / `from PySide6... import` in a module outside `ui/`."""
    offenders: list[str] = []
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir)
        if rel.parts and rel.parts[0] == "ui":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            line = getattr(node, "lineno", 0)
            offenders.extend(f"{rel}:{line} imports {name}" for name in names
                             if name.split(".")[0] in QT_MODULES)
    return offenders


def test_core_does_not_import_qt() -> None:
    assert qt_imports_outside_ui(PACKAGE) == []


def test_rule_catches_qt_import_in_core(tmp_path: Path) -> None:
    (tmp_path / "estimate").mkdir()
    (tmp_path / "ui").mkdir()
    (tmp_path / "estimate" / "bad.py").write_text("def f():\n    from PySide6 import QtCore\n")
    (tmp_path / "ui" / "fine.py").write_text("from PySide6 import QtWidgets\n")
    assert qt_imports_outside_ui(tmp_path) == ["estimate/bad.py:2 imports PySide6"]


def test_every_package_folder_is_packaged() -> None:
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    on_disk = {"advisor." + ".".join(p.parent.relative_to(PACKAGE).parts)
               for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    assert on_disk | {"advisor", "advisor.resources"} <= listed


def import_cycles(package: str) -> list[list[str]]:
    """Each pair of modules that import each other, directly or through others (function-level imports
    included), as the chain from one back to itself."""
    import grimp  # noqa: PLC0415  (import-linter's graph builder, a dev dependency)

    graph = grimp.build_graph(package)
    cycles: list[list[str]] = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None and module < imported:
                cycles.append([module, *back])
    return cycles


def test_no_import_cycles() -> None:
    assert import_cycles("advisor") == []


def test_cycle_rule_catches_a_function_level_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "cyclic"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyclic import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyclic import a\n")  # hidden the way engine.py hid it
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic") == [["cyclic.a", "cyclic.b", "cyclic.a"]]
