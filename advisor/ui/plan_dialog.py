"""The review of an import or a refresh: every proposed addition and change, ticked to apply.

Like `advisor catalog import` without `--yes`, it asks first when the ticked entries would add more
than `MAX_UNASKED_ADDITIONS` (5,000) models: the count is on screen as the user ticks, and Apply
asks before anything is applied.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.importing import MAX_UNASKED_ADDITIONS, ChangeKind, ImportPlan
from advisor.ui.inert import escape, message, plain_label, tip


class PlanDialog(QDialog):
    """The preview of an import or refresh: tick what to apply (conflicts start unticked)."""

    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Review changes")
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{escape(plan.source)}</b>: {escape(plan.summary())}. Tick what to apply; "
                         "models you edited yourself are not replaced unless you tick them.")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)  # tens of thousands of rows from a big import
        marks = {ChangeKind.ADD: "Add", ChangeKind.CHANGE: "Change", ChangeKind.CONFLICT: "Replace your edit"}
        for change in plan.changes:
            if change.kind is ChangeKind.SAME:
                continue
            item = QListWidgetItem(f"{marks[change.kind]}: {change.model_id} ({change.name})")
            item.setToolTip(tip("\n".join(change.details)))
            item.setData(Qt.ItemDataRole.UserRole, change.model_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if change.kind is ChangeKind.CONFLICT
                               else Qt.CheckState.Checked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        if plan.skipped:
            layout.addWidget(QLabel(f"Skipped: {escape('; '.join(plan.skipped[:6]))}"))
        self.count = plain_label()
        self.count.setWordWrap(True)
        layout.addWidget(self.count)
        std = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(std.Apply | std.Cancel)
        for text, state in (("Tick all", Qt.CheckState.Checked), ("Untick all", Qt.CheckState.Unchecked)):
            button = buttons.addButton(text, QDialogButtonBox.ButtonRole.ResetRole)
            button.clicked.connect(lambda _c=False, st=state: self.tick_all(st))
        buttons.button(std.Apply).clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Recounted once per burst of ticks, not once per item (ticking thousands stays quick).
        self._recount = QTimer(self, singleShot=True, interval=0)
        self._recount.timeout.connect(self._update_count)
        self.list.itemChanged.connect(lambda _item: self._recount.start())
        self._update_count()

    def tick_all(self, state: Qt.CheckState) -> None:
        """Tick (or untick) every entry, conflicts with the user's edits included."""
        with QSignalBlocker(self.list):  # one recount, not one per item
            for i in range(self.list.count()):
                self.list.item(i).setCheckState(state)
        self.list.viewport().update()
        self._update_count()

    def accepted_ids(self) -> list[str]:
        """The ticked model ids."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [str(it.data(Qt.ItemDataRole.UserRole)) for it in items
                if it.checkState() == Qt.CheckState.Checked]

    def _update_count(self) -> None:
        ticked = self.accepted_ids()
        adds = self.plan.additions(ticked)
        text = (f"{len(ticked):,} of {self.list.count():,} ticked; applying adds {adds:,} "
                f"model{'' if adds == 1 else 's'}.")
        if self.plan.needs_confirmation(ticked):
            text += (f" That is more than the {MAX_UNASKED_ADDITIONS:,} added without asking: you "
                     "will be asked to confirm.")
        self.count.setText(text)

    def accept(self) -> None:
        """Apply, after asking first when the ticked entries add more than 5,000 models."""
        ticked = self.accepted_ids()
        if self.plan.needs_confirmation(ticked):
            adds = self.plan.additions(ticked)
            yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
            answer = message(
                self, QMessageBox.Icon.Question, "Add this many models?",
                f"This would add {adds:,} models to your catalog, more than the "
                f"{MAX_UNASKED_ADDITIONS:,} added without asking. Each one is ranked on every change "
                "and kept in your catalog file, which makes the window slower and the file larger "
                "(a file above 256 MB cannot be saved). Add them all?", yes | no, no)
            if answer != yes:
                return  # stays open: untick some, or cancel
        super().accept()
