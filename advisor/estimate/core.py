"""Will it run, and how fast: placement (GPU, several GPUs, offload, CPU, unified memory) and speed.

Decode is memory-bound: every generated token reads the active weights and the KV cache once, so
tokens/s = effective bandwidth / bytes read per token, summed over the GPU and CPU parts when layers
are offloaded. Prefill is compute-bound: about 2 FLOPs per active parameter per prompt token.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from advisor.catalog.schema import Model
from advisor.estimate.memory import (
    CUDA_RESERVE_BYTES,
    GB,
    METAL_RESERVE_BYTES,
    EstimateError,
    Footprint,
    footprint,
    weights_bytes,
)
from advisor.estimate.quant import GGUF_LADDER, KV_TYPES, MIXES, normalise
from advisor.estimate.result import Estimate, EstimateSettings, Range
from advisor.hardware.profile import HardwareProfile

# Decode efficiency = measured tokens/s / (bandwidth / bytes read per token), from the llama.cpp
# tg128 measurements in shared/data/validation (bench/validate_estimates.py prints the derivation):
# (low, expected, high) = (10th percentile, median, 90th percentile) per class of memory system.
# Discrete GPUs: 53 runs, unified memory (Apple, Strix Halo, DGX Spark): 50 runs. No CPU-only runs
# are in the data, so the CPU range is an assumption (said so in every CPU estimate).
DECODE_EFFICIENCY = {
    "gpu": (0.53, 0.73, 0.85),
    "unified": (0.53, 0.78, 0.88),
    "cpu": (0.40, 0.60, 0.80),
}
MOE_DECODE_FACTOR = (0.57, 0.76, 0.85)
"""MoE decode reaches less of the bandwidth than dense decode (small per-expert matmuls, routing):
measured / dense-model prediction for the 5 MoE runs in the validation data (Qwen3-30B-A3B and
gpt-oss-20b on RX 7900 XT, M4 Pro and DGX Spark) ranged 0.57-0.83, median 0.76."""
PREFILL_EFFICIENCY = (0.15, 0.30, 0.50)
"""Share of peak FP16 throughput reached in prompt processing. An assumption (stated in every
estimate): llama.cpp prompt processing on quantized weights mixes int8 and fp16 kernels."""
OS_RESERVE_GB = 2.0
"""System RAM kept free for the operating system and other programs when offloading to RAM."""


_DEFAULT_SETTINGS = EstimateSettings()


@dataclass(frozen=True, slots=True)
class _Fit:
    placement: str
    gpu_layers: int
    gpu_bytes_read: float  # per token
    cpu_bytes_read: float
    overhead: float
    available: float


def _overhead(fp: Footprint, hw: HardwareProfile, tokens: int) -> float:
    """Runtime reserve per device plus the compute buffer."""
    compute = fp.compute_buffer_bytes(tokens)
    if hw.gpu is None:
        return compute
    reserve = METAL_RESERVE_BYTES if hw.unified_memory else CUDA_RESERVE_BYTES
    return compute * hw.gpu.count + reserve * hw.gpu.count


def _place(fp: Footprint, hw: HardwareProfile, weights: float, kv: float, read: float,
           headroom: float, tokens: int) -> _Fit:
    overhead = _overhead(fp, hw, tokens)
    if hw.gpu is not None:
        gpu_cap = hw.gpu_memory_gb * GB * (1 - headroom)
        if weights + kv + overhead <= gpu_cap:
            return _Fit("gpu", fp.layers, read, 0.0, overhead, hw.gpu_memory_gb * GB)
        ram_free = (hw.cpu_memory_gb - OS_RESERVE_GB) * GB if hw.cpu_memory_gb else 0.0
        # llama.cpp keeps each layer's KV cache beside its weights, so a layer costs both.
        per_layer = (weights + kv) / fp.layers
        room = gpu_cap - overhead
        gpu_layers = max(0, min(fp.layers - 1, int(room // per_layer))) if room > 0 else 0
        cpu_bytes = (weights + kv) - gpu_layers * per_layer
        if not hw.unified_memory and ram_free > 0 and cpu_bytes <= ram_free and gpu_layers > 0:
            share = gpu_layers / fp.layers
            return _Fit("gpu+cpu", gpu_layers, read * share, read * (1 - share), overhead,
                        hw.gpu_memory_gb * GB)
        return _Fit("does_not_fit", gpu_layers, read, 0.0, overhead, hw.gpu_memory_gb * GB)
    ram = (hw.ram_gb or 0.0) * GB
    usable = ram - OS_RESERVE_GB * GB
    if ram and weights + kv + overhead <= usable * (1 - headroom):
        return _Fit("cpu", 0, 0.0, read, overhead, ram)
    return _Fit("does_not_fit", 0, 0.0, read, overhead, ram)


def _decode(fit: _Fit, hw: HardwareProfile, kv_read: float,
            moe: bool) -> tuple[tuple[float, float, float] | None, str]:
    """Tokens/s range; the KV cache is read from wherever the layers live."""
    if fit.placement == "does_not_fit":
        return None, ""
    gpu_bw = hw.gpu.bandwidth_gbs * GB if hw.gpu else None
    cpu_bw = hw.ram_bandwidth_gbs * GB if hw.ram_bandwidth_gbs else None
    if fit.placement == "cpu" and cpu_bw is None:
        return None, "RAM bandwidth unknown: no speed estimate (give --ram-bandwidth-gbs)."
    total_read = fit.gpu_bytes_read + fit.cpu_bytes_read
    gpu_kv = kv_read * (fit.gpu_bytes_read / total_read if total_read else 0.0)
    cpu_kv = kv_read - gpu_kv
    kind = "unified" if hw.unified_memory else ("gpu" if hw.gpu else "cpu")
    lows: list[float] = []
    for i in range(3):
        t = 0.0
        if fit.gpu_bytes_read and gpu_bw:
            t += (fit.gpu_bytes_read + gpu_kv) / (gpu_bw * DECODE_EFFICIENCY[kind][i])
        if fit.cpu_bytes_read:
            if cpu_bw is None:
                return None, "RAM bandwidth unknown: no speed estimate for the offloaded layers."
            t += (fit.cpu_bytes_read + cpu_kv) / (cpu_bw * DECODE_EFFICIENCY["cpu"][i])
        speed = 1.0 / t if t > 0 else 0.0
        lows.append(speed * MOE_DECODE_FACTOR[i] if moe else speed)
    return (lows[0], lows[1], lows[2]), ""


def _prefill(fp: Footprint, hw: HardwareProfile) -> Range | None:
    tflops = hw.gpu.fp16_tflops * hw.gpu.count if hw.gpu and hw.gpu.fp16_tflops else hw.cpu_tflops
    if not tflops:
        return None
    per_token = 2.0 * fp.active_params
    peak = tflops * 1e12 / per_token
    lo, mid, hi = PREFILL_EFFICIENCY
    return Range(low=peak * lo, expected=peak * mid, high=peak * hi)


def estimate(model: Model, hardware: HardwareProfile, quant: str | None = None, context: int = 8192,
             kv_cache: str = "f16", concurrency: int = 1,
             settings: EstimateSettings | None = None) -> Estimate:
    """Memory, placement and speed of `model` on `hardware` (best quantization when `quant` is None)."""
    settings = settings or EstimateSettings()
    if quant is None:
        return best_quant(model, hardware, context=context, kv_cache=kv_cache,
                          concurrency=concurrency, settings=settings)
    try:
        q = normalise(quant)
    except KeyError as exc:
        raise EstimateError(f"unknown quantization '{quant}'; known: {', '.join(MIXES)}") from exc
    if kv_cache not in KV_TYPES:
        raise EstimateError(f"unknown KV cache type '{kv_cache}'; use f16, q8_0 or q4_0")
    return _estimate(model, hardware, q, context, kv_cache, concurrency, settings)


@dataclass(frozen=True, slots=True)
class Sized:
    """An estimate in plain floats (the recommender's hot path); `finish` makes the full Estimate."""

    model: Model
    hardware: HardwareProfile
    quantization: str
    context: int
    kv_cache_type: str
    concurrency: int
    weights: float  # bytes
    from_artifact: bool
    kv: float
    fit: _Fit
    decode: tuple[float, float, float] | None
    note: str
    moe: bool
    layers: int

    @property
    def placement(self) -> str:
        """gpu, gpu+cpu, cpu or does_not_fit."""
        return self.fit.placement

    @property
    def total_gb(self) -> float:
        """Weights + KV cache + overhead in GB."""
        return (self.weights + self.kv + self.fit.overhead) / GB

    @property
    def available_gb(self) -> float:
        """Memory the placement draws on (GPU memory, or RAM for CPU-only) in GB."""
        return self.fit.available / GB


def size(model: Model, hw: HardwareProfile, q: str, context: int, kv_cache: str = "f16",
         concurrency: int = 1, settings: EstimateSettings | None = None) -> Sized:
    """Memory, placement and decode speed in plain numbers (no result objects built)."""
    settings = settings or _DEFAULT_SETTINGS
    fp = footprint(model)
    weights, from_artifact = weights_bytes(model, q)
    kv_elem = KV_TYPES[kv_cache]
    kv = fp.kv_bytes(context, kv_elem, concurrency)
    read = weights * fp.read_fraction()
    fit = _place(fp, hw, weights, kv, read, settings.headroom_share, context)
    # Decode reads the KV cache filled so far: half the context on average over a long answer.
    kv_read = fp.kv_bytes(max(1, context // 2), kv_elem, 1)
    moe = model.architecture is not None and model.architecture.is_moe
    decode, note = _decode(fit, hw, kv_read, moe)
    return Sized(model, hw, q, context, kv_cache, concurrency, weights, from_artifact, kv, fit,
                 decode, note, moe, fp.layers)


def finish(sized: Sized, settings: EstimateSettings | None = None) -> Estimate:
    """The full Estimate, with prefill and the assumptions in words."""
    settings = settings or _DEFAULT_SETTINGS
    fp = footprint(sized.model)
    hw, fit, q = sized.hardware, sized.fit, sized.quantization
    prefill = _prefill(fp, hw) if fit.placement != "does_not_fit" else None
    ttft = settings.prompt_tokens / prefill.expected if prefill else None
    assumptions = [
        f"Weights {sized.weights / GB:.2f} GB at {q}"
        + (" (the published file size)." if sized.from_artifact else
           f" from the tensor mix ({fp.total_params / 1e9:.1f}B parameters)."),
        f"KV cache {sized.kv / GB:.2f} GB for {sized.context:,} tokens x {sized.concurrency} "
        f"sequence(s) at {sized.kv_cache_type}.",
        f"Overhead {fit.overhead / GB:.2f} GB: runtime reserve and llama.cpp compute buffers.",
        "Decode speed = memory bandwidth x efficiency / bytes read per token (active weights + "
        "KV cache); efficiency range from measured llama.cpp runs.",
    ]
    if sized.note:
        assumptions.append(sized.note)
    if sized.moe:
        assumptions.append("MoE decode runs at 57-85% of the dense-model speed for the same bytes "
                           "(measured on 5 MoE runs).")
    if prefill is None and fit.placement != "does_not_fit":
        assumptions.append("Compute throughput unknown: no prompt-processing estimate.")
    elif prefill is not None:
        assumptions.append("Prompt processing assumed to reach 15-50% of peak FP16 throughput.")
    if hw.unified_memory:
        assumptions.append(f"Unified memory: the GPU may use {hw.gpu_memory_gb:.1f} GB of "
                           f"{hw.ram_gb or 0:g} GB.")
    if fit.placement in ("cpu", "gpu+cpu"):
        assumptions.append("CPU memory efficiency 40-80% of peak bandwidth is assumed (no measured "
                           "CPU-only runs in the validation data yet).")
    if fit.placement == "gpu+cpu":
        assumptions.append(f"{fit.gpu_layers} of {fp.layers} layers on the GPU; the rest read from "
                           "system RAM each token.")
    decode = None if sized.decode is None else Range(
        low=sized.decode[0], expected=sized.decode[1], high=sized.decode[2])
    return Estimate(
        model_id=sized.model.id, quantization=q, context=sized.context,
        kv_cache_type=sized.kv_cache_type, concurrency=sized.concurrency,
        weights_gb=sized.weights / GB, kv_cache_gb=sized.kv / GB, overhead_gb=fit.overhead / GB,
        total_gb=sized.total_gb, available_gb=sized.available_gb, placement=fit.placement,
        gpu_layers=fit.gpu_layers, total_layers=fp.layers, decode_tokens_per_s=decode,
        prefill_tokens_per_s=prefill, time_to_first_token_s=ttft,
        weights_from_artifact=sized.from_artifact, assumptions=tuple(assumptions),
    )


def _estimate(model: Model, hw: HardwareProfile, q: str, context: int, kv_cache: str,
              concurrency: int, settings: EstimateSettings) -> Estimate:
    return finish(size(model, hw, q, context, kv_cache, concurrency, settings), settings)


def candidate_quants(model: Model) -> list[str]:
    """Quantizations worth trying, best quality first: native low-bit releases, then GGUF.

    A model released in MXFP4 (gpt-oss) is not re-quantized along the GGUF ladder: llama.cpp keeps
    its MXFP4 expert tensors in every GGUF ("Q4_K_M" of gpt-oss-20b is 11.6 GB, barely smaller than
    MXFP4; shared/data/validation), so a 3-bit or 2-bit size computed from bits per weight would be
    fiction. It gets MXFP4 and the quantizations with a published file size."""
    arch = model.architecture
    if arch is not None and (arch.native_dtype or "").lower() == "mxfp4":
        published = [_canonical(a.quantization) for a in model.artifacts if a.file_size_gb]
        return ["MXFP4", *dict.fromkeys(q for q in published if q is not None and q != "MXFP4")]
    return list(GGUF_LADDER)


def _canonical(name: str) -> str | None:
    """A quantization's canonical name (`normalise`), or None for a name the estimator does not know
    (an artifact labelled that way cannot be ranked against the others)."""
    try:
        return normalise(name)
    except KeyError:
        return None


_RANK = {"gpu": 0, "gpu+cpu": 1, "cpu": 2}


def best_quant(model: Model, hardware: HardwareProfile, context: int = 8192, kv_cache: str = "f16",
               concurrency: int = 1, settings: EstimateSettings | None = None) -> Estimate:
    """The highest-quality quantization that fits: fully on the GPU first, then with offload, then
    on the CPU. When nothing fits, the smallest quantization's estimate (does_not_fit)."""
    return finish(best_size(model, hardware, context, kv_cache, concurrency, settings), settings)


def best_size(model: Model, hardware: HardwareProfile, context: int = 8192, kv_cache: str = "f16",
              concurrency: int = 1, settings: EstimateSettings | None = None) -> Sized:
    """`best_quant` in plain numbers."""
    settings = settings or _DEFAULT_SETTINGS
    if kv_cache not in KV_TYPES:
        raise EstimateError(f"unknown KV cache type '{kv_cache}'; use f16, q8_0 or q4_0")
    quants = candidate_quants(model)
    fp = footprint(model)
    kv = fp.kv_bytes(context, KV_TYPES[kv_cache], concurrency)
    fixed = kv + _overhead(fp, hardware, context)
    gpu_cap = hardware.gpu_memory_gb * GB * (1 - settings.headroom_share) if hardware.gpu else 0.0
    ram_cap = (hardware.cpu_memory_gb - OS_RESERVE_GB) * GB if hardware.cpu_memory_gb else 0.0
    if hardware.gpu is None:
        ram_cap = ((hardware.ram_gb or 0.0) - OS_RESERVE_GB) * GB * (1 - settings.headroom_share)
    # Cheap screen on bytes alone (the ladder shrinks monotonically): the first quantization that
    # fits in GPU memory is the answer; otherwise the first that fits in GPU + RAM, then RAM.
    weights = [weights_bytes(model, q)[0] for q in quants]
    for i, w in enumerate(weights):
        if hardware.gpu is not None and w + fixed <= gpu_cap:
            sized = size(model, hardware, quants[i], context, kv_cache, concurrency, settings)
            if sized.placement == "gpu":
                return sized
    for i, w in enumerate(weights):
        if w + fixed <= gpu_cap + ram_cap:
            sized = size(model, hardware, quants[i], context, kv_cache, concurrency, settings)
            if sized.placement != "does_not_fit":
                return sized
    chosen: Sized | None = None
    return chosen or size(model, hardware, quants[-1], context, kv_cache, concurrency, settings)


def memory_needed_gb(model: Model, quant: str, context: int, kv_cache: str = "f16",
                     concurrency: int = 1) -> float:
    """Memory to hold the model fully on one GPU: weights + KV cache + runtime overhead."""
    fp = footprint(model)
    q = normalise(quant)
    weights, _ = weights_bytes(model, q)
    kv = fp.kv_bytes(context, KV_TYPES[kv_cache], concurrency)
    return (weights + kv + fp.compute_buffer_bytes(context) + CUDA_RESERVE_BYTES) / GB


def ceil_gb(value: float) -> int:
    """Whole GB, rounded up."""
    return math.ceil(value)
