"""The estimator: placement, memory and speed for many (model, weights) rows at once, on numpy arrays.

This is the only implementation of the physics. The ranking sizes every model of a catalog at
several quantizations in a few array operations; `core.estimate` (one model) is the one-row case.

Placement, per row: everything on the GPU(s); else, for an MoE model, the routed experts in system
RAM and the rest on the GPU (llama.cpp --n-cpu-moe / -ot exps=CPU) or layers split between GPU and
RAM, whichever is faster; else the CPU; else "does not fit". Time per token (physics.py):
fixed part (graph nodes x time per node) + memory part (bytes read / achievable bandwidth, routed
experts at a lower efficiency) + compute part (FLOPs / achievable FLOPS, where known). With N
sequences under continuous batching one step reads the weights once, each sequence's KV cache, the
union of the experts the N tokens route to, and does N tokens of FLOPs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from advisor.estimate import physics
from advisor.estimate.memory import CUDA_RESERVE_BYTES, GB, METAL_RESERVE_BYTES, N_UBATCH, Footprint
from advisor.estimate.physics import (
    KERNELS_PER_DENSE_LAYER,
    KERNELS_PER_MOE_LAYER_EXTRA,
    PREFILL_EFFICIENCY,
    SPREAD,
    Device,
    device,
)
from advisor.estimate.result import EstimateSettings, RunOptions
from advisor.hardware.profile import HardwareProfile

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

GPU, OFFLOAD, CPU, NO_FIT = 0, 1, 2, 3
PLACEMENTS = ("gpu", "gpu+cpu", "cpu", "does_not_fit")
"""Placement codes in the arrays, and their names in `Estimate.placement`."""
OS_RESERVE_GB = 2.0
"""System RAM kept free for the operating system and other programs when offloading to RAM."""
_DEFAULT_OPTIONS = RunOptions()


@dataclass(frozen=True)
class FootprintColumns:
    """`Footprint` fields of n models as arrays (zeros where a model has no footprint)."""

    layers: Ints
    full_kv: Floats  # full-attention layers x K+V (or MLA latent) elements per token
    sliding_kv: Floats  # sliding-window layers x K+V elements per token (floats: no int64 overflow)
    window: Ints
    linear_state: Floats  # linear-attention layers x state bytes per sequence
    linear_share: Floats  # linear-attention (recurrent) layers / all layers
    vocab: Ints
    hidden: Ints
    read_fraction: Floats
    active_params: Floats
    moe: Bools
    expert_share: Floats  # routed-expert parameters / all parameters (0 dense)
    route_fraction: Floats  # routed experts used per token / routed experts (1 dense)
    attn_flops: Floats  # FLOPs per token per context token: 4 x full layers x heads x head dim
    host_share: Floats  # untied input embedding / all parameters: llama.cpp keeps it in host RAM

    @classmethod
    def of(cls, footprints: Sequence[Footprint | None], moe: Sequence[bool]) -> FootprintColumns:
        """Columns for these footprints (None: the model cannot be estimated)."""
        def col(get: Callable[[Footprint], float]) -> Floats:
            return np.array([get(fp) if fp is not None else 0 for fp in footprints], dtype=np.float64)

        def icol(get: Callable[[Footprint], int]) -> Ints:
            return np.array([get(fp) if fp is not None else 0 for fp in footprints], dtype=np.int64)

        return cls(
            layers=np.maximum(icol(lambda f: f.layers), 1),  # 1 where no footprint
            full_kv=col(lambda f: f.full_layers * (f.mla_elems if f.mla else f.full_kv_elems)),
            sliding_kv=col(lambda f: f.sliding_layers * f.sliding_kv_elems),
            window=icol(lambda f: f.window),
            linear_state=col(lambda f: f.linear_layers * f.linear_state_bytes),
            linear_share=col(lambda f: f.linear_layers / f.layers if f.layers else 0.0),
            vocab=icol(lambda f: f.vocab),
            hidden=icol(lambda f: f.hidden),
            read_fraction=col(Footprint.read_fraction),
            active_params=col(lambda f: f.active_params),
            moe=np.array(moe, dtype=np.bool_),
            expert_share=col(lambda f: f.expert_param_share),
            route_fraction=col(lambda f: f.experts_active / f.experts_total
                               if f.routed_params and f.experts_total else 1.0),
            attn_flops=col(lambda f: 4.0 * f.full_layers * f.attn_width),
            host_share=col(lambda f: 0.0 if f.tied else f.embed_in / f.total_params),
        )

    def take(self, idx: Ints) -> FootprintColumns:
        """The columns of the models at `idx`."""
        return FootprintColumns(*(getattr(self, name)[idx] for name in self.__dataclass_fields__))

    def kv_bytes(self, tokens: int, kv_bytes_per_elem: float, sequences: int = 1) -> Floats:
        """KV cache bytes for `tokens` of context in each of `sequences` parallel sequences."""
        per_seq = 0.0 + self.full_kv * tokens * kv_bytes_per_elem
        per_seq = per_seq + self.sliding_kv * np.minimum(self.window, tokens) * kv_bytes_per_elem
        per_seq = per_seq + self.linear_state
        result: Floats = per_seq * sequences
        return result

    def compute_buffer_bytes(self, tokens: int) -> Floats:
        """llama.cpp's compute buffer for one ubatch: f32 logits (n_ubatch x vocab), the widest
        activations (n_ubatch x 4 x hidden x 4 B) and f16 attention scores (n_ubatch x tokens x 2 B)."""
        scores = N_UBATCH * min(tokens, 32768) * 2
        return (N_UBATCH * self.vocab * 4 + N_UBATCH * 4 * self.hidden * 4 + scores).astype(np.float64)


Triple = tuple[Floats, Floats, Floats]


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


@dataclass(frozen=True)
class _Split:
    """Where each row's bytes are read from per token."""

    gpu_layers: Floats  # layers whose dense part runs on the GPU
    cpu_layers: Floats
    gpu_dense: Floats
    cpu_dense: Floats
    gpu_experts: Floats  # routed-expert bytes stored on the GPU
    cpu_experts: Floats
    gpu_kv_share: Floats  # share of the KV cache on the GPU
    experts_on_cpu: Bools
    cpu_expert_layers: Floats  # layers whose routed experts run on the CPU (llama.cpp --n-cpu-moe N)


