"""The review of an import or a refresh: every proposed addition and change, ticked to apply."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.importing import ChangeKind, ImportPlan
from advisor.ui.inert import escape, tip


class PlanDialog(QDialog):
    """The preview of an import or refresh: tick what to apply (conflicts start unticked)."""

    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review changes")
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{escape(plan.source)}</b>: {escape(plan.summary())}. Tick what to apply; "
                         "models you edited yourself are not replaced unless you tick them.")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.list = QListWidget()
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
        std = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(std.Apply | std.Cancel)
        buttons.button(std.Apply).clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accepted_ids(self) -> list[str]:
        """The ticked model ids."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [str(it.data(Qt.ItemDataRole.UserRole)) for it in items
                if it.checkState() == Qt.CheckState.Checked]
