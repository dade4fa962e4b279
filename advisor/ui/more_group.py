"""The "More" section of the constraints: the advanced `advisor recommend` options, folded away
until asked for (#21 item 3). Each field's tooltip is the schema's own description."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.schema import Modality
from advisor.recommend.constraints import Constraints
from advisor.ui.form_fields import describe

KV_CACHE_TYPES = {"f16": "f16 (full size)", "q8_0": "q8_0 (about half)", "q4_0": "q4_0 (about a quarter)"}
"""The KV cache types of `advisor recommend --kv-cache`, as llama.cpp names them (-ctk/-ctv)."""
OTHER_MODALITIES: dict[Modality, str] = {"audio": "Audio", "video": "Video", "pdf": "PDF files"}
"""Input modalities besides images (the Requirements group has the image box)."""


def split_list(text: str) -> tuple[str, ...]:
    """A comma- or semicolon-separated list, stripped, without repeats."""
    return tuple(dict.fromkeys(t.strip() for t in text.replace(";", ",").split(",") if t.strip()))


def _line(placeholder: str, field: str) -> QLineEdit:
    line = QLineEdit()
    line.setPlaceholderText(placeholder)
    line.setToolTip(describe(field))
    return line


class MoreGroup(QWidget):
    """Advanced constraints behind a "More" toggle: regions, licence lists, reasoning overhead,
    other input modalities, the KV cache type and the report length.

    Signals: changed(); installed_changed(bool) — 'only installed models' ticked or unticked, or
    its folders edited (the argument: whether it is ticked).
    """

    changed = Signal()
    installed_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setText("&More options")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip("Show the advanced options: every option of 'advisor recommend' has a "
                               "field here or above.")
        self.body = QWidget()
        form = QFormLayout(self.body)
        form.setContentsMargins(12, 0, 0, 0)
        self.regions = _line("e.g. EU, US", "allowed_regions")
        self.allow = _line("licence ids, comma separated", "allow_licenses")
        self.deny = _line("licence ids, comma separated", "deny_licenses")
        overhead_row, grid = self._make_fields()
        form.addRow("Allowed re&gions", self.regions)
        form.addRow("Always allo&w", self.allow)
        form.addRow("&Never allow", self.deny)
        for text, buddy, row in (("Reasoning o&verhead", self.overhead_set, overhead_row),
                                 ("Must also &accept", self.modalities["audio"], grid)):
            label = QLabel(text)
            label.setBuddy(buddy)  # a row of several widgets: the mnemonic goes to the first
            form.addRow(label, row)
        form.addRow("KV cache t&ype", self.kv_cache)
        form.addRow("Report to&p", self.top_n)
        self.installed_only = QCheckBox("Only models installed on this computer")
        self.installed_only.setToolTip("Rank only the catalog's models found in Ollama, LM Studio or the "
                                       "Hugging Face cache (advisor recommend --installed-only). Only "
                                       "folders and file headers are read; nothing is run. Not saved "
                                       "in the scenario: it depends on this computer.")
        form.addRow(self.installed_only)
        self.folders = QLineEdit()
        self.folders.setPlaceholderText("GGUF folders, comma separated")
        self.folders.setToolTip("Also look for GGUF files in these folders (advisor recommend --folder "
                                "DIR). Only file headers are read. Not saved in the scenario.")
        form.addRow("Also look &in", self.folders)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.toggle)
        column.addWidget(self.body)
        self.body.setVisible(False)
        self.toggle.toggled.connect(self.set_expanded)
        for line in (self.regions, self.allow, self.deny):
            line.editingFinished.connect(self.changed)
        for check in (self.overhead_set, *self.modalities.values()):
            check.toggled.connect(self.changed)
        self.overhead_set.toggled.connect(self.overhead.setEnabled)
        self.overhead.valueChanged.connect(self.changed)
        self.kv_cache.currentIndexChanged.connect(self.changed)
        self.top_n.valueChanged.connect(self.changed)
        self.installed_only.toggled.connect(self.installed_changed)
        self.folders.editingFinished.connect(self._folders_edited)

    def _make_fields(self) -> tuple[QHBoxLayout, QGridLayout]:
        """Reasoning overhead (default or own), the other modalities and the report length."""
        self.overhead_set = QCheckBox("Own value")
        self.overhead_set.setToolTip("Untick for the estimator's default.")
        self.overhead = QDoubleSpinBox()
        self.overhead.setRange(0, 100)
        self.overhead.setDecimals(1)
        self.overhead.setSingleStep(0.5)
        self.overhead.setSuffix(" × output")
        self.overhead.setToolTip(describe("reasoning_overhead"))
        self.overhead.setEnabled(False)
        overhead_row = QHBoxLayout()
        overhead_row.addWidget(self.overhead_set)
        overhead_row.addWidget(self.overhead, 1)
        self.modalities: dict[Modality, QCheckBox] = {}
        grid = QGridLayout()
        for i, (modality, label) in enumerate(OTHER_MODALITIES.items()):
            check = QCheckBox(label)
            check.setToolTip(describe("required_modalities"))
            grid.addWidget(check, 0, i)
            self.modalities[modality] = check
        self.kv_cache = QComboBox()
        for key, label in KV_CACHE_TYPES.items():
            self.kv_cache.addItem(label, key)
        self.kv_cache.setToolTip(describe("kv_cache_type") + " The run commands pass it as -ctk/-ctv "
                                 "(llama.cpp) or OLLAMA_KV_CACHE_TYPE.")
        self.top_n = QSpinBox()
        self.top_n.setRange(1, 1000)
        self.top_n.setSuffix(" models")
        self.top_n.setToolTip(describe("top_n") + " Reports and the command line list this many; the "
                              "window's table shows every ranked model.")
        return overhead_row, grid

    def set_expanded(self, on: bool) -> None:
        """Unfold or fold the section."""
        self.toggle.setChecked(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)

    def values(self) -> dict[str, object]:
        """The constraints fields these widgets describe (modalities besides images only)."""
        return {
            "allowed_regions": split_list(self.regions.text()),  # the schema upper-cases codes
            "allow_licenses": split_list(self.allow.text()),
            "deny_licenses": split_list(self.deny.text()),
            "reasoning_overhead": self.overhead.value() if self.overhead_set.isChecked() else None,
            "kv_cache_type": self.kv_cache.currentData(),
            "top_n": self.top_n.value(),
        }

    def gguf_folders(self) -> list[Path]:
        """The folders the user named for GGUF files (advisor recommend --folder)."""
        return [Path(f) for f in split_list(self.folders.text())]

    def _folders_edited(self) -> None:
        if self.folders.isModified():
            self.folders.setModified(False)
            self.installed_changed.emit(self.installed_only.isChecked())

    def other_modalities(self) -> set[Modality]:
        """The ticked input modalities besides images."""
        return {m for m, check in self.modalities.items() if check.isChecked()}

    def set_values(self, c: Constraints) -> None:
        """Show a scenario's advanced fields (the caller blocks change signals); a section with
        anything set opens, so a loaded scenario never hides a constraint."""
        self.regions.setText(", ".join(c.allowed_regions))
        self.allow.setText(", ".join(c.allow_licenses))
        self.deny.setText(", ".join(c.deny_licenses))
        self.overhead_set.setChecked(c.reasoning_overhead is not None)
        self.overhead.setEnabled(c.reasoning_overhead is not None)
        self.overhead.setValue(c.reasoning_overhead if c.reasoning_overhead is not None else 1.0)
        for modality, check in self.modalities.items():
            check.setChecked(modality in c.required_modalities)
        self.kv_cache.setCurrentIndex(max(0, self.kv_cache.findData(c.kv_cache_type)))
        self.top_n.setValue(c.top_n)
        default = Constraints()
        if any(getattr(c, f) != getattr(default, f) for f in
               ("allowed_regions", "allow_licenses", "deny_licenses", "reasoning_overhead",
                "kv_cache_type")) or (
                self.other_modalities()):
            self.set_expanded(True)


__all__ = ["KV_CACHE_TYPES", "OTHER_MODALITIES", "MoreGroup", "split_list"]
