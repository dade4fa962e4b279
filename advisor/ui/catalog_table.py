"""The catalog editor's list of models (a table model over the working catalog, and the filtered,
sorted view of it) and its undo step.

Signals (ModelList): chosen(str) — the user selected another model
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont, QUndoCommand
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.overlay import Overlay
from advisor.catalog.store import Origin
from advisor.ui.table_base import HeaderedTableModel, Index


class OverlayCommand(QUndoCommand):
    """One change to the overlay, undone by restoring the overlay before it."""

    def __init__(self, editor: OverlayEditor, before: Overlay, after: Overlay, text: str,
                 refresh: Callable[[], None]) -> None:
        super().__init__(text)
        self._editor, self._before, self._after, self._refresh = editor, before, after, refresh

    def redo(self) -> None:
        self._editor.overlay = self._after
        self._refresh()

    def undo(self) -> None:
        self._editor.overlay = self._before
        self._refresh()


class CatalogTable(HeaderedTableModel):
    """Every model in the working catalog: id, name, vendor, weights, where it came from, hidden."""

    HEADERS = ("Id", "Name", "Vendor", "Weights", "Yours", "Hidden")

    def __init__(self, editor: OverlayEditor) -> None:
        super().__init__()
        self._editor = editor
        self._ids: list[str] = []
        self.reload()

    def reload(self) -> None:
        """Re-read the editor's catalog."""
        self.beginResetModel()
        self._catalog = self._editor.catalog()
        self._ids = sorted(self._catalog.models)
        self.endResetModel()

    def model_id(self, row: int) -> str:
        """The id shown on a row."""
        return self._ids[row]

    def row_of(self, model_id: str) -> int:
        """The row of an id (-1 if absent)."""
        return self._ids.index(model_id) if model_id in self._ids else -1

    def row_total(self) -> int:
        return len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        mid = self._ids[index.row()]
        model = self._catalog.models[mid]
        origin = self._editor.origin(mid)
        if role == Qt.ItemDataRole.DisplayRole:
            return (mid, model.name, model.vendor, "open" if model.open_weights else "API only",
                    {Origin.USER: "added", Origin.OVERRIDE: "edited"}.get(origin, ""),
                    "hidden" if mid in self._editor.overlay.hidden else "")[index.column()]
        if role == Qt.ItemDataRole.FontRole and origin is not Origin.BUNDLED:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return {Origin.USER: "You added this model.", Origin.OVERRIDE:
                    "You edited this bundled model; Revert restores the bundled entry."}.get(origin)
        return None


class ModelList(QWidget):
    """The filter box over the sorted table of every model."""

    chosen = Signal(str)

    def __init__(self, editor: OverlayEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CatalogTable(editor)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter = QLineEdit(placeholderText="Filter models (Ctrl+F)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self._quiet = False
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._changed(cur))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)

    def _changed(self, proxy_index: QModelIndex) -> None:
        if proxy_index.isValid() and not self._quiet:
            self.chosen.emit(self.model.model_id(self.proxy.mapToSource(proxy_index).row()))

    def highlight(self, model_id: str) -> None:
        """Select a model's row (if the filter shows it) without emitting `chosen`."""
        row = self.model.row_of(model_id)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if index.isValid():
            self._quiet = True
            try:
                self.table.selectRow(index.row())
            finally:
                self._quiet = False

    def first(self) -> str | None:
        """The id on the first row shown, if any."""
        index = self.proxy.index(0, 0)
        return self.model.model_id(self.proxy.mapToSource(index).row()) if index.isValid() else None
