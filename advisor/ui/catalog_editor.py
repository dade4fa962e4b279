"""Catalog → Edit catalog…: browse every model, edit, add, duplicate, hide, delete and revert the
user's entries, import files and refresh from models.dev, with undo/redo and no lost edits.

The dialog assembles the model list (`catalog_table`), the entry form (`entry_form`), import and
refresh with their review (`catalog_import`, `plan_dialog`) and saving (`catalog_save`), and is a
thin client of `advisor.catalog.editing.OverlayEditor`: each change replaces the editor's immutable
overlay, and a QUndoStack keeps the before/after pair, so undo and redo are exact. Import, refresh
and save run off the GUI thread (`job_runner`): the dialog is disabled meanwhile and its bottom line
shows the progress.

Signals: save_finished(bool)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.editing import OverlayEditor, SaveOutcome
from advisor.catalog.errors import CatalogError
from advisor.catalog.importing import ImportPlan
from advisor.catalog.overlay import Overlay
from advisor.catalog.store import Origin
from advisor.ui.background import Background
from advisor.ui.catalog_import import CatalogImports
from advisor.ui.catalog_save import CatalogSaver
from advisor.ui.catalog_table import ModelList, OverlayCommand
from advisor.ui.entry_form import EntryForm
from advisor.ui.inert import escape, message, plain_label
from advisor.ui.job_runner import JobRunner

WHERE = {Origin.USER: "added by you", Origin.OVERRIDE: "your edit of a bundled model",
         Origin.BUNDLED: "bundled"}


class CatalogEditor(QDialog):
    """The catalog editing dialog. `saved` is True once something was written to the overlay.

    Signals: save_finished(bool) — a save ended; True when it wrote the overlay.
    """

    save_finished = Signal(bool)

    def __init__(self, editor: OverlayEditor, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.background = background
        self.saved = False
        self.undo = QUndoStack(self)
        self.setWindowTitle("Edit catalog")
        self.resize(1200, 740)
        self._current: str | None = None

        self.models = ModelList(editor)
        self.models.chosen.connect(self._chosen)
        self.filter = self.models.filter
        splitter = QSplitter()
        splitter.addWidget(self._build_list())
        self.form = EntryForm()
        self.form.apply_requested.connect(self.apply_entry)
        self.form.edited.connect(self._update_status)
        splitter.addWidget(self.form)
        splitter.setSizes([470, 730])  # the entry's tables want the room
        top, bottom = self._build_bars()

        self.body = QWidget()  # everything a running job disables
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(top)
        body.addWidget(splitter, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addLayout(bottom)
        self.runner = JobRunner(background, self.progress, self.status,
                                [self.body, self.buttons, *self._actions], self)
        self.imports = CatalogImports(self, editor, self.runner, self._commit)
        self.saver = CatalogSaver(self, editor, self.runner)
        for warning in editor.warnings:
            message(self, QMessageBox.Icon.Warning, "Catalog", warning)
        # A bound slot, not a lambda: Qt drops the connection when this dialog is deleted, so a late
        # cleanChanged (the undo stack's own teardown) cannot reach a deleted window.
        self.undo.cleanChanged.connect(self._clean_changed)
        self._update_status()
        first = self.models.first()
        if first is not None:
            self.select(first)

    def _build_list(self) -> QWidget:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.models)
        row = QHBoxLayout()
        self.new_button = self._button(row, "&New…", self.new_model, "Add a model of your own")
        self.dup_button = self._button(row, "D&uplicate…", self.duplicate,
                                       "Copy the selected model under a new id")
        self.hide_box = QCheckBox("&Hidden")
        self.hide_box.setToolTip("Hidden models are left out of every ranking")
        self.hide_box.clicked.connect(self.toggle_hidden)
        row.addWidget(self.hide_box)
        self.revert_button = self._button(row, "&Revert", self.revert,
                                          "Drop your edits to this bundled model")
        self.delete_button = self._button(row, "De&lete", self.delete, "Delete a model you added")
        left_layout.addLayout(row)
        return left

    def _build_bars(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        top = QHBoxLayout()
        self._button(top, "&Import…", self.import_file,
                     "Merge models from a catalog export, CSV or config.json")
        self._button(top, "Refresh from &models.dev…", self.refresh_models_dev,
                     "Download current prices and new hosted models (HTTPS); "
                     "you review before anything changes")
        self._button(top, "Refresh from a &file…", self.refresh_from_file,
                     "Read prices and lifecycle from a saved models.dev api.json, LiteLLM cost map, "
                     "model-prices snapshot or genai-prices data.json; you review before anything changes")
        top.addStretch(1)
        self.undo_button = self._button(top, "&Undo", self.undo.undo, "Undo (Ctrl+Z)")
        self.redo_button = self._button(top, "Re&do", self.undo.redo, "Redo (Ctrl+Shift+Z)")
        self.undo.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self._actions: list[QAction] = []
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo.undo),
                           (QKeySequence.StandardKey.Redo, self.undo.redo),
                           (QKeySequence.StandardKey.Find, self.filter.setFocus),
                           (QKeySequence.StandardKey.Save, self.save)):
            action = self.addAction(keys.name)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _c=False, s=slot: s())
            self._actions.append(action)

        std = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(std.Save | std.Close)
        self.buttons.button(std.Save).clicked.connect(lambda _c=False: self.save())
        self.buttons.rejected.connect(self.close)
        self.status = plain_label()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.buttons)
        return top, bottom

    def _button(self, layout: QHBoxLayout, text: str, slot: Callable[[], object], tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _c=False: slot())
        layout.addWidget(button)
        return button

    # -- selection and display ------------------------------------------------------------------

    def _chosen(self, model_id: str) -> None:
        if model_id == self._current:
            return
        if not self._leave_form():
            kept = self._current  # the form keeps its edits: select its model again
            QTimer.singleShot(0, lambda: self.models.highlight(kept) if kept else None)
            return
        self.select(model_id)

    def _leave_form(self) -> bool:
        """Before the form shows something else: apply or discard its unapplied edits (asked), or
        stay (False)."""
        if not self.form.pending() or self._current is None:
            return True
        std = QMessageBox.StandardButton
        answer = message(self, QMessageBox.Icon.Question, "Unapplied changes",
                         f"Apply your changes to {self._current} first?",
                         std.Apply | std.Discard | std.Cancel, std.Apply)
        if answer == std.Apply:
            return self.apply_entry()
        return answer == std.Discard

    def select(self, model_id: str) -> None:
        """Select a model in the table and show it."""
        self.models.highlight(model_id)
        self.show_model(model_id)

    def show_model(self, model_id: str) -> None:
        """Show a model in the form and set the buttons that apply to it."""
        self._current = model_id
        self.form.show_entry(self.editor.model(model_id), WHERE[self.editor.origin(model_id)])
        self._update_buttons(model_id)
        self._update_status()

    def _update_buttons(self, model_id: str) -> None:
        origin = self.editor.origin(model_id)
        self.hide_box.setChecked(model_id in self.editor.overlay.hidden)
        self.revert_button.setEnabled(origin is Origin.OVERRIDE)
        self.delete_button.setEnabled(origin is Origin.USER)

    def _refresh(self) -> None:
        current = self._current
        self.models.model.reload()
        if current and current in self.editor.catalog().models:
            self.models.highlight(current)
            if self.form.pending():  # unapplied edits stay in the form (hiding, undo, a save…)
                self._update_buttons(current)
            else:
                self.show_model(current)
        self._update_status()

    def _clean_changed(self, _clean: bool) -> None:
        if shiboken6.isValid(self):  # the stack's teardown signals while the window is going away
            self._update_status()

    def _update_status(self) -> None:
        dirty = self.editor.dirty
        self.status.setText("Not applied yet: Apply changes (Ctrl+Return) checks the entry"
                            if self.form.pending() else "Unsaved changes" if dirty else "All changes saved")
        self.setWindowTitle("Edit catalog" + (" *" if dirty else ""))

    # -- changes (each one undoable) ------------------------------------------------------------

    def _change(self, text: str, action: Callable[[], object]) -> bool:
        before = self.editor.overlay
        try:
            action()
        except CatalogError as exc:
            self.editor.overlay = before
            self.form.say("\n".join(str(p) for p in exc.problems))
            return False
        after = self.editor.overlay
        self.editor.overlay = before
        if after != before:
            self.undo.push(OverlayCommand(self.editor, before, after, text, self._refresh))
        self.form.say("")
        return True

    def apply_entry(self) -> bool:
        """Check the form (its fields and tables, or the JSON) and make it the model's entry."""
        if self._current is None:
            return False
        model = self.form.checked(self._current)
        if model is None:
            return False
        if model.id != self._current and self._current not in self.editor.catalog().models:
            self._current = model.id
        if not self._change(f"Edit {model.id}", lambda: self.editor.put_model(model)):
            return False
        self.select(model.id)
        return True

    def new_model(self) -> None:
        """Start a new entry from a template (it must be completed before it can be applied)."""
        if not self._leave_form():
            return
        mid, ok = QInputDialog.getText(self, "New model", "Id of the new model (vendor/name):")
        if not ok or not mid.strip():
            return
        template = {"id": mid.strip(), "name": mid.strip().split("/")[-1], "family": "", "vendor": "",
                    "open_weights": False, "license": "", "offerings": [],
                    "facts": {"source": "", "as_of": date.today().isoformat()}}  # noqa: DTZ011
        self._current = mid.strip()
        self.form.show_template(template, f"<b>New model</b> <code>{escape(mid.strip())}</code> — "
                                "fill in, then Apply",
                                "Fill in name, family, vendor, licence and where the facts come from "
                                "(Facts: source), add its offerings or artifacts, then Apply.")

    def duplicate(self) -> None:
        """Copy the selected model under a new id."""
        if self._current is None or not self._leave_form():
            return
        mid, ok = QInputDialog.getText(self, "Duplicate model", "Id of the copy (vendor/name):",
                                       text=f"{self._current}-copy")
        source = self._current
        if ok and mid.strip() and self._change(f"Duplicate {source}",
                                               lambda: self.editor.duplicate(source, mid.strip())):
            self.models.model.reload()
            self.select(mid.strip())

    def toggle_hidden(self) -> None:
        """Hide or show the selected model."""
        if self._current:
            hidden = self.hide_box.isChecked()
            self._change(f"{'Hide' if hidden else 'Show'} {self._current}",
                         lambda: self.editor.hide(self._current or "", hidden))

    def revert(self) -> None:
        """Drop the user's edits to the selected bundled model."""
        if self._current and self._change(f"Revert {self._current}",
                                          lambda: self.editor.revert(self._current or "")):
            self.show_model(self._current)  # the bundled entry, not the form's edits to the old one

    def delete(self) -> None:
        """Delete the selected user-added model."""
        if self._current and QMessageBox.question(
                self, "Delete model", f"Delete {self._current} from your catalog? (Undo brings it back.)"
        ) == QMessageBox.StandardButton.Yes:
            gone = self._current
            if self._change(f"Delete {gone}", lambda: self.editor.delete(gone)):
                self._current = None
                self.models.model.reload()

    # -- import, refresh and saving (in the background) -------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether an import, refresh or save is running (the dialog is disabled meanwhile)."""
        return self.runner.busy

    def _commit(self, text: str, before: Overlay, after: Overlay) -> None:
        self.undo.push(OverlayCommand(self.editor, before, after, text, self._refresh))

    def import_file(self, path: Path | None = None) -> None:
        """Import a file (asking for it without `path`): read in the background, review, apply."""
        self.imports.import_file(path)

    def review(self, plan: ImportPlan) -> None:
        """Show a plan and apply the ticked entries as one undoable step."""
        self.imports.review(plan)

    def refresh_from_file(self) -> None:
        """Pick a price feed file, then refresh from it like a download."""
        self.imports.refresh_from_file()

    def refresh_models_dev(self, source: str | None = None) -> None:
        """Download models.dev (or read `source`) in the background, then review."""
        self.imports.refresh(source)

    def save(self, then: Callable[[], object] | None = None) -> bool:
        """Write the overlay in the background, merging with what another window saved (and asking
        whose version wins where both changed an entry). `save_finished` says how it ended; `then`
        runs after a successful save. False when another job is still running."""
        def done(outcome: SaveOutcome | None) -> None:
            if outcome is None:
                self.save_finished.emit(False)
                return
            self.saved = True
            self.undo.setClean()
            self._refresh()
            if outcome.merged_from_other:
                self.status.setText(f"Saved; kept {len(outcome.merged_from_other)} change(s) "
                                    "made in another window")
            self.save_finished.emit(True)
            if then is not None:
                then()

        return self.saver.save(done)

    # -- closing ---------------------------------------------------------------------------------

    def reject(self) -> None:
        """Escape and Close ask about unsaved changes, as closing the window does."""
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.busy or not self._leave_form():  # a running save or import: ask again later
            event.ignore()
            return
        if self.editor.dirty:
            answer = QMessageBox.question(
                self, "Unsaved changes", "Save your catalog changes before closing?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                event.ignore()  # closes once the save has succeeded
                self.save(then=self.close)
                return
        event.accept()
        self.done(QDialog.DialogCode.Accepted if self.saved else QDialog.DialogCode.Rejected)
