"""The catalog editor's import and save run off the GUI thread (#22): while they run the dialog is
disabled and shows progress, and the event loop keeps turning (a timer keeps firing)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from advisor.catalog import importing
from advisor.catalog.overlay import load_catalog
from advisor.storage.locks import file_lock
from advisor.storage.paths import UserPaths
from advisor.ui import catalog_import
from advisor.ui.catalog_editor import CatalogEditor
from advisor.ui.main_window import MainWindow
from advisor.ui.plan_dialog import PlanDialog

MODEL = "openai/gpt-4o-mini"
SLOW_S = 1.0
TICK_MS = 20


@pytest.fixture
def dialog(window: MainWindow) -> CatalogEditor:
    editor = window.edit_catalog()
    assert editor is not None
    editor.select(MODEL)
    return editor


class Ticks:
    """Counts a repeating timer's shots: proof the GUI thread's event loop is running."""

    def __init__(self) -> None:
        self.count = 0
        self.timer = QTimer(interval=TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.count += 1


def _csv(tmp_path: Path) -> Path:
    src = tmp_path / "team.csv"
    src.write_text("id,name,family,vendor,open_weights,license,source,as_of,provider,"
                   "price_input_usd_per_mtok,price_output_usd_per_mtok\n"
                   "acme/helper,Helper,helper,Acme,false,proprietary-openai,https://acme.example,2026-11-01,"
                   "acme,0.5,1.5\n", encoding="utf-8")
    return src


def test_a_slow_import_keeps_the_window_responsive(qtbot: QtBot, dialog: CatalogEditor, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_read(path: Path, **kwargs: Any) -> importing.Incoming:
        time.sleep(SLOW_S)  # a 256 MB file takes seconds to read and check
        return importing.read_incoming(path, **kwargs)

    monkeypatch.setattr(catalog_import, "read_incoming", slow_read)
    monkeypatch.setattr(PlanDialog, "exec", lambda _self: QDialog.DialogCode.Accepted)
    ticks = Ticks()
    started = time.monotonic()
    dialog.import_file(_csv(tmp_path))
    assert time.monotonic() - started < SLOW_S / 2  # the call returned at once
    assert dialog.busy
    assert not dialog.body.isEnabled()
    assert not dialog.buttons.isEnabled()
    assert dialog.progress.isVisible()
    assert dialog.status.text() == "Reading team.csv…"
    assert not dialog.save()  # one job at a time
    assert not dialog.close()  # not while it runs
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    ticks.timer.stop()
    # The timer fired all through the second the read took (50 shots at 20 ms; 20 allows for a busy CI).
    assert ticks.count >= 20
    assert "acme/helper" in dialog.editor.catalog().models
    assert dialog.body.isEnabled()
    assert dialog.buttons.isEnabled()
    assert not dialog.progress.isVisible()
    assert dialog.status.text() == "Unsaved changes"


def test_save_waits_for_the_lock_off_the_gui_thread(qtbot: QtBot, dialog: CatalogEditor,
                                                    paths: UserPaths) -> None:
    dialog.form.fields["name"].setText("Saved while another window held the lock")
    dialog.apply_entry()
    ticks = Ticks()
    with file_lock(paths.data_dir / ".catalog-overlay.lock"):  # another window is saving
        assert dialog.save()
        qtbot.wait(600)
        assert dialog.busy
        assert not dialog.body.isEnabled()
        assert dialog.status.text() == "Saving your catalog…"
        assert ticks.count >= 10  # 30 shots in 600 ms while the save waited
        assert not dialog.saved
    with qtbot.waitSignal(dialog.save_finished, timeout=20_000) as blocker:
        pass  # the lock is released: the save goes ahead
    ticks.timer.stop()
    assert blocker.args == [True]
    assert dialog.saved
    assert not dialog.editor.dirty
    assert load_catalog(paths).models[MODEL].name == "Saved while another window held the lock"
    assert dialog.body.isEnabled()
    assert dialog.status.text() == "All changes saved"
