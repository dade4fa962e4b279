"""Spin boxes and combo boxes take the mouse wheel only when they have the focus (#21).

In a scrolling form, a wheel turned to scroll changes whatever field passes under the pointer
(Reasoning 1 → 0). Guarded fields pass the wheel on to the scroll area until the user clicks or
tabs into them, as in Qt Creator's and KDE's settings dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QComboBox, QWidget


class WheelGuard(QObject):
    """An event filter that hands an unfocused field's wheel events to its parents."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        area = watched.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None and area.viewport() is not None:
            # Straight to the scroll area: Qt propagates only real wheel events to the parents, and
            # the scroll area must scroll for synthetic ones (tests, accessibility tools) too.
            QCoreApplication.sendEvent(area.viewport(), event)
        else:
            event.ignore()  # filtered but not accepted: Qt offers it to the parent widgets
        return True


def guard_wheel(root: QWidget) -> WheelGuard:
    """Guard every spin box and combo box inside `root` (the guard lives as long as `root`)."""
    guard = WheelGuard(root)
    for field in (*root.findChildren(QAbstractSpinBox), *root.findChildren(QComboBox)):
        # The wheel no longer gives focus (Qt's default WheelFocus would focus, then spin).
        field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        field.installEventFilter(guard)
    return guard


__all__ = ["WheelGuard", "guard_wheel"]
