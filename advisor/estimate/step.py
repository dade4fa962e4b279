"""Time per decode step: the fixed, memory and compute parts of physics.py over arrays of rows, for
a given split of each row's bytes between GPU and CPU; and the low-high range around it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from advisor.arrays import Bools, Floats, Ints
from advisor.estimate import physics
from advisor.estimate.footprints import FootprintColumns, Triple
from advisor.estimate.physics import KERNELS_PER_DENSE_LAYER, KERNELS_PER_MOE_LAYER_EXTRA, Device


@dataclass(frozen=True)
class Split:
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


def take_split(split: Split, idx: Ints) -> Split:
    return Split(*(getattr(split, f)[idx] for f in Split.__dataclass_fields__))


def pick_split(mask: Bools, a: Split, b: Split) -> Split:
    return Split(*(np.where(mask, getattr(a, f), getattr(b, f)) for f in Split.__dataclass_fields__))


def step_time(dev: Device, fp: FootprintColumns, split: Split, kv_seq: Floats, streams: int,
               context: int) -> Floats:
    """Seconds for one decode step of `streams` sequences: fixed + memory + compute parts.
    `kv_seq`: one sequence's KV cache filled so far (half the context on average over an answer)."""
    # The recurrent state of linear-attention layers is read and written back every token.
    kv_read = (kv_seq + fp.linear_state) * streams
    # Distinct experts the step touches: E (1 - (1 - k/E)^N) of E for N tokens, uniform routing.
    touched = 1.0 - (1.0 - fp.route_fraction) ** streams
    kernels = (KERNELS_PER_DENSE_LAYER
               + (KERNELS_PER_MOE_LAYER_EXTRA + physics.KERNELS_PER_SHARED_FFN * fp.shared_ffn) * fp.moe
               + physics.KERNELS_PER_LINEAR_LAYER_EXTRA * fp.linear_share)
    fixed = split.gpu_layers * kernels * dev.gpu_kernel_s + split.cpu_layers * kernels * dev.cpu_kernel_s
    # llama.cpp's server and Ollama sample every sequence on the host; vLLM and mlx-lm sample on the
    # GPU, and llama-bench samples nothing (physics.SAMPLING_NS_PER_VOCAB).
    if dev.host_sampling:
        fixed = fixed + streams * fp.vocab * physics.SAMPLING_NS_PER_VOCAB * 1e-9
    # Experts in RAM: three mul_mat_id per such layer on the CPU, and the hand-over both ways.
    fixed = fixed + np.where(split.experts_on_cpu, split.cpu_expert_layers * (3 * dev.cpu_kernel_s
                                                                              + 2 * dev.gpu_kernel_s), 0.0)
    dense_share = dense_read_share(fp)
    # One token reads its experts as small matvecs (MOE_EXPERT_EFFICIENCY); several tokens group
    # their rows per expert (mul_mat_id's batched path), which streams each touched expert like a
    # dense matrix.
    gpu_expert_eff = expert_efficiency(fp, split) if streams == 1 else 1.0
    cpu_expert_eff = physics.CPU_EXPERT_EFFICIENCY if streams == 1 else 1.0
    mem = 0.0 * kv_read
    if dev.gpu_bandwidth:
        # The weights stream through the runtime's kernel for their format (fp.kernel_share: vLLM's
        # FP8 and Marlin W4A16 paths against its BF16 GEMV); the KV cache through attention.
        weight_bw = dev.gpu_bandwidth * fp.kernel_share
        mem = mem + split.gpu_dense * dense_share / weight_bw
        mem = mem + kv_read * split.gpu_kv_share / dev.gpu_bandwidth
        mem = mem + split.gpu_experts * touched / (weight_bw * gpu_expert_eff)
    if dev.cpu_bandwidth:
        # Each CPU matvec is bound by the RAM's bytes or by its threads' weights (CPU_CORE_GWEIGHTS):
        # dense and expert weights at their own bytes per weight, the KV cache at 2 bytes (F16). The
        # bytes are read once a step; the dot products are taken once per sequence (a CPU has no
        # matrix unit: its batched path runs the same block dot products for every column).
        dense_bpw, expert_bpw = bytes_per_weight(fp, split)
        dense_read = split.cpu_dense * dense_share
        mem = mem + cpu_read_time(dev, dense_read, dense_read * streams / dense_bpw)
        kv_cpu = kv_read * (1 - split.gpu_kv_share)
        mem = mem + cpu_read_time(dev, kv_cpu, kv_cpu / 2.0)
        expert_weights = split.cpu_experts * fp.route_fraction * streams / expert_bpw
        mem = mem + cpu_read_time(dev, split.cpu_experts * touched, expert_weights) / cpu_expert_eff
    flops = streams * (2.0 * fp.active_params + fp.attn_flops * max(1, context // 2))
    compute = 0.0 * mem
    gpu_share = split.gpu_layers / np.maximum(split.gpu_layers + split.cpu_layers, 1.0)
    if dev.gpu_flops:
        compute = compute + flops * gpu_share / dev.gpu_flops
    if dev.cpu_flops:
        compute = compute + flops * (1 - gpu_share) / dev.cpu_flops
    result: Floats = fixed + mem + compute
    return result


def bytes_per_weight(fp: FootprintColumns, split: Split) -> tuple[Floats, Floats]:
    """Bytes per stored weight of each row's non-expert and routed-expert tensors (their mix's mean)."""
    dense_params = np.maximum(fp.total_params - fp.routed_params, 1.0)
    dense: Floats = (split.gpu_dense + split.cpu_dense) / dense_params
    experts: Floats = (split.gpu_experts + split.cpu_experts) / np.maximum(fp.routed_params, 1.0)
    return np.maximum(dense, 1e-3), np.maximum(experts, 1e-3)


def cpu_read_time(dev: Device, read_bytes: Floats, weights: Floats) -> Floats:
    """Seconds for the CPU to read `read_bytes` and take `weights` dot-product weights through its
    matvecs: the RAM's bandwidth or its threads' weight rate, whichever binds
    (physics.CPU_CORE_GWEIGHTS)."""
    assert dev.cpu_bandwidth
    by_bytes: Floats = read_bytes / dev.cpu_bandwidth
    if dev.cpu_weight_rate is None:
        return by_bytes
    result: Floats = np.maximum(by_bytes, weights / dev.cpu_weight_rate)
    return result


def expert_efficiency(fp: FootprintColumns, split: Split) -> Floats:
    """Bandwidth share of routed-expert matvecs on a GPU at batch 1: MOE_EXPERT_EFFICIENCY for the
    gather, and each row's fixed cost EXPERT_ROW_BYTES against the row's bytes (physics.py)."""
    bytes_per_param = (split.gpu_experts + split.cpu_experts) / np.maximum(fp.routed_params, 1.0)
    row_cost = physics.EXPERT_ROW_BYTES * fp.expert_rows_per_param / np.maximum(bytes_per_param, 1e-3)
    result: Floats = physics.MOE_EXPERT_EFFICIENCY / (1.0 + np.where(fp.routed_params > 0, row_cost, 0.0))
    return result


def dense_read_share(fp: FootprintColumns) -> Floats:
    """Share of the non-expert bytes read per token: all of them but the embedding lookups (the
    read fraction net of the active experts, over the dense share)."""
    dense = 1.0 - fp.expert_share
    read = fp.read_fraction - fp.expert_share * fp.route_fraction
    result: Floats = np.clip(read / np.maximum(dense, 1e-9), 0.01, 1.0)
    return result


def spread(expected: Floats, regime: Ints, moe: Bools, unknown: Bools, device_class: str) -> Triple:
    """Low / expected / high tokens/s: the expected figure times the measured spread of its regime
    (dense or MoE x the device class, expert or layer offload, or CPU only: physics.SPREAD)."""
    where = np.array([device_class, "offload", "cpu"])[regime]
    keys = [f"{'moe' if m else 'dense'}/{w}" for m, w in zip(moe, where, strict=True)]
    lo = np.array([physics.spread_of(k)[0] for k in keys], dtype=np.float64)
    hi = np.array([physics.spread_of(k)[1] for k in keys], dtype=np.float64)
    exp = np.where(unknown | ~np.isfinite(expected), np.nan, expected)
    return exp * lo, exp, exp * hi
