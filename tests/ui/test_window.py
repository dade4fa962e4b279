"""The window driven as a user would: constraints in, ranking, explanation, exclusions, compare."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog
from advisor.hardware.detect import DetectionResult
from advisor.recommend.constraints import Constraints, Deployment, LanguageNeed
from advisor.recommend.result import Recommendation
from advisor.recommend.scenario import Scenario, save_scenario
from advisor.storage.paths import UserPaths
from advisor.ui.compare_dialog import CompareDialog
from advisor.ui.hardware_box import HardwareMode
from advisor.ui.main_window import MainWindow
from advisor.ui.result_models import DOMAIN_ROLE
from advisor.ui.settings import WindowSettings

Waiter = Callable[[MainWindow], None]
Detector = Callable[[], DetectionResult]


@pytest.fixture(autouse=True)
def _no_modal_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing with unsaved changes would ask; tests answer 'Discard' unless they say otherwise."""
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Discard)


def _ids(window: MainWindow) -> list[str]:
    assert window.result is not None
    return [r.model_id for r in window.result.recommendations]


def _select_rows(window: MainWindow, rows: list[int]) -> None:
    table = window.results.table
    table.clearSelection()
    model = table.model()
    for row in rows:
        table.selectionModel().select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    table.selectionModel().setCurrentIndex(model.index(rows[0], 0),
                                           QItemSelectionModel.SelectionFlag.NoUpdate)


def test_first_ranking_has_a_pick_and_explains_it(window: MainWindow) -> None:
    assert window.result is not None
    assert window.result.top is not None
    assert window.result.top.name in window.results.banner.text()
    assert window.results.ranking.rowCount() == len(window.result.recommendations)
    text = window.explanation.toPlainText()
    assert window.result.top.name in text
    assert "Score" in text
    assert "Assumptions" in text


def test_detect_fills_hardware_and_local_models_appear(qtbot: QtBot, window: MainWindow,
                                                       ranked: Waiter) -> None:
    hw = window.constraints_panel.hardware
    assert hw.current_mode() is HardwareMode.API
    assert all(r.deployment.mode == "api" for r in window.result.recommendations)  # type: ignore[union-attr]
    hw.detect()
    qtbot.waitUntil(lambda: hw.current_mode() is HardwareMode.GPU, timeout=10_000)
    assert hw.vram.value() == 24
    assert hw.bandwidth.value() == 1008
    assert hw.ram.value() == 64
    assert "Detected" in hw.status.text()
    ranked(window)
    modes = {r.deployment.mode for r in window.result.recommendations}  # type: ignore[union-attr]
    assert modes == {"local", "api"}


def test_changing_constraints_changes_the_ranking(qtbot: QtBot, window: MainWindow,
                                                  bundled: Catalog, ranked: Waiter) -> None:
    panel = window.constraints_panel
    panel.hardware.apply_preset(bundled.hardware["rtx-4090"])
    ranked(window)
    before = _ids(window)
    panel.deployment.setCurrentIndex(panel.deployment.findData(Deployment.LOCAL))
    ranked(window)
    after = _ids(window)
    assert after != before
    result = window.result
    assert result is not None
    assert all(r.deployment.mode == "local" for r in result.recommendations)
    # A "24 GB" card holds 24 GiB = 25.77 GB (outputs are GB = 10^9 bytes).
    assert all(r.deployment.memory_gb is not None and r.deployment.available_gb is not None
               and r.deployment.memory_gb <= r.deployment.available_gb <= 24 * 2**30 / 1e9 + 1e-6
               for r in result.recommendations if r.deployment.placement == "gpu")
    assert result.constraints.deployment is Deployment.LOCAL
    assert window.files.dirty
    assert window.windowTitle().startswith("Untitled scenario *")


def test_a_must_have_language_flags_undocumented_models_and_excludes_them_on_request(
        window: MainWindow, ranked: Waiter) -> None:
    picker = window.constraints_panel.languages
    picker.search.setText("viet")
    visible = [i for i in picker._items.values() if not i.isHidden()]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in visible] == ["vi"]
    visible[0].setCheckState(Qt.CheckState.Checked)
    ranked(window)
    assert window.result is not None
    assert window.result.constraints.languages == (LanguageNeed(code="vi", required=True),)
    assert any(w.startswith("Vietnamese support not documented")
               for r in window.result.recommendations for w in r.warnings)
    assert "Must: Vietnamese" in picker.summary.text()
    window.constraints_panel.documented_only.setChecked(True)
    ranked(window)
    assert window.result.constraints.documented_only
    assert any("Vietnamese support not documented" in " ".join(e.reasons) for e in window.result.excluded)


