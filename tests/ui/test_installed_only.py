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


def test_the_gguf_folders_are_scanned_as_recommend_folder_scans_them(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    asked: list[tuple[Path, ...]] = []

    def fake_scan(**kwargs: object) -> list[Found]:
        folders = kwargs.get("folders", ())
        assert isinstance(folders, tuple)
        asked.append(folders)
        return []

    monkeypatch.setattr(installed_module, "scan", fake_scan)
    more = window.constraints_panel.more
    more.folders.setText(f"{tmp_path / 'a'}, {tmp_path / 'b'}")
    more.installed_only.setChecked(True)
    qtbot.waitUntil(lambda: len(asked) == 1 and not window.installed.scanning, timeout=20_000)
    assert asked == [(tmp_path / "a", tmp_path / "b")]
    more.folders.setText(str(tmp_path / "c"))  # as typed: modified, then Enter or focus out
    more.folders.setModified(True)
    more.folders.editingFinished.emit()
    qtbot.waitUntil(lambda: len(asked) == 2 and not window.installed.scanning, timeout=20_000)
    assert asked[1] == (tmp_path / "c",)
    more.folders.editingFinished.emit()  # nothing changed: no new scan
    more.installed_only.setChecked(False)
    more.installed_only.setChecked(True)
    wait_ranked(qtbot, window)
    assert len(asked) == 2
