"""Every item model the window uses passes pytest-qt's `qtmodeltester` (issue 22; STYLE.md lesson 5).

Two kinds are checked, each on real data (the bundled catalog and a real ranking):
- the item-model classes of `advisor.ui` (each one built and filled by a builder below; a test
  enumerates the package and fails on a class no builder covers), and
- every model instance behind a view, a combo box or a completer in the main window and in each
  dialog it opens (proxies, QComboBox and QListWidget/QTableWidget models included); a test fails
  when a ui module builds such a widget and no walked window holds one of its classes.

The tester stays attached while each case changes its model (new rows, sorting, filtering, inserts
and removals), so a wrong signal during a change fails too: Qt's tester reports through qWarning
and `qt_log_level_fail = WARNING` turns that into a failure.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QMessageBox,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

import advisor.ui
from advisor.catalog.editing import OverlayEditor
from advisor.catalog.importing import Incoming, plan_import
from advisor.catalog.store import Catalog
from advisor.hardware.measure import LLAMA_SERVER_URL, OLLAMA_URL
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints, LanguageNeed, LicensePolicy
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.storage.paths import UserPaths
from advisor.ui.background import Background
from advisor.ui.catalog_editor import CatalogEditor
from advisor.ui.catalog_table import CatalogTable
from advisor.ui.compare_dialog import CompareDialog, CompareModel
from advisor.ui.hardware_plan_dialog import HardwarePlanDialog
from advisor.ui.main_window import MainWindow
from advisor.ui.measure_bar import MeasureRequest, ask_server
from advisor.ui.plan_dialog import PlanDialog
from advisor.ui.result_models import SORT_ROLE, ExcludedModel, RankingModel
from advisor.ui.row_editor import ChoiceDelegate
from advisor.ui.row_tables import CHOICES_ROLE, SPECS, RowTable
from advisor.ui.table_base import HeaderedTableModel

MODEL = "qwen/qwen3-8b"  # open weights with offerings, evidence, languages and artifacts
ABSTRACT = {HeaderedTableModel}  # a base with no rows of its own (row_total raises)


@pytest.fixture(scope="module")
def result(bundled: Catalog) -> RecommendationResult:
    """A realistic ranking: one RTX 4090 with 64 GiB of RAM, long documents in German and English,
    permissive licences only; plenty of models ranked and plenty excluded."""
    hw = profile_from_preset(bundled.hardware["rtx-4090"]).model_copy(update={"ram_gb": 64 * 2**30 / 1e9})
    constraints = Constraints(hardware=hw, min_context_tokens=32_768, license_policy=LicensePolicy.PERMISSIVE,
                              languages=(LanguageNeed(code="de", required=True),
                                         LanguageNeed(code="en", required=True)), top_n=60)
    out = recommend(bundled, constraints)
    assert len(out.recommendations) >= 10
    assert out.excluded
    return out


@pytest.fixture
def editor(paths: UserPaths, bundled: Catalog) -> OverlayEditor:
    editor = OverlayEditor.open(paths, bundled)
    editor.put_model(bundled.models[MODEL].model_copy(update={"name": "Qwen3 8B (edited)"}))
    return editor


# -- the classes ---------------------------------------------------------------------------------

@dataclass
class Env:
    """What a builder may use."""

    tester: ModelTester
    bundled: Catalog
    result: RecommendationResult
    editor: OverlayEditor


def _sorted_and_filtered(tester: ModelTester, proxy: QSortFilterProxyModel, needle: str) -> None:
    """Sort by every column both ways, then filter and unfilter, with the tester watching."""
    tester.check(proxy)
    for column in range(proxy.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            proxy.sort(column, order)
    proxy.setFilterFixedString(needle)
    assert 0 < proxy.rowCount() < proxy.sourceModel().rowCount()
    proxy.setFilterFixedString("")


def build_ranking(env: Env) -> list[QAbstractItemModel]:
    recs = env.result.recommendations
    model = RankingModel()
    env.tester.check(model)
    model.set_rows(recs)  # a reset
    model.set_rows(recs)  # the same models: a narrow dataChanged
    model.set_rows(recs[:5])
    model.set_rows(())
    model.set_rows(recs)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    _sorted_and_filtered(env.tester, proxy, recs[0].name)
    model.set_rows(recs[3:])  # a reset seen through the proxy
    return [model, proxy]


def build_excluded(env: Env) -> list[QAbstractItemModel]:
    model = ExcludedModel()
    env.tester.check(model)
    model.set_rows(env.result.excluded)
    model.set_rows(env.result.excluded[:1])
    model.set_rows(env.result.excluded)
    return [model]


def build_compare(env: Env) -> list[QAbstractItemModel]:
    recs = env.result.recommendations[:4]
    model = CompareModel(recs, [env.bundled.models.get(r.model_id) for r in recs])
    env.tester.check(model)
    assert model.rowCount() > 0
    assert model.columnCount() == 4
    return [model]


def build_catalog_table(env: Env) -> list[QAbstractItemModel]:
    model = CatalogTable(env.editor)
    env.tester.check(model)
    assert model.rowCount() == len(env.editor.catalog().models)
    env.editor.hide("openai/gpt-4o-mini")
    model.reload()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    _sorted_and_filtered(env.tester, proxy, "qwen")
    return [model, proxy]


def build_row_tables(env: Env) -> list[QAbstractItemModel]:
    data = env.bundled.models[MODEL].model_dump(mode="json")
    models: list[QAbstractItemModel] = []
    for spec in SPECS:
        model = RowTable(spec)
        env.tester.check(model)  # watched while empty, filled, edited; the last one stays watched
        model.set_rows(data[spec.field])
        assert model.rowCount() == len(data[spec.field]) > 0
        model.insert_row(0)
        model.insert_row(model.rowCount(), model.rows()[1])
        model.remove_rows([0, model.rowCount() - 1])
        model.setData(model.index(0, 0), model.index(0, 0).data(Qt.ItemDataRole.EditRole),
                      Qt.ItemDataRole.EditRole)
        models.append(model)
    return models


BUILDERS: dict[str, Callable[[Env], list[QAbstractItemModel]]] = {
    "ranking": build_ranking, "excluded": build_excluded, "compare": build_compare,
    "catalog": build_catalog_table, "row tables": build_row_tables,
}


def item_model_classes() -> set[type[QAbstractItemModel]]:
    """Every QAbstractItemModel subclass defined in a module of advisor.ui."""
    found: set[type[QAbstractItemModel]] = set()
    for info in pkgutil.iter_modules(advisor.ui.__path__):
        module = importlib.import_module(f"advisor.ui.{info.name}")
        for obj in vars(module).values():
            if (inspect.isclass(obj) and issubclass(obj, QAbstractItemModel)
                    and obj.__module__ == module.__name__):
                found.add(obj)
    return found


def _with_sources(models: list[QAbstractItemModel]) -> Iterator[QAbstractItemModel]:
    for model in models:
        yield model
        if isinstance(model, QAbstractProxyModel) and model.sourceModel() is not None:
            yield from _with_sources([model.sourceModel()])


@pytest.mark.parametrize("name", BUILDERS)
def test_each_item_model_passes_modeltester(name: str, qtmodeltester: ModelTester, bundled: Catalog,
                                            result: RecommendationResult, editor: OverlayEditor) -> None:
    built = BUILDERS[name](Env(qtmodeltester, bundled, result, editor))
    assert built
    for model in built:
        qtmodeltester.check(model)  # and each one once more as it ends up


def test_every_item_model_class_in_the_ui_has_a_builder(qtmodeltester: ModelTester, bundled: Catalog,
                                                        result: RecommendationResult,
                                                        editor: OverlayEditor) -> None:
    classes = item_model_classes()
    assert {RankingModel, ExcludedModel, CompareModel, CatalogTable, RowTable} | ABSTRACT <= classes
    env = Env(qtmodeltester, bundled, result, editor)
    covered = {type(m) for build in BUILDERS.values() for m in _with_sources(build(env))}
    missing = classes - ABSTRACT - covered
    assert not missing, f"item models with no qtmodeltester case in BUILDERS: {sorted(map(str, missing))}"


# -- the instances behind the window's widgets ---------------------------------------------------

def widget_models(root: QWidget) -> dict[int, QAbstractItemModel]:
    """The models behind every view, combo box and completer under `root` (and their sources)."""
    found: list[QAbstractItemModel] = []
    for view in root.findChildren(QAbstractItemView):
        found.append(view.model())
    for combo in root.findChildren(QComboBox):
        found.append(combo.model())
    for completer in root.findChildren(QCompleter):
        found += [completer.model(), completer.completionModel()]
    return {id(m): m for m in _with_sources([m for m in found if m is not None])}


def delegate_editor_models(editor: CatalogEditor) -> dict[int, QAbstractItemModel]:
    """The drop-downs the entry tables' delegates open on cells with a fixed set of values."""
    found: dict[int, QAbstractItemModel] = {}
    for tab in editor.form.tables.values():
        delegate = tab.view.itemDelegate()
        assert isinstance(delegate, ChoiceDelegate)
        for column in range(tab.model.columnCount()):
            index = tab.model.index(0, column)
            if index.isValid() and isinstance(index.data(CHOICES_ROLE), list):
                widget = delegate.createEditor(tab.view.viewport(), QStyleOptionViewItem(), index)
                assert isinstance(widget, QComboBox)
                delegate.setEditorData(widget, index)
                found[id(widget.model())] = widget.model()
                widget.deleteLater()
    assert found
    return found


