"""The catalog editor's right-hand panel: the selected entry as a form generated from the schema
(every plain field of `Model` and where its facts come from, each with its description as the
tooltip), its offerings, task evidence, languages and artifacts as editable tables (`row_editor`),
and the whole entry as JSON, with the checker's messages in words underneath.

The tabs are views of one draft: switching to the JSON tab shows the draft with the edits made in
the form and the tables, and switching back carries the JSON's edits into them (JSON the tables
cannot show stays in its tab, kept, with a message). Apply checks the draft against the schema.

Signals: apply_requested(), edited() — the user changed something in a tab
"""

from __future__ import annotations

import copy
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
from advisor.ui.row_editor import RowsTab
from advisor.ui.row_tables import SPECS, describe_path

SIMPLE_TYPES = (str, int, float, bool, date)
FIELDS_TAB = 0
JSON_TAB = 1 + len(SPECS)
_BOOLS = {"true": True, "false": False, "yes": True, "no": False}
_TAB_LABELS = {"offerings": "&Offerings", "evidence": "E&vidence", "languages": "Lan&guages",
               "artifacts": "Artifac&ts"}
_FACT_FIELDS = (
    ("facts.source", str, "Where the identity facts (name, dates, limits, modalities) were read: a URL "
     "or document."),
    ("facts.as_of", date, "The date they were read from that source."),
)
_LABELS = {"facts.source": "Facts: source", "facts.as_of": "Facts: as of"}


def form_fields() -> list[tuple[str, type, str]]:
    """The plain (non-nested) fields of `Model` from the schema, then its facts' source and date:
    (name, type, description); a dotted name is a field of a nested object."""
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
    return out + list(_FACT_FIELDS)


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        child = data.get(part)
        if not isinstance(child, dict):
            child = data[part] = {}
        data = child
    if value is None:
        data.pop(last, None)
    else:
        data[last] = value


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


