"""Item models over a recommendation result: the ranking and the exclusions.

Thin adapters (column constants, a role returning the domain object, a numeric sort role); sorting
and filtering happen in a QSortFilterProxyModel in the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from advisor.recommend.result import Exclusion, Recommendation
from advisor.report.labels import license_label as _license_label
from advisor.report.labels import ranking_cells
from advisor.ui.inert import tip
from advisor.ui.table_base import HeaderedTableModel, Index

DOMAIN_ROLE = Qt.ItemDataRole.UserRole + 1
"""Returns the Recommendation / Exclusion behind a row."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A value that sorts numerically (None sorts last)."""


def license_label(license_class: str) -> str:
    """A licence class for a badge (the reports' words, shortened where a column is narrow)."""
    return _license_label(license_class, short=True)


class RankingModel(HeaderedTableModel):
    """The ranked models, one row each."""

    RANK, MODEL, SCORE, RUNS, MEMORY, SPEED, COST, LICENSE, CONFIDENCE = range(9)
    HEADERS = ("#", "Model", "Score", "How it runs", "Memory", "Tokens/s", "Per month", "Licence",
               "Confidence")
    TIPS = ("Position in the ranking (1 = the pick).", "Model name and vendor.",
            "Total score 0–100; the explanation pane shows its breakdown.",
            "Best deployment: local quantization and placement, or the API provider.",
            "Memory needed against memory available (local models).",
            "Expected generation speed on your hardware (local models).",
            "Monthly cost for your token volume: API bill, or electricity for local models.",
            "Licence class: permissive, open weights with conditions, proprietary.",
            "How much benchmark evidence stands behind the quality figure.")

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[Recommendation, ...] = ()

    def set_rows(self, rows: Sequence[Recommendation]) -> None:
        """Show a new ranking: narrow updates when the same models stay in the same rows."""
        new = tuple(rows)
        if len(new) == len(self._rows) and all(
                a.model_id == b.model_id for a, b in zip(new, self._rows, strict=True)):
            self._rows = new
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(self.HEADERS) - 1))
            return
        self.beginResetModel()
        self._rows = new
        self.endResetModel()

    def rows(self) -> tuple[Recommendation, ...]:
        """The recommendations shown."""
        return self._rows

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        rec = self._rows[index.row()]
        col = index.column()
        if role == DOMAIN_ROLE:
            return rec
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(rec, col)
        if role == SORT_ROLE:
            return self._sort_value(rec, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
                self.RANK, self.SCORE, self.SPEED, self.COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._tooltip(rec, col)
            return tip(text) if text else None
        return None

    def _display(self, rec: Recommendation, col: int) -> str | None:
        cells = ranking_cells(rec)  # the same cells as the reports' ranking tables
        values: dict[int, str | None] = {
            self.RANK: str(rec.rank),
            self.MODEL: rec.name,
            self.SCORE: f"{rec.score:.1f}",
            self.RUNS: cells.runs,
            self.MEMORY: cells.memory,
            self.SPEED: cells.speed,
            self.COST: cells.cost,
            self.LICENSE: cells.licence,
            self.CONFIDENCE: cells.confidence,
        }
        return values.get(col)

    def _sort_value(self, rec: Recommendation, col: int) -> float | str:
        dep = rec.deployment
        missing = float("-inf")
        values: dict[int, float | str] = {
            self.RANK: rec.rank, self.MODEL: rec.name.lower(), self.SCORE: rec.score,
            self.RUNS: dep.summary(), self.MEMORY: dep.memory_gb if dep.memory_gb is not None else missing,
            self.SPEED: dep.tokens_per_s or missing,
            self.COST: dep.monthly_cost_usd if dep.cost_known else missing,
            self.LICENSE: rec.license_class, self.CONFIDENCE: rec.confidence.value,
        }
        return values.get(col, "")

    def _tooltip(self, rec: Recommendation, col: int) -> str | None:
        dep = rec.deployment
        if col == self.MODEL:
            return f"{rec.name} ({rec.vendor}) — {rec.model_id}"
        if col == self.RUNS:
            return "\n".join(dep.cost_notes) or dep.summary()
        if col == self.SPEED and dep.mode == "api":
            return ("published output speed of this offering" if dep.api_tokens_per_s
                    else "this provider publishes no output speed (scored neutral)")
        if col == self.SPEED and dep.decode_low and dep.decode_high:
            tip = f"likely between {dep.decode_low:.0f} and {dep.decode_high:.0f} tokens/s"
            if dep.answer_tokens_per_s is not None:
                tip += (f"\nThinking comes first, so the answer itself arrives at "
                        f"about {dep.answer_tokens_per_s:.0f} tokens/s")
            return tip
        if col == self.LICENSE:
            return rec.license_name
        if col == self.CONFIDENCE:
            return rec.confidence.note
        return None


class ExcludedModel(HeaderedTableModel):
    """Models ruled out by a hard constraint, with the reasons."""

    MODEL, CONSTRAINTS, REASONS = range(3)
    HEADERS = ("Model", "Failed", "Why it is excluded")

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[Exclusion, ...] = ()

    def set_rows(self, rows: Sequence[Exclusion]) -> None:
        """Show a new list of exclusions."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ex = self._rows[index.row()]
        col = index.column()
        if role == DOMAIN_ROLE:
            return ex
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return (ex.name, ", ".join(ex.constraints), "; ".join(ex.reasons))[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip("\n".join(ex.reasons)) or None
        return None
