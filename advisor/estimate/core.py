"""Will it run, and how fast, for one model: the one-row case of the array estimator (`batch.py`).

`size` evaluates one (model, quantization) row; `best_size` evaluates every candidate quantization
as rows of one call and picks the first that runs on the GPU, else the first that runs at all;
`finish` turns the figures into an `Estimate` with its assumptions in words and, when it does not
fit, the changes that would make it fit (`fits_if`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from advisor.catalog.quant import GGUF_LADDER, KV_TYPES, MIXES, normalise
from advisor.catalog.schema import Model
from advisor.estimate.batch import (
    NO_FIT,
    OS_RESERVE_GB,
    PLACEMENTS,
    choose,
    prefill_tokens_per_s,
    size_columns,
)
from advisor.estimate.footprints import FootprintColumns
from advisor.estimate.memory import CUDA_RESERVE_BYTES, GB, EstimateError, footprint, weights_bytes
from advisor.estimate.physics import BACKENDS, device, format_share
from advisor.estimate.result import Estimate, EstimateSettings, Range, RunOptions
from advisor.hardware.profile import HardwareProfile

_DEFAULT_SETTINGS = EstimateSettings()
_DEFAULT_OPTIONS = RunOptions()
__all__ = ["OS_RESERVE_GB", "Sized", "best_quant", "best_size", "candidate_quants", "estimate", "finish",
           "memory_needed_gb", "size"]

RUNTIME_OF = {"mlx": "mlx", "vllm": "vllm"}
"""Runtime per backend; every other backend is llama.cpp (Ollama and LM Studio embed it)."""


@dataclass(frozen=True, slots=True)
class Sized:
    """One row of the array estimator in plain numbers; `finish` makes the full Estimate."""

    model: Model
    hardware: HardwareProfile
    quantization: str
    context: int
    kv_cache_type: str
    concurrency: int
    weights: float  # bytes
    from_artifact: bool
    kv: float
    overhead: float
    placement: str  # gpu, gpu+cpu, cpu or does_not_fit
    gpu_layers: int
    available: float  # bytes the placement draws on
    decode: tuple[float, float, float] | None
    aggregate: tuple[float, float, float] | None
    experts_on_cpu: bool
    note: str
    moe: bool
    layers: int
    options: RunOptions
    backend: str
    cpu_moe_layers: int = 0  # with experts_on_cpu: layers whose routed experts are in RAM

    @property
    def total_gb(self) -> float:
        """Weights + KV cache + overhead in GB."""
        return (self.weights + self.kv + self.overhead) / GB

    @property
    def available_gb(self) -> float:
        """Memory the placement draws on (GPU memory, or RAM for CPU-only) in GB."""
        return self.available / GB


def _columns(model: Model) -> FootprintColumns:
    arch = model.architecture
    return FootprintColumns.of([footprint(model)], [arch is not None and arch.is_moe])


def _triple(t: tuple[np.ndarray, np.ndarray, np.ndarray] | None, i: int) -> tuple[float, float, float] | None:
    if t is None or math.isnan(float(t[1][i])):
        return None
    return float(t[0][i]), float(t[1][i]), float(t[2][i])


def _rows(model: Model, hw: HardwareProfile, quants: list[str], context: int, kv_cache: str,
          concurrency: int, settings: EstimateSettings, options: RunOptions) -> list[Sized]:
    """Every quantization of `quants` as one row of one array call."""
    if kv_cache not in KV_TYPES:
        raise EstimateError(f"unknown KV cache type '{kv_cache}'; use f16, q8_0 or q4_0")
    if options.backend is not None and options.backend not in BACKENDS:
        raise EstimateError(f"unknown backend '{options.backend}'; use {', '.join(BACKENDS)}")
    fp = footprint(model)
    sizes = [weights_bytes(model, q) for q in quants]
    weights = np.array([w for w, _ in sizes])
    experts = np.array([min(w, fp.expert_bytes(MIXES[q])) if fp.routed_params else 0.0
                        for q, (w, _) in zip(quants, sizes, strict=True)])
    cols = _columns(model).take(np.zeros(len(quants), dtype=np.int64))
    if device(hw, options.backend).backend == "vllm":  # vLLM's kernel per weight format (physics.py)
        cols = replace(cols, kernel_share=np.array([format_share(MIXES[q].family) for q in quants]))
    out = size_columns(cols, hw, weights, context, KV_TYPES[kv_cache], settings, concurrency, options,
                       experts)
    dev = device(hw, options.backend, options.host_sampling)
    note = ""
    if out.placement[0] != NO_FIT and math.isnan(float(out.decode[1][0])):
        note = "RAM bandwidth unknown: no speed estimate (give --ram-bandwidth-gbs)."
    moe = bool(cols.moe[0])
    return [Sized(model, hw, q, context, kv_cache, concurrency, float(out.weights[i]), sizes[i][1],
                  float(out.kv[i]), float(out.overhead[i]), PLACEMENTS[int(out.placement[i])],
                  int(out.gpu_layers[i]), out.available, _triple(out.decode, i), _triple(out.aggregate, i),
                  bool(out.experts_on_cpu[i]), note, moe, fp.layers, options, dev.backend,
                  int(out.cpu_moe_layers[i]))
            for i, q in enumerate(quants)]


def size(model: Model, hw: HardwareProfile, q: str, context: int, kv_cache: str = "f16",
         concurrency: int = 1, settings: EstimateSettings | None = None,
         options: RunOptions | None = None) -> Sized:
    """Memory, placement and decode speed of one quantization in plain numbers."""
    return _rows(model, hw, [q], context, kv_cache, concurrency, settings or _DEFAULT_SETTINGS,
                 options or _DEFAULT_OPTIONS)[0]


def candidate_quants(model: Model, backend: str | None = None) -> list[str]:
    """Quantizations worth trying, best quality first, for the runtime of `backend`: MLX 8/4-bit on
    MLX; BF16, FP8 and AWQ on vLLM; native low-bit releases, then the GGUF ladder, on llama.cpp.

    A model released in MXFP4 (gpt-oss) is not re-quantized along the GGUF ladder: llama.cpp keeps
    its MXFP4 expert tensors in every GGUF ("Q4_K_M" of gpt-oss-20b is 11.6 GB, barely smaller than
    MXFP4; shared/data/validation), so a 3-bit or 2-bit size computed from bits per weight would be
    fiction. It gets MXFP4 and the quantizations with a published file size."""
    if backend == "mlx":
        return ["MLX-8bit", "MLX-4bit"]
    if backend == "vllm":
        return ["BF16", "FP8", "AWQ-4bit"]
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


def best_size(model: Model, hardware: HardwareProfile, context: int = 8192, kv_cache: str = "f16",
              concurrency: int = 1, settings: EstimateSettings | None = None,
              options: RunOptions | None = None) -> Sized:
    """The highest-quality quantization that fits: fully on the GPU first, then with offload (layers
    or experts), then on the CPU. When nothing fits, the smallest quantization's figures."""
    options = options or _DEFAULT_OPTIONS
    quants = candidate_quants(model, options.backend)
    rows = _rows(model, hardware, quants, context, kv_cache, concurrency, settings or _DEFAULT_SETTINGS,
                 options)
    placement = np.array([[PLACEMENTS.index(r.placement) for r in rows]], dtype=np.int64)
    return rows[int(choose(placement, np.ones_like(placement, dtype=np.bool_))[0])]


