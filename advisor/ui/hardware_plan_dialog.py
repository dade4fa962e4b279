"""Reverse planning (#21): which hardware runs a chosen model fast enough, the window's side of
`advisor estimate --plan-hardware`. The search runs in the background (advisor/ui/background.py)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.store import Catalog
from advisor.estimate import QUANTS, memory_needed_gb, plan_hardware
from advisor.estimate.planner import HardwareOption
from advisor.report.labels import money
from advisor.ui.background import Background, Progress
from advisor.ui.inert import plain_label

CONTEXTS = (4_096, 8_192, 16_384, 32_768, 65_536, 131_072, 262_144)
DEFAULT_QUANT = "Q4_K_M"  # the usual llama.cpp download: ~4.8 bits per weight
HEADERS = ("Hardware", "GPUs", "Fits in", "Tokens/s", "Price")


@dataclass(frozen=True)
class PlanOutcome:
    """What a search found: the options (cheapest first) and the memory the model needs."""

    options: tuple[HardwareOption, ...]
    need_gb: float


class HardwarePlanDialog(QDialog):
    """Pick a model, quantization, context and speed; get the presets that run it, cheapest first."""

    def __init__(self, catalog: Catalog, background: Background, model_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan hardware for a model")
        self._catalog = catalog
        self._background = background
        self.busy = False
        self.outcome: PlanOutcome | None = None
        self._make_fields(catalog, model_id)
        self.find_button = QPushButton("&Find hardware")
        self.find_button.setDefault(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.status = plain_label("Choose a model and press Find hardware.")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Model", self.model)
        form.addRow("&Quantization", self.quant)
        form.addRow("&Context", self.context)
        form.addRow("At &least", self.speed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.find_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.find_button.clicked.connect(self.search)
        self.resize(720, 520)

    def _make_fields(self, catalog: Catalog, model_id: str | None) -> None:
        """Model (open weights, type to search), quantization, context and the speed wanted."""
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model.setMinimumContentsLength(28)
        for m in sorted((m for m in catalog.models.values() if m.open_weights), key=lambda m: m.name.lower()):
            self.model.addItem(m.name, m.id)
        completer = QCompleter(self.model.model(), self.model)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.model.setCompleter(completer)
        self.model.setToolTip("An open-weight model from the catalog (type to search).")
        index = self.model.findData(model_id)
        self.model.setCurrentIndex(max(index, 0))
        self.quant = QComboBox()
        self.quant.addItems(list(QUANTS))
        self.quant.setCurrentText(DEFAULT_QUANT)
        self.quant.setToolTip("Quantization of the weights (GGUF names, MLX, AWQ/GPTQ, FP8).")
        self.context = QComboBox()
        for n in CONTEXTS:
            self.context.addItem(f"{n:,} tokens", n)
        self.context.setCurrentIndex(CONTEXTS.index(8_192))
        self.context.setToolTip("Context the KV cache is sized for.")
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0, 10_000)
        self.speed.setDecimals(0)
        self.speed.setValue(20)
        self.speed.setSuffix(" tokens/s")
        self.speed.setSpecialValueText("any speed")
        self.speed.setToolTip("Slowest acceptable generation speed (expected estimate).")

    def search(self) -> None:
        """Run the planner off the GUI thread with the fields' values."""
        model = self._catalog.models.get(str(self.model.currentData() or ""))
        if model is None or model.name != self.model.currentText():
            self.status.setText("Choose a model from the list (type part of its name).")
            return
        quant, context = self.quant.currentText(), int(self.context.currentData())
        speed, presets = self.speed.value(), tuple(self._catalog.hardware.values())
        self.busy = True
        self.find_button.setEnabled(False)
        self.status.setText(f"Estimating {model.name} on {len(presets)} hardware presets…")

        def work(_progress: Progress) -> PlanOutcome:
            options = plan_hardware(model, quant, context, presets, min_tokens_per_s=speed)
            return PlanOutcome(tuple(options), memory_needed_gb(model, quant, context))

        self._background.run(work, lambda value: self._show(value, model.name, quant, context, speed),
                             self._failed)

    def _show(self, value: PlanOutcome, name: str, quant: str, context: int, speed: float) -> None:
        self.busy = False
        self.find_button.setEnabled(True)
        self.outcome = value
        self.table.setRowCount(len(value.options))
        for row, opt in enumerate(value.options):
            tps = opt.estimate.decode_tokens_per_s
            price = opt.preset.price_usd * opt.gpu_count if opt.preset.price_usd else None
            cells = (opt.preset.name, str(opt.gpu_count), f"{opt.estimate.total_gb:.1f} GB",
                     f"{tps.expected:.0f}" if tps else "—", money(price) if price is not None else "—")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        found = f"{len(value.options)} presets run it" if value.options else "No preset runs it"
        self.status.setText(f"{name} at {quant} with {context:,} tokens needs about {value.need_gb:.1f} GB "
                            f"on one GPU. {found} fully in fast memory at "
                            f"{'any speed' if not speed else f'≥ {speed:g} tokens/s'} (cheapest first "
                            "where the price is known, else by memory).")

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.find_button.setEnabled(True)
        self.table.setRowCount(0)
        self.status.setText(f"Could not plan: {exc}")


__all__ = ["HardwarePlanDialog", "PlanOutcome"]
