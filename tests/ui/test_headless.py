"""Headless safety (#23): a screenshot run never waits on a modal box, and a settings file with a
huge recent list starts fast."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog
from advisor.storage.paths import UserPaths
from advisor.ui.headless import ModalGuard
from advisor.ui.main_window import MainWindow
from advisor.ui.settings import MAX_RECENT, load_settings

from .conftest import rtx_4090


def test_a_bad_scenario_screenshot_reports_and_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "kind": "model-advisor-scenario", "constraints": '
                   '{"budget_usd_month": -5}}', encoding="utf-8")
    png = tmp_path / "out.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "advisor", "gui", "--scenario", str(bad),
                           "--screenshot", str(png)], capture_output=True, text=True, env=env,
                          timeout=120, check=False)  # a modal box would block until the timeout
    assert time.monotonic() - started < 60
    assert done.returncode != 0
    assert "Cannot open scenario" in done.stderr
    assert "budget_usd_month" in done.stderr
    assert not png.exists()


def test_the_guard_closes_any_modal_box_and_reports_it(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    stream = io.StringIO()
    guard = ModalGuard(app, stream)
    try:
        answer = QMessageBox.question(None, "Unsaved changes", "<p>Save <b>x</b> first?</p>")
    finally:
        app.removeEventFilter(guard)
    assert answer != QMessageBox.StandardButton.Yes
    assert guard.refused == ["Unsaved changes: Save x first?"]
    assert "advisor: error: Unsaved changes: Save x first?" in stream.getvalue()


def test_a_huge_recent_list_is_trimmed_on_load(qtbot: QtBot, paths: UserPaths, bundled: Catalog) -> None:
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    entries = [f"/home/u/scenarios/s{i}.json" for i in range(300_000)]
    paths.settings_file.write_text(json.dumps({"recent_scenarios": [42, "", "x" * 5000, *entries]}),
                                   encoding="utf-8")
    started = time.perf_counter()
    settings, warning = load_settings(paths)
    window = MainWindow(bundled, paths, settings, detector=rtx_4090(bundled), persist=False)
    qtbot.addWidget(window)
    elapsed = time.perf_counter() - started
    assert warning is None
    assert settings.recent_scenarios == tuple(entries[:MAX_RECENT])
    assert len(window.recent_menu.actions()) == MAX_RECENT
    assert elapsed < 10, f"{elapsed:.1f} s to start"  # was over 90 s
    window.background.wait()