def best_quant(model: Model, hardware: HardwareProfile, context: int = 8192, kv_cache: str = "f16",
               concurrency: int = 1, settings: EstimateSettings | None = None,
               options: RunOptions | None = None) -> Estimate:
    """`best_size` as a full Estimate."""
    return finish(best_size(model, hardware, context, kv_cache, concurrency, settings, options), settings)


def estimate(model: Model, hardware: HardwareProfile, quant: str | None = None, context: int = 8192,
             kv_cache: str = "f16", concurrency: int = 1, settings: EstimateSettings | None = None,
             options: RunOptions | None = None) -> Estimate:
    """Memory, placement and speed of `model` on `hardware` (best quantization when `quant` is None)."""
    settings = settings or _DEFAULT_SETTINGS
    if quant is None:
        return best_quant(model, hardware, context, kv_cache, concurrency, settings, options)
    try:
        q = normalise(quant)
    except KeyError as exc:
        raise EstimateError(f"unknown quantization '{quant}'; known: {', '.join(MIXES)}") from exc
    return finish(size(model, hardware, q, context, kv_cache, concurrency, settings, options), settings)


def _fits_if(sized: Sized, settings: EstimateSettings) -> tuple[dict[str, float | int | bool | str], ...]:
    """Single changes that make a does-not-fit case fit, cheapest to make first; on a unified pool
    also the raised GPU share that puts a partly CPU-run plan wholly on the GPU."""
    hw, opts = sized.hardware, sized.options
    spilled = hw.unified_memory and sized.placement == "gpu+cpu"
    if sized.placement != "does_not_fit" and not spilled:
        return ()
    found: list[dict[str, float | int | bool | str]] = []

    def runs(q: str, ctx: int, kv: str, o: RunOptions) -> bool:
        return size(sized.model, hw, q, ctx, kv, sized.concurrency, settings, o).placement != "does_not_fit"

    if hw.unified_memory and hw.gpu is not None:
        wanted = ("gpu",) if spilled else ("gpu", "gpu+cpu")
        for share in (0.85, 0.9, 0.95):
            raised = opts.model_copy(update={"unified_gpu_share": share})
            placed = size(sized.model, hw, sized.quantization, sized.context, sized.kv_cache_type,
                          sized.concurrency, settings, raised).placement
            if share > (hw.usable_gpu_share or 0.0) and placed in wanted:
                found.append({"unified_gpu_share": share})
                break
    if spilled:
        return tuple(found)
    if sized.moe and hw.gpu is not None and not opts.experts_on_cpu and runs(
            sized.quantization, sized.context, sized.kv_cache_type,
            opts.model_copy(update={"experts_on_cpu": True, "gpu_layers": None})):
        found.append({"experts_on_cpu": True})
    if sized.kv_cache_type == "f16" and runs(sized.quantization, sized.context, "q8_0", opts):
        found.append({"kv_cache": "q8_0"})
    ladder = candidate_quants(sized.model, opts.backend)
    if sized.quantization in ladder:
        for q in ladder[ladder.index(sized.quantization) + 1:]:
            if runs(q, sized.context, sized.kv_cache_type, opts):
                found.append({"quantization": q})
                break
    ctx = sized.context // 2
    while ctx >= 2048:
        if runs(sized.quantization, ctx, sized.kv_cache_type, opts):
            found.append({"context": ctx})
            break
        ctx //= 2
    return tuple(found)


