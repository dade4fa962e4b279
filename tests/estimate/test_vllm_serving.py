"""Serving several streams: llama.cpp samples each sequence on the host, vLLM batches sampling on
the GPU and splits layers over GPUs (tensor parallel)."""

from __future__ import annotations

from advisor.catalog.store import load_bundled
from advisor.estimate import RunOptions, estimate
from advisor.hardware.profile import profile_from_preset

CATALOG = load_bundled()
MODEL = CATALOG.models["qwen/qwen3.6-35b-a3b"]


def _speed(gpus: int, backend: str, streams: int) -> tuple[float, float]:
    hw = profile_from_preset(CATALOG.hardware["a100-80gb-sxm"], gpu_count=gpus)
    est = estimate(MODEL, hw, quant="Q8_0", context=32768, concurrency=streams,
                   options=RunOptions(backend=backend))
    assert est.decode_tokens_per_s is not None
    agg = est.aggregate_tokens_per_s or est.decode_tokens_per_s
    return est.decode_tokens_per_s.expected, agg.expected


def test_host_sampling_costs_llama_cpp_per_stream_but_not_vllm() -> None:
    cuda_1, _ = _speed(1, "cuda", 1)
    vllm_1, _ = _speed(1, "vllm", 1)
    _, cuda_32 = _speed(1, "cuda", 32)
    _, vllm_32 = _speed(1, "vllm", 32)
    # vLLM's own per-node time and GEMV efficiency (physics.py, fitted) differ from llama.cpp's;
    # the sampling shows as a gap that grows with the streams: 32 host samplings per step.
    assert vllm_32 / cuda_32 > vllm_1 / cuda_1


def test_tensor_parallel_adds_the_gpus_bandwidth() -> None:
    one, _ = _speed(1, "vllm", 8)
    two, _ = _speed(2, "vllm", 8)
    layer_split_one, _ = _speed(1, "cuda", 8)
    layer_split_two, _ = _speed(2, "cuda", 8)
    assert two > 1.5 * one  # both GPUs read their half of every layer at once
    assert layer_split_two <= layer_split_one * 1.05  # llama.cpp's GPUs take turns
    est = estimate(MODEL, profile_from_preset(CATALOG.hardware["a100-80gb-sxm"], gpu_count=2), quant="Q8_0",
                   context=32768, concurrency=8, options=RunOptions(backend="vllm"))
    assert any("Tensor parallel over 2 GPUs" in a for a in est.assumptions)
