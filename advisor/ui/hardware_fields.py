"""What the hardware box's fields mean, without Qt: the kind of machine, the numbers the fields hold,
and the profile those numbers describe (as the command line builds it from the same numbers,
cli/options.py). hardware_box.py reads and writes the widgets; this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from advisor.catalog.schema import HardwareKind, HardwarePreset
from advisor.hardware.devices import GIB, box_gb_to_bytes
from advisor.hardware.profile import (
    DEFAULT_UNIFIED_GPU_SHARE,
    Accelerator,
    HardwareProfile,
    profile_from_preset,
)


class HardwareMode(StrEnum):
    """What kind of machine the fields describe."""

    API = "Hosted APIs only (no local hardware)"
    GPU = "GPU(s) + system RAM"
    UNIFIED = "Unified memory (Apple silicon, AMD APU)"
    CPU = "CPU and RAM only"


KIND_MODE = {HardwareKind.GPU: HardwareMode.GPU, HardwareKind.APU: HardwareMode.UNIFIED,
             HardwareKind.APPLE_SOC: HardwareMode.UNIFIED, HardwareKind.CPU: HardwareMode.CPU}
"""The mode a preset of each kind fills in."""


def box_to_gb(box: float) -> float:
    """A field's box size (GiB, as printed on cards, Macs and DIMMs) in GB = 10^9 bytes."""
    return box_gb_to_bytes(box) / 1e9


def gb_to_box(gb: float) -> float:
    """GB = 10^9 bytes back to the box size the fields show."""
    return gb * 1e9 / GIB


@dataclass(frozen=True)
class Fields:
    """Every number and choice the box's fields hold; 0 is a field left 'unknown'. Memory is the box
    size (GiB) the fields show; the GPU share is in percent."""

    mode: HardwareMode
    vram: float
    bandwidth: float
    gpu_count: int
    ram: float
    ram_bandwidth: float
    ram_measured: float
    gpu_share: float

    def share(self, preset_share: float | None) -> float | None:
        """The GPU share; None when it shows the default a profile without one implies."""
        share = self.gpu_share / 100
        if preset_share is None and abs(share - DEFAULT_UNIFIED_GPU_SHARE) < 1e-9:
            return None
        return share

    def matches(self, preset: HardwarePreset | None) -> bool:
        """Whether the fields still say what `preset` filled in (its kind, memory and bandwidth)."""
        if preset is None or KIND_MODE[preset.kind] is not self.mode:
            return False
        if preset.kind is HardwareKind.CPU:
            return abs(self.ram - preset.memory_gb) < 0.05
        return abs(self.vram - preset.memory_gb) < 0.05 and abs(self.bandwidth - preset.bandwidth_gbs) < 0.5


def profile_of(fields: Fields, preset: HardwarePreset | None) -> HardwareProfile | None:
    """The profile the fields describe, from `preset` while they match it (None when they describe
    nothing usable yet)."""
    if fields.mode is HardwareMode.API:
        return HardwareProfile(name="Hosted APIs only", api_only=True)
    ram = box_to_gb(fields.ram) or None
    ram_bw = fields.ram_bandwidth or None
    measured = fields.ram_measured or None
    if fields.matches(preset):  # as `--hardware ID [--gpu-count N]`: its price and power come along
        assert preset is not None
        return _preset_profile(fields, preset, ram, ram_bw, measured)
    # Named as the command line names a machine described by its numbers (cli/options.py).
    if fields.mode is HardwareMode.CPU:
        return None if ram is None else HardwareProfile(name="CPU only", ram_gb=ram, ram_bandwidth_gbs=ram_bw,
                                                        ram_achievable_bandwidth_gbs=measured)
    vram, bw = box_to_gb(fields.vram), fields.bandwidth
    if vram <= 0 or bw <= 0:
        return None
    if fields.mode is HardwareMode.UNIFIED:
        gpu = Accelerator(name="Integrated GPU", memory_gb=vram, bandwidth_gbs=bw)
        return HardwareProfile(name="Unified-memory machine", gpu=gpu, ram_gb=vram, ram_bandwidth_gbs=bw,
                               unified_memory=True, usable_gpu_share=fields.share(None))
    gpu = Accelerator(name="Custom GPU", memory_gb=vram, bandwidth_gbs=bw, count=fields.gpu_count)
    return HardwareProfile(name="Custom GPU", gpu=gpu, ram_gb=ram, ram_bandwidth_gbs=ram_bw,
                           ram_achievable_bandwidth_gbs=measured)


def _preset_profile(fields: Fields, preset: HardwarePreset, ram: float | None, ram_bw: float | None,
                    measured: float | None) -> HardwareProfile:
    """The preset's own profile (hardware/profile.py, as the command line builds it), with the
    fields a preset leaves open: system RAM beside a GPU, RAM bandwidth of a CPU (nominal and
    measured), the GPU share."""
    profile = profile_from_preset(preset, gpu_count=fields.gpu_count)
    if fields.mode is HardwareMode.CPU:
        return profile.model_copy(update={"ram_bandwidth_gbs": ram_bw,
                                          "ram_achievable_bandwidth_gbs": measured})
    if fields.mode is HardwareMode.UNIFIED:
        return profile.model_copy(update={"usable_gpu_share": fields.share(preset.usable_memory_share)})
    return profile.model_copy(update={"ram_gb": ram, "ram_bandwidth_gbs": ram_bw,
                                      "ram_achievable_bandwidth_gbs": measured})
