"""The catalog editor's right-hand panel: the selected entry as a form generated from the schema
(every plain field of `Model`, its description as the tooltip) and as whole-entry JSON (offerings,
architecture, languages…), with the checker's messages in words underneath.

Signals: apply_requested()
"""

from __future__ import annotations

import json
import types
import typing
from datetime import date
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.errors import problems_from_validation
from advisor.catalog.schema import Model
from advisor.ui.inert import escape

SIMPLE_TYPES = (str, int, float, bool, date)
JSON_TAB = 1
_BOOLS = {"true": True, "false": False, "yes": True, "no": False}


def form_fields() -> list[tuple[str, type, str]]:
    """The plain (non-nested) fields of `Model`, from the schema: (name, type, description)."""
    out = []
    for name, info in Model.model_fields.items():
        if name == "id":
            continue
        ann: Any = info.annotation
        if isinstance(ann, types.UnionType) or typing.get_origin(ann) is typing.Union:
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            ann = args[0] if len(args) == 1 else None
        if ann in SIMPLE_TYPES:
            out.append((name, ann, info.description or ""))
    return out


class EntryForm(QWidget):
    """One catalog entry, editable as fields or as JSON; `checked()` turns it into a Model."""

    apply_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for name, kind, description in form_fields():
            edit = QLineEdit()
            edit.setToolTip(description + ("  (true or false)" if kind is bool else
                                           "  (YYYY-MM-DD)" if kind is date else ""))
            edit.setAccessibleName(name)
            self.fields[name] = edit
            layout.addRow(name.replace("_", " ").capitalize(), edit)
        form_box = QWidget()
        form_box.setLayout(layout)
        self.json_edit = QPlainTextEdit()
        self.json_edit.setFont(QFont("monospace"))
        self.json_edit.setToolTip("The whole entry as JSON: offerings, architecture, languages, evidence…")
        self.tabs = QTabWidget()
        self.tabs.addTab(form_box, "&Fields")
        self.tabs.addTab(self.json_edit, "&All fields (JSON)")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # errors quote the entry's own text
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("color: #b3261e;")
        self.apply_button = QPushButton("&Apply changes")
        self.apply_button.setToolTip("Check the entry and make it part of your catalog (Ctrl+Return)")
        self.apply_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.apply_button.clicked.connect(lambda _c=False: self.apply_requested.emit())
        self.title = QLabel()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        box.addWidget(self.tabs, 1)
        box.addWidget(self.message)
        box.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_entry(self, model: Model, where: str) -> None:
        """Fill the fields and the JSON with a model; `where` says where the entry comes from."""
        self.title.setText(f"<b>{escape(model.name)}</b> <code>{escape(model.id)}</code> — "
                           f"{escape(where)}")
        data = model.model_dump(mode="json")
        for name, edit in self.fields.items():
            value = data.get(name)
            text = "" if value is None else str(value)
            edit.setText(text.lower() if isinstance(value, bool) else text)
        self.json_edit.setPlainText(json.dumps(data, indent=2, ensure_ascii=False))
        self.message.clear()

    def show_template(self, data: dict[str, Any], heading: str, hint: str) -> None:
        """Start a new entry in the JSON tab."""
        self.title.setText(heading)  # rich text the caller built with inert.escape
        self.json_edit.setPlainText(json.dumps(data, indent=2))
        self.tabs.setCurrentIndex(JSON_TAB)
        self.message.setText(hint)

    def say(self, text: str) -> None:
        """Show a message under the form (empty clears it)."""
        self.message.setText(text)

    def _data(self, base: Model | None) -> dict[str, Any] | str:
        """The entry as data, or a sentence saying why it cannot be read."""
        if self.tabs.currentIndex() == JSON_TAB:
            try:
                data = json.loads(self.json_edit.toPlainText())
            except json.JSONDecodeError as exc:
                return f"not valid JSON: {exc.msg} at line {exc.lineno}"
            return data if isinstance(data, dict) else "the entry must be a JSON object"
        out: dict[str, Any] = base.model_dump(mode="json") if base else {}
        for name, kind, _ in form_fields():
            text = self.fields[name].text().strip()
            if text == "":
                out.pop(name, None)
            elif kind in (int, float):
                try:
                    out[name] = json.loads(text)
                except json.JSONDecodeError:
                    out[name] = text
            else:
                out[name] = _BOOLS.get(text.lower(), text) if kind is bool else text
        return out

    def checked(self, base: Model | None, current_id: str) -> Model | None:
        """The entry as a valid Model, or None with the problems shown in words."""
        data = self._data(base)
        if isinstance(data, str):
            self.say(data)
            return None
        try:
            return Model.model_validate(data)
        except ValidationError as exc:
            problems = problems_from_validation(exc, f"model '{data.get('id', current_id)}'", None)
            self.say("\n".join(str(p) for p in problems))
            return None
