"""The estimator: placement, memory and speed for many (model, weights) rows at once, on numpy arrays.

This is the only implementation of the physics (with step.py, the time per decode step, and
footprints.py, the model facts as columns). The ranking sizes every model of a catalog at several
quantizations in a few array operations; `core.estimate` (one model) is the one-row case.

Placement, per row: everything on the GPU(s); else, for an MoE model, the routed experts in system
RAM and the rest on the GPU (llama.cpp --n-cpu-moe / -ot exps=CPU) or layers split between GPU and
RAM, whichever is faster; else the CPU; else "does not fit". Time per token (physics.py):
fixed part (graph nodes x time per node) + memory part (bytes read / achievable bandwidth, routed
experts at a lower efficiency) + compute part (FLOPs / achievable FLOPS, where known). With N
sequences under continuous batching one step reads the weights once, each sequence's KV cache, the
union of the experts the N tokens route to, and does N tokens of FLOPs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from advisor.arrays import Bools, Floats, Ints
from advisor.estimate.footprints import FootprintColumns, Triple
from advisor.estimate.memory import CUDA_RESERVE_BYTES, GB, METAL_RESERVE_BYTES
from advisor.estimate.physics import (
    PREFILL_EFFICIENCY,
    Device,
    device,
)
from advisor.estimate.result import EstimateSettings, RunOptions
from advisor.estimate.step import Split, pick_split, spread, step_time, take_split
from advisor.hardware.profile import HardwareProfile

GPU, OFFLOAD, CPU, NO_FIT = 0, 1, 2, 3
PLACEMENTS = ("gpu", "gpu+cpu", "cpu", "does_not_fit")
"""Placement codes in the arrays, and their names in `Estimate.placement`."""
OS_RESERVE_GB = 2.0
"""System RAM kept free for the operating system and other programs when offloading to RAM."""
_DEFAULT_OPTIONS = RunOptions()


@dataclass(frozen=True)
class SizedColumns:
    """Placement, memory (bytes) and speed (tokens/s) for n (model, weights) rows."""

    weights: Floats
    kv: Floats
    overhead: Floats
    placement: Ints
    gpu_layers: Ints
    available: float
    decode: Triple  # per stream: low, expected, high; NaN where unknown or no fit
    experts_on_cpu: Bools = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    aggregate: Triple | None = None  # all streams together (None at concurrency 1: = decode)
    cpu_moe_layers: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    total: Floats = field(init=False)  # weights + KV cache + overhead, in bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", self.weights + self.kv + self.overhead)
        if len(self.experts_on_cpu) != len(self.weights):
            object.__setattr__(self, "experts_on_cpu", np.zeros(len(self.weights), dtype=np.bool_))
        if len(self.cpu_moe_layers) != len(self.weights):
            object.__setattr__(self, "cpu_moe_layers", np.zeros(len(self.weights), dtype=np.int64))

    def take(self, idx: Ints) -> SizedColumns:
        """The figures at `idx`."""
        agg = None if self.aggregate is None else (
            self.aggregate[0][idx], self.aggregate[1][idx], self.aggregate[2][idx])
        return SizedColumns(self.weights[idx], self.kv[idx], self.overhead[idx], self.placement[idx],
                            self.gpu_layers[idx], self.available,
                            (self.decode[0][idx], self.decode[1][idx], self.decode[2][idx]),
                            self.experts_on_cpu[idx], agg, self.cpu_moe_layers[idx])


def overhead_bytes(fp: FootprintColumns, hw: HardwareProfile, tokens: int) -> Floats:
    """Runtime reserve per GPU (Ollama: 457 MiB CUDA/ROCm, 512 MiB Metal) plus the compute buffer
    on each device."""
    compute = fp.compute_buffer_bytes(tokens)
    if hw.gpu is None:
        return compute
    reserve = METAL_RESERVE_BYTES if hw.unified_memory else CUDA_RESERVE_BYTES
    result: Floats = compute * hw.gpu.count + reserve * hw.gpu.count
    return result


def with_options(hw: HardwareProfile, options: RunOptions) -> HardwareProfile:
    """The profile with a raised unified-memory GPU share, when the options ask for one."""
    if options.unified_gpu_share is not None and hw.unified_memory:
        return hw.model_copy(update={"usable_gpu_share": options.unified_gpu_share})
    return hw


def size_columns(fp: FootprintColumns, hw: HardwareProfile, weights: Floats, context: int,
                 kv_cache_bytes: float, settings: EstimateSettings, concurrency: int = 1,
                 options: RunOptions = _DEFAULT_OPTIONS, expert_bytes: Floats | None = None) -> SizedColumns:
    """Placement, memory and decode speed of every row at the given weight sizes (+inf weights, the
    padding of a short candidate list, never fit). `expert_bytes`: bytes of the routed experts per
    row (default: the parameter share of the weights)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _size_columns(fp, with_options(hw, options), weights, context, kv_cache_bytes, settings,
                             concurrency, options, expert_bytes)