@pytest.fixture
def windows(qtbot: QtBot, window: MainWindow, bundled: Catalog, result: RecommendationResult,
            editor: OverlayEditor, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[QWidget]]:
    """The main window (ranked) and every dialog with item views, each filled with real data."""
    recs = result.recommendations[:3]
    compare = CompareDialog(recs, [bundled.models.get(r.model_id) for r in recs])
    background = Background()
    plan = HardwarePlanDialog(bundled, background, MODEL)
    plan.search()
    qtbot.waitUntil(lambda: not plan.busy, timeout=20_000)
    assert plan.table.rowCount() > 0
    changed = [m.model_copy(update={"name": m.name + " (new)"}) for m in list(bundled.models.values())[:3]]
    added = [m.model_copy(update={"id": m.id + "-copy"}) for m in list(bundled.models.values())[3:6]]
    review = PlanDialog(plan_import(editor, Incoming(models=(*changed, *added, bundled.models[MODEL])),
                                    "real.json"))
    catalog = CatalogEditor(editor, background)
    catalog.select(MODEL)
    for dialog in (compare, plan, review):
        qtbot.addWidget(dialog)
    # Not qtbot.addWidget: qtbot closes its widgets after this fixture's monkeypatch is undone, and
    # closing the editor with unsaved changes (the edit above) would ask for real and block.
    yield [window, compare, plan, review, catalog]
    background.wait()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Discard)
    catalog.close()
    catalog.deleteLater()


