"""The Measure button beside the speed of a local plan: `advisor measure` from the window (#20 item 4).

The bar above the explanation shows the selected local plan's speed, corrected by this machine's
stored measurements when there are any (with the sentence that says from which). The window ranks
with those measurements (`calibrations`, passed to the ranking as `advisor recommend` passes them), so
a plan that carries a `speed_note` is shown as it is; only a plan ranked before the latest
measurement is corrected here, until the new ranking arrives. "Measure…" asks
for a server the user already runs (Ollama's address when the model is in Ollama's store, else
llama-server's), measures it in the background with the command line's core
(advisor/hardware/measure.py), stores the calibration as `advisor measure` does and asks for a new
ranking. Nothing is started or downloaded; a dead server or a time-out is a message in the bar.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from advisor.catalog.store import Catalog
from advisor.errors import AdvisorError
from advisor.estimate.calibration import (
    Calibration,
    CalibrationError,
    add_calibration,
    calibration_from,
    ratio_for,
    read_calibrations,
)
from advisor.hardware.installed import match, ollama_root, scan_ollama
from advisor.hardware.measure import LLAMA_SERVER_URL, OLLAMA_URL, measure, suggested_url
from advisor.hardware.profile import HardwareProfile
from advisor.recommend.result import Recommendation, RecommendationResult
from advisor.storage.paths import UserPaths
from advisor.ui.background import Background, Progress
from advisor.ui.explanation_pane import ExplanationPane
from advisor.ui.inert import plain_label

TIMEOUT_S = 120.0
"""Seconds to wait for the server, as `advisor measure --timeout` defaults."""


@dataclass(frozen=True)
class MeasureRequest:
    """The server to measure and the model name on it (None: the loaded one, or Ollama's first)."""

    url: str
    model: str | None


Ask = Callable[[QWidget, MeasureRequest], "MeasureRequest | None"]


def ask_server(parent: QWidget, suggested: MeasureRequest) -> MeasureRequest | None:
    """A small dialog for the server's address and model name, filled with the suggestion."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Measure this machine")
    url = QComboBox()
    url.setEditable(True)
    url.addItems(list(dict.fromkeys((suggested.url, OLLAMA_URL, LLAMA_SERVER_URL))))
    url.setToolTip("A server already running on this machine: Ollama, llama-server or another "
                   "OpenAI-compatible one. Model Advisor never starts or downloads a model.")
    model = QLineEdit(suggested.model or "")
    model.setObjectName("model")
    model.setPlaceholderText("the loaded model (Ollama: its first)")
    model.setToolTip("The model's name on the server, e.g. an Ollama tag such as qwen3:8b.")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Measure")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout(dialog)
    form.addRow(plain_label("Sends one short prompt to the server and stores the measured speed as "
                            "this machine's calibration."))
    form.addRow("&Server", url)
    form.addRow("Mo&del on it", model)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return MeasureRequest(url.currentText().strip(), model.text().strip() or None)


class MeasureBar(QWidget):
    """The selected local plan's speed and its Measure button, above the explanation pane.

    Signals: calibrated() — a measurement was stored; rank again to show it.
    """

    calibrated = Signal()

    def __init__(self, pane: ExplanationPane, background: Background, paths: UserPaths,
                 catalog: Callable[[], Catalog], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._background = background
        self._paths = paths
        self._catalog = catalog
        self.ask: Ask = ask_server
        self.timeout_s = TIMEOUT_S
        self.busy = False
        self._rec: Recommendation | None = None
        self._hardware: HardwareProfile | None = None
        self.speed = plain_label()
        self.speed.setWordWrap(True)
        self.note = plain_label()
        self.message = plain_label()
        for label in (self.note, self.message):
            label.setWordWrap(True)
            label.setContentsMargins(4, 0, 4, 0)  # aligned with the speed row's text
        self.button = QPushButton("Measure…")
        self.button.setToolTip("Measure this model on a server you already run (Ollama, llama-server, "
                               "OpenAI-compatible) and correct this machine's estimates by it "
                               "(advisor measure).")
        self.button.clicked.connect(self.start)
        self.row = QWidget()
        line = QHBoxLayout(self.row)
        line.setContentsMargins(4, 2, 4, 2)
        line.addWidget(self.speed, 1)
        line.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.row)
        column.addWidget(self.note)
        column.addWidget(self.message)
        column.addWidget(pane, 1)
        self.calibrations = self._read()
        pane.shown.connect(self.show_recommendation)
        self.show_recommendation(None, None)

    def _read(self) -> list[Calibration]:
        try:
            return read_calibrations(self._paths.calibrations_file)
        except CalibrationError as exc:
            self.message.setText(f"Measurements not used: {exc}")
            return []

    def show_recommendation(self, rec: object, result: object) -> None:
        """Show the speed of `rec` (a Recommendation) on the hardware of `result`."""
        self._rec = rec if isinstance(rec, Recommendation) else None
        self._hardware = result.constraints.hardware if isinstance(result, RecommendationResult) else None
        self._render()

    def _render(self) -> None:
        rec, hardware = self._rec, self._hardware
        dep = rec.deployment if rec is not None else None
        local = (dep is not None and dep.mode == "local" and dep.decode_tokens_per_s is not None
                 and hardware is not None and not hardware.api_only)
        self.row.setVisible(local)
        self.note.setVisible(False)
        if not local or rec is None or dep is None or hardware is None:
            return
        est = dep.decode_tokens_per_s or 0.0
        quant = dep.quantization or ""
        if dep.speed_note:  # the ranking already used this machine's measurement: show its figure
            self.speed.setText(f"Speed: ~{est:.1f} tokens/s on this machine, corrected by measurement")
            self.note.setText(dep.speed_note)
            self.note.setVisible(True)
            return
        # Ranked before the measurement it has now (the new ranking is on its way): correct it here.
        found = ratio_for(rec.model_id, quant, hardware, self.calibrations, self._catalog().models)
        if found is None:
            self.speed.setText(f"Speed: ~{est:.1f} tokens/s estimated at {quant}; not measured on "
                               "this machine")
            return
        ratio, note = found
        self.speed.setText(f"Speed: ~{est * ratio:.1f} tokens/s on this machine, corrected by "
                           f"measurement (estimate {est:.1f})")
        self.note.setText(note)
        self.note.setVisible(True)

    # -- measuring -----------------------------------------------------------------------------
    def start(self) -> None:
        """Find where the model is served, ask for the server, then measure it in the background."""
        rec = self._rec
        if rec is None or self.busy:
            return
        model = self._catalog().models.get(rec.model_id)
        self._set_busy(True, "Looking for the model in Ollama's store…")

        def work(_progress: Progress) -> str | None:
            if model is None:
                return None
            tags = [f.ollama_tag for f in scan_ollama(ollama_root(os.environ)) if match(f, [model])]
            return next((t for t in tags if t), None)

        self._background.run(work, lambda tag: self._ask_and_measure(rec, tag), self._failed)

    def _ask_and_measure(self, rec: Recommendation, ollama_tag: object) -> None:
        self._set_busy(False, "")
        tag = ollama_tag if isinstance(ollama_tag, str) else None
        request = self.ask(self, MeasureRequest(suggested_url(tag is not None), tag))
        hardware = self._hardware
        if request is None or hardware is None:
            return
        self._measure(rec, request, hardware)

    def _measure(self, rec: Recommendation, request: MeasureRequest, hardware: HardwareProfile) -> None:
        models = dict(self._catalog().models)
        paths, timeout = self._paths, self.timeout_s
        self._set_busy(True, f"Measuring {request.url}… (up to {timeout:g} s)")

        def work(_progress: Progress) -> tuple[Calibration, list[Calibration]]:
            m = measure(request.url, request.model, timeout)
            cal = calibration_from(m, request.url, hardware, models.values())
            if cal.model_id is None:  # matched by nothing: it is the model whose button was pressed
                cal = cal.model_copy(update={"model_id": rec.model_id})
            return cal, add_calibration(paths.calibrations_file, cal, paths.backups_dir)

        self._background.run(work, lambda value: self._stored(rec, value), self._failed)

    def _stored(self, rec: Recommendation, value: object) -> None:
        if not isinstance(value, tuple):
            return
        cal, kept = value
        self.calibrations = list(kept)
        other = self._catalog().models.get(cal.model_id or "")
        which = (f"; the server ran {other.name}, so it is stored for that model"
                 if other is not None and other.id != rec.model_id else "")
        self._set_busy(False, f"Measured {cal.model} ({cal.server}) at {cal.tokens_per_s:.1f} tokens/s; "
                              f"stored for this machine{which}.")
        self._render()
        self.calibrated.emit()

    def _failed(self, exc: BaseException) -> None:
        # A dead server, a time-out, an answer without timings, an unwritable file: said, not raised.
        text = str(exc) if isinstance(exc, AdvisorError) else f"{type(exc).__name__}: {exc}"
        self._set_busy(False, f"Could not measure: {text}")

    def _set_busy(self, busy: bool, message: str) -> None:
        self.busy = busy
        self.button.setEnabled(not busy)
        self.button.setText("Measuring…" if busy else "Measure…")
        self.message.setText(message)


__all__ = ["MeasureBar", "MeasureRequest", "ask_server"]