def _assumptions(sized: Sized, has_prefill: bool) -> list[str]:
    """The estimate's assumptions in words."""
    fp = footprint(sized.model)
    hw, q = sized.hardware, sized.quantization
    fits = sized.placement != "does_not_fit"
    dev = device(hw, sized.options.backend, sized.options.host_sampling)
    assumptions = [
        f"Weights {sized.weights / GB:.2f} GB at {q}"
        + (" (the published file size)." if sized.from_artifact else
           f" from the tensor mix ({fp.total_params / 1e9:.1f}B parameters)."),
        f"KV cache {sized.kv / GB:.2f} GB for {sized.context:,} tokens x {sized.concurrency} "
        f"sequence(s) at {sized.kv_cache_type}.",
        f"Overhead {sized.overhead / GB:.2f} GB: runtime reserve and llama.cpp compute buffers.",
        "Memory in GB = 10^9 bytes; memory sizes on boxes (and --vram-gb, --ram-gb, "
        "--unified-memory-gb) are GiB = 1.074 GB.",
        f"Time per token = fixed part ({dev.backend}: graph nodes per layer x time per node) + bytes "
        f"read / achievable bandwidth ({dev.device_class} class) + FLOPs / achievable FLOPS where "
        "known; constants fitted on measured llama.cpp runs.",
    ]
    if sized.note:
        assumptions.append(sized.note)
    if hw.gpu is not None and fits and not fp.tied and fp.embed_in:
        host = sized.weights * fp.embed_in / fp.total_params
        assumptions.append(f"The input embedding ({host / GB:.2f} GB) stays in system RAM, as llama.cpp "
                           "keeps it: the GPU holds the rest.")
    if not dev.fitted_backend:
        assumptions.append(f"No measured runs on {dev.backend}: its per-node time is taken from the "
                           "nearest measured backend.")
    if sized.moe:
        assumptions.append("MoE: each token reads the attention, shared weights and its routed experts; "
                           "routing adds kernels per layer and expert matrices reach less bandwidth.")
    if sized.experts_on_cpu:
        kept = sized.layers - sized.cpu_moe_layers
        where = (f"the routed experts of {sized.cpu_moe_layers} of {sized.layers} layers in system RAM and "
                 f"of the other {kept} in GPU memory" if kept > 0 else "every layer's routed experts in "
                 "system RAM")
        assumptions.append(f"MoE expert offload: attention and shared weights on the GPU, {where} "
                           f"(llama.cpp --n-cpu-moe {sized.cpu_moe_layers}).")
    if not has_prefill and fits:
        assumptions.append("Compute throughput unknown: no prompt-processing estimate.")
    elif has_prefill:
        assumptions.append("Prompt processing assumed to reach 15-50% of peak FP16 throughput.")
    if hw.unified_memory:
        assumptions.append(f"Unified memory: the GPU may use {hw.gpu_memory_gb:.1f} GB of "
                           f"{hw.ram_gb or 0:.1f} GB.")
        share = sized.options.unified_gpu_share
        if share is not None:
            mb = int((hw.ram_gb or 0) * 1e9 * share / 2**20)
            assumptions.append(f"GPU wired limit raised to {share:.0%} of unified memory: "
                               f"sudo sysctl iogpu.wired_limit_mb={mb} (macOS; resets at reboot).")
    if sized.placement in ("cpu", "gpu+cpu"):
        measured = None if hw.unified_memory else hw.ram_achievable_bandwidth_gbs
        assumptions.append(f"CPU reads from system RAM at its measured {measured:g} GB/s." if measured else
                           "CPU reads from system RAM at the fitted CPU efficiency of its bandwidth "
                           "(give a measured figure with --ram-measured-gbs).")
    if sized.placement == "gpu+cpu" and not sized.experts_on_cpu:
        assumptions.append(f"{sized.gpu_layers} of {fp.layers} layers on the GPU; the rest read from "
                           "system RAM each token.")
    if sized.concurrency > 1:
        assumptions.append(f"{sized.concurrency} sequences under continuous batching: one step reads "
                           "the weights once and every sequence's KV cache.")
    assumptions.extend(_runtime_assumptions(sized))
    return assumptions


