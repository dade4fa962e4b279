"""The HARDWARE flags shared by `estimate` and `recommend` turn into the right profile."""

from __future__ import annotations

import argparse

import pytest

from advisor.catalog.store import load_bundled
from advisor.cli.flags import add_recommend_flags
from advisor.cli.options import OptionError, constraints_from_args, hardware_from_args

CAT = load_bundled()


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_recommend_flags(parser)
    return parser.parse_args(list(argv))


def test_no_flags_means_no_local_hardware() -> None:
    assert hardware_from_args(parse(), CAT) is None


def test_preset_with_gpu_count_and_ram() -> None:
    hw = hardware_from_args(parse("--hardware", "rtx-3090", "--gpu-count", "2", "--ram-gb", "64"), CAT)
    assert hw is not None
    assert hw.gpu is not None
    assert hw.gpu.count == 2
    # "24 GB" cards and "64 GB" of RAM are box sizes in GiB; the profile holds 10^9-byte GB.
    assert hw.gpu_memory_gb == pytest.approx(48 * 2**30 / 1e9)
    assert hw.ram_gb == pytest.approx(64 * 2**30 / 1e9)


def test_custom_gpu_needs_bandwidth() -> None:
    with pytest.raises(OptionError, match="--bandwidth-gbs"):
        hardware_from_args(parse("--vram-gb", "24"), CAT)
    hw = hardware_from_args(parse("--vram-gb", "24", "--bandwidth-gbs", "1000"), CAT)
    assert hw is not None
    assert hw.gpu is not None
    assert hw.gpu.memory_gb == pytest.approx(24 * 2**30 / 1e9)  # --vram-gb is GiB


def test_unified_memory_and_cpu_only() -> None:
    mac = hardware_from_args(parse("--unified-memory-gb", "64", "--bandwidth-gbs", "400"), CAT)
    assert mac is not None
    assert mac.unified_memory
    assert mac.gpu_memory_gb == pytest.approx(0.75 * 64 * 2**30 / 1e9)  # 3/4 of 64 GiB
    cpu = hardware_from_args(parse("--hardware", "rtx-4090", "--cpu-only", "--ram-gb", "32",
                                   "--ram-bandwidth-gbs", "60"), CAT)
    assert cpu is not None
    assert cpu.cpu_only
    assert cpu.ram_gb == pytest.approx(32 * 2**30 / 1e9)


def test_bad_values_are_option_errors() -> None:
    with pytest.raises(OptionError, match="greater than 0"):
        hardware_from_args(parse("--vram-gb", "-1", "--bandwidth-gbs", "100"), CAT)
    with pytest.raises(OptionError, match="between 1 and 64"):
        hardware_from_args(parse("--hardware", "rtx-4090", "--gpu-count", "0"), CAT)


def test_flags_override_a_scenario() -> None:
    args = parse("--budget-usd-month", "20", "--language", "de", "--nice-language", "fr",
                 "--task", "coding=2", "--task", "translation")
    c = constraints_from_args(args, CAT)
    assert c.budget_usd_month == 20
    assert [(n.code, n.required) for n in c.languages] == [("de", True), ("fr", False)]
    assert {t.value: w for t, w in c.tasks.items()} == {"coding": 2.0, "translation": 1.0}


def test_a_measured_ram_bandwidth_goes_into_the_profile() -> None:
    hw = hardware_from_args(parse("--hardware", "rtx-3090", "--ram-gb", "64", "--ram-bandwidth-gbs", "48",
                                  "--ram-measured-gbs", "42.4"), CAT)
    assert hw is not None
    assert hw.ram_bandwidth_gbs == 48
    assert hw.ram_achievable_bandwidth_gbs == 42.4
    with pytest.raises(OptionError, match="ram-measured-gbs"):
        hardware_from_args(parse("--ram-measured-gbs", "-1"), CAT)
    with pytest.raises(OptionError, match="unified memory"):
        hardware_from_args(parse("--hardware", "apple-m4-max-128gb", "--ram-measured-gbs", "400"), CAT)
