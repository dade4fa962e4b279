"""The main window's menus: every action, its shortcut and its status tip, in one place.

`build_menus` fills the menus `MainWindow` created with its frame (File, Edit, Catalog, View, Help)
and connects each action to the window's own method, so what a menu does stays the window's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from advisor.ui.constraints_panel import ConstraintsPanel
    from advisor.ui.results_panel import ResultsPanel
    from advisor.ui.scenario_files import ScenarioFiles

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class MenuOwner(Protocol):
    """What the menus call: the main window's parts and actions."""

    files: ScenarioFiles
    results: ResultsPanel
    constraints_panel: ConstraintsPanel

    def export_report(self) -> None: ...
    def close(self) -> bool: ...
    def copy_ranking(self) -> None: ...
    def focus_filter(self) -> None: ...
    def reset_constraints(self) -> None: ...
    def edit_catalog(self) -> object: ...
    def refresh_from_models_dev(self) -> None: ...
    def reload_catalog(self) -> None: ...
    def plan_hardware(self) -> object: ...
    def compare(self) -> None: ...
    def about(self) -> None: ...


def _action(menu: QMenu, text: str, slot: Callable[[], object], shortcut: Shortcut = None,
            tip: str = "") -> QAction:
    action = QAction(text, menu)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menus(w: MenuOwner, menus: dict[str, QMenu]) -> tuple[QMenu, QAction]:
    """Every menu action of the window; returns the "Open recent" submenu and the export action (the
    window keeps both up to date)."""
    keys = QKeySequence.StandardKey
    file, edit, catalog, view = menus["&File"], menus["&Edit"], menus["&Catalog"], menus["&View"]
    _action(file, "&New scenario", w.files.new, keys.New, "Start from the defaults")
    _action(file, "&Open scenario…", w.files.open, keys.Open)
    recent = file.addMenu("Open &recent")
    _action(file, "&Save scenario", w.files.save, keys.Save)
    _action(file, "Save scenario &as…", w.files.save_as, keys.SaveAs)
    file.addSeparator()
    export = _action(file, "&Export report…", w.export_report, "Ctrl+E",
                     "HTML, PDF, Markdown, JSON or CSV")
    file.addSeparator()
    _action(file, "&Quit", w.close, keys.Quit)
    _action(edit, "&Copy ranking as text", w.copy_ranking, keys.Copy)
    _action(edit, "&Find model…", w.focus_filter, keys.Find)
    _action(edit, "&Reset constraints", w.reset_constraints, None,
            "Back to the defaults (keeps the file name)")
    _action(catalog, "&Edit catalog…", w.edit_catalog, "Ctrl+Shift+E",
            "Add, edit, hide and import models in your own catalog")
    _action(catalog, "Refresh from &models.dev…", w.refresh_from_models_dev,
            tip="Download current prices and new hosted models; you review before anything changes")
    _action(catalog, "&Reload catalog", w.reload_catalog, "F5")
    _action(catalog, "Plan &hardware for a model…", w.plan_hardware, "Ctrl+H",
            "Which hardware runs a model fast enough (advisor estimate --plan-hardware)")
    _action(view, "&Ranking", lambda: w.results.tabs.setCurrentIndex(0), "Ctrl+1")
    _action(view, "E&xcluded models", lambda: w.results.tabs.setCurrentIndex(1), "Ctrl+2")
    _action(view, "Co&mpare selected…", w.compare, "Ctrl+D")
    _action(view, "&Constraints", w.constraints_panel.setFocus, "Ctrl+L")
    _action(menus["&Help"], "&About Model Advisor", w.about)
    return recent, export


__all__ = ["MenuOwner", "build_menus"]
