"""'Installed models only' in the window: the ranking runs on the models the scan found."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import advisor.ui.installed_filter as installed_module
from advisor.hardware.installed import Found
from advisor.ui.main_window import MainWindow

from .conftest import wait_ranked


def test_ticking_installed_only_ranks_only_what_is_on_disk(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake_scan(**_kwargs: object) -> list[Found]:
        calls.append(1)
        return [Found("ollama", "qwen3:8b", Path("/nowhere/blob"), "gguf", 5.2, "Q4_K_M",
                      model_id="qwen/qwen3-8b"),
                Found("folder", "unknown.gguf", Path("/nowhere/unknown.gguf"), "gguf", 3.0)]

    monkeypatch.setattr(installed_module, "scan", fake_scan)
    everything = len(window.result.recommendations) if window.result else 0
    box = window.constraints_panel.more.installed_only
    box.setChecked(True)
    qtbot.waitUntil(lambda: window.installed.installed is not None, timeout=20_000)
    wait_ranked(qtbot, window)
    qtbot.waitUntil(lambda: window.result is not None and len(window.result.recommendations)
                    + len(window.result.excluded) == 1, timeout=20_000)
    assert window.result is not None
    ids = {r.model_id for r in window.result.recommendations} | {e.model_id for e in window.result.excluded}
    assert ids == {"qwen/qwen3-8b"}
    assert "1 installed model" in window.status.text()
    box.setChecked(False)
    qtbot.waitUntil(lambda: window.result is not None and len(window.result.recommendations) == everything,
                    timeout=20_000)
    box.setChecked(True)  # the scan is kept: ticking again reads the disk no more
    qtbot.waitUntil(lambda: window.result is not None and len(window.result.recommendations)
                    + len(window.result.excluded) == 1, timeout=20_000)
    assert calls == [1]
    assert window.constraints_panel.constraints() == window.constraints_panel.constraints().model_copy()


def test_a_failed_scan_ranks_everything_and_says_so(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_kwargs: object) -> list[Found]:
        raise OSError("permission denied")

    monkeypatch.setattr(installed_module, "scan", broken)
    window.constraints_panel.more.installed_only.setChecked(True)
    qtbot.waitUntil(lambda: "could not be read" in window.status.text(), timeout=20_000)
    assert window.result is not None
    assert len(window.result.recommendations) > 1