def _size_columns(fp: FootprintColumns, hw: HardwareProfile, weights: Floats, context: int,
                  kv_cache_bytes: float, settings: EstimateSettings, concurrency: int,
                  options: RunOptions, expert_bytes: Floats | None) -> SizedColumns:
    dev = device(hw, options.backend)
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
        split = _Split(zeros, layers, zeros, dense, zeros, experts, zeros, no, zeros)
        gpu_layers = zeros
        available = ram
    unknown = placement == NO_FIT
    if dev.cpu_bandwidth is None:  # bytes in RAM at an unknown bandwidth: no speed
        unknown = unknown | ((split.cpu_dense + split.cpu_experts) > 0)
    if split.gpu_dense.any() and dev.gpu_bandwidth is None:
        unknown = unknown | (split.gpu_dense > 0)
    regime = np.where(placement == CPU, 2, np.where(placement == OFFLOAD, 1, 0))
    decode = _spread(1.0 / _step_time(dev, fp, split, kv_seq, 1, context), regime, fp.moe, unknown)
    aggregate = None
    if concurrency > 1:
        t = _step_time(dev, fp, split, kv_seq, concurrency, context)
        decode = _spread(1.0 / t, regime, fp.moe, unknown)
        aggregate = _spread(concurrency / t, regime, fp.moe, unknown)
    cpu_moe = np.where(on_gpu, np.rint(split.cpu_expert_layers), 0).astype(np.int64)
    return SizedColumns(weights, kv, overhead, placement, gpu_layers.astype(np.int64), available, decode,
                        on_gpu, aggregate, cpu_moe)


def _place_gpu(dev: Device, fp: FootprintColumns, hw: HardwareProfile, settings: EstimateSettings,
               options: RunOptions, weights: Floats, experts: Floats, kv: Floats, kv_seq: Floats,
               overhead: Floats, concurrency: int, context: int) -> tuple[Ints, _Split, Floats, Bools]:
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
    split_layers = _Split(n_gpu, layers - n_gpu, dense * share, dense * (1 - share), experts * share,
                          experts * (1 - share), share, no, zeros)
    moe_rows = fp.moe & (experts > 0)
    split_experts, expert_ok = _expert_split(fp, options, weights, experts, kv + overhead, gpu_cap, ram_free)
    expert_ok = expert_ok & can_offload
    if options.experts_on_cpu is False:
        expert_ok = no
    if options.experts_on_cpu:
        use_experts = expert_ok
        layer_ok = layer_ok & ~moe_rows
        fits = fits & ~moe_rows
    else:
        use_experts = ~fits & expert_ok
        both = use_experts & layer_ok
        if both.any():  # both plans run: keep the faster (timed only where there is a choice)
            idx = np.flatnonzero(both)
            sub = fp.take(idx)
            t_layers = _step_time(dev, sub, _take(split_layers, idx), kv_seq[idx], concurrency, context)
            t_experts = _step_time(dev, sub, _take(split_experts, idx), kv_seq[idx], concurrency, context)
            use_experts[idx] = t_experts <= t_layers
    placement[fits] = GPU
    placement[~fits & layer_ok & ~use_experts] = OFFLOAD
    placement[use_experts] = OFFLOAD
    full = _Split(layers, zeros, dense, zeros, experts, zeros, ones, no, zeros)
    split = _pick(placement == GPU, full, _pick(use_experts, split_experts, split_layers))
    gpu_layers = np.where(placement == GPU, layers, np.where(use_experts, layers, n_gpu))
    return placement, split, gpu_layers, use_experts


