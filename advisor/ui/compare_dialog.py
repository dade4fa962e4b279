"""Two to four models side by side: every attribute and estimate in one table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.schema import Model
from advisor.recommend.constraints import FACTOR_LABELS, Factor
from advisor.recommend.result import Recommendation
from advisor.report.labels import money
from advisor.ui.inert import tip
from advisor.ui.result_models import license_label

Index = QModelIndex | QPersistentModelIndex
Row = tuple[str, Callable[[Recommendation, Model | None], str]]
MAX_ROW_LINES = 4


def _opt(value: float | int | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def _params(m: Model | None) -> str:
    if m is None or m.architecture is None:
        return "undisclosed"
    arch = m.architecture
    total = arch.total_params_b
    active = arch.active_params_b
    if total is None:
        return "—"
    return f"{total:g}B" + (f" ({active:g}B active)" if active and active != total else "")


def _points(factor: Factor) -> Callable[[Recommendation, Model | None], str]:
    return lambda r, _m: f"{r.score_breakdown.get(factor, 0):.1f}"


ROWS: tuple[Row, ...] = (
    ("Rank", lambda r, _m: str(r.rank)),
    ("Score", lambda r, _m: f"{r.score:.1f}"),
    ("Vendor", lambda r, _m: r.vendor),
    ("How it runs", lambda r, _m: r.deployment.summary()),
    ("Monthly cost", lambda r, _m: r.deployment.cost_text(money)),
    ("Tokens/s", lambda r, _m: _opt(r.deployment.tokens_per_s, ".0f")),
    ("Answer tokens/s (after thinking)", lambda r, _m: _opt(r.deployment.answer_tokens_per_s, ".0f")),
    ("Memory needed", lambda r, _m: _opt(r.deployment.memory_gb, ".1f") + " GB"
     if r.deployment.memory_gb is not None else "—"),
    ("Memory available", lambda r, _m: _opt(r.deployment.available_gb, ".0f") + " GB"
     if r.deployment.available_gb else "—"),
    ("Quality (0–100)", lambda r, _m: _opt(r.quality, ".0f")),
    ("Confidence", lambda r, _m: f"{r.confidence.level} — {r.confidence.note}"),
    ("Licence", lambda r, _m: f"{r.license_name} ({license_label(r.license_class)})"),
    ("Open weights", lambda r, _m: "yes" if r.open_weights else "no"),
    ("Parameters", lambda _r, m: _params(m)),
    ("Context limit", lambda _r, m: f"{m.context_window_tokens:,}" if m and m.context_window_tokens else "—"),
    ("Released", lambda _r, m: str(m.release_date) if m and m.release_date else "—"),
    ("API input $/M", lambda r, _m: _opt(r.deployment.price_input_usd_per_mtok, ".2f")),
    ("API output $/M", lambda r, _m: _opt(r.deployment.price_output_usd_per_mtok, ".2f")),
    *((f"Points: {FACTOR_LABELS[f]}", _points(f)) for f in Factor),
    ("Warnings", lambda r, _m: "; ".join(r.warnings) or "—"),
)


class CompareModel(QAbstractTableModel):
    """Attributes as rows, models as columns."""

    def __init__(self, recs: Sequence[Recommendation], models: Sequence[Model | None]) -> None:
        super().__init__()
        self._recs = tuple(recs)
        self._models = tuple(models)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(ROWS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._recs)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation is Qt.Orientation.Horizontal and 0 <= section < len(self._recs):
            return self._recs[section].name
        if orientation is Qt.Orientation.Vertical and 0 <= section < len(ROWS):
            return ROWS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self._recs):
            return None
        if not 0 <= index.row() < len(ROWS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ROWS[index.row()][1](self._recs[index.column()], self._models[index.column()])
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(ROWS[index.row()][1](self._recs[index.column()], self._models[index.column()]))
        return None


class CompareDialog(QDialog):
    """A read-only comparison table of the chosen models."""

    def __init__(self, recs: Sequence[Recommendation], models: Sequence[Model | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare models")
        self.model = CompareModel(recs, models)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Rows fit their text up to MAX_ROW_LINES lines (the tooltip has the rest); sized to contents
        # without a cap, a long warnings row grew hundreds of pixels tall.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.horizontalHeader().sectionResized.connect(lambda *_: self.fit_rows())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(260 + 230 * len(recs), 680)
        self.fit_rows()

    def max_row_height(self) -> int:
        """The tallest a row may be: MAX_ROW_LINES lines of text and the cell's margins."""
        return self.view.fontMetrics().lineSpacing() * MAX_ROW_LINES + 8

    def fit_rows(self) -> None:
        """Size each row to its wrapped text at the current column widths, within the cap."""
        cap = self.max_row_height()
        single = self.view.fontMetrics().lineSpacing() + 8
        for row in range(self.model.rowCount()):
            self.view.setRowHeight(row, max(single, min(cap, self.view.sizeHintForRow(row))))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.fit_rows()  # the columns have their real widths only once shown