class EntryForm(QWidget):
    """One catalog entry, editable as fields, tables or JSON; `checked()` turns it into a Model."""

    apply_requested = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for name, kind, description in form_fields():
            edit = QLineEdit()
            edit.setToolTip(description + ("  (true or false)" if kind is bool else
                                           "  (YYYY-MM-DD)" if kind is date else ""))
            edit.setAccessibleName(name)
            edit.textEdited.connect(lambda _t: self.edited.emit())
            self.fields[name] = edit
            layout.addRow(_LABELS.get(name, name.replace("_", " ").capitalize()), edit)
        form_box = QWidget()
        form_box.setLayout(layout)
        self.json_edit = QPlainTextEdit()
        self.json_edit.setFont(QFont("monospace"))
        self.json_edit.setToolTip("The whole entry as JSON, every field: architecture, capabilities, "
                                  "price tiers…")
        self.tabs = QTabWidget()
        self.tabs.addTab(form_box, "Fi&elds")
        self.tables: dict[str, RowsTab] = {}
        for spec in SPECS:
            tab = RowsTab(spec)
            tab.model.refused.connect(self.say)
            tab.model.rows_edited.connect(self._update_counts)
            tab.model.rows_edited.connect(self.edited)
            tab.model.modelReset.connect(self._update_counts)
            self.tables[spec.field] = tab
            self.tabs.addTab(tab, _TAB_LABELS[spec.field])
        self.tabs.addTab(self.json_edit, "&JSON")
        self.json_edit.textChanged.connect(self.edited)
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
        self._base: dict[str, Any] = {}  # what the fields and tables lay over (architecture…)
        self._texts: dict[str, str] = {}  # the fields as last loaded
        self._json_text = ""  # the JSON as last shown or carried into the other tabs
        self._json_pending = False  # the JSON tab holds edits the other tabs could not take
        self._carried = False  # edits were carried between tabs since the entry was shown
        self._tab = FIELDS_TAB
        self.tabs.currentChanged.connect(self._tab_changed)

    # -- showing an entry ------------------------------------------------------------------------

    def show_entry(self, model: Model, where: str) -> None:
        """Show a model in every tab; `where` says where the entry comes from."""
        self.title.setText(f"<b>{escape(model.name)}</b> <code>{escape(model.id)}</code> — "
                           f"{escape(where)}")
        self._reset(model.model_dump(mode="json"))
        self.message.clear()

    def show_template(self, data: dict[str, Any], heading: str, hint: str) -> None:
        """Start a new entry from `data` in the Fields tab."""
        self.title.setText(heading)  # rich text the caller built with inert.escape
        self._reset(data)
        self.tabs.setCurrentIndex(FIELDS_TAB)
        self.message.setText(hint)

    def _reset(self, data: dict[str, Any]) -> None:
        self._load(data)
        self._json_text = json.dumps(data, indent=2, ensure_ascii=False)
        self.json_edit.setPlainText(self._json_text)
        self._json_pending = self._carried = False

    def _load(self, data: dict[str, Any]) -> None:
        self._base = copy.deepcopy(data)
        for name, edit in self.fields.items():
            edit.setText(_text(_get(data, name)))
        self._texts = {name: edit.text() for name, edit in self.fields.items()}
        for name, tab in self.tables.items():
            rows = data.get(name)
            tab.model.set_rows(rows if isinstance(rows, list) else [])

    def _update_counts(self) -> None:
        for at, (name, tab) in enumerate(self.tables.items(), FIELDS_TAB + 1):
            self.tabs.setTabText(at, f"{_TAB_LABELS[name]} ({tab.model.rowCount()})")

    def say(self, text: str) -> None:
        """Show a message under the form (empty clears it)."""
        self.message.setText(text)

    def pending(self) -> bool:
        """Whether the form holds edits that were not applied."""
        if self._carried or self._json_pending or self._form_changed():
            return True
        return self.tabs.currentIndex() == JSON_TAB and self.json_edit.toPlainText() != self._json_text

    def _form_changed(self) -> bool:
        return (any(edit.text() != self._texts.get(name) for name, edit in self.fields.items())
                or any(tab.model.changed() for tab in self.tables.values()))

    # -- one draft behind the tabs -----------------------------------------------------------------

    def _tab_changed(self, index: int) -> None:
        previous, self._tab = self._tab, index
        if previous == JSON_TAB and index != JSON_TAB:
            self._from_json()
        elif index == JSON_TAB and not self._json_pending:
            self._json_text = json.dumps(self._draft(), indent=2, ensure_ascii=False)
            self.json_edit.setPlainText(self._json_text)

    def _from_json(self) -> None:
        text = self.json_edit.toPlainText()
        if text == self._json_text and not self._json_pending:
            return
        data = self._json_data()
        problem = data if isinstance(data, str) else self._rows_problem(data)
        if isinstance(data, str) or problem is not None:
            self._json_pending = True
            self.say(f"The JSON tab holds edits the other tabs cannot show ({problem}). They are kept "
                     "there: fix them, or apply from the JSON tab.")
            return
        self._carried = self._carried or self._form_changed() or text != self._json_text
        self._load(data)
        self._json_text, self._json_pending = text, False
        self.say("")

    def _rows_problem(self, data: dict[str, Any]) -> str | None:
        for name, tab in self.tables.items():
            rows = data.get(name, [])
            problem = (f"{tab.model.spec.label} must be a list" if not isinstance(rows, list)
                       else tab.model.check_rows(rows))
            if problem:
                return problem
        return None

    def _json_data(self) -> dict[str, Any] | str:
        try:
            data = json.loads(self.json_edit.toPlainText())
        except json.JSONDecodeError as exc:
            return f"not valid JSON: {exc.msg} at line {exc.lineno}"
        except RecursionError:
            return "the JSON is nested too deeply"
        return data if isinstance(data, dict) else "the entry must be a JSON object"

    def _draft(self) -> dict[str, Any]:
        """The fields and tables laid over the entry they were loaded from."""
        out = copy.deepcopy(self._base)
        for name, kind, _ in form_fields():
            text = self.fields[name].text().strip()
            if text == "":
                _put(out, name, None)
            elif kind in (int, float):
                try:
                    _put(out, name, json.loads(text))
                except (json.JSONDecodeError, RecursionError):
                    _put(out, name, text)
            else:
                _put(out, name, _BOOLS.get(text.lower(), text) if kind is bool else text)
        for name, tab in self.tables.items():
            out[name] = tab.model.rows()
        return out

    def checked(self, current_id: str) -> Model | None:
        """The entry as a valid Model, or None with the problems shown in words."""
        in_json = self.tabs.currentIndex() == JSON_TAB
        data = self._json_data() if in_json else self._draft()
        if isinstance(data, str):
            self.say(data)
            return None
        try:
            return Model.model_validate(data)
        except ValidationError as exc:
            problems = problems_from_validation(exc, f"model '{data.get('id', current_id)}'", None)
            self.say("\n".join(str(p) if in_json or not p.field
                               else f"{p.file}: {describe_path(p.field)}: {p.message}" for p in problems))
            if not in_json:
                self._show_problem(exc.errors(include_url=False)[0].get("loc", ()))
            return None

    def _show_problem(self, loc: tuple[int | str, ...]) -> None:
        """Bring the first problem into view: its table's tab and cell."""
        if len(loc) >= 2 and loc[0] in self.tables and isinstance(loc[1], int):
            tab = self.tables[str(loc[0])]
            self.tabs.setCurrentWidget(tab)
            tab.select_cell(loc[1], str(loc[2]) if len(loc) > 2 else None)

