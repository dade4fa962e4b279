"""Languages: a searchable list where each language is not needed, nice to have, or a must."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from advisor.recommend.constraints import LanguageNeed
from advisor.recommend.filters import language_name

_STATE = {Qt.CheckState.Checked: True, Qt.CheckState.PartiallyChecked: False}


class LanguagePicker(QWidget):
    """Tri-state list: checked = must have, partly checked = nice to have.

    Signals: changed()
    """

    changed = Signal()

    def __init__(self, codes: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search languages…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setToolTip("Click or press Space to cycle: not needed → nice to have (▪: adds to "
                             "the language score, excludes nothing) → must have (✔: models without "
                             "evidence of the language are excluded).")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.summary)
        self._items: dict[str, QListWidgetItem] = {}
        for code in sorted(set(codes), key=language_name):
            self._add(code)
        self.list.setMinimumHeight(110)
        self.list.itemChanged.connect(self._item_changed)
        self.search.textChanged.connect(self._filter)
        self._update_summary()

    def _add(self, code: str) -> QListWidgetItem:
        item = QListWidgetItem(f"{language_name(code)} ({code})")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                      | Qt.ItemFlag.ItemIsUserTristate | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, code)
        self.list.addItem(item)
        self._items[code] = item
        return item

    def needs(self) -> tuple[LanguageNeed, ...]:
        """The languages ticked, in list order."""
        out: list[LanguageNeed] = []
        for code, item in self._items.items():
            required = _STATE.get(item.checkState())
            if required is not None:
                out.append(LanguageNeed(code=code, required=required))
        return tuple(out)

    def set_needs(self, needs: Iterable[LanguageNeed]) -> None:
        """Tick the given languages (adding any the list lacks)."""
        wanted = {n.code: n.required for n in needs}
        self.list.blockSignals(True)
        try:
            for code in wanted:
                if code not in self._items:
                    self._add(code)
            for code, item in self._items.items():
                state = wanted.get(code)
                item.setCheckState(Qt.CheckState.Unchecked if state is None else
                                   Qt.CheckState.Checked if state else Qt.CheckState.PartiallyChecked)
        finally:
            self.list.blockSignals(False)
        self._update_summary()

    def _item_changed(self, _item: QListWidgetItem) -> None:
        self._update_summary()
        self.changed.emit()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for item in self._items.values():
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _update_summary(self) -> None:
        needs = self.needs()
        must = [language_name(n.code) for n in needs if n.required]
        nice = [language_name(n.code) for n in needs if not n.required]
        parts = []
        if must:
            parts.append("Must: " + ", ".join(must))
        if nice:
            parts.append("Nice: " + ", ".join(nice))
        self.summary.setText(" · ".join(parts) or "Any language (none ticked).")
