"""The estimator over many models at once: the arithmetic of `core.size`, on numpy arrays.

The recommender sizes every model of a catalog at several quantizations for every ranking; doing it
one model at a time in Python costs about 100 us a model. Here the per-model constants (`Footprint`)
are columns, built once per catalog, and placement, memory and decode speed are computed for all
models in a few array operations. The formulas are those of `core._place` and `core._decode`, in the
same order of operations; tests/estimate/test_batch.py checks that both give the same figures for
every bundled model, hardware preset, quantization and context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from advisor.estimate.core import DECODE_EFFICIENCY, MOE_DECODE_FACTOR, OS_RESERVE_GB, PREFILL_EFFICIENCY
from advisor.estimate.memory import CUDA_RESERVE_BYTES, GB, METAL_RESERVE_BYTES, N_UBATCH, Footprint
from advisor.estimate.result import EstimateSettings
from advisor.hardware.profile import HardwareProfile

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

GPU, OFFLOAD, CPU, NO_FIT = 0, 1, 2, 3
PLACEMENTS = ("gpu", "gpu+cpu", "cpu", "does_not_fit")
"""Placement codes in the arrays, and their names in `Sized.placement`."""


@dataclass(frozen=True)
class FootprintColumns:
    """`Footprint` fields of n models as arrays (zeros where a model has no footprint)."""

    layers: Ints
    full_kv: Floats  # full-attention layers x K+V (or MLA latent) elements per token
    sliding_kv: Floats  # sliding-window layers x K+V elements per token (floats: no int64 overflow)
    window: Ints
    linear_state: Floats  # linear-attention layers x state bytes per sequence
    vocab: Ints
    hidden: Ints
    read_fraction: Floats
    active_params: Floats
    moe: Bools

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
            vocab=icol(lambda f: f.vocab),
            hidden=icol(lambda f: f.hidden),
            read_fraction=col(Footprint.read_fraction),
            active_params=col(lambda f: f.active_params),
            moe=np.array(moe, dtype=np.bool_),
        )

    def take(self, idx: Ints) -> FootprintColumns:
        """The columns of the models at `idx`."""
        return FootprintColumns(*(getattr(self, name)[idx] for name in self.__dataclass_fields__))

    def kv_bytes(self, tokens: int, kv_bytes_per_elem: float, sequences: int = 1) -> Floats:
        """`Footprint.kv_bytes` for every model."""
        per_seq = 0.0 + self.full_kv * tokens * kv_bytes_per_elem
        per_seq = per_seq + self.sliding_kv * np.minimum(self.window, tokens) * kv_bytes_per_elem
        per_seq = per_seq + self.linear_state
        result: Floats = per_seq * sequences
        return result

    def compute_buffer_bytes(self, tokens: int) -> Floats:
        """`Footprint.compute_buffer_bytes` for every model."""
        scores = N_UBATCH * min(tokens, 32768) * 2
        return (N_UBATCH * self.vocab * 4 + N_UBATCH * 4 * self.hidden * 4 + scores).astype(np.float64)


@dataclass(frozen=True)
class SizedColumns:
    """`Sized` figures for n (model, weights) pairs: bytes, placement code, layers, tokens/s."""

    weights: Floats
    kv: Floats
    overhead: Floats
    placement: Ints
    gpu_layers: Ints
    available: float
    decode: tuple[Floats, Floats, Floats]  # low, expected, high; NaN where unknown or no fit
    total: Floats = field(init=False)  # weights + KV cache + overhead, in bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", self.weights + self.kv + self.overhead)

    def take(self, idx: Ints) -> SizedColumns:
        """The figures at `idx`."""
        return SizedColumns(self.weights[idx], self.kv[idx], self.overhead[idx], self.placement[idx],
                            self.gpu_layers[idx], self.available,
                            (self.decode[0][idx], self.decode[1][idx], self.decode[2][idx]))


def overhead_bytes(fp: FootprintColumns, hw: HardwareProfile, tokens: int) -> Floats:
    """`core._overhead` for every model."""
    compute = fp.compute_buffer_bytes(tokens)
    if hw.gpu is None:
        return compute
    reserve = METAL_RESERVE_BYTES if hw.unified_memory else CUDA_RESERVE_BYTES
    result: Floats = compute * hw.gpu.count + reserve * hw.gpu.count
    return result


def size_columns(fp: FootprintColumns, hw: HardwareProfile, weights: Floats, context: int,
                 kv_cache_bytes: float, settings: EstimateSettings, concurrency: int = 1) -> SizedColumns:
    """`core.size` for every model at the given weight sizes (one quantization per model; +inf
    weights, the padding of a short candidate list, never fit)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _size_columns(fp, hw, weights, context, kv_cache_bytes, settings, concurrency)


