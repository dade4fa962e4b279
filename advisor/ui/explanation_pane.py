"""Why the selected model ranks where it does: breakdown, reasons, what would flip the pick, sources.

Every string from the catalog is escaped before it reaches the rich-text view; nothing in the
catalog can inject markup or links.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from advisor.recommend.constraints import FACTOR_LABELS, Factor
from advisor.recommend.result import Recommendation, RecommendationResult
from advisor.report.labels import money
from advisor.ui.inert import escape
from advisor.ui.result_models import license_label

_e = escape


def _items(lines: Iterable[object]) -> str:
    return "".join(f"<li>{_e(line)}</li>" for line in lines)


def breakdown_table(rec: Recommendation) -> str:
    """The score's breakdown as an HTML table: value, weight and points per factor."""
    rows = []
    for factor in Factor:
        weight = rec.weights.get(factor, 0.0)
        if weight <= 0:
            continue
        value = rec.factor_values.get(factor, 0.0)
        points = rec.score_breakdown.get(factor, 0.0)
        rows.append(f"<tr><td>{FACTOR_LABELS[factor]}</td>"
                    f"<td align='right'>{value:.2f}</td><td align='right'>{weight:.0%}</td>"
                    f"<td align='right'><b>{points:.1f}</b></td></tr>")
    head = ("<tr><th align='left'>Factor</th><th align='right'>Value</th>"
            "<th align='right'>Weight</th><th align='right'>Points</th></tr>")
    return f"<table cellspacing='0' cellpadding='3'>{head}{''.join(rows)}</table>"


def explanation_html(rec: Recommendation | None, result: RecommendationResult | None) -> str:
    """The pane's content for one recommendation (or a hint when nothing is selected)."""
    if result is None:
        return "<p>Ranking…</p>"
    if rec is None:
        if result.top is None:
            changes = _items([f"{c.change} → {c.new_top_name}" for c in result.counterfactuals])
            return ("<h3>No model meets every constraint</h3><p>What would change that:</p>"
                    f"<ul>{changes or '<li>Relax a constraint; the Excluded tab says what binds.</li>'}"
                    "</ul>")
        return "<p>Select a model in the ranking to see why it ranks there.</p>"
    dep = rec.deployment
    parts = [f"<h3>#{rec.rank} {_e(rec.name)} <small>({_e(rec.vendor)})</small></h3>",
             f"<p><b>{_e(dep.summary())}</b> · {_e(dep.cost_text(money))}/month · "
             f"{_e(license_label(rec.license_class))} ({_e(rec.license_name)}) · "
             f"confidence {_e(rec.confidence.label())}</p>",
             f"<ul>{_items(rec.explanation)}</ul>"]
    if rec.warnings:
        parts.append(f"<p><b>Before you choose it</b></p><ul>{_items(rec.warnings)}</ul>")
    parts.append(f"<p><b>Score {rec.score:.1f} = sum of the points</b></p>{breakdown_table(rec)}")
    if rec.alternatives:
        alts = [f"{a.summary()}: {a.cost_text(money)}/month" for a in rec.alternatives[:5]]
        parts.append(f"<p><b>Other ways to run it</b></p><ul>{_items(alts)}</ul>")
    if result.counterfactuals:
        flips = [f"{c.change} → {c.new_top_name}" for c in result.counterfactuals]
        parts.append(f"<p><b>What would change the pick</b></p><ul>{_items(flips)}</ul>")
    if dep.cost_notes:
        parts.append(f"<p><b>How the cost is computed</b></p><ul>{_items(dep.cost_notes)}</ul>")
    if rec.sources:
        parts.append(f"<p><b>Sources</b></p><ul>{_items(rec.sources)}</ul>")
    parts.append(f"<p><b>Assumptions</b></p><ul>{_items(result.assumptions)}</ul>")
    return "".join(parts)


class ExplanationPane(QTextBrowser):
    """Read-only rich text explaining the selected model; links are never followed.

    Signals: shown(object, object) — the Recommendation (or None) and the result now explained.
    """

    shown = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setDocument(_InertDocument(self))
        self.setHtml(explanation_html(None, None))

    def show_recommendation(self, rec: Recommendation | None, result: RecommendationResult | None) -> None:
        """Explain `rec` within `result`."""
        self.setHtml(explanation_html(rec, result))
        self.shown.emit(rec, result)

    def loadResource(self, _kind: int, _name: QUrl | str) -> Any:  # noqa: N802
        # Nothing in the pane is ever fetched: no image, style sheet or file, whatever the HTML says.
        return None


class _InertDocument(QTextDocument):
    """A document that loads no resource. QTextDocument's own loadResource reads any local file an
    <img> names (it is how /dev/zero hangs a QLabel), even when the view's override returns None."""

    def loadResource(self, _kind: int, _name: QUrl | str) -> Any:  # noqa: N802
        return None
