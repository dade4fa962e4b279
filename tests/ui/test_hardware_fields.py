"""The hardware box's fields as numbers: the profile they describe, without widgets."""

from __future__ import annotations

import pytest

from advisor.catalog.store import load_bundled
from advisor.ui.hardware_fields import Fields, HardwareMode, box_to_gb, profile_of

CAT = load_bundled()
GIB = 2**30 / 1e9


def fields(mode: HardwareMode, **values: float) -> Fields:
    base = {"vram": 0.0, "bandwidth": 0.0, "gpu_count": 1, "ram": 0.0, "ram_bandwidth": 0.0,
            "ram_measured": 0.0, "gpu_share": 75.0}
    return Fields(mode, **(base | values))  # type: ignore[arg-type]


def test_a_preset_is_kept_while_its_numbers_are_and_dropped_once_edited() -> None:
    preset = CAT.hardware["rtx-4090"]
    same = fields(HardwareMode.GPU, vram=preset.memory_gb, bandwidth=preset.bandwidth_gbs, ram=64,
                  ram_bandwidth=89.6, ram_measured=78.5)
    kept = profile_of(same, preset)
    assert kept is not None
    assert kept.power_watts == preset.power_watts  # the preset's extras come along
    assert kept.ram_gb == pytest.approx(64 * GIB)
    assert kept.ram_achievable_bandwidth_gbs == 78.5
    edited = profile_of(fields(HardwareMode.GPU, vram=preset.memory_gb, bandwidth=900, ram=64), preset)
    assert edited is not None
    assert edited.name == "Custom GPU"
    assert edited.power_watts is None
    assert edited.gpu is not None
    assert edited.gpu.memory_gb == pytest.approx(box_to_gb(preset.memory_gb))


def test_nothing_usable_until_the_numbers_describe_a_machine() -> None:
    assert profile_of(fields(HardwareMode.GPU, vram=24), None) is None  # no bandwidth
    assert profile_of(fields(HardwareMode.CPU), None) is None  # no RAM
    api = profile_of(fields(HardwareMode.API), None)
    assert api is not None
    assert api.api_only


def test_the_default_gpu_share_is_no_share_and_another_is_kept() -> None:
    unified = profile_of(fields(HardwareMode.UNIFIED, vram=64, bandwidth=400), None)
    assert unified is not None
    assert unified.usable_gpu_share is None
    raised = profile_of(fields(HardwareMode.UNIFIED, vram=64, bandwidth=400, gpu_share=90), None)
    assert raised is not None
    assert raised.usable_gpu_share == pytest.approx(0.9)
