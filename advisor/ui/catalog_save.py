"""Saving from the catalog editor, off the GUI thread: the save waits up to 10 s for the lock other
windows hold and writes the whole overlay (a large one takes seconds), so it runs through the
dialog's `JobRunner`. A merge conflict is a question; any other failure is a message that says
what happened, that nothing was lost, and what to do (`save_failure`), with 'Save a copy…' to put
the pending changes in a file elsewhere (a full disk, a folder the user may not write in).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from advisor.catalog.editing import MergeConflictError, OverlayEditor, Resolution, SaveOutcome
from advisor.catalog.store import dump_json
from advisor.storage.atomic import atomic_write_text
from advisor.ui.background import Progress
from advisor.ui.inert import message
from advisor.ui.job_runner import JobRunner
from advisor.ui.save_failure import SaveFailure, describe_save_failure

SaveDone = Callable[[SaveOutcome | None], None]
"""Called once a save ends: with what it did, or None when nothing was saved."""


class CatalogSaver:
    """Save (and 'Save a copy…') for one catalog editor."""

    def __init__(self, parent: QWidget, editor: OverlayEditor, runner: JobRunner) -> None:
        self._parent = parent
        self._editor = editor
        self._runner = runner

    def save(self, done: SaveDone, resolution: Resolution = Resolution.ASK) -> bool:
        """Start saving; `done` hears how it ended. False when another job is still running."""
        def work(_report: Progress) -> SaveOutcome:
            return self._editor.save(resolution)

        return self._runner.run("Saving your catalog…", work, done,
                                lambda exc: self._failed(exc, done))

    def _failed(self, exc: BaseException, done: SaveDone) -> None:
        if isinstance(exc, MergeConflictError):
            choice = self._whose(exc)
            if choice is None or not self.save(done, choice):
                done(None)
            return
        self.show_failure(describe_save_failure(exc, self._editor.paths))
        done(None)

    def _whose(self, exc: MergeConflictError) -> Resolution | None:
        box = QMessageBox(QMessageBox.Icon.Question, "Changed elsewhere", str(exc),
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        mine = box.addButton("Keep mine", QMessageBox.ButtonRole.AcceptRole)
        theirs = box.addButton("Keep theirs", QMessageBox.ButtonRole.DestructiveRole)
        box.exec()
        clicked = box.clickedButton()
        return Resolution.OURS if clicked is mine else Resolution.THEIRS if clicked is theirs else None

    def show_failure(self, failure: SaveFailure) -> None:
        """The failed-save message; without a recovery file it offers 'Save a copy…'."""
        box = QMessageBox(QMessageBox.Icon.Critical, "Catalog not saved", failure.text(),
                          QMessageBox.StandardButton.Ok, self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)  # it names files and quotes the file's problems
        copy = None
        if failure.recovery_file is None:
            copy = box.addButton("Save a copy…", QMessageBox.ButtonRole.ActionRole)
            copy.setToolTip("Write your whole catalog overlay, unsaved changes included, to a file "
                            "of your choice; Import… takes it back")
        box.setDefaultButton(QMessageBox.StandardButton.Ok)
        box.exec()
        if copy is not None and box.clickedButton() is copy:
            self.save_copy()

    def save_copy(self, target: Path | None = None) -> bool:
        """Write the working overlay (every entry of the user's, saved or not) to a file of the
        user's choice, in the background. False when nothing was started."""
        if target is None:
            name, _ = QFileDialog.getSaveFileName(self._parent, "Save a copy of your catalog changes",
                                                  str(Path.home() / "catalog-changes.json"),
                                                  "Catalog overlay (*.json)")
            if not name:
                return False
            target = Path(name)
        overlay = self._editor.overlay
        chosen = target

        def work(_report: Progress) -> Path:
            atomic_write_text(chosen, dump_json(overlay.to_json()))
            return chosen

        def failed(exc: BaseException) -> None:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            message(self._parent, QMessageBox.Icon.Critical, "Copy not written",
                    f"{chosen} could not be written ({why}). Your changes are still here, unsaved.")

        def written(path: Path) -> None:
            message(self._parent, QMessageBox.Icon.Information, "Copy written",
                    f"Your catalog changes were written to {path}. They are still unsaved here; "
                    "Import… (or 'advisor catalog import') takes the copy back.")

        return self._runner.run(f"Writing {chosen.name}…", work, written, failed)


__all__ = ["CatalogSaver", "SaveDone"]
