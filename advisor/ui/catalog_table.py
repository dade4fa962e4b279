"""The catalog editor's list of models (a table model over the working catalog) and its undo step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QUndoCommand

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