def _expert_split(fp: FootprintColumns, options: RunOptions, weights: Floats, experts: Floats,
                  resident: Floats, gpu_cap: float, ram_free: float) -> tuple[_Split, Bools]:
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
    else:
        per_layer = np.maximum(experts / layers, 1.0)
        cpu_moe = layers - np.floor(np.clip(np.nan_to_num(spare / per_layer), 0, layers - 1))
    in_ram = experts * cpu_moe / layers
    ok = moe_rows & (spare >= 0) & (in_ram <= ram_free) & (options.gpu_layers is None)
    return _Split(layers, zeros, dense, zeros, experts - in_ram, in_ram, ones, moe_rows, cpu_moe), ok


def _take(split: _Split, idx: Ints) -> _Split:
    return _Split(*(getattr(split, f)[idx] for f in _Split.__dataclass_fields__))


def _pick(mask: Bools, a: _Split, b: _Split) -> _Split:
    return _Split(*(np.where(mask, getattr(a, f), getattr(b, f)) for f in _Split.__dataclass_fields__))


def _step_time(dev: Device, fp: FootprintColumns, split: _Split, kv_seq: Floats, streams: int,
               context: int) -> Floats:
    """Seconds for one decode step of `streams` sequences: fixed + memory + compute parts.
    `kv_seq`: one sequence's KV cache filled so far (half the context on average over an answer)."""
    # The recurrent state of linear-attention layers is read and written back every token.
    kv_read = (kv_seq + fp.linear_state) * streams
    # Distinct experts the step touches: E (1 - (1 - k/E)^N) of E for N tokens, uniform routing.
    touched = 1.0 - (1.0 - fp.route_fraction) ** streams
    kernels = (KERNELS_PER_DENSE_LAYER + KERNELS_PER_MOE_LAYER_EXTRA * fp.moe
               + physics.KERNELS_PER_LINEAR_LAYER_EXTRA * fp.linear_share)
    fixed = split.gpu_layers * kernels * dev.gpu_kernel_s + split.cpu_layers * kernels * dev.cpu_kernel_s
    # llama.cpp samples every sequence on the host; vLLM samples the whole batch on the GPU
    # (vllm/v1/sample/sampler.py), which costs no host time per vocabulary entry.
    if dev.backend != "vllm":
        fixed = fixed + streams * fp.vocab * physics.SAMPLING_NS_PER_VOCAB * 1e-9
    # Experts in RAM: three mul_mat_id per such layer on the CPU, and the hand-over both ways.
    fixed = fixed + np.where(split.experts_on_cpu, split.cpu_expert_layers * (3 * dev.cpu_kernel_s
                                                                              + 2 * dev.gpu_kernel_s), 0.0)
    dense_share = _dense_read_share(fp)
    # One token reads its experts as small matvecs (MOE_EXPERT_EFFICIENCY); several tokens group
    # their rows per expert (mul_mat_id's batched path), which streams each touched expert like a
    # dense matrix.
    expert_eff = physics.MOE_EXPERT_EFFICIENCY if streams == 1 else 1.0
    mem = 0.0 * kv_read
    if dev.gpu_bandwidth:
        mem = mem + (split.gpu_dense * dense_share + kv_read * split.gpu_kv_share) / dev.gpu_bandwidth
        mem = mem + split.gpu_experts * touched / (dev.gpu_bandwidth * expert_eff)
    if dev.cpu_bandwidth:
        mem = mem + (split.cpu_dense * dense_share + kv_read * (1 - split.gpu_kv_share)) / dev.cpu_bandwidth
        mem = mem + split.cpu_experts * touched / (dev.cpu_bandwidth * expert_eff)
    flops = streams * (2.0 * fp.active_params + fp.attn_flops * max(1, context // 2))
    compute = 0.0 * mem
    gpu_share = split.gpu_layers / np.maximum(split.gpu_layers + split.cpu_layers, 1.0)
    if dev.gpu_flops:
        compute = compute + flops * gpu_share / dev.gpu_flops
    if dev.cpu_flops:
        compute = compute + flops * (1 - gpu_share) / dev.cpu_flops
    result: Floats = fixed + mem + compute
    return result


def _dense_read_share(fp: FootprintColumns) -> Floats:
    """Share of the non-expert bytes read per token: all of them but the embedding lookups (the
    read fraction net of the active experts, over the dense share)."""
    dense = 1.0 - fp.expert_share
    read = fp.read_fraction - fp.expert_share * fp.route_fraction
    result: Floats = np.clip(read / np.maximum(dense, 1e-9), 0.01, 1.0)
    return result


def _spread(expected: Floats, regime: Ints, moe: Bools, unknown: Bools) -> Triple:
    """Low / expected / high tokens/s: the expected figure times the measured spread of its regime."""
    names = ("gpu", "offload", "cpu")
    lo = np.array([SPREAD[k][0] for k in names])[regime]
    hi = np.array([SPREAD[k][1] for k in names])[regime]
    lo = np.where(moe, np.minimum(lo, SPREAD["moe"][0]), lo)
    hi = np.where(moe, np.maximum(hi, SPREAD["moe"][1]), hi)
    exp = np.where(unknown | ~np.isfinite(expected), np.nan, expected)
    return exp * lo, exp, exp * hi


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
