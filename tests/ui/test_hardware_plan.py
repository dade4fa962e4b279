"""Reverse planning in the window: the dialog finds what `plan_hardware` finds, off the GUI thread."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

import advisor.ui.hardware_plan_dialog as plan_module
from advisor.catalog.store import Catalog
from advisor.estimate import plan_hardware
from advisor.ui.background import Background
from advisor.ui.hardware_plan_dialog import HardwarePlanDialog
from advisor.ui.main_window import MainWindow


def test_the_dialog_lists_what_the_planner_finds_in_the_background(
        qtbot: QtBot, bundled: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[bool] = []

    def recording(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return plan_hardware(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plan_module, "plan_hardware", recording)
    background = Background()
    dialog = HardwarePlanDialog(bundled, background, "qwen/qwen3-8b")
    qtbot.addWidget(dialog)
    assert dialog.model.currentData() == "qwen/qwen3-8b"
    dialog.speed.setValue(30)
    dialog.search()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    background.wait()
    assert threads == [False]  # ran once, not on the GUI thread
    wanted = plan_hardware(bundled.models["qwen/qwen3-8b"], "Q4_K_M", 8192, bundled.hardware.values(),
                           min_tokens_per_s=30)
    assert wanted
    items = [dialog.table.item(r, 0) for r in range(dialog.table.rowCount())]
    shown = [item.text() if item else "" for item in items]
    assert shown == [o.preset.name for o in wanted]
    assert "needs about" in dialog.status.text()


def test_an_unknown_model_is_refused_without_searching(qtbot: QtBot, bundled: Catalog) -> None:
    dialog = HardwarePlanDialog(bundled, Background())
    qtbot.addWidget(dialog)
    line = dialog.model.lineEdit()
    assert line is not None
    line.setText("no such model")
    dialog.search()
    assert not dialog.busy
    assert "Choose a model" in dialog.status.text()


def test_the_catalog_menu_opens_it_for_the_selected_model(window: MainWindow) -> None:
    dialog = window.plan_hardware()
    current = window.results.current()
    assert current is not None
    expected = current.model_id if dialog.model.findData(current.model_id) >= 0 else None
    if expected is not None:
        assert dialog.model.currentData() == expected
    assert any("Plan &hardware" in a.text() for a in window._menus["&Catalog"].actions())
    dialog.close()
