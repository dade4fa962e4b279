"""Headless runs (`advisor gui --screenshot`) never wait for a person (#23).

Nobody can answer a modal box in a screenshot run or a CI job, and Qt would wait for ever. The
guard watches every dialog the application shows: a modal one is closed as soon as it opens, its
text goes to stderr, and the run is marked failed so it exits non-zero.
"""

from __future__ import annotations

import sys
from typing import TextIO

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import Qt as QtGui
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox


def _plain(text: str) -> str:
    if not QtGui.mightBeRichText(text):  # QtGui's part of the Qt namespace
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def dialog_text(dialog: QDialog) -> str:
    """What a dialog says, as one plain line: its title and, for a message box, its text."""
    title = dialog.windowTitle()
    if isinstance(dialog, QMessageBox):
        parts = [_plain(dialog.text()), _plain(dialog.informativeText())]
        body = " ".join(" ".join(p.split()) for p in parts if p)
        return f"{title}: {body}" if title else body
    return f"{title}: a dialog that needs an answer" if title else "a dialog that needs an answer"


class ModalGuard(QObject):
    """Closes every modal dialog the moment it is shown and reports it on `stream`.

    `refused` lists what each closed dialog said, in order.
    """

    def __init__(self, app: QApplication, stream: TextIO | None = None) -> None:
        super().__init__(app)
        self._stream = stream
        self.refused: list[str] = []
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isModal()
                and watched.isWindow()):
            text = dialog_text(watched)
            self.refused.append(text)
            (self._stream or sys.stderr).write(f"advisor: error: {text}\n")
            # Posted, not called: exec() enters its event loop only after show() returns, and a
            # done() before that loop exists would leave exec() waiting.
            QTimer.singleShot(0, watched.reject)
        return False


__all__ = ["ModalGuard", "dialog_text"]
