"""Detection pre-fills and never crashes: missing tools, hangs and odd output fall back."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

import pytest

from advisor.catalog.store import load_bundled
from advisor.hardware.detect import detect, match_preset

PRESETS = list(load_bundled().hardware.values())


def fake(outputs: dict[str, str | BaseException]):  # type: ignore[no-untyped-def]
    def runner(args: Sequence[str], timeout_s: float) -> str:
        out = outputs.get(args[0], FileNotFoundError(args[0]))
        if isinstance(out, BaseException):
            raise out
        return out
    return runner


def test_single_and_multi_gpu_parsed() -> None:
    one = detect(PRESETS, runner=fake({"nvidia-smi": "NVIDIA GeForce RTX 4090, 24564\n"}))
    assert one.profile is not None
    assert one.profile.gpu is not None
    assert one.profile.gpu.memory_gb == pytest.approx(24 * 2**30 / 1e9)  # a "24 GB" card is 24 GiB
    assert not one.profile.cpu_only
    two = detect(PRESETS, runner=fake({"nvidia-smi": "NVIDIA GeForce RTX 3090, 24576\n" * 2}))
    assert two.profile is not None
    assert two.profile.gpu is not None
    assert two.profile.gpu.count == 2


def test_missing_tool_hang_and_garbage_fall_back() -> None:
    for out in (FileNotFoundError("nvidia-smi"), subprocess.TimeoutExpired("nvidia-smi", 5),
                "garbage without commas\n\x00\xff"):
        result = detect(PRESETS, runner=fake({"nvidia-smi": out}))
        assert result.profile is None or result.profile.gpu is None


def test_match_is_conservative() -> None:
    found = match_preset("NVIDIA GeForce RTX 4090", PRESETS)
    assert found is not None
    assert found.id == "rtx-4090"
    assert match_preset("Totally Unknown Accelerator 9000", PRESETS) is None


def test_real_call_on_this_machine_does_not_raise() -> None:
    result = detect(PRESETS, timeout_s=3)
    assert isinstance(result.notes, list)
