"""`advisor estimate` run options: flags reach the estimator and the JSON contract gains its keys."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


BASE = ("estimate", "--model", "meta-llama/llama-3.1-8b-instruct", "--quant", "Q4_K_M", "--format", "json")


def test_new_keys_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, *BASE, "--vram-gb", "24", "--bandwidth-gbs", "1000")
    assert code == 0
    assert data["runtime"] == "llama.cpp"
    assert data["backend"] == "cuda"
    assert data["experts_on_cpu"] is False
    assert data["aggregate_tokens_per_s"] is None
    assert data["fits_if"] == []
    assert data["available_gb"] == pytest.approx(24 * 2**30 / 1e9, abs=0.01)  # --vram-gb is GiB


def test_gpu_layers_split_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, *BASE, "--vram-gb", "24", "--bandwidth-gbs", "1000", "--ram-gb", "64",
                     "--ram-bandwidth-gbs", "60", "--gpu-layers", "10")
    assert code == 0
    assert data["placement"] == "gpu+cpu"
    assert data["gpu_layers"] == 10


def test_concurrency_gives_an_aggregate(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, *BASE, "--vram-gb", "24", "--bandwidth-gbs", "1000", "--concurrency", "4")
    assert code == 0
    agg, per = data["aggregate_tokens_per_s"], data["decode_tokens_per_s"]
    assert isinstance(agg, dict)
    assert isinstance(per, dict)
    assert per["expected"] < agg["expected"] <= 4 * per["expected"] + 0.1


def test_backend_is_pinned(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, *BASE, "--vram-gb", "24", "--bandwidth-gbs", "1000", "--backend", "vulkan")
    assert code == 0
    assert data["backend"] == "vulkan"
