"""Import and refresh for the catalog editor, off the GUI thread: reading a file (up to 256 MB),
comparing it with the catalog, downloading models.dev and applying what the user ticked all run
through the dialog's `JobRunner`; the review (`plan_dialog`) happens in between, on the GUI thread.

Applying is one undoable step: the job changes the editor's overlay while the dialog is disabled,
and `commit(text, before, after)` hands the before/after pair to the dialog's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.errors import CatalogError
from advisor.catalog.importing import ChangeKind, ImportPlan, apply_plan, plan_import, read_incoming
from advisor.catalog.overlay import Overlay
from advisor.ui.background import Progress
from advisor.ui.inert import message
from advisor.ui.job_runner import JobRunner
from advisor.ui.plan_dialog import PlanDialog

Commit = Callable[[str, Overlay, Overlay], None]
MAX_SHOWN_CHARS = 3000  # a file's problems can run to thousands of lines


def _why(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, CatalogError) else f"{type(exc).__name__}: {exc}"
    return text[:MAX_SHOWN_CHARS]


class CatalogImports:
    """Import a file, refresh from models.dev or a price feed, review, apply."""

    def __init__(self, parent: QWidget, editor: OverlayEditor, runner: JobRunner, commit: Commit) -> None:
        self._parent = parent
        self._editor = editor
        self._runner = runner
        self._commit = commit

    # -- import ----------------------------------------------------------------------------------

    def import_file(self, path: Path | None = None) -> None:
        """Import a file: read and compare it in the background, then review it."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self._parent, "Import models", str(Path.home()),
                                                  "Catalog files (*.json *.toml *.csv);;All files (*)")
            if not name:
                return
            path = Path(name)
        self._read(path, None, None)

    def _read(self, path: Path, model_id: str | None, license_id: str | None) -> None:
        editor = self._editor

        def work(report: Progress) -> ImportPlan:
            incoming = read_incoming(path, model_id=model_id, license_id=license_id)
            report(0.0, f"Comparing {len(incoming.models):,} models from {path.name} with your catalog…")
            return plan_import(editor, incoming, path.name)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, CatalogError) and model_id is None and "--id" in str(exc):
                self._ask_identity(path)  # a Hugging Face config.json: it names no id or licence
                return
            message(self._parent, QMessageBox.Icon.Warning, "Import",
                    "Nothing was changed:\n\n" + _why(exc))

        self._runner.run(f"Reading {path.name}…", work, self.review, failed)

    def _ask_identity(self, path: Path) -> None:
        mid, ok = QInputDialog.getText(self._parent, "Import config.json",
                                       "Id of the new model (vendor/name):")
        if not ok:
            return
        lic, ok = QInputDialog.getItem(self._parent, "Import config.json", "Its licence:",
                                       sorted(self._editor.catalog().licenses), 0, False)
        if ok:
            self._read(path, mid.strip(), lic)

    # -- review and apply ------------------------------------------------------------------------

    def review(self, plan: ImportPlan) -> None:
        """Show a plan; apply the ticked entries in the background as one undoable step."""
        if not [c for c in plan.changes if c.kind is not ChangeKind.SAME] and not plan.licenses:
            message(self._parent, QMessageBox.Icon.Information, "Nothing to change",
                    f"{plan.source}: {plan.summary()}.")
            return
        dialog = PlanDialog(plan, self._parent)  # asks first above MAX_UNASKED_ADDITIONS
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        ids = dialog.accepted_ids()
        editor, before = self._editor, self._editor.overlay
        text = f"Import {len(ids):,} models from {plan.source}"

        def work(_report: Progress) -> Overlay:
            try:
                apply_plan(editor, plan, accept=ids, replace_edited=True)
                return editor.overlay
            finally:
                editor.overlay = before  # the undo stack sets the result

        def applied(after: Overlay) -> None:
            if after != before:
                self._commit(text, before, after)

        self._runner.run(f"Applying {len(ids):,} changes from {plan.source}…", work, applied,
                         lambda exc: message(self._parent, QMessageBox.Icon.Warning, "Import",
                                             "Nothing was changed:\n\n" + _why(exc)))

    # -- refresh ---------------------------------------------------------------------------------

    def refresh_from_file(self) -> None:
        """Pick a price feed file, then refresh from it like a download."""
        name, _ = QFileDialog.getOpenFileName(self._parent, "Refresh from a file", str(Path.home()),
                                              "Price data (*.json);;All files (*)")
        if name:
            self.refresh(name)

    def refresh(self, source: str | None = None) -> None:
        """Download models.dev (or read a saved feed) in the background, then review."""
        from advisor.catalog.refresh import plan_refresh  # noqa: PLC0415

        remote = source is None or "://" in source
        what = "Downloading models.dev…" if remote else f"Reading {Path(source or '').name}…"
        editor = self._editor

        def work(report: Progress) -> ImportPlan:
            return plan_refresh(editor, source, progress=report)

        self._runner.run(what, work, self.review,
                         lambda exc: message(self._parent, QMessageBox.Icon.Warning, "Refresh",
                                             "Nothing was changed: " + _why(exc)))


__all__ = ["CatalogImports", "Commit"]