def test_selecting_a_row_explains_that_model(qtbot: QtBot, window: MainWindow) -> None:
    table = window.results.table
    table.setFocus()
    index = table.model().index(2, 0)
    table.setCurrentIndex(index)
    rec = index.data(DOMAIN_ROLE)
    assert isinstance(rec, Recommendation)
    qtbot.waitUntil(lambda: f"#3 {rec.name}" in window.explanation.toPlainText())
    text = window.explanation.toPlainText()
    assert "points behind" in text
    assert "What would change the pick" in text or not window.result.counterfactuals  # type: ignore[union-attr]
    assert window.memory_chart._rec == rec


def test_excluded_models_are_reachable_with_reasons(window: MainWindow) -> None:
    window.results.tabs.setCurrentIndex(1)
    model = window.results.excluded_table.model()
    assert model.rowCount() > 0
    reasons = model.index(0, 2).data()
    assert isinstance(reasons, str)
    assert len(reasons) > 10
    assert "E&xcluded (" in window.results.tabs.tabText(1)


def test_filter_narrows_the_ranking(window: MainWindow) -> None:
    window.focus_filter()
    window.results.filter.setText("claude")
    proxy = window.results.table.model()
    assert 0 < proxy.rowCount() < window.results.ranking.rowCount()
    for row in range(proxy.rowCount()):
        rec = proxy.index(row, 0).data(DOMAIN_ROLE)
        assert isinstance(rec, Recommendation)
        assert "claude" in (rec.name + rec.deployment.summary()).lower()


def test_sorting_by_cost_uses_numbers(window: MainWindow) -> None:
    table = window.results.table
    table.sortByColumn(window.results.ranking.COST, Qt.SortOrder.AscendingOrder)
    proxy = table.model()
    costs = [proxy.index(r, 0).data(DOMAIN_ROLE).deployment.monthly_cost_usd
             for r in range(proxy.rowCount())]
    assert costs == sorted(costs)


def test_compare_three_models_side_by_side(window: MainWindow) -> None:
    _select_rows(window, [0, 1, 2])
    assert window.results.compare_button.isEnabled()
    window.compare()
    dialog = window.compare_dialog
    assert isinstance(dialog, CompareDialog)
    assert dialog.model.columnCount() == 3
    names = [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert names == [r.name for r in window.result.recommendations[:3]]  # type: ignore[union-attr]
    labels = [dialog.model.headerData(r, Qt.Orientation.Vertical) for r in range(dialog.model.rowCount())]
    assert "Monthly cost" in labels
    assert "Licence" in labels
    dialog.close()


def test_compare_needs_two_to_four(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    _select_rows(window, [0])
    assert not window.results.compare_button.isEnabled()
    window.compare()
    assert shown
    assert "two to four" in shown[0]


def test_save_and_reopen_a_scenario(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    bundled: Catalog, ranked: Waiter) -> None:
    panel = window.constraints_panel
    panel.hardware.apply_preset(bundled.hardware["rtx-4090"], gpu_count=2)
    panel.tasks[next(iter(panel.tasks))].setValue(4)
    panel.budget_limited.setChecked(True)
    panel.budget.setValue(75)
    ranked(window)
    wanted = panel.constraints()
    target = tmp_path / "my team"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    assert window.files.save()
    saved = target.with_suffix(".json")
    assert saved.exists()
    assert not window.files.dirty
    assert window.windowTitle().startswith("my team.json")

    window.reset_constraints()
    ranked(window)
    assert panel.constraints() != wanted
    assert window.files.dirty

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(saved), ""))
    window.files.open()
    ranked(window)
    assert panel.constraints() == wanted
    assert panel.hardware.gpu_count.value() == 2
    assert panel.budget.value() == 75
    assert not window.files.dirty
    assert window.files.settings.recent_scenarios[0] == str(saved.resolve())
    assert window.recent_menu.actions()[0].text() == "my team.json"


