"""The hardware part of the constraints: presets and detection pre-fill fields the user can edit.

The fields are the truth; a preset or a detection only fills them. A preset's extras (compute,
power draw, price) are kept only while its memory and bandwidth are left as the preset states them.
What the numbers mean (the profile they describe) is hardware_fields.py's, which needs no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from advisor.catalog.schema import HardwareKind, HardwarePreset
from advisor.hardware.detect import DetectionResult
from advisor.hardware.profile import DEFAULT_UNIFIED_GPU_SHARE, HardwareProfile
from advisor.ui.background import Background
from advisor.ui.hardware_fields import KIND_MODE, Fields, HardwareMode, gb_to_box, profile_of


def _spin(maximum: float, suffix: str, decimals: int = 0, tip: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0, maximum)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    box.setSpecialValueText("unknown")
    box.setToolTip(tip)
    box.setAccelerated(True)
    return box


class HardwareBox(QGroupBox):
    """Hardware: mode, preset, detection and the editable numbers.

    Signals: changed()
    """

    changed = Signal()

    def __init__(self, presets: Iterable[HardwarePreset], background: Background,
                 detector: Callable[[], DetectionResult], parent: QWidget | None = None) -> None:
        super().__init__("&Hardware", parent)
        self._presets = sorted(presets, key=lambda p: (p.kind.value, p.vendor, p.name))
        self._by_id = {p.id: p for p in self._presets}
        self._background = background
        self._detector = detector
        self._preset: HardwarePreset | None = None
        # A profile filled in from a scenario, saved settings or detection, with the field values
        # it gave: while they are left as they were, the profile is returned as it came (its power,
        # price, compute and names are not in the fields and would otherwise be lost).
        self._loaded: tuple[HardwareProfile, Fields] | None = None
        self._filling = False

        self.mode = QComboBox()
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mode.setMinimumContentsLength(12)
        self.mode.addItems([m.value for m in HardwareMode])
        self.mode.setToolTip("Where a local model would run. 'Hosted APIs only' ranks API models only; "
                             "the other choices let the estimator place a model's layers on your "
                             "GPU, unified memory or CPU.")
        self._make_preset_box()
        self._make_fields()
        top = QHBoxLayout()
        top.addWidget(self.preset, 1)
        top.addWidget(self.detect_button)
        form = QFormLayout(self)
        form.addRow("&Kind", self.mode)
        preset_label = QLabel("&Preset")
        preset_label.setBuddy(self.preset)
        form.addRow(preset_label, top)
        form.addRow("GPU &count", self.gpu_count)
        form.addRow("GPU &memory", self.vram)
        form.addRow("&Bandwidth", self.bandwidth)
        form.addRow("System &RAM", self.ram)
        form.addRow("RAM band&width", self.ram_bandwidth)
        form.addRow("Mea&sured RAM read", self.ram_measured)
        form.addRow("GPU sh&are", self.gpu_share)
        form.addRow(self.status)
        self._rows = form

        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.preset.activated.connect(self._preset_chosen)
        line = self.preset.lineEdit()
        if line is not None:  # Enter takes the preset the typed text names ("4090" + Enter)
            line.returnPressed.connect(self._accept_typed)
        self.detect_button.clicked.connect(self.detect)
        for spin in (self.vram, self.bandwidth, self.ram, self.ram_bandwidth, self.ram_measured):
            spin.valueChanged.connect(self._edited)
        self.gpu_count.valueChanged.connect(self._edited)
        self.gpu_share.valueChanged.connect(self._edited)
        self._update_enabled()

    def _make_preset_box(self) -> None:
        """The preset box: type to search (any part of a name), Enter takes the best match."""
        self.preset = QComboBox()
        self.preset.setEditable(True)
        self.preset.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.preset.addItem("Custom (type the numbers below)", None)
        for p in self._presets:
            self.preset.addItem(p.name, p.id)
            self.preset.setItemData(self.preset.count() - 1,
                                    f"{p.memory_gb:g} GB, {p.bandwidth_gbs:g} GB/s ({p.kind.value})",
                                    Qt.ItemDataRole.ToolTipRole)
        completer = QCompleter(self.preset.model(), self.preset)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.preset.setCompleter(completer)
        self.preset.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset.setMinimumContentsLength(12)
        self.preset.setMinimumWidth(120)  # an editable combo's own minimum follows its longest item
        self.preset.setToolTip("Type to search the hardware presets (GPUs, Apple chips, APUs, CPUs). "
                               "A preset fills the fields below with its published memory and "
                               "bandwidth; you can still change them.")

    def _make_fields(self) -> None:
        self.detect_button = QPushButton("&Detect")
        self.detect_button.setToolTip("Look for GPUs (NVIDIA through NVML or nvidia-smi, AMD through "
                                      "amdsmi, rocm-smi or sysfs, Intel Arc), Apple silicon and system "
                                      "RAM on this computer and fill the fields; what was read wins over "
                                      "a preset. Nothing is sent anywhere.")
        self.gpu_count = QSpinBox()
        self.gpu_count.setRange(1, 64)
        self.gpu_count.setToolTip("Identical GPUs in the machine; a model's layers are split across "
                                  "them (their memory adds up, their bandwidth is used in turn).")
        self.vram = _spin(4096, " GB", 1, "Memory of ONE GPU (VRAM), or the whole unified pool, as "
                          "printed on the box (binary GB: 24 = 25.77 x 10^9 bytes). Weights, KV cache "
                          "and runtime overhead must fit here to run at full speed.")
        self.bandwidth = _spin(20_000, " GB/s", 0, "Memory bandwidth of one GPU in GB/s. Generation "
                               "speed is bandwidth-bound: every token reads the active weights once.")
        self.ram = _spin(8192, " GB", 1, "System RAM as sold (binary GB). Layers that do not fit on "
                         "the GPU are offloaded here (slowly).")
        self.ram_bandwidth = _spin(2000, " GB/s", 0, "System RAM bandwidth in GB/s (for CPU and "
                                   "offloaded layers). Leave 'unknown' if you do not know it: speed "
                                   "estimates for CPU layers are then not given.")
        self.ram_measured = _spin(2000, " GB/s", 1, "System RAM read bandwidth you measured (e.g. STREAM "
                                  "over all cores), if you did. A desktop often reads 85-90 % of its "
                                  "nominal figure, a laptop or a server with few cores less; the estimate "
                                  "otherwise assumes a share fitted on many CPUs. 'unknown' if you did "
                                  "not measure it.")
        self.gpu_share = QDoubleSpinBox()
        self.gpu_share.setRange(5, 100)
        self.gpu_share.setDecimals(0)
        self.gpu_share.setSuffix(" % of unified memory")
        self.gpu_share.setValue(DEFAULT_UNIFIED_GPU_SHARE * 100)
        self.gpu_share.setToolTip(
            f"{HardwareProfile.model_fields['usable_gpu_share'].description} A preset fills in its "
            "own share; on macOS the limit can be raised with sudo sysctl iogpu.wired_limit_mb=...")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setObjectName("hint")

    # -- reading -------------------------------------------------------------------------------
    def current_mode(self) -> HardwareMode:
        """The selected kind of machine."""
        return list(HardwareMode)[self.mode.currentIndex()]

    def profile(self) -> HardwareProfile | None:
        """The profile the fields describe (None when they describe nothing usable yet)."""
        fields = self.fields()
        if fields.mode is not HardwareMode.API and self._loaded is not None and self._loaded[1] == fields:
            return self._loaded[0]
        return profile_of(fields, self._preset)

    def fields(self) -> Fields:
        """Every number and choice the fields hold."""
        return Fields(self.current_mode(), self.vram.value(), self.bandwidth.value(), self.gpu_count.value(),
                      self.ram.value(), self.ram_bandwidth.value(), self.ram_measured.value(),
                      self.gpu_share.value())

    def _matches_preset(self) -> bool:
        return self.fields().matches(self._preset)

    # -- writing -------------------------------------------------------------------------------
    def set_profile(self, profile: HardwareProfile | None) -> None:
        """Fill the fields from a saved profile (None = hosted APIs only)."""
        self._filling = True
        try:
            if profile is None or profile.api_only:
                self._set_mode(HardwareMode.API)
            elif profile.gpu is None:
                self._set_mode(HardwareMode.CPU)
                self.ram.setValue(gb_to_box(profile.ram_gb or 0))
                self.ram_bandwidth.setValue(profile.ram_bandwidth_gbs or 0)
                self.ram_measured.setValue(profile.ram_achievable_bandwidth_gbs or 0)
                self._select_preset(None)
            else:
                gpu = profile.gpu
                self._set_mode(HardwareMode.UNIFIED if profile.unified_memory else HardwareMode.GPU)
                self.vram.setValue(gb_to_box(profile.ram_gb or gpu.memory_gb if profile.unified_memory
                                              else gpu.memory_gb))
                self.bandwidth.setValue(gpu.bandwidth_gbs)
                self.gpu_count.setValue(gpu.count)
                self.ram.setValue(0 if profile.unified_memory else gb_to_box(profile.ram_gb or 0))
                self.ram_bandwidth.setValue(0 if profile.unified_memory
                                            else profile.ram_bandwidth_gbs or 0)
                self.ram_measured.setValue(0 if profile.unified_memory
                                           else profile.ram_achievable_bandwidth_gbs or 0)
                self.gpu_share.setValue((profile.usable_gpu_share or DEFAULT_UNIFIED_GPU_SHARE) * 100)
                self._select_preset(self._by_id.get(gpu.preset_id or ""))
        finally:
            self._filling = False
        self._update_enabled()
        self._loaded = None if profile is None or profile.api_only else (profile, self.fields())

    def apply_preset(self, preset: HardwarePreset, gpu_count: int = 1) -> None:
        """Fill the fields from a preset."""
        self._filling = True
        try:
            self._set_mode(KIND_MODE[preset.kind])
            if preset.kind is HardwareKind.CPU:
                self.ram.setValue(preset.memory_gb)
                self.ram_bandwidth.setValue(preset.bandwidth_gbs)
            else:
                self.vram.setValue(preset.memory_gb)
                self.bandwidth.setValue(preset.bandwidth_gbs)
                self.gpu_count.setValue(gpu_count)
                self.gpu_share.setValue((preset.usable_memory_share or DEFAULT_UNIFIED_GPU_SHARE) * 100)
            self._select_preset(preset)
        finally:
            self._filling = False
        self._loaded = None  # the preset's own profile from now on
        self._update_enabled()
        self.changed.emit()

    def _select_preset(self, preset: HardwarePreset | None) -> None:
        self._preset = preset
        index = self.preset.findData(preset.id if preset else None)
        self.preset.setCurrentIndex(max(index, 0))
        line = self.preset.lineEdit()
        if line is not None:
            line.setCursorPosition(0)  # show the start of a long name, not its end

    def _set_mode(self, mode: HardwareMode) -> None:
        self.mode.setCurrentIndex(list(HardwareMode).index(mode))

    # -- reactions -----------------------------------------------------------------------------
    def _preset_chosen(self, index: int) -> None:
        preset = self._by_id.get(self.preset.itemData(index) or "")
        if preset is not None:
            self.apply_preset(preset, self.gpu_count.value())

    def preset_for_text(self, text: str) -> int | None:
        """The preset-box row that typed text names: every word of it in the name (as the completer
        matches), an exact name first, then a name that starts with it, then the shortest."""
        words = text.casefold().split()
        if not words:
            return None
        found = []
        for row in range(1, self.preset.count()):  # row 0 is "Custom"
            name = self.preset.itemText(row).casefold()
            if all(w in name for w in words):
                found.append((name != text.casefold().strip(), not name.startswith(words[0]), len(name), row))
        return min(found)[3] if found else None

    def _accept_typed(self) -> None:
        text = self.preset.currentText()
        row = self.preset_for_text(text)
        completer = self.preset.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None:
            popup.hide()
        if row is None:
            self.status.setText(f"No preset matches '{text.strip()}'; pick one from the list or type "
                                "the numbers below.")
            return
        chosen = self._by_id.get(self.preset.itemData(row) or "")
        if chosen is not None and chosen is self._preset and self._matches_preset():
            self._select_preset(chosen)  # already applied (the combo's own exact match)
            return
        self._preset_chosen(row)

    def _mode_changed(self) -> None:
        self._update_enabled()
        if not self._filling:
            self.changed.emit()

    def _edited(self) -> None:
        if self._filling:
            return
        if self._preset is not None and not self._matches_preset():
            self.status.setText(f"Edited from the {self._preset.name} preset.")
        self.changed.emit()

    def _update_enabled(self) -> None:
        mode = self.current_mode()
        local = mode is not HardwareMode.API
        gpu_like = mode in (HardwareMode.GPU, HardwareMode.UNIFIED)
        self.preset.setEnabled(local)
        for widget, on in ((self.vram, gpu_like), (self.bandwidth, gpu_like),
                           (self.gpu_count, mode is HardwareMode.GPU),
                           (self.gpu_share, mode is HardwareMode.UNIFIED),
                           (self.ram, mode in (HardwareMode.GPU, HardwareMode.CPU)),
                           (self.ram_bandwidth, mode in (HardwareMode.GPU, HardwareMode.CPU)),
                           (self.ram_measured, mode in (HardwareMode.GPU, HardwareMode.CPU))):
            widget.setEnabled(on)
        self._rows.setRowVisible(self.gpu_share, mode is HardwareMode.UNIFIED)  # only a shared pool has it
        label = self._rows.labelForField(self.vram)
        if isinstance(label, QLabel):
            label.setText("Unified &memory" if mode is HardwareMode.UNIFIED else "GPU &memory")

    # -- detection -----------------------------------------------------------------------------
    def detect(self) -> None:
        """Detect this machine in the background, then fill the fields."""
        self.detect_button.setEnabled(False)
        self.status.setText("Detecting hardware…")
        self._background.run(lambda _progress: self._detector(), self._detected, self._detect_failed)

    def _detected(self, value: DetectionResult) -> None:
        self.detect_button.setEnabled(True)
        notes = "; ".join(value.notes)
        if value.profile is None:
            self.status.setText("Detection found nothing usable" + (f": {notes}" if notes else "")
                                + ". Choose a preset or type the numbers.")
            return
        self.set_profile(value.profile)
        if value.profile.ram_gb and value.profile.gpu is not None and not value.profile.unified_memory:
            self.ram.setValue(gb_to_box(value.profile.ram_gb))
        self.status.setText(f"Detected: {value.profile.describe()}" + (f" ({notes})" if notes else ""))
        self.changed.emit()

    def _detect_failed(self, exc: BaseException) -> None:
        self.detect_button.setEnabled(True)
        self.status.setText(f"Detection failed ({exc}); choose a preset or type the numbers.")


__all__ = ["HardwareBox", "HardwareMode"]
