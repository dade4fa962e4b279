"""What the constraints panel's groups share: a field's tooltip text from the schema, and a row of
a check box beside the value it switches on."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from advisor.recommend.constraints import Constraints


def describe(field: str) -> str:
    """The schema's own description of a constraints field, for tooltips."""
    return Constraints.model_fields[field].description or ""


def check_row(check: QCheckBox, value: QWidget) -> QGridLayout:
    """The check box, then the field it enables, which takes the rest of the row."""
    row = QGridLayout()
    row.addWidget(check, 0, 0)
    row.addWidget(value, 0, 1)
    row.setColumnStretch(1, 1)
    return row


__all__ = ["check_row", "describe"]