def test_a_bad_scenario_file_is_refused_and_changes_nothing(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "kind": "model-advisor-scenario", "constraints": '
                   '{"budget_usd_month": -5}}', encoding="utf-8")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    before = window.constraints_panel.constraints()
    assert not window.files.open_path(bad)
    assert warned
    assert "budget_usd_month" in warned[0]
    assert window.constraints_panel.constraints() == before


def test_session_and_geometry_survive_a_restart(qtbot: QtBot, paths: UserPaths, bundled: Catalog,
                                                ranked: Waiter, detector: Detector) -> None:
    from advisor.ui.settings import load_settings  # noqa: PLC0415

    first = MainWindow(bundled, paths, WindowSettings(), detector=detector)
    qtbot.addWidget(first)
    first.files.restore(None)
    ranked(first)
    first.constraints_panel.hardware.apply_preset(bundled.hardware["rtx-4090"])
    first.constraints_panel.profile.setCurrentIndex(2)
    ranked(first)
    wanted = first.constraints_panel.constraints()
    first.resize(700, 500)  # within the offscreen screen (800x600), which restoreGeometry clamps to
    first.close()
    settings, warning = load_settings(paths)
    assert warning is None
    assert settings.geometry_b64

    second = MainWindow(bundled, paths, settings, detector=detector)
    qtbot.addWidget(second)
    restored, _ = second.files.restore(None)
    ranked(second)
    assert restored
    assert second.constraints_panel.constraints() == wanted
    assert (second.size().width(), second.size().height()) == (700, 500)


def test_opening_a_scenario_from_the_command_line(qtbot: QtBot, paths: UserPaths, bundled: Catalog,
                                                  tmp_path: Path, ranked: Waiter, detector: Detector) -> None:
    scenario = Scenario(name="API only, cheap", constraints=Constraints(
        deployment=Deployment.API, budget_usd_month=20, tokens_per_month=5_000_000))
    file = tmp_path / "cheap.json"
    save_scenario(scenario, file)
    win = MainWindow(bundled, paths, WindowSettings(), detector=detector)
    qtbot.addWidget(win)
    assert win.files.restore(file) == (True, None)
    ranked(win)
    assert win.result is not None
    assert all(r.deployment.monthly_cost_usd <= 20 for r in win.result.recommendations)
    assert win.constraints_panel.budget.value() == 20
    assert not win.files.dirty


def test_export_pdf_and_html_off_the_gui_thread(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "open", lambda _self: None)  # the "Report exported" note
    assert window.result is not None
    for name in ("advice.pdf", "advice.html"):
        target = tmp_path / name
        window.exporter.export_to(window.result, target)
        qtbot.waitUntil(lambda t=target: window.exporter.last_path == t, timeout=30_000)  # type: ignore[misc]
        assert target.stat().st_size > 10_000
    assert (tmp_path / "advice.pdf").read_bytes().startswith(b"%PDF-")
    assert "<svg " in (tmp_path / "advice.html").read_text(encoding="utf-8")


def test_the_break_even_tab_shows_the_results_break_even(qtbot: QtBot, window: MainWindow,
                                                         bundled: Catalog, ranked: Waiter) -> None:
    panel = window.constraints_panel
    panel.hardware.apply_preset(bundled.hardware["rtx-4090"])
    ranked(window)
    result = window.result
    assert result is not None
    view = window.results.break_even
    assert result.break_even is not None  # a 4090 and hosted APIs: both kinds are ranked
    assert result.break_even.note in view.note.text()
    assert view.canvas.renderer.isValid()
    panel.deployment.setCurrentIndex(panel.deployment.findData(Deployment.LOCAL))
    panel.data_local.setChecked(True)  # no API may see the data: nothing to compare with
    ranked(window)
    assert window.result is not None
    assert window.result.break_even is None
    assert "No break-even" in view.note.text()


def test_every_menu_action_has_its_shortcut_and_the_keys_reach_it(qtbot: QtBot, window: MainWindow) -> None:
    """The menus (window_menus.py) give each command its key, and a key press runs it."""
    actions = {a.text(): a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()}
    assert actions["&Export report…"].shortcut().toString() == "Ctrl+E"
    assert actions["&Reload catalog"].shortcut().toString() == "F5"
    assert actions["E&xcluded models"].shortcut().toString() == "Ctrl+2"
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.results.tabs.currentIndex() == 1
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.results.tabs.currentIndex() == 0
