"""One job at a time off the GUI thread for a dialog (the catalog editor's import, refresh and
save): while it runs, the dialog's controls are disabled and a progress bar and a line say what is
happening; its result or its error comes back on the GUI thread. Work goes through
`advisor.ui.background.Background`, so the window's thread pool runs it.

Signals: busy_changed(bool)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from advisor.ui.background import Background, Progress

PERCENT = 100
T = TypeVar("T")


class JobRunner(QObject):
    """Runs a dialog's slow work in the background with a progress indication."""

    busy_changed = Signal(bool)

    def __init__(self, background: Background, bar: QProgressBar, label: QLabel,
                 controls: Sequence[QWidget | QAction], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._background = background
        self._bar = bar
        self._label = label
        self._controls = tuple(controls)
        self._busy = False
        self._before = ""
        bar.setTextVisible(False)
        bar.hide()

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self._busy

    def run(self, what: str, work: Callable[[Progress], T], done: Callable[[T], object],
            failed: Callable[[BaseException], object]) -> bool:
        """Start `work(progress)` unless a job is running (then False); `done(result)` or
        `failed(error)` is called here on the GUI thread once it ends."""
        if self._busy:
            return False
        self._set_busy(True, what)

        def succeeded(value: T) -> None:
            if self._finish():
                done(value)

        def errored(exc: BaseException) -> None:
            if self._finish():
                failed(exc)

        self._background.run(work, succeeded, errored, self._progress)
        return True

    def _finish(self) -> bool:
        if not shiboken6.isValid(self):  # the dialog went away while the job ran
            return False
        self._set_busy(False, "")
        return True

    def _progress(self, fraction: float, message: str) -> None:
        if not self._busy or not shiboken6.isValid(self._bar):
            return
        if fraction > 0:  # a stage without a fraction keeps the busy indicator
            self._bar.setRange(0, PERCENT)
            self._bar.setValue(round(min(1.0, fraction) * PERCENT))
        if message:
            self._label.setText(message)

    def _set_busy(self, busy: bool, what: str) -> None:
        self._busy = busy
        for control in self._controls:
            control.setEnabled(not busy)
        if busy:
            self._before = self._label.text()
            self._label.setText(what)
            self._bar.setRange(0, 0)  # no fraction yet: a busy indicator
            self._bar.show()
        else:
            self._bar.hide()
            self._label.setText(self._before)
        self.busy_changed.emit(busy)


__all__ = ["JobRunner"]
