"""One tab of the entry form: a `RowTable` in a view, with Add, Duplicate and Remove, drop-downs
for fields with a fixed set of values, and the table's own hint.

Signals: none of its own (the table model's `refused` and `rows_edited` say what happened).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor.ui.inert import plain_label
from advisor.ui.row_tables import CHOICES_ROLE, FREE_CHOICE_ROLE, RowTable, TableSpec

Index = QModelIndex | QPersistentModelIndex
MAX_COLUMN_PX = 260  # long sources and data terms are elided; the tooltip has the whole text


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down for cells whose model offers choices (CHOICES_ROLE); a line edit otherwise."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        choices = index.data(CHOICES_ROLE)
        if not isinstance(choices, list):
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setEditable(bool(index.data(FREE_CHOICE_ROLE)))
        combo.addItems([str(c) for c in choices])
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            text = str(index.data(Qt.ItemDataRole.EditRole) or "")
            at = editor.findText(text)
            if at >= 0:
                editor.setCurrentIndex(at)
            elif editor.isEditable():
                editor.setEditText(text)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class RowsTab(QWidget):
    """A list of a model entry as a table with buttons to add, duplicate and remove rows."""

    def __init__(self, spec: TableSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowTable(spec)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(ChoiceDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.setWordWrap(False)
        self.view.setAccessibleName(spec.label)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMaximumSectionSize(MAX_COLUMN_PX)
        self.model.modelReset.connect(self._fit_columns)
        hint = plain_label(spec.hint)
        hint.setWordWrap(True)
        row = QHBoxLayout()
        self.add_button = self._button(row, "Add row", f"Add an empty row to {spec.label.lower()} "
                                       "(Insert); fields marked * are required", self.add_row)
        self.duplicate_button = self._button(row, "Duplicate row", "Copy the selected row below it",
                                             self.duplicate_row)
        self.remove_button = self._button(row, "Remove row", "Remove the selected rows (Delete)",
                                          self.remove_selected)
        row.addStretch(1)
        for keys, slot in ((QKeySequence.StandardKey.Delete, self.remove_selected),
                           (QKeySequence(Qt.Key.Key_Insert), self.add_row)):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self._update_buttons()

    @staticmethod
    def _button(layout: QHBoxLayout, text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _c=False: slot())
        layout.addWidget(button)
        return button

    def _fit_columns(self) -> None:
        self.view.resizeColumnsToContents()

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})

    def _update_buttons(self) -> None:
        chosen = bool(self._selected_rows())
        self.duplicate_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def add_row(self) -> None:
        """Add an empty row at the end and start editing its first field."""
        row = self.model.insert_row(self.model.rowCount())
        self._edit(row)

    def duplicate_row(self) -> None:
        """Copy the current row below it."""
        rows = self._selected_rows()
        if rows:
            source = self.model.rows()[rows[-1]]
            self._edit(self.model.insert_row(rows[-1] + 1, source))

    def remove_selected(self) -> None:
        """Remove the selected rows."""
        self.model.remove_rows(self._selected_rows())

    def _edit(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.view.edit(index)

    def select_cell(self, row: int, field: str | None) -> None:
        """Show a cell (where a problem is) and select it."""
        names = [c.field for c in self.model.spec.columns]
        column = names.index(field) if field in names else 0
        index = self.model.index(row, column)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)


__all__ = ["ChoiceDelegate", "RowsTab"]
