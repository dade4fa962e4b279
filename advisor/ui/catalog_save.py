"""Saving from the catalog editor, off the GUI thread: the save waits up to 10 s for the lock other
windows hold and writes the whole overlay (a large one takes seconds), so it runs through the
dialog's `JobRunner`. A merge conflict is a question; any other failure is a message.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from advisor.catalog.editing import MergeConflictError, OverlayEditor, Resolution, SaveOutcome
from advisor.ui.background import Progress
from advisor.ui.inert import message
from advisor.ui.job_runner import JobRunner

SaveDone = Callable[[SaveOutcome | None], None]
"""Called once a save ends: with what it did, or None when nothing was saved."""


class CatalogSaver:
    """Save for one catalog editor."""

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
        message(self._parent, QMessageBox.Icon.Critical, "Save failed",
                f"Your catalog could not be saved: {exc}")
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


__all__ = ["CatalogSaver", "SaveDone"]