def _size_columns(fp: FootprintColumns, hw: HardwareProfile, weights: Floats, context: int,
                  kv_cache_bytes: float, settings: EstimateSettings, concurrency: int,
                  options: RunOptions, expert_bytes: Floats | None) -> SizedColumns:
    dev = device(hw, options.backend, options.host_sampling)
    n = len(weights)
    layers = fp.layers.astype(np.float64)
    kv = fp.kv_bytes(context, kv_cache_bytes, concurrency)
    kv_seq = fp.kv_bytes(max(1, context // 2), kv_cache_bytes, 1)
    overhead = overhead_bytes(fp, hw, context)
    experts = np.minimum(weights * fp.expert_share if expert_bytes is None else expert_bytes, weights)
    experts = np.where(np.isfinite(weights), experts, 0.0)
    dense = weights - experts
    zeros = np.zeros(n)
    no = np.zeros(n, dtype=np.bool_)
    placement = np.full(n, NO_FIT, dtype=np.int64)
    on_gpu = no
    if hw.gpu is not None and dev.backend != "cpu":
        placement, split, gpu_layers, on_gpu = _place_gpu(
            dev, fp, hw, settings, options, weights, experts, kv, kv_seq, overhead, concurrency, context)
        available = hw.gpu_memory_gb * GB
    else:
        ram = (hw.ram_gb or 0.0) * GB
        usable = ram - OS_RESERVE_GB * GB
        if ram:
            placement[weights + kv + overhead <= usable * (1 - settings.headroom_share)] = CPU
        split = Split(zeros, layers, zeros, dense, zeros, experts, zeros, no, zeros)
        gpu_layers = zeros
        available = ram
    unknown = placement == NO_FIT
    if dev.cpu_bandwidth is None:  # bytes in RAM at an unknown bandwidth: no speed
        unknown = unknown | ((split.cpu_dense + split.cpu_experts) > 0)
    if split.gpu_dense.any() and dev.gpu_bandwidth is None:
        unknown = unknown | (split.gpu_dense > 0)
    regime = np.where(placement == CPU, 2, np.where(placement == OFFLOAD, 1, 0))
    decode = spread(1.0 / step_time(dev, fp, split, kv_seq, 1, context), regime, fp.moe, unknown,
                    dev.device_class)
    aggregate = None
    if concurrency > 1:
        t = step_time(dev, fp, split, kv_seq, concurrency, context)
        decode = spread(1.0 / t, regime, fp.moe, unknown, dev.device_class)
        aggregate = spread(concurrency / t, regime, fp.moe, unknown, dev.device_class)
    cpu_moe = np.where(on_gpu, np.rint(split.cpu_expert_layers), 0).astype(np.int64)
    return SizedColumns(weights, kv, overhead, placement, gpu_layers.astype(np.int64), available, decode,
                        on_gpu, aggregate, cpu_moe)


def _place_gpu(dev: Device, fp: FootprintColumns, hw: HardwareProfile, settings: EstimateSettings,
               options: RunOptions, weights: Floats, experts: Floats, kv: Floats, kv_seq: Floats,
               overhead: Floats, concurrency: int, context: int) -> tuple[Ints, Split, Floats, Bools]:
    """GPU, layer split or experts in RAM, per row: placement code, byte split, GPU layers and
    whether the routed experts live in RAM."""
    n = len(weights)
    layers = fp.layers.astype(np.float64)
    dense = weights - experts
    zeros, ones = np.zeros(n), np.ones(n)
    no = np.zeros(n, dtype=np.bool_)
    placement = np.full(n, NO_FIT, dtype=np.int64)
    gpu_cap = hw.gpu_memory_gb * GB * (1 - settings.headroom_share)
    ram_free = max(0.0, (hw.cpu_memory_gb - OS_RESERVE_GB) * GB) if hw.cpu_memory_gb else 0.0
    # On a unified pool the layers the GPU's share cannot hold run on the CPU from the rest of the
    # same memory (llama.cpp -ngl N on a Mac or a Ryzen AI Max), read at the CPU's bandwidth.
    can_offload = ram_free > 0
    # llama.cpp always keeps the input embedding in host memory ("there is very little benefit to
    # offloading the input layer", src/llama-model.cpp load_tensors); a tied one is the output.
    on_card = weights * (1 - fp.host_share)
    fits = on_card + kv + overhead <= gpu_cap
    # Layer split: llama.cpp keeps each layer's KV cache beside its weights.
    per_layer = (on_card + kv) / layers
    room = gpu_cap - overhead
    if options.gpu_layers is not None:
        n_gpu = np.minimum(float(options.gpu_layers), layers)
        forced_fit = (n_gpu * per_layer + overhead <= gpu_cap)
        fits = fits & (n_gpu >= layers)
    else:
        n_gpu = np.where(room > 0, np.clip(np.nan_to_num(np.floor_divide(room, per_layer)), 0,
                                           layers - 1), 0.0)
        forced_fit = ones.astype(np.bool_)
    cpu_bytes = (on_card + kv) - n_gpu * per_layer
    layer_ok = ~fits & forced_fit & (cpu_bytes <= ram_free) & (n_gpu > 0) & can_offload
    share = n_gpu / layers
    split_layers = Split(n_gpu, layers - n_gpu, dense * share, dense * (1 - share), experts * share,
                          experts * (1 - share), share, no, zeros)
    moe_rows = fp.moe & (experts > 0)
    split_experts, expert_ok = _expert_split(fp, options, weights, experts, kv + overhead, gpu_cap, ram_free)
    expert_ok = expert_ok & can_offload
    if options.experts_on_cpu is False:
        expert_ok = no
    if options.experts_on_cpu or options.cpu_moe_layers is not None:
        use_experts = expert_ok
        layer_ok = layer_ok & ~moe_rows
        fits = fits & ~moe_rows
    else:
        use_experts = ~fits & expert_ok
        both = use_experts & layer_ok
        if both.any():  # both plans run: keep the faster (timed only where there is a choice)
            idx = np.flatnonzero(both)
            sub = fp.take(idx)
            t_layers = step_time(dev, sub, take_split(split_layers, idx), kv_seq[idx], concurrency, context)
            t_experts = step_time(dev, sub, take_split(split_experts, idx), kv_seq[idx], concurrency, context)
            use_experts[idx] = t_experts <= t_layers
    placement[fits] = GPU
    placement[~fits & layer_ok & ~use_experts] = OFFLOAD
    placement[use_experts] = OFFLOAD
    full = Split(layers, zeros, dense, zeros, experts, zeros, ones, no, zeros)
    split = pick_split(placement == GPU, full, pick_split(use_experts, split_experts, split_layers))
    gpu_layers = np.where(placement == GPU, layers, np.where(use_experts, layers, n_gpu))
    return placement, split, gpu_layers, use_experts


def _expert_split(fp: FootprintColumns, options: RunOptions, weights: Floats, experts: Floats,
                  resident: Floats, gpu_cap: float, ram_free: float) -> tuple[Split, Bools]:
    """Experts in RAM: the dense part, KV cache and buffers (`resident`) on the GPU, the routed
    experts of the first N layers in RAM (llama.cpp --n-cpu-moe N) and those of the other layers in
    the GPU memory left. Returns the split and where it runs."""
    layers = fp.layers.astype(np.float64)
    zeros, ones = np.zeros(len(weights)), np.ones(len(weights))
    dense = weights - experts
    moe_rows = fp.moe & (experts > 0)
    spare = gpu_cap - (dense - weights * fp.host_share + resident)
    if options.experts_on_cpu:  # pinned: every layer's experts in RAM (-ot exps=CPU)
        cpu_moe = layers
    elif options.cpu_moe_layers is not None:  # pinned: the first N layers' (--n-cpu-moe N)
        cpu_moe = np.minimum(float(options.cpu_moe_layers), layers)
    else:
        per_layer = np.maximum(experts / layers, 1.0)
        cpu_moe = layers - np.floor(np.clip(np.nan_to_num(spare / per_layer), 0, layers - 1))
    in_ram = experts * cpu_moe / layers
    ok = (moe_rows & (spare >= 0) & (experts - in_ram <= spare) & (in_ram <= ram_free)
          & (options.gpu_layers is None))
    return Split(layers, zeros, dense, zeros, experts - in_ram, in_ram, ones, moe_rows, cpu_moe), ok


def prefill_tokens_per_s(fp: FootprintColumns, hw: HardwareProfile) -> Triple | None:
    """Prompt tokens/s (compute-bound: 2 FLOPs per active parameter) at PREFILL_EFFICIENCY of peak;
    None when the hardware's FP16 throughput is unknown."""
    tflops = hw.gpu.fp16_tflops * hw.gpu.count if hw.gpu and hw.gpu.fp16_tflops else hw.cpu_tflops
    if not tflops:
        return None
    with np.errstate(divide="ignore"):
        peak = tflops * 1e12 / (2.0 * fp.active_params)
    lo, mid, hi = PREFILL_EFFICIENCY
    return peak * lo, peak * mid, peak * hi


def time_to_first_token(fp: FootprintColumns, hw: HardwareProfile, settings: EstimateSettings) -> Floats:
    """Seconds to read the settings' prompt at the expected prefill speed, NaN where unknown."""
    prefill = prefill_tokens_per_s(fp, hw)
    if prefill is None:
        return np.full(len(fp.layers), np.nan)
    result: Floats = settings.prompt_tokens / prefill[1]
    return result


def choose(placement: Ints, valid: Bools) -> Ints:
    """Per row of a (models, k) candidate table (best quality first): the first candidate on the GPU,
    else the first that runs at all, else the last valid one."""
    on_gpu = (placement == GPU) & valid
    runs = (placement != NO_FIT) & valid
    last = np.maximum(valid.sum(axis=1) - 1, 0)
    result: Ints = np.where(on_gpu.any(axis=1), on_gpu.argmax(axis=1),
                            np.where(runs.any(axis=1), runs.argmax(axis=1), last))
    return result
