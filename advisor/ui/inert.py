"""Catalog text is text: the one place the window turns a string into something Qt may render.

Qt guesses. A tooltip, a QLabel in its default format and a QMessageBox treat any string that
looks like markup (`Qt::mightBeRichText`) as HTML, so a model named `Q <img src="/dev/zero">`
would make Qt read /dev/zero on hover (#23). Everything that shows catalog, file or error text
goes through these helpers: escaped rich text whose only markup is ours, or a widget told to
show plain text.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def escape(text: object) -> str:
    """`text` as a fragment of rich text that renders literally (quotes too, for attributes)."""
    return html.escape(str(text), quote=True)


def tip(text: object) -> str:
    """A tooltip that shows `text` literally, line breaks kept. An empty text stays empty (no tip).

    Wrapped in <p> so Qt always takes it as rich text (never guesses), with every character of the
    text escaped; `white-space: pre-wrap` keeps the text's own line breaks.
    """
    value = str(text)
    if not value:
        return ""
    return f"<p style='white-space:pre-wrap'>{escape(value)}</p>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets its text as markup."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
            buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
            default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton
            ) -> QMessageBox.StandardButton:
    """A modal message box that shows `text` literally; returns the button pressed.

    QMessageBox guesses the text format, so a model or file name in a message could render as
    HTML; the text goes in as escaped rich text (`tip`), through Qt's own static functions.
    """
    show = {QMessageBox.Icon.Critical: QMessageBox.critical, QMessageBox.Icon.Warning: QMessageBox.warning,
            QMessageBox.Icon.Question: QMessageBox.question}.get(icon, QMessageBox.information)
    plain = buttons == QMessageBox.StandardButton.Ok and default == QMessageBox.StandardButton.NoButton
    answer: object = (show(parent, title, tip(text)) if plain
                      else show(parent, title, tip(text), buttons, default))
    return answer if isinstance(answer, QMessageBox.StandardButton) else QMessageBox.StandardButton.NoButton


__all__ = ["escape", "message", "plain_label", "tip"]
