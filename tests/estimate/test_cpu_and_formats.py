"""CPU threads and vLLM's weight formats, against hand-worked cases: the arithmetic is written out
here, with the fitted constants taken by name from physics.py (a refit changes the numbers, not the
arithmetic)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from advisor.catalog.architecture import Architecture
from advisor.catalog.schema import Model, Sourced
from advisor.estimate import RunOptions, estimate
from advisor.estimate import physics as ph
from advisor.hardware.profile import Accelerator, HardwareProfile

D = date(2026, 1, 1)

# 1.0B parameters, 10 layers, hidden 1024, 8 heads of 128 (no GQA), vocabulary 32,000, untied.
DENSE = Model(id="t/m", name="m", family="t", vendor="t", open_weights=True, hf_repo="t/m", license="MIT",
              architecture=Architecture.model_validate(
                  {"total_params_b": 1.0, "layers": 10, "hidden_size": 1024, "attention_heads": 8,
                   "kv_heads": 8, "head_dim": 128, "vocab_size": 32000, "tied_embeddings": False,
                   "source": "t", "as_of": D}),
              facts=Sourced(source="t", as_of=D))
READ_F16 = (1.0e9 - 32000 * 1024) * 2  # every weight but the input table (read by lookup), 2 bytes
KV_F16 = 10 * 2 * 8 * 128 * 512 * 2  # layers x K,V x heads x dim x half of 1024 tokens x f16


def cpu_box(cores: int | None, bandwidth_gbs: float) -> HardwareProfile:
    return HardwareProfile(ram_gb=256, ram_bandwidth_gbs=bandwidth_gbs, cpu_cores=cores)


def cpu_seconds(threads: int, bandwidth_gbs: float) -> float:
    """One token on the CPU: nodes x (base + barrier per thread), sampling, and each matvec at the
    lesser of the memory system's bytes and the weights its threads take (an F16 weight and an F16
    KV element are 2 bytes each)."""
    node_s = (ph.KERNEL_US["cpu"] + ph.CPU_BARRIER_US_PER_THREAD * threads) * 1e-6
    fixed = 10 * ph.KERNELS_PER_DENSE_LAYER * node_s + 32000 * ph.SAMPLING_NS_PER_VOCAB * 1e-9
    ram = bandwidth_gbs * ph.BANDWIDTH_EFFICIENCY["cpu"] * 1e9
    rate = threads * ph.CPU_CORE_GWEIGHTS * 1e9
    return fixed + sum(max(b / ram, b / 2 / rate) for b in (READ_F16, KV_F16))


@pytest.mark.parametrize(("cores", "bandwidth_gbs"), [(192, 332.8), (4, 17.1), (16, 256.0), (4, 256.0)])
def test_cpu_decode_pays_a_barrier_per_thread_and_streams_per_core(cores: int, bandwidth_gbs: float) -> None:
    est = estimate(DENSE, cpu_box(cores, bandwidth_gbs), quant="F16", context=1024)
    assert est.placement == "cpu"
    assert est.decode_tokens_per_s is not None
    assert est.decode_tokens_per_s.expected == pytest.approx(1 / cpu_seconds(cores, bandwidth_gbs), rel=1e-9)


def test_unknown_cores_are_enough_to_feed_the_memory_and_at_least_the_default() -> None:
    """A profile without a core count (every preset and detection) runs with the cores its RAM's
    bandwidth needs through Q4_K_M matvecs (CPU_CORE_GWEIGHTS x Q4_K_M_BYTES_PER_WEIGHT each), at
    least CPU_DEFAULT_THREADS: a 12-channel DDR5 server is
    not capped at what 8 threads can stream (it was: 40 GB/s, Llama-3.1-8B Q4_K_M at 7.7 tok/s on
    EPYC Genoa, as on a desktop)."""
    desktop = estimate(DENSE, cpu_box(None, 51.2), quant="F16", context=1024).decode_tokens_per_s
    assert desktop is not None
    core_gbs = ph.CPU_CORE_GWEIGHTS * ph.Q4_K_M_BYTES_PER_WEIGHT
    assert math.ceil(51.2 * ph.BANDWIDTH_EFFICIENCY["cpu"] / core_gbs) <= ph.CPU_DEFAULT_THREADS
    assert desktop.expected == pytest.approx(1 / cpu_seconds(ph.CPU_DEFAULT_THREADS, 51.2), rel=1e-9)
    server = estimate(DENSE, cpu_box(None, 460.8), quant="F16", context=1024).decode_tokens_per_s
    assert server is not None
    threads = math.ceil(460.8 * ph.BANDWIDTH_EFFICIENCY["cpu"] / core_gbs)
    assert threads > ph.CPU_DEFAULT_THREADS
    assert server.expected == pytest.approx(1 / cpu_seconds(threads, 460.8), rel=1e-9)
    # the memory system, not the threads, sets the bytes' time: the same as a box with more cores
    # than it needs, less its barrier
    assert server.expected > 3 * desktop.expected


def test_a_core_takes_weights_not_bytes_so_a_wider_format_draws_more_bandwidth() -> None:
    """Where the threads bind (4 cores on 256 GB/s), a core takes the same weights per second in any
    format: F16 (2 bytes a weight) and Q8_0 (34 bytes per 32 weights) cost the same weights' time, so
    the F16 file is read at 2 / 1.0625 the bytes per second. Before, a core streamed 5 GB/s of any
    format, and an F16 run of a 2-socket EPYC came out 4x slow (docs/estimation.md)."""
    box = cpu_box(4, 256.0)
    f16 = estimate(DENSE, box, quant="F16", context=256).decode_tokens_per_s
    q8 = estimate(DENSE, box, quant="Q8_0", context=256).decode_tokens_per_s
    assert f16 is not None
    assert q8 is not None
    node_s = (ph.KERNEL_US["cpu"] + ph.CPU_BARRIER_US_PER_THREAD * 4) * 1e-6
    fixed = 10 * ph.KERNELS_PER_DENSE_LAYER * node_s + 32000 * ph.SAMPLING_NS_PER_VOCAB * 1e-9
    # the weights' part of a token is within the KV cache's small share of each other
    assert (1 / f16.expected - fixed) == pytest.approx(1 / q8.expected - fixed, rel=0.02)


def test_cpu_sequences_share_the_bytes_but_each_takes_its_own_dot_products() -> None:
    """Four sequences on a 4-core box with 256 GB/s: the weights are read once a step, but every
    sequence's dot products take the cores' weight rate, so where the threads bind the aggregate
    hardly grows (a GPU's would: its bytes, not its arithmetic, bind at batch 1)."""
    box = cpu_box(4, 256.0)
    n = 4
    est = estimate(DENSE, box, quant="F16", context=1024, concurrency=n)
    assert est.aggregate_tokens_per_s is not None
    node_s = (ph.KERNEL_US["cpu"] + ph.CPU_BARRIER_US_PER_THREAD * 4) * 1e-6
    fixed = 10 * ph.KERNELS_PER_DENSE_LAYER * node_s + n * 32000 * ph.SAMPLING_NS_PER_VOCAB * 1e-9
    ram = 256.0 * ph.BANDWIDTH_EFFICIENCY["cpu"] * 1e9
    rate = 4 * ph.CPU_CORE_GWEIGHTS * 1e9
    weights = max(READ_F16 / ram, n * READ_F16 / 2 / rate)
    seconds = fixed + weights + max(n * KV_F16 / ram, n * KV_F16 / 2 / rate)
    assert est.aggregate_tokens_per_s.expected == pytest.approx(n / seconds, rel=1e-9)
    single = estimate(DENSE, box, quant="F16", context=1024).decode_tokens_per_s
    assert single is not None
    assert est.aggregate_tokens_per_s.expected < 1.1 * single.expected


def test_a_measured_ram_figure_replaces_the_assumed_share_of_the_nominal_one() -> None:
    """A desktop's dual-channel DDR4-3000 (48 GB/s nominal) measured at 42.4 GB/s by a read test
    (msb-msb/insiderllm-bench-results, stream_read at 4 threads) is read at that figure, not at the
    CPU class's fitted share of 48 nor capped by its threads' per-core figure."""
    box = HardwareProfile(ram_gb=64, ram_bandwidth_gbs=48.0, cpu_cores=4, ram_achievable_bandwidth_gbs=42.4)
    est = estimate(DENSE, box, quant="F16", context=1024)
    assert est.decode_tokens_per_s is not None
    node_s = (ph.KERNEL_US["cpu"] + ph.CPU_BARRIER_US_PER_THREAD * 4) * 1e-6
    fixed = 10 * ph.KERNELS_PER_DENSE_LAYER * node_s + 32000 * ph.SAMPLING_NS_PER_VOCAB * 1e-9
    seconds = fixed + (READ_F16 + KV_F16) / (42.4e9 * ph.MEASURED_STREAM_SHARE)
    assert est.decode_tokens_per_s.expected == pytest.approx(1 / seconds, rel=1e-9)
    assert est.decode_tokens_per_s.expected > estimate(DENSE, cpu_box(4, 48.0), quant="F16",
                                                       context=1024).decode_tokens_per_s.expected  # type: ignore[union-attr]
    assert any("measured 42.4 GB/s" in a for a in est.assumptions)


H20 = HardwareProfile(gpu=Accelerator(name="H20", memory_gb=96, bandwidth_gbs=4000, backend="cuda",
                                      device_class="datacenter"), ram_gb=256, ram_bandwidth_gbs=300)


@pytest.mark.parametrize("quant", ["FP8", "AWQ-4bit", "GPTQ-4bit"])
def test_vllm_streams_each_weight_format_through_its_own_kernel(quant: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    vllm = RunOptions(backend="vllm")
    family = {"FP8": "fp8", "AWQ-4bit": "awq", "GPTQ-4bit": "awq"}[quant]  # GPTQ: AWQ's Marlin kernel
    share = ph.VLLM_FORMAT_SHARE[family]
    real = estimate(DENSE, H20, quant=quant, context=1024, options=vllm).decode_tokens_per_s
    monkeypatch.setitem(ph.VLLM_FORMAT_SHARE, family, 1.0)
    base = estimate(DENSE, H20, quant=quant, context=1024, options=vllm).decode_tokens_per_s
    assert real is not None
    assert base is not None
    # Only the weights' time changes, by 1 / share: the fixed part (no host sampling on vLLM) and the
    # KV cache's time do not.
    node_s = (ph.KERNEL_US["vllm"] + ph.NODE_LATENCY_US["datacenter"]) * 1e-6  # an HBM card's node
    fixed = 10 * ph.KERNELS_PER_DENSE_LAYER * node_s
    kv = KV_F16 / (4000e9 * ph.BANDWIDTH_EFFICIENCY["datacenter"] * ph.VLLM_BANDWIDTH_SHARE)
    weights_base = 1 / base.expected - fixed - kv
    assert 1 / real.expected - fixed - kv == pytest.approx(weights_base / share, rel=1e-6)

