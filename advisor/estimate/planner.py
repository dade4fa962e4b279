"""Reverse planning: which hardware runs model X at quantization Q and context C fast enough."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from advisor.catalog.schema import HardwarePreset, Model
from advisor.estimate.core import estimate
from advisor.estimate.result import Estimate, EstimateSettings
from advisor.hardware.profile import profile_from_preset


@dataclass(frozen=True)
class HardwareOption:
    """A preset (and GPU count) that runs the model, with its estimate."""

    preset: HardwarePreset
    gpu_count: int
    estimate: Estimate


def plan_hardware(model: Model, quant: str, context: int, presets: Iterable[HardwarePreset],
                  min_tokens_per_s: float = 0.0, max_gpus: int = 8,
                  settings: EstimateSettings | None = None) -> list[HardwareOption]:
    """Presets that run the model fully in fast memory at >= min_tokens_per_s, cheapest first
    (by price when known, else by memory), using the fewest GPUs that fit."""
    options: list[HardwareOption] = []
    for preset in presets:
        counts = [1] if preset.unified_memory or preset.kind.value == "cpu" else range(1, max_gpus + 1)
        for count in counts:
            est = estimate(model, profile_from_preset(preset, count), quant=quant, context=context,
                           settings=settings)
            speed = est.decode_tokens_per_s.expected if est.decode_tokens_per_s else 0.0
            if est.placement in ("gpu", "cpu") and speed >= min_tokens_per_s:
                options.append(HardwareOption(preset, count, est))
                break
    options.sort(key=lambda o: ((o.preset.price_usd or float("inf")) * o.gpu_count,
                                o.preset.memory_gb * o.gpu_count, o.preset.id))
    return options
