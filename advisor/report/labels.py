"""Words and numbers as people read them, one home for the window and every report: money, licence
classes, and the chart styling both draw with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.recommend.result import Recommendation

LICENSE_LABELS = {"permissive": "Permissive", "open-weights-with-conditions": "Open weights, conditions",
                  "research-only": "Research only", "proprietary": "Proprietary"}
SHORT_LICENSE_LABELS = {**LICENSE_LABELS, "open-weights-with-conditions": "Open, conditions"}
"""The same classes for a badge in a narrow table column."""


def license_label(license_class: str, short: bool = False) -> str:
    """A licence class in words (`short` for badges)."""
    labels = SHORT_LICENSE_LABELS if short else LICENSE_LABELS
    return labels.get(license_class, license_class.replace("-", " ").capitalize())


def money(value: float) -> str:
    """Dollars, with cents only where they matter."""
    if value == 0:
        return "$0"
    return f"${value:,.2f}" if value < 100 else f"${value:,.0f}"


MISSING = "—"
"""A cell with nothing to show (an API plan's memory, an unknown speed)."""


@dataclass(frozen=True)
class RankingCells:
    """One ranked plan as the ranking tables show it, in the window and in every report alike."""

    runs: str
    memory: str
    speed: str
    cost: str
    licence: str
    confidence: str


def ranking_cells(rec: Recommendation) -> RankingCells:
    """The ranking-table cells of a recommendation: how it runs, memory used of available, tokens/s,
    monthly cost, licence class and confidence."""
    d = rec.deployment
    memory = (f"{d.memory_gb:.1f} / {d.available_gb:.0f} GB" if d.memory_gb is not None and d.available_gb
              else MISSING)
    speed = f"{d.tokens_per_s:.0f}" if d.tokens_per_s else MISSING
    return RankingCells(runs=d.summary(), memory=memory, speed=speed, cost=d.cost_text(money),
                        licence=license_label(rec.license_class, short=True),
                        confidence=rec.confidence.label())


__all__ = ["LICENSE_LABELS", "MISSING", "SHORT_LICENSE_LABELS", "RankingCells", "license_label", "money",
           "ranking_cells"]
