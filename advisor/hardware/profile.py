"""The user's machine as the estimator sees it.

A profile is built from a preset, from detection (which only pre-fills) or from typed-in numbers.
Memory is in GB (10^9 bytes; a preset's or a user's box size in GiB is converted on the way in),
bandwidth in GB/s. On unified-memory machines (Apple, AMD APUs) the GPU
may use only a share of RAM; that share is part of the profile, not a guess made later.
"""

from __future__ import annotations

import re

from pydantic import Field, model_validator

from advisor.catalog.schema import Frozen, HardwareKind, HardwarePreset
from advisor.catalog.sources import MAX_BANDWIDTH_GBS, MAX_MEMORY_GB
from advisor.hardware.devices import box_gb_to_bytes, facts_for

DEFAULT_UNIFIED_GPU_SHARE = 0.75
"""GPU share of unified memory when the preset gives none: macOS lets Metal wire about 2/3 of RAM up
to 36 GB and ~3/4 above (recommendedMaxWorkingSetSize); AMD APUs default to a similar BIOS/GTT split.
Overridable per profile."""
SMALL_MAC_GPU_SHARE = 2 / 3
"""macOS's working-set limit on Macs with at most 36 GB (recommendedMaxWorkingSetSize)."""
SMALL_MAC_LIMIT_GB = box_gb_to_bytes(36) / 1e9


def default_unified_share(pool_gb: float, apple: bool) -> float:
    """The GPU's share of a unified pool of `pool_gb` (10^9 bytes) when nothing overrides it: macOS
    wires 2/3 up to 36 GB and about 3/4 above; other APUs (BIOS/GTT split) 3/4."""
    if apple and pool_gb <= SMALL_MAC_LIMIT_GB + 1e-6:
        return SMALL_MAC_GPU_SHARE
    return DEFAULT_UNIFIED_GPU_SHARE


def is_apple(gpu: Accelerator) -> bool:
    """True for an Apple-silicon GPU (by device class, backend or name)."""
    return (gpu.device_class == "apple" or gpu.backend in ("metal", "mlx")
            or re.search(r"\bapple\b|\bM[1-9]( (Pro|Max|Ultra))?\b", gpu.name, re.IGNORECASE) is not None)


class Accelerator(Frozen):
    """One kind of GPU (or unified-memory GPU) in the machine; `count` identical ones."""

    name: str = Field(min_length=1, max_length=200, description="Display name.")
    memory_gb: float = Field(gt=0, le=MAX_MEMORY_GB, description="Memory of one device in GB.")
    bandwidth_gbs: float = Field(gt=0, le=MAX_BANDWIDTH_GBS,
                                 description="Memory bandwidth of one device in GB/s.")
    fp16_tflops: float | None = Field(
        default=None, gt=0, description="Dense FP16 throughput of one device in TFLOPS."
    )
    count: int = Field(default=1, ge=1, le=64, description="How many identical devices.")
    preset_id: str | None = Field(default=None, description="Preset it came from, if any.")
    backend: str | None = Field(
        default=None, description="Compute backend it runs by default (cuda, rocm, metal, vulkan, "
        "sycl); None: inferred from the name.")
    device_class: str | None = Field(
        default=None, description="consumer (GDDR), datacenter (HBM), apple or igpu; None: inferred.")
    achievable_bandwidth_gbs: float | None = Field(
        default=None, gt=0, description="Measured GPU read bandwidth in GB/s where a device is known "
        "to fall short of its nominal figure (the speed estimate uses it instead).")