def _runtime_assumptions(sized: Sized) -> list[str]:
    """How the runtime serves several sequences and GPUs."""
    gpus = sized.hardware.gpu.count if sized.hardware.gpu is not None else 1
    if sized.backend == "vllm":
        return ["vLLM samples the batch on the GPU: no per-sequence host sampling time."
                + (f" Tensor parallel over {gpus} GPUs: their bandwidth adds up; the all-reduce between "
                   "them is not counted." if gpus > 1 else "")]
    if sized.concurrency > 1:
        return ["llama.cpp samples each sequence on the CPU in turn, a cost that grows with the streams; "
                "vLLM (--backend vllm) batches it on the GPU."]
    return []


def finish(sized: Sized, settings: EstimateSettings | None = None) -> Estimate:
    """The full Estimate, with prefill, the assumptions in words and what would make it fit."""
    settings = settings or _DEFAULT_SETTINGS
    fp = footprint(sized.model)
    hw, q = sized.hardware, sized.quantization
    fits = sized.placement != "does_not_fit"
    pre = prefill_tokens_per_s(_columns(sized.model), hw) if fits else None
    prefill = None if pre is None else Range(low=float(pre[0][0]), expected=float(pre[1][0]),
                                             high=float(pre[2][0]))
    ttft = settings.prompt_tokens / prefill.expected if prefill else None
    assumptions = _assumptions(sized, prefill is not None)
    decode = None if sized.decode is None else Range(
        low=sized.decode[0], expected=sized.decode[1], high=sized.decode[2])
    aggregate = None if sized.aggregate is None else Range(
        low=sized.aggregate[0], expected=sized.aggregate[1], high=sized.aggregate[2])
    if aggregate is None and decode is not None and sized.concurrency > 1:
        aggregate = decode.scaled(sized.concurrency)
    return Estimate(
        model_id=sized.model.id, quantization=q, context=sized.context,
        kv_cache_type=sized.kv_cache_type, concurrency=sized.concurrency,
        weights_gb=sized.weights / GB, kv_cache_gb=sized.kv / GB, overhead_gb=sized.overhead / GB,
        total_gb=sized.total_gb, available_gb=sized.available_gb, placement=sized.placement,
        gpu_layers=sized.gpu_layers, total_layers=fp.layers, decode_tokens_per_s=decode,
        prefill_tokens_per_s=prefill, time_to_first_token_s=ttft,
        weights_from_artifact=sized.from_artifact, assumptions=tuple(assumptions),
        runtime=RUNTIME_OF.get(sized.backend, "llama.cpp"), backend=sized.backend,
        experts_on_cpu=sized.experts_on_cpu, cpu_moe_layers=sized.cpu_moe_layers,
        aggregate_tokens_per_s=aggregate,
        fits_if=_fits_if(sized, settings),
    )


def memory_needed_gb(model: Model, quant: str, context: int, kv_cache: str = "f16",
                     concurrency: int = 1) -> float:
    """Memory to hold the model fully on one GPU: weights + KV cache + runtime overhead."""
    fp = footprint(model)
    q = normalise(quant)
    weights, _ = weights_bytes(model, q)
    kv = fp.kv_bytes(context, KV_TYPES[kv_cache], concurrency)
    return (weights + kv + fp.compute_buffer_bytes(context) + CUDA_RESERVE_BYTES) / GB