def test_every_model_behind_a_widget_passes_modeltester(qtmodeltester: ModelTester,
                                                        windows: list[QWidget]) -> None:
    models: dict[int, QAbstractItemModel] = {}
    for root in windows:
        models |= widget_models(root)
        if isinstance(root, CatalogEditor):
            models |= delegate_editor_models(root)
    kinds = {type(m).__name__ for m in models.values()}
    assert {"QSortFilterProxyModel", "QStandardItemModel", "RankingModel", "RowTable"} <= kinds
    assert len(models) >= 20
    for model in models.values():
        qtmodeltester.check(model)
        assert model.rowCount() >= 0


MODEL_WIDGETS = re.compile(r"\bQ(?:\w*View|ListWidget|TableWidget|TreeWidget|ComboBox|Completer|"
                           r"\w*ProxyModel|StandardItemModel|StringListModel)\(")


def _owners_building_model_widgets(module: ModuleType) -> dict[str, bool]:
    """The classes and module-level functions of a module whose code constructs an item view, a
    combo box, a completer or a Qt model; each name maps to whether it is a class."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    return {node.name: isinstance(node, ast.ClassDef) for node in tree.body
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and MODEL_WIDGETS.search(ast.unparse(node))}


# measure_bar builds its server box in a modal QDialog made on demand; its model (an editable
# QComboBox filled with three strings) is checked in the test below.
ON_DEMAND = {"advisor.ui.measure_bar.ask_server"}


def test_every_ui_module_that_builds_a_view_is_walked(windows: list[QWidget]) -> None:
    """A new view, combo box or proxy in a ui module must sit in a window the walk above covers: a
    class that builds one must be among the walked widgets (or their delegates); a helper function
    must live in a module one of them comes from."""
    walked: set[str] = set()
    for root in windows:
        for widget in (root, *root.findChildren(QWidget)):
            kinds: list[type] = [type(widget)]
            if isinstance(widget, QAbstractItemView) and widget.itemDelegate() is not None:
                kinds.append(type(widget.itemDelegate()))
            walked |= {f"{c.__module__}.{c.__qualname__}" for kind in kinds for c in kind.__mro__}
    walked_modules = {name.rsplit(".", 1)[0] for name in walked}
    unwalked: list[str] = []
    for info in pkgutil.iter_modules(advisor.ui.__path__):
        module = importlib.import_module(f"advisor.ui.{info.name}")
        for owner, is_class in _owners_building_model_widgets(module).items():
            name = f"{module.__name__}.{owner}"
            covered = name in walked if is_class else module.__name__ in walked_modules
            if not covered and name not in ON_DEMAND:
                unwalked.append(name)
    assert not unwalked, f"widgets with item models that no walked window holds: {unwalked}"
    for name in ON_DEMAND:  # an exemption whose code has gone fails too
        home, owner = name.rsplit(".", 1)
        assert owner in _owners_building_model_widgets(importlib.import_module(home)), name


def test_the_measure_dialogs_server_list_passes_modeltester(qtmodeltester: ModelTester, qtbot: QtBot,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def inspect_and_cancel(dialog: QDialog) -> int:
        combo = dialog.findChild(QComboBox)
        assert combo is not None
        qtmodeltester.check(combo.model())
        seen.append([combo.itemText(i) for i in range(combo.count())])
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(QDialog, "exec", inspect_and_cancel)
    parent = QWidget()
    qtbot.addWidget(parent)
    suggested = "http://127.0.0.1:9999/v1"
    assert ask_server(parent, MeasureRequest(suggested, None)) is None
    assert seen == [[suggested, OLLAMA_URL, LLAMA_SERVER_URL]]
