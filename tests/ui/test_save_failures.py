"""A failed save in the window says what happened, that nothing was lost (and where the recovery file
is), and what to do (#23), for each way a save fails; the catalog file is never changed and the
edits stay pending. And an import review asks first above 5,000 models, as the CLI does."""

from __future__ import annotations

import errno
import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from advisor.catalog import editing
from advisor.catalog.editing import OverlayEditor
from advisor.catalog.importing import MAX_UNASKED_ADDITIONS, Change, ChangeKind, ImportPlan, read_incoming
from advisor.catalog.store import Catalog
from advisor.storage import locks as files
from advisor.storage.paths import UserPaths
from advisor.ui.background import Background
from advisor.ui.catalog_editor import CatalogEditor
from advisor.ui.main_window import MainWindow
from advisor.ui.plan_dialog import PlanDialog

MODEL = "openai/gpt-4o-mini"
EDITED = "Mini (edited before the failure)"


class Boxes:
    """Every QMessageBox the code under test shows, answered without a person."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, click: str | None = None,
                 question: QMessageBox.StandardButton = QMessageBox.StandardButton.Discard) -> None:
        self.shown: list[tuple[str, str, list[str]]] = []
        boxes = self

        def exec_(box: QMessageBox) -> int:
            names = [b.text() for b in box.buttons()]
            boxes.shown.append((box.windowTitle(), box.text(), names))
            for button in box.buttons():
                if button.text() == click:
                    button.click()
            return 0

        def static(_parent: object, title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
            boxes.shown.append((title, text, []))
            return question

        monkeypatch.setattr(QMessageBox, "exec", exec_)
        for name in ("information", "warning", "critical", "question"):
            monkeypatch.setattr(QMessageBox, name, static)

    def last(self) -> tuple[str, str, list[str]]:
        assert self.shown, "no message was shown"
        return self.shown[-1]


@pytest.fixture
def dialog(paths: UserPaths, bundled: Catalog, monkeypatch: pytest.MonkeyPatch) -> Iterator[CatalogEditor]:
    """An editor with one unsaved edit, over an overlay saved earlier (which must survive)."""
    earlier = OverlayEditor.open(paths, bundled)
    earlier.set_field("qwen/qwen3-8b", "name", "Saved earlier")
    earlier.save()
    background = Background()
    editor = CatalogEditor(OverlayEditor.open(paths, bundled), background)
    editor.show()
    editor.select(MODEL)
    editor.form.fields["name"].setText(EDITED)
    assert editor.apply_entry()
    yield editor
    background.wait()
    Boxes(monkeypatch)  # closing asks about the unsaved edit: discard it
    editor.close()
    editor.deleteLater()


def failed_save(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths) -> None:
    """Save, expect it to fail and change nothing; returns the message it showed."""
    before = paths.overlay_file.read_bytes()
    with qtbot.waitSignal(dialog.save_finished, timeout=20_000) as blocker:
        assert dialog.save()
    assert blocker.args == [False]
    assert dialog.editor.dirty  # the edit is still pending…
    assert dialog.editor.model(MODEL).name == EDITED
    assert dialog.windowTitle().endswith("*")
    assert paths.overlay_file.read_bytes() == before  # …and the catalog file is as it was


def _fail_writes(monkeypatch: pytest.MonkeyPatch, error: Callable[[], OSError], under: Path) -> None:
    """Every atomic write (it starts with mkstemp in the target's folder) under `under` fails."""
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if Path(kwargs.get("dir") or ".").resolve().is_relative_to(under.resolve()):
            raise error()
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_a_full_disk(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = Boxes(monkeypatch)
    real = os.write

    def write(fd: int, data: bytes | memoryview) -> int:
        if fd > 2:  # our files, not the test's output
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    failed_save(qtbot, dialog, paths)
    title, text, buttons = boxes.last()
    assert title == "Catalog not saved"
    assert f"The disk that holds {paths.data_dir} is full" in text
    assert "Nothing was lost" in text
    assert str(paths.overlay_file) in text
    assert "your changes are still here in this window, unsaved" in text
    assert "Free some space on that disk, then save again" in text
    assert "Save a copy…" in buttons
    assert "Traceback" not in text


def test_permission_denied(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = Boxes(monkeypatch)
    _fail_writes(monkeypatch, lambda: PermissionError(errno.EACCES, "Permission denied"), paths.data_dir)
    failed_save(qtbot, dialog, paths)
    _title, text, buttons = boxes.last()
    assert f"Model Advisor is not allowed to write in {paths.data_dir} (Permission denied)" in text
    assert "Nothing was lost" in text
    assert "Make that folder (and the files in it) writable for your user" in text
    assert "ADVISOR_HOME" in text
    assert "Save a copy…" in buttons


def test_the_lock_held_by_another_window(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = Boxes(monkeypatch)
    monkeypatch.setattr(editing, "file_lock", functools.partial(files.file_lock, timeout_s=0.3))
    with files.file_lock(paths.data_dir / ".catalog-overlay.lock"):  # the other window's save
        failed_save(qtbot, dialog, paths)
    _title, text, _buttons = boxes.last()
    assert text.startswith("Another Model Advisor window, or an 'advisor catalog' command, is saving")
    assert "Nothing was lost" in text
    assert "Let the other save finish (or close the other window), then save again" in text
    with qtbot.waitSignal(dialog.save_finished, timeout=20_000) as blocker:
        assert dialog.save()  # the lock is free again: the same edit saves
    assert blocker.args == [True]


@pytest.mark.parametrize(("content", "what", "todo"), [
    (json.dumps({"schema_version": 99, "kind": "model-advisor-overlay", "models": [], "future": 1}),
     "was saved by a newer version of Model Advisor", "Update Model Advisor"),
    ('{"schema_version": 1, "kind": "model-advisor-overlay", "models": [',
     "was damaged since this window opened it", "Move the damaged file aside"),
])
def test_an_overlay_on_disk_that_can_no_longer_be_read(
        qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths, monkeypatch: pytest.MonkeyPatch,
        content: str, what: str, todo: str) -> None:
    boxes = Boxes(monkeypatch)
    paths.overlay_file.write_text(content, encoding="utf-8")  # another program, meanwhile
    failed_save(qtbot, dialog, paths)
    _title, text, buttons = boxes.last()
    assert f"Your catalog file {paths.overlay_file} {what}" in text
    assert "nothing was saved, and the file was left as it is" in text
    recovery = next(paths.data_dir.glob("catalog-overlay.recovery-*.json"))
    assert f"a copy of your whole catalog overlay was written to {recovery}" in text
    assert todo in text
    assert "Save a copy…" not in buttons  # the recovery file is that copy
    taken_back = {m.id: m for m in read_incoming(recovery).models}
    assert taken_back[MODEL].name == EDITED
    assert taken_back["qwen/qwen3-8b"].name == "Saved earlier"


def test_an_overlay_the_system_will_not_let_us_read(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = Boxes(monkeypatch)
    real = Path.open

    def opener(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if self == paths.overlay_file and "r" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, mode, *args, **kwargs)

    before = paths.overlay_file.read_bytes()
    monkeypatch.setattr(Path, "open", opener)
    with qtbot.waitSignal(dialog.save_finished, timeout=20_000) as blocker:
        assert dialog.save()
    monkeypatch.setattr(Path, "open", real)
    assert blocker.args == [False]
    assert paths.overlay_file.read_bytes() == before
    _title, text, _buttons = boxes.last()
    assert f"Your catalog file {paths.overlay_file} cannot be read any more" in text
    assert "Permission denied" in text
    assert "a copy of your whole catalog overlay was written to" in text
    assert "Make the file readable again (check its permissions and the disk)" in text


def test_an_overlay_too_big_to_read_back(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = Boxes(monkeypatch)
    monkeypatch.setattr("advisor.storage.reading.MAX_FILE_BYTES", paths.overlay_file.stat().st_size + 10)
    failed_save(qtbot, dialog, paths)
    _title, text, _buttons = boxes.last()
    assert text.startswith("Your catalog was not saved: it would be ")
    assert "beyond the" in text
    assert "Nothing was lost" in text
    assert "Undo the import that added the most models (Ctrl+Z)" in text


def test_save_a_copy_writes_what_import_takes_back(qtbot: QtBot, dialog: CatalogEditor, paths: UserPaths,
                                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    boxes = Boxes(monkeypatch, click="Save a copy…")
    _fail_writes(monkeypatch, lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), paths.data_dir)
    target = tmp_path / "elsewhere" / "my-changes.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    failed_save(qtbot, dialog, paths)  # the copy is written in the background meanwhile
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert [title for title, _t, _b in boxes.shown] == ["Catalog not saved", "Copy written"]
    assert {m.id: m for m in read_incoming(target).models}[MODEL].name == EDITED
    assert dialog.editor.dirty  # still unsaved here


# -- asking first above 5,000 models ---------------------------------------------------------------

def _big_plan(bundled: Catalog, n: int) -> ImportPlan:
    src = bundled.models[MODEL]
    return ImportPlan("big.json", tuple(
        Change(ChangeKind.ADD, f"bulk/m-{i}", f"M {i}", ("new hosted model",),
               src.model_copy(update={"id": f"bulk/m-{i}", "name": f"M {i}"})) for i in range(n)))


def test_the_review_shows_the_count_and_asks_first_above_5000(qtbot: QtBot, bundled: Catalog,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    review = PlanDialog(_big_plan(bundled, MAX_UNASKED_ADDITIONS + 1))
    qtbot.addWidget(review)
    assert "5,001 of 5,001 ticked; applying adds 5,001 models" in review.count.text()
    assert "more than the 5,000 added without asking: you will be asked to confirm" in review.count.text()
    boxes = Boxes(monkeypatch, question=QMessageBox.StandardButton.No)
    review.accept()
    assert "This would add 5,001 models to your catalog, more than the 5,000" in boxes.last()[1]
    assert review.result() != QDialog.DialogCode.Accepted  # not applied: still open
    review.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: "5,000 of 5,001 ticked" in review.count.text(), timeout=2000)
    assert "asked to confirm" not in review.count.text()
    boxes = Boxes(monkeypatch, question=QMessageBox.StandardButton.No)
    review.accept()  # 5,000: no question
    assert not boxes.shown
    assert review.result() == QDialog.DialogCode.Accepted
    review.tick_all(Qt.CheckState.Unchecked)
    assert review.count.text() == "0 of 5,001 ticked; applying adds 0 models."
    review.tick_all(Qt.CheckState.Checked)
    assert review.accepted_ids() == [f"bulk/m-{i}" for i in range(5001)]


def test_a_large_import_applies_only_after_yes(qtbot: QtBot, dialog: CatalogEditor, bundled: Catalog,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def run(review: PlanDialog) -> int:
        review.accept()  # the user presses Apply
        return review.result()

    monkeypatch.setattr(PlanDialog, "exec", run)
    plan = _big_plan(bundled, MAX_UNASKED_ADDITIONS + 1)
    Boxes(monkeypatch, question=QMessageBox.StandardButton.No)
    dialog.review(plan)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert "bulk/m-0" not in dialog.editor.catalog().models
    Boxes(monkeypatch, question=QMessageBox.StandardButton.Yes)
    dialog.review(plan)
    qtbot.waitUntil(lambda: not dialog.busy and "bulk/m-5000" in dialog.editor.catalog().models,
                    timeout=30_000)
    assert sum(mid.startswith("bulk/") for mid in dialog.editor.catalog().models) == 5001


def test_edit_catalog_on_a_newer_versions_overlay_says_so_and_opens_nothing(
        window: MainWindow, paths: UserPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, the exception ended in the slot: Edit catalog… did nothing and said nothing."""
    paths.overlay_file.parent.mkdir(parents=True, exist_ok=True)
    paths.overlay_file.write_text(json.dumps({"schema_version": 99, "kind": "model-advisor-overlay",
                                              "models": [], "future": 1}), encoding="utf-8")
    before = paths.overlay_file.read_bytes()
    boxes = Boxes(monkeypatch)
    assert window.edit_catalog() is None
    title, text, _buttons = boxes.last()
    assert title == "Edit catalog"
    assert f"Your catalog file {paths.overlay_file} cannot be edited" in text
    assert "update Model Advisor to edit it" in text
    assert paths.overlay_file.read_bytes() == before


def test_edit_catalog_on_an_overlay_the_system_will_not_let_us_read(
        window: MainWindow, paths: UserPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    paths.overlay_file.parent.mkdir(parents=True, exist_ok=True)
    paths.overlay_file.write_text('{"schema_version": 1, "kind": "model-advisor-overlay", "models": []}',
                                  encoding="utf-8")
    real = Path.open

    def opener(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if self == paths.overlay_file and "r" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, mode, *args, **kwargs)

    boxes = Boxes(monkeypatch)
    monkeypatch.setattr(Path, "open", opener)
    assert window.edit_catalog() is None
    monkeypatch.setattr(Path, "open", real)
    _title, text, _buttons = boxes.last()
    assert "Permission denied" in text
    assert "check that you may read and write it" in text
    assert paths.overlay_file.exists()  # never quarantined