class HardwareProfile(Frozen):
    """What a model would run on: GPUs (if any), system RAM, or one unified pool."""

    name: str = Field(default="Custom hardware", max_length=200, description="Display name.")
    gpu: Accelerator | None = Field(
        default=None, description="Discrete GPUs, or the GPU side of a unified-memory chip."
    )
    ram_gb: float | None = Field(
        default=None, gt=0, le=MAX_MEMORY_GB,
        description="System RAM in GB (the whole pool on unified machines)."
    )
    ram_bandwidth_gbs: float | None = Field(
        default=None, gt=0, le=MAX_BANDWIDTH_GBS, description="System RAM bandwidth in GB/s (CPU-side reads)."
    )
    ram_achievable_bandwidth_gbs: float | None = Field(
        default=None, gt=0, le=MAX_BANDWIDTH_GBS, description="Measured system-RAM read bandwidth in "
        "GB/s (a STREAM-like read test over the cores), where known: the CPU's reads use it instead of "
        "the share of the nominal figure fitted for CPUs in general."
    )
    cpu_tflops: float | None = Field(
        default=None, gt=0, description="CPU FP32/FP16 throughput in TFLOPS, if known."
    )
    cpu_cores: int | None = Field(
        default=None, gt=0, le=1024, description="CPU cores the runtime runs a thread on (llama.cpp's "
        "default: the physical cores), if known; the speed estimate's thread-barrier cost grows with it."
    )
    unified_memory: bool = Field(
        default=False, description="GPU and CPU share RAM (Apple silicon, AMD Ryzen AI Max)."
    )
    usable_gpu_share: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Share of unified memory the GPU may use; default 0.75 when unified.",
    )
    api_only: bool = Field(
        default=False, description="No local hardware to consider: rank hosted APIs only."
    )
    power_watts: float | None = Field(
        default=None, gt=0, description="Power draw under load, for running cost."
    )
    idle_power_watts: float | None = Field(
        default=None, ge=0, description="Power when idle, for the hours it is on but not busy."
    )
    price_usd: float | None = Field(
        default=None, gt=0, description="Purchase price, for write-off cost."
    )

    @model_validator(mode="after")
    def _consistent(self) -> HardwareProfile:
        if self.unified_memory and self.gpu is not None and self.gpu.count != 1:
            raise ValueError("a unified-memory machine has one GPU")
        return self

    @property
    def cpu_only(self) -> bool:
        """True when there is no GPU to place layers on."""
        return self.gpu is None and not self.api_only

    @property
    def gpu_share(self) -> float:
        """Share of a unified pool the GPU may use: the profile's own, else the platform default."""
        if self.usable_gpu_share is not None:
            return self.usable_gpu_share
        pool = self.ram_gb if self.ram_gb is not None else (self.gpu.memory_gb if self.gpu else 0.0)
        return default_unified_share(pool, self.gpu is not None and is_apple(self.gpu))

    @property
    def gpu_memory_gb(self) -> float:
        """Memory the GPU(s) can hold model data in, in total across devices."""
        if self.gpu is None:
            return 0.0
        if self.unified_memory:
            pool = self.ram_gb if self.ram_gb is not None else self.gpu.memory_gb
            return pool * self.gpu_share
        return self.gpu.memory_gb * self.gpu.count

    @property
    def cpu_memory_gb(self) -> float:
        """System RAM available for layers the GPU cannot hold (0 when unknown)."""
        if self.ram_gb is None:
            return 0.0
        if self.unified_memory:
            return max(0.0, self.ram_gb - self.gpu_memory_gb)
        return self.ram_gb

    def describe(self) -> str:
        """One line for explanations and reports."""
        if self.api_only:
            return "API only (no local hardware)"
        parts: list[str] = []
        if self.gpu is not None:
            count = f"{self.gpu.count}x " if self.gpu.count > 1 else ""
            if self.unified_memory:
                parts.append(f"{self.gpu.name}, {self.ram_gb or self.gpu.memory_gb:g} GB unified "
                             f"({self.gpu_memory_gb:.0f} GB usable by the GPU), "
                             f"{self.gpu.bandwidth_gbs:g} GB/s")
            else:
                parts.append(f"{count}{self.gpu.name} ({self.gpu.memory_gb:g} GB, "
                             f"{self.gpu.bandwidth_gbs:g} GB/s)")
        if self.ram_gb is not None and not self.unified_memory:
            bw = f", {self.ram_bandwidth_gbs:g} GB/s" if self.ram_bandwidth_gbs else ""
            parts.append(f"{self.ram_gb:g} GB RAM{bw}")
        return " + ".join(parts) or "no hardware described"


def profile_from_preset(preset: HardwarePreset, gpu_count: int = 1) -> HardwareProfile:
    """A profile for one preset; a CPU preset describes system RAM, a unified one the whole pool.
    The preset's memory is the box size (GiB); the profile holds it in GB = 10^9 bytes."""
    memory_gb = box_gb_to_bytes(preset.memory_gb) / 1e9
    facts = facts_for(preset.id, preset.vendor, preset.kind.value)
    if preset.kind is HardwareKind.CPU:
        return HardwareProfile(
            name=preset.name,
            ram_gb=memory_gb,
            ram_bandwidth_gbs=preset.bandwidth_gbs,
            cpu_tflops=preset.fp16_tflops,
            power_watts=preset.power_watts,
            idle_power_watts=preset.idle_power_watts,
            price_usd=preset.price_usd,
        )
    accel = Accelerator(
        name=preset.name,
        memory_gb=memory_gb,
        bandwidth_gbs=preset.bandwidth_gbs,
        fp16_tflops=preset.fp16_tflops,
        count=1 if preset.unified_memory else gpu_count,
        preset_id=preset.id,
        backend=facts.backend,
        device_class=facts.device_class,
        achievable_bandwidth_gbs=facts.achievable_bandwidth_gbs,
    )
    power = preset.power_watts * accel.count if preset.power_watts else None
    price = preset.price_usd * accel.count if preset.price_usd else None
    idle = preset.idle_power_watts * accel.count if preset.idle_power_watts is not None else None
    if preset.unified_memory:
        return HardwareProfile(
            name=preset.name,
            gpu=accel,
            ram_gb=memory_gb,
            ram_bandwidth_gbs=preset.bandwidth_gbs,
            unified_memory=True,
            usable_gpu_share=preset.usable_memory_share,
            power_watts=power,
            idle_power_watts=idle,
            price_usd=price,
        )
    return HardwareProfile(
        name=preset.name if accel.count == 1 else f"{accel.count}x {preset.name}",
        gpu=accel,
        power_watts=power,
        idle_power_watts=idle,
        price_usd=price,
    )
