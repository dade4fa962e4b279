"""The constraints panel: everything the user states, as editable fields with tooltips.

Every `advisor recommend` option has a field; the advanced ones are in the folded "More" section
(more_group.py). Custom factor weights (scenario files only) are kept from the loaded scenario, so
opening and saving a scenario never drops what the window cannot show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import HardwarePreset, Modality
from advisor.hardware.detect import DetectionResult
from advisor.recommend.constraints import Constraints, Deployment, LicensePolicy, Profile
from advisor.ui.background import Background
from advisor.ui.form_fields import check_row, describe
from advisor.ui.hardware_box import HardwareBox
from advisor.ui.language_picker import LanguagePicker
from advisor.ui.more_group import OTHER_MODALITIES, MoreGroup, split_list
from advisor.ui.serving_group import ServingGroup
from advisor.ui.wheel_guard import guard_wheel

CONTEXTS = (4_096, 8_192, 16_384, 32_768, 65_536, 131_072, 262_144, 1_048_576)
TASK_LABELS = {Task.CODING: "Coding", Task.REASONING: "Reasoning", Task.KNOWLEDGE: "Knowledge",
               Task.MULTILINGUAL: "Multilingual", Task.CHAT: "Chat",
               Task.LONG_CONTEXT: "Long docs", Task.AGENTIC: "Agents/tools",
               Task.VISION: "Vision", Task.TRANSLATION: "Translation"}
DEPLOYMENTS = {Deployment.ANY: "Local or hosted API", Deployment.LOCAL: "Local only",
               Deployment.API: "Hosted API only", Deployment.RENTED: "Rented GPUs (cloud)"}
POLICIES = {LicensePolicy.ANY: "Anything, incl. proprietary APIs",
            LicensePolicy.OPEN_WEIGHTS: "Open weights (incl. conditional licences)",
            LicensePolicy.PERMISSIVE: "Permissive only (Apache-2.0, MIT…)"}
PROFILES = {Profile.BALANCED: "Balanced", Profile.CHEAPEST: "Cheapest", Profile.FASTEST: "Fastest",
            Profile.QUALITY: "Best quality", Profile.OPEN: "Most open"}


_split = split_list


def _combo(items: Mapping[Any, str], tip: str) -> QComboBox:
    box = QComboBox()
    # Long labels must not widen the panel (set before the combo joins a layout, which caches it).
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(10)
    for key, label in items.items():
        box.addItem(label, key)
    box.setToolTip(tip)
    return box


class ConstraintsPanel(QScrollArea):
    """All the constraints in one scrollable column.

    Signals: changed()
    """

    changed = Signal()

    def __init__(self, presets: Iterable[HardwarePreset], language_codes: Iterable[str],
                 background: Background, detector: Callable[[], DetectionResult],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base = Constraints()
        self._loading = False
        body = QWidget()
        column = QVBoxLayout(body)
        self.hardware = HardwareBox(presets, background, detector)
        column.addWidget(self.hardware)
        column.addWidget(self._usage_group())
        self.serving = ServingGroup()
        column.addWidget(self.serving)
        column.addWidget(self._task_group())
        self.languages = LanguagePicker(language_codes)
        lang_box = QGroupBox("&Languages")
        QVBoxLayout(lang_box).addWidget(self.languages)
        lang_box.setToolTip(describe("languages"))
        column.addWidget(lang_box)
        column.addWidget(self._license_group())
        column.addWidget(self._needs_group())
        self.more = MoreGroup()
        self.deny = self.more.deny
        column.addWidget(self.more)
        column.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(body.minimumSizeHint().width() + 24)
        guard_wheel(body)  # scrolling the panel never changes a field under the pointer
        self._connect()

    # -- building ------------------------------------------------------------------------------
    def _usage_group(self) -> QGroupBox:
        box = QGroupBox("&Usage and budget")
        form = QFormLayout(box)
        self.profile = _combo(PROFILES, "How the score's factors are weighted: balanced; "
                              "cheapest (cost counts most); fastest (speed); best quality; most "
                              "open (licence openness). " + describe("profile"))
        self.deployment = _combo(DEPLOYMENTS, describe("deployment"))
        self.data_local = QCheckBox("Data must stay on my hardware")
        self.data_local.setToolTip(describe("data_must_stay_local"))
        self.no_training = QCheckBox("Provider must not train on my data")
        self.no_training.setToolTip(describe("no_training_on_data") + " Providers whose terms do not "
                                    "say are kept with a warning (see 'Documented terms only').")
        self.documented_only = QCheckBox("Documented terms only")
        self.documented_only.setToolTip(describe("documented_only"))
        self.budget_limited = QCheckBox("Limit")
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0, 1_000_000)
        self.budget.setDecimals(0)
        self.budget.setPrefix("$ ")
        self.budget.setSuffix(" / month")
        self.budget.setSingleStep(10)
        self.budget.setGroupSeparatorShown(True)
        self.budget.setToolTip(describe("budget_usd_month") + " Models costing more are excluded; "
                               "cheaper ones score higher on cost.")
        self.budget_limited.setToolTip("Untick for no budget limit.")
        budget_row = check_row(self.budget_limited, self.budget)
        self.tokens = QDoubleSpinBox()
        self.tokens.setRange(0, 1_000_000)
        self.tokens.setDecimals(1)
        self.tokens.setSuffix(" M tokens / month")
        self.tokens.setGroupSeparatorShown(True)
        self.tokens.setToolTip(describe("tokens_per_month") + " API cost and local electricity are "
                               "computed for this volume.")
        self.output_share = QDoubleSpinBox()
        self.output_share.setRange(0, 100)
        self.output_share.setDecimals(0)
        self.output_share.setSuffix(" % output")
        self.output_share.setToolTip(describe("output_share") + " Output tokens cost more.")
        form.addRow("&Profile", self.profile)
        form.addRow("&Deployment", self.deployment)
        form.addRow(self.data_local)
        form.addRow(self.no_training)
        form.addRow(self.documented_only)
        budget_label = QLabel("&Budget")
        budget_label.setBuddy(self.budget_limited)
        form.addRow(budget_label, budget_row)
        form.addRow("&Volume", self.tokens)
        form.addRow("Output s&hare", self.output_share)
        self._bill_rows(form)
        return box

    def _bill_rows(self, form: QFormLayout) -> None:
        """How the API bill is priced: the cached share of the input, and batch prices."""
        self.cached_share = QDoubleSpinBox()
        self.cached_share.setRange(0, 100)
        self.cached_share.setDecimals(0)
        self.cached_share.setSuffix(" % input cached")
        self.cached_share.setToolTip(describe("cached_input_share") + " Providers without a cached "
                                     "price bill it at the normal input price.")
        self.batch = QCheckBox("Batch prices (not live)")
        self.batch.setToolTip(describe("batch"))
        form.addRow("C&ached input", self.cached_share)
        form.addRow(self.batch)

    def _task_group(self) -> QGroupBox:
        box = QGroupBox("&Tasks (weight 0 = not needed)")
        box.setToolTip(describe("tasks") + " Each model's quality is judged from benchmark evidence "
                       "for the tasks you weight; missing evidence lowers its confidence.")
        grid = QGridLayout(box)
        self.tasks: dict[Task, QDoubleSpinBox] = {}
        for i, task in enumerate(Task):
            spin = QDoubleSpinBox()
            spin.setRange(0, 10)
            spin.setDecimals(1)
            spin.setSingleStep(0.5)
            spin.setToolTip(f"Relative weight of {TASK_LABELS[task].lower()} in the quality score.")
            spin.setMaximumWidth(64)
            label = QLabel(TASK_LABELS[task])
            label.setBuddy(spin)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(spin, i // 2, (i % 2) * 2 + 1)
            self.tasks[task] = spin
        return box

    def _license_group(self) -> QGroupBox:
        box = QGroupBox("Li&cence")
        form = QFormLayout(box)
        self.policy = _combo(POLICIES, describe("license_policy"))
        self.commercial = QCheckBox("Commercial use required")
        self.commercial.setToolTip(describe("commercial_use_required"))
        form.addRow("P&olicy", self.policy)
        form.addRow(self.commercial)
        return box

    def _needs_group(self) -> QGroupBox:
        box = QGroupBox("&Requirements")
        form = QFormLayout(box)
        self.context = _combo({n: f"{n:,} tokens" for n in CONTEXTS}, describe("min_context_tokens")
                              + " Longer context needs more memory for the KV cache.")
        self.min_speed = QDoubleSpinBox()
        self.min_speed.setRange(0, 10_000)
        self.min_speed.setDecimals(0)
        self.min_speed.setSuffix(" tokens/s")
        self.min_speed.setSpecialValueText("any speed")
        self.min_speed.setToolTip(describe("min_tokens_per_s"))
        self.usable_floor = QDoubleSpinBox()
        self.usable_floor.setRange(-1, 1_000)
        self.usable_floor.setDecimals(0)
        self.usable_floor.setSuffix(" tokens/s")
        self.usable_floor.setSpecialValueText("default")
        self.usable_floor.setToolTip(describe("min_usable_tokens_per_s") + " 'default' leaves it to "
                                     "the tasks; 0 turns it off.")
        self.vision = QCheckBox("Must accept images")
        self.vision.setToolTip(describe("required_modalities"))
        self.exclude_vendors = QLineEdit()
        self.exclude_vendors.setPlaceholderText("e.g. openai, meta")
        self.exclude_vendors.setToolTip(describe("exclude_vendors"))
        self.exclude_countries = QLineEdit()
        self.exclude_countries.setPlaceholderText("e.g. CN, US")
        self.exclude_countries.setToolTip(describe("exclude_countries"))
        form.addRow("Min. con&text", self.context)
        form.addRow("Min. &speed", self.min_speed)
        form.addRow("Usable s&peed", self.usable_floor)
        form.addRow(self.vision)
        form.addRow("E&xclude vendors", self.exclude_vendors)
        form.addRow("Exclude co&untries", self.exclude_countries)
        return box

    def _connect(self) -> None:
        emit = self._emit
        self.hardware.changed.connect(emit)
        self.serving.changed.connect(emit)
        self.more.changed.connect(emit)
        self.languages.changed.connect(emit)
        for combo in (self.profile, self.deployment, self.policy, self.context):
            combo.currentIndexChanged.connect(emit)
        for check in (self.data_local, self.no_training, self.budget_limited, self.commercial,
                      self.vision, self.batch, self.documented_only):
            check.toggled.connect(emit)
        for spin in (self.budget, self.tokens, self.output_share, self.min_speed, self.cached_share,
                     self.usable_floor, *self.tasks.values()):
            spin.valueChanged.connect(emit)
        for line in (self.exclude_vendors, self.exclude_countries):
            line.editingFinished.connect(emit)
        self.budget_limited.toggled.connect(self.budget.setEnabled)

    def _emit(self) -> None:
        if not self._loading:
            self.changed.emit()

    # -- values --------------------------------------------------------------------------------
    def constraints(self) -> Constraints:
        """The constraints the fields describe, over the loaded scenario's other fields."""
        modalities: set[Modality] = {m for m in self._base.required_modalities
                                     if m not in ("image", *OTHER_MODALITIES)}
        modalities |= self.more.other_modalities()
        if self.vision.isChecked():
            modalities.add("image")
        tasks = {t: s.value() for t, s in self.tasks.items() if s.value() > 0}
        update = {
            "hardware": self.hardware.profile(),
            "deployment": self.deployment.currentData(),
            "data_must_stay_local": self.data_local.isChecked(),
            "no_training_on_data": self.no_training.isChecked(),
            "budget_usd_month": self.budget.value() if self.budget_limited.isChecked() else None,
            "tokens_per_month": round(self.tokens.value() * 1_000_000),
            "output_share": self.output_share.value() / 100,
            "cached_input_share": self.cached_share.value() / 100,
            "batch": self.batch.isChecked(),
            "documented_only": self.documented_only.isChecked(),
            "min_usable_tokens_per_s": (None if self.usable_floor.value() < 0
                                        else self.usable_floor.value()),
            "languages": self.languages.needs(),
            "license_policy": self.policy.currentData(),
            "commercial_use_required": self.commercial.isChecked(),
            "tasks": tasks or dict.fromkeys(Task, 0.0) | {Task.CHAT: 1.0},
            "min_context_tokens": self.context.currentData(),
            "min_tokens_per_s": self.min_speed.value() or None,
            "required_modalities": tuple(sorted(modalities)),
            "exclude_vendors": _split(self.exclude_vendors.text()),
            "exclude_countries": tuple(c.upper() for c in _split(self.exclude_countries.text())),
            "profile": self.profile.currentData(),
            **self.serving.values(),
            **self.more.values(),
        }
        return Constraints.model_validate({**self._base.model_dump(), **update})

    def set_constraints(self, c: Constraints) -> None:
        """Show a scenario's constraints in the fields."""
        self._loading = True
        try:
            self._base = c
            self.hardware.set_profile(c.hardware)
            self._select(self.deployment, c.deployment)
            self.data_local.setChecked(c.data_must_stay_local)
            self.no_training.setChecked(c.no_training_on_data)
            self.budget_limited.setChecked(c.budget_usd_month is not None)
            self.budget.setEnabled(c.budget_usd_month is not None)
            self.budget.setValue(c.budget_usd_month if c.budget_usd_month is not None else 100)
            self.tokens.setValue(c.tokens_per_month / 1_000_000)
            self.output_share.setValue(c.output_share * 100)
            self.cached_share.setValue(c.cached_input_share * 100)
            self.batch.setChecked(c.batch)
            self.documented_only.setChecked(c.documented_only)
            floor = c.min_usable_tokens_per_s
            self.usable_floor.setValue(-1 if floor is None else floor)
            self.languages.set_needs(c.languages)
            self._select(self.policy, c.license_policy)
            self.commercial.setChecked(c.commercial_use_required)
            for task, spin in self.tasks.items():
                spin.setValue(c.tasks.get(task, 0.0))
            if self.context.findData(c.min_context_tokens) < 0:
                self.context.addItem(f"{c.min_context_tokens:,} tokens", c.min_context_tokens)
            self._select(self.context, c.min_context_tokens)
            self.min_speed.setValue(c.min_tokens_per_s or 0)
            self.vision.setChecked("image" in c.required_modalities)
            self.exclude_vendors.setText(", ".join(c.exclude_vendors))
            self.exclude_countries.setText(", ".join(c.exclude_countries))
            self._select(self.profile, c.profile)
            self.serving.set_values(c)
            self.more.set_values(c)
        finally:
            self._loading = False

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)