def _size_columns(fp: FootprintColumns, hw: HardwareProfile, weights: Floats, context: int,
                  kv_cache_bytes: float, settings: EstimateSettings, concurrency: int) -> SizedColumns:
    kv = fp.kv_bytes(context, kv_cache_bytes, concurrency)
    overhead = overhead_bytes(fp, hw, context)
    read = weights * fp.read_fraction
    n = len(weights)
    placement = np.full(n, NO_FIT, dtype=np.int64)
    gpu_layers = np.zeros(n, dtype=np.int64)
    gpu_read = np.zeros(n)
    cpu_read = np.zeros(n)
    if hw.gpu is not None:
        gpu_cap = hw.gpu_memory_gb * GB * (1 - settings.headroom_share)
        fits = weights + kv + overhead <= gpu_cap
        ram_free = (hw.cpu_memory_gb - OS_RESERVE_GB) * GB if hw.cpu_memory_gb else 0.0
        per_layer = (weights + kv) / fp.layers
        room = gpu_cap - overhead
        layers_fit = np.floor_divide(room, per_layer)
        partial = np.where(room > 0, np.clip(np.nan_to_num(layers_fit), 0, fp.layers - 1), 0)
        partial = partial.astype(np.int64)
        cpu_bytes = (weights + kv) - partial * per_layer
        offload = ~fits & (cpu_bytes <= ram_free) & (partial > 0)
        if hw.unified_memory or ram_free <= 0:
            offload[:] = False
        placement[fits] = GPU
        placement[offload] = OFFLOAD
        gpu_layers = np.where(fits, fp.layers, partial)
        share = partial / fp.layers
        gpu_read = np.where(offload, read * share, read)
        cpu_read = np.where(offload, read * (1 - share), 0.0)
        available = hw.gpu_memory_gb * GB
    else:
        ram = (hw.ram_gb or 0.0) * GB
        usable = ram - OS_RESERVE_GB * GB
        if ram:
            placement[weights + kv + overhead <= usable * (1 - settings.headroom_share)] = CPU
        cpu_read = read
        available = ram
    kv_read = fp.kv_bytes(max(1, context // 2), kv_cache_bytes, 1)
    decode = _decode(placement, gpu_read, cpu_read, kv_read, fp.moe, hw)
    return SizedColumns(weights, kv, overhead, placement, gpu_layers, available, decode)


def _decode(placement: Ints, gpu_read: Floats, cpu_read: Floats, kv_read: Floats, moe: Bools,
            hw: HardwareProfile) -> tuple[Floats, Floats, Floats]:
    """`core._decode` for every model: tokens/s low/expected/high, NaN where there is none."""
    gpu_bw = hw.gpu.bandwidth_gbs * GB if hw.gpu else None
    cpu_bw = hw.ram_bandwidth_gbs * GB if hw.ram_bandwidth_gbs else None
    total_read = gpu_read + cpu_read
    with np.errstate(divide="ignore", invalid="ignore"):
        gpu_kv = kv_read * np.where(total_read != 0, gpu_read / total_read, 0.0)
    cpu_kv = kv_read - gpu_kv
    kind = "unified" if hw.unified_memory else ("gpu" if hw.gpu else "cpu")
    unknown = placement == NO_FIT
    if cpu_bw is None:  # layers in RAM at an unknown bandwidth: no speed (core._decode's note says so)
        unknown = unknown | (cpu_read != 0)
    out: list[Floats] = []
    for i in range(3):
        t = np.zeros(len(placement))
        if gpu_bw:
            t = t + np.where(gpu_read != 0, (gpu_read + gpu_kv) / (gpu_bw * DECODE_EFFICIENCY[kind][i]), 0.0)
        if cpu_bw:
            t = t + np.where(cpu_read != 0, (cpu_read + cpu_kv) / (cpu_bw * DECODE_EFFICIENCY["cpu"][i]),
                             0.0)
        with np.errstate(divide="ignore"):
            speed = np.where(t > 0, 1.0 / t, 0.0)
        speed = np.where(moe, speed * MOE_DECODE_FACTOR[i], speed)
        out.append(np.where(unknown, np.nan, speed))
    return out[0], out[1], out[2]


def time_to_first_token(fp: FootprintColumns, hw: HardwareProfile, settings: EstimateSettings) -> Floats:
    """`core._prefill` turned into seconds for the settings' prompt, NaN where it cannot be known."""
    tflops = hw.gpu.fp16_tflops * hw.gpu.count if hw.gpu and hw.gpu.fp16_tflops else hw.cpu_tflops
    if not tflops:
        return np.full(len(fp.layers), np.nan)
    per_token = 2.0 * fp.active_params
    with np.errstate(divide="ignore"):
        peak = tflops * 1e12 / per_token
    expected = peak * PREFILL_EFFICIENCY[1]
    result: Floats = settings.prompt_tokens / expected
    return result
