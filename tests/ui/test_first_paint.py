"""The window paints first and fills in after (issue 21): its frame needs Qt alone, the panels are
built into the same window once it has painted, and a catalog that cannot be read is said in it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QSplitter
from pytestqt.qtbot import QtBot

import advisor.ui.app as ui
from advisor.catalog.errors import CatalogError
from advisor.storage.paths import UserPaths
from advisor.storage.problems import Problem
from advisor.ui.main_window import LOADING_TEXT, MainWindow

from .conftest import Waiter

HEAVY = ("numpy", "pydantic", "jinja2", "advisor.catalog", "advisor.recommend", "advisor.estimate",
         "advisor.report")

PROBE = Path(__file__).parents[2] / "bench" / "gui_probe.py"
"""`advisor gui` with a Paint-watching event filter, shared with bench/bench_gui.py."""


def test_advisor_gui_paints_its_window_before_the_core_loads(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ADVISOR_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(PROBE), "loaded", ",".join(HEAVY)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "loaded:  ready: False"  # nothing heavy; the panels come after


class Paints(QObject):
    """Counts the Paint events of one widget."""

    def __init__(self, widget: MainWindow) -> None:
        super().__init__(widget)
        self.count = 0
        self._widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_frame_says_it_is_loading_and_the_panels_fill_the_same_window(
        qtbot: QtBot, paths: UserPaths, ranked: Waiter) -> None:
    window = ui.open_window(paths, persist=False)
    qtbot.addWidget(window)
    assert not window.ready
    assert window.loading.text() == LOADING_TEXT
    assert window.centralWidget() is window.loading
    assert not window.menuBar().isEnabled()
    assert (window.width(), window.height()) == (1280, 800)
    paints = Paints(window)
    filled: list[int] = []

    def fill() -> None:
        filled.append(paints.count)
        ui.fill_window(window, None)

    ui.AfterFirstPaint(window, fill)
    window.show()
    qtbot.waitUntil(lambda: bool(filled), timeout=5000)
    assert filled[0] >= 1  # filled only after the frame painted
    ranked(window)
    assert window.ready
    assert isinstance(window.centralWidget(), QSplitter)
    assert window.menuBar().isEnabled()
    assert (window.width(), window.height()) == (1280, 800)  # no jump in geometry
    assert window.result is not None
    assert window.result.recommendations


def test_a_window_that_never_paints_is_filled_anyway(qtbot: QtBot, paths: UserPaths) -> None:
    window = ui.open_window(paths, persist=False)
    qtbot.addWidget(window)
    called: list[bool] = []
    ui.AfterFirstPaint(window, lambda: called.append(True))  # never shown: no paint comes
    qtbot.waitUntil(lambda: bool(called), timeout=ui.UNPAINTED_MS * 8)
    qtbot.wait(ui.UNPAINTED_MS)
    assert called == [True]  # once


def test_the_frame_opens_with_the_saved_geometry(qtbot: QtBot, paths: UserPaths) -> None:
    sized = ui.open_window(paths, persist=False)
    qtbot.addWidget(sized)
    sized.resize(700, 500)  # inside the offscreen screen (800x600): restoreGeometry keeps a window on it
    geometry = bytes(sized.saveGeometry().toBase64().data()).decode("ascii")
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"geometry_b64": geometry}), encoding="utf-8")
    assert ui.saved_geometry(paths) == geometry
    window = ui.open_window(paths, persist=False)
    qtbot.addWidget(window)
    assert (window.width(), window.height()) == (700, 500)
    for bad in ("[1, 2]", "{not json", '{"geometry_b64": 7}'):
        paths.settings_file.write_text(bad, encoding="utf-8")
        assert ui.saved_geometry(paths) is None


def test_a_catalog_that_cannot_load_is_said_in_the_window_and_on_stderr(
        qtbot: QtBot, paths: UserPaths, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.catalog import overlay  # noqa: PLC0415

    def broken(_paths: UserPaths) -> None:
        raise CatalogError([Problem("models/x.toml", "x", "params_b", "must be a number")])

    shown: list[str] = []
    monkeypatch.setattr(overlay, "load_catalog", broken)
    monkeypatch.setattr(ui, "message", lambda _parent, _icon, _title, text: shown.append(text))
    window = ui.open_window(paths, persist=False)
    qtbot.addWidget(window)
    window.show()
    codes: list[int] = []
    ui._fill_or_quit(window, None, codes.append)
    assert codes == [1]
    assert not window.ready
    assert "models/x.toml: x: params_b: must be a number" in window.loading.text()
    assert len(shown) == 1
    assert "must be a number" in shown[0]
    assert "advisor: error: models/x.toml: x: params_b: must be a number" in capsys.readouterr().err
