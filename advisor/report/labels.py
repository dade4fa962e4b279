"""Words and numbers as people read them, one home for the window and every report: money, licence
classes, and the chart styling both draw with."""

from __future__ import annotations

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


__all__ = ["LICENSE_LABELS", "SHORT_LICENSE_LABELS", "license_label", "money"]
