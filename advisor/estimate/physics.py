"""The constants of time per generated token: a fixed part, a memory part and a compute part.

    t = layers x kernels per layer x time per kernel          (launch, synchronisation: per backend)
      + bytes read / (bandwidth x efficiency of the device class)
      + FLOPs / (peak FLOPS x compute efficiency)              (only where the peak is known)

MoE layers launch extra kernels (router matmul, top-k, gather, weighted sum) and read their experts
through small per-expert matrices, which reach less of the bandwidth than one large matrix
(`MOE_EXPERT_EFFICIENCY`). docs/estimation.md gives the physics and the sources; every constant
below was fitted on shared/data/validation/measurements.json only (bench/validate_estimates.py
--fit prints the fit); the held-out file bench/data/measurements-extra.json never enters it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from advisor.hardware.profile import HardwareProfile

BACKENDS = ("cuda", "rocm", "metal", "vulkan", "sycl", "cpu", "mlx", "vllm")
"""The runtimes' compute backends `--backend` can pin (vllm: vLLM/SGLang on CUDA or ROCm)."""

KERNELS_PER_DENSE_LAYER = 24
"""Graph nodes of one llama.cpp transformer block at batch 1: 2 norms + 2 scales, Q/K/V/O matvecs,
2 RoPE, KV-cache copies, attention (QK, softmax, V or one flash-attention kernel), 2 residual adds,
gate/up/down matvecs, the activation and its product (llama.cpp src/llama-graph.cpp build_attn,
build_ffn): about 24."""
KERNELS_PER_MOE_LAYER_EXTRA = 10
"""An MoE block adds the router matvec, its softmax/sigmoid, top-k (argsort + view), the weight
normalisation, get_rows of the weights, three mul_mat_id and the weighted sum (build_moe_ffn)."""

KERNELS_PER_SHARED_FFN = 8.0
"""Graph nodes an MoE layer adds when it also runs shared (always-active) experts: llama.cpp builds
them as one more FFN beside build_moe_ffn (gate, up and down matvecs, the activation, its product
and the add to the routed sum: src/llama-graph.cpp build_ffn, 6 nodes; Qwen3.5/3.6 and Qwen3-Next
gate it with a matvec, a sigmoid and a product, 9; ERNIE's two shared experts are one FFN of twice
the width): about 8. Qwen3.5/3.6, Qwen3-Next, GLM-4.5/4.7, ERNIE 4.5, Nemotron 3, Llama 4 and
DeepSeek have them; Qwen3-30B/235B and gpt-oss do not. Counted, not fitted."""

KERNELS_PER_LINEAR_LAYER_EXTRA = 20.0
"""A recurrent (linear-attention) layer in place of attention adds graph nodes: Gated DeltaNet
(Qwen3-Next, Qwen3.5/3.6) and Mamba-2 (Granite 4-H, Nemotron-H) run a short causal convolution,
its activation, the gates (softplus, exp), the state update as several element-wise ops and a gated
norm where attention runs one flash-attention kernel (llama.cpp models/qwen3next.cpp, graph
build_mamba2_layer). Fitted on the development runs of hybrid models."""

KERNEL_US: dict[str, float] = {
    # Time per graph node at batch 1, in microseconds (launch + synchronisation + the tail of a
    # small kernel). Fitted: cuda, rocm, metal, vulkan, vllm, mlx from the validation runs; sycl
    # has no runs and takes the nearest fitted backend (said so in the estimate).
    "cuda": 1.9,
    "rocm": 2.05,
    "metal": 4.69,
    "vulkan": 1.28,
    "sycl": 2.05,  # no runs: ROCm's figure (another non-CUDA GPU backend)
    "cpu": 1.1,  # the CPU's per-node cost before its thread barrier (CPU_BARRIER_US_PER_THREAD)
    "mlx": 1.58,  # fitted on the 12 development MLX runs (M1 Pro, M4 Pro, M4 Max; 3 sources):
    # mlx-lm compiles and fuses its graph, so a token costs fewer, larger kernels than llama.cpp's
    # Metal graph (a third of Metal's 4.69)
    "vllm": 2.46,  # fitted on SGLang runs (same graph-captured kernels as vLLM)
}
KERNEL_US_FITTED = frozenset({"cuda", "rocm", "metal", "vulkan", "vllm", "mlx", "cpu"})
CPU_BARRIER_US_PER_THREAD = 0.255
"""The CPU backend ends every graph node with a barrier: each of the n threads increments one shared
atomic counter and spins until the last one arrives (ggml-cpu/ggml-cpu.c ggml_barrier), so the
counter's cache line passes through every core once per node: a cost that grows with the thread
count (~0.1-0.3 us per core-to-core line transfer on a large mesh). On a 192-core AmpereOne that is
~45 us a node, 30 ms of a 3B model's 42 ms token (geerlingguy/ai-benchmarks: 23.5 t/s where its
bandwidth allows ~75); on a 4-8 core desktop it is 1-2 us. Fitted on the CPU-only runs."""
CPU_CORE_GWEIGHTS = 8.23
"""Weights one CPU core takes through a quantized matvec, in 10^9 per second. llama.cpp's CPU
backend quantizes the activations to 8 bits and runs an integer dot product per weight block
(ggml-cpu/arch/x86/quants.c ggml_vec_dot_q4_K_q8_K; F16 weights go through ggml_vec_dot_f16), so a
core's limit is a number of weights: a Q4_K_M weight is 0.61 bytes, a Q8_0 weight 1.06 and an F16
weight 2, and the same core draws about three times the bytes per second from an F16 file as from a
Q4_K_M one (a 2-socket EPYC 9175F, 32 Zen 5 cores, reads Llama-3.1-70B F16 at ~600 GB/s: 19 GB/s a
core). A few cores therefore cannot draw a wide memory system's bandwidth on a quantized file. A CPU
matvec takes the longer of its bytes / (RAM bandwidth x the cpu efficiency) and its weights /
(threads x this) (step.py). The value is the earlier fit on the CPU-only runs, 5.04 GB/s a core, all
of them Q4_K_M files, over Q4_K_M_BYTES_PER_WEIGHT; a joint refit (10.0) moved other constants and
was not adopted (docs/estimation.md)."""
Q4_K_M_BYTES_PER_WEIGHT = 4.92 / 8.03
"""Bytes per weight of a Q4_K_M file (Llama-3.1-8B: 4.92 GB for 8.03 B weights, the development data's
bartowski file): the format a machine's core count is judged by when its profile does not give it
(`threads_of`)."""
CPU_DEFAULT_THREADS = 8
"""Threads assumed when a profile does not give its CPU cores (a typical desktop's physical cores),
at the least: see `threads_of`."""
KERNEL_US_FLOOR = 0.3
"""No backend's per-node time is fitted below 0.3 us: a launch (or a command-buffer entry) and the
tail of a small kernel take at least that on any GPU."""
VLLM_BANDWIDTH_SHARE = 0.707
"""vLLM/SGLang's batch-1 decode (cuBLAS GEMV under CUDA graphs) relative to llama.cpp's matvec
kernels on the same device class. Fitted on the development data's SGLang runs (H20)."""
VLLM_FORMAT_SHARE: dict[str, float] = {
    # Bandwidth share of vLLM/SGLang's batch-1 kernel for a weight format, relative to its BF16 GEMV
    # (keyed by the quantization family, advisor/catalog/quant.py). FP8 runs its own fused
    # scaled-matmul kernel, which the development runs show reading its bytes faster than the BF16
    # path; AWQ and GPTQ run the Marlin W4A16 kernel (awq_marlin / gptq_marlin: sglang's and vLLM's
    # default for them), which unpacks two 4-bit weights a byte and applies group scales and zeros on
    # the SMs, ALU work per byte that a few-SM, high-bandwidth GPU (H20: 78 SMs, 4.0 TB/s) cannot
    # hide. Fitted on the development SGLang runs (QwenLM speed benchmark, H20).
    "fp8": 1.359,
    "awq": 0.82,  # GPTQ runs the same Marlin kernel and takes this figure (format_share)
}


def format_share(family: str) -> float:
    """vLLM's kernel share for a quantization family (1 for BF16/F16 and any format not listed)."""
    return VLLM_FORMAT_SHARE.get("awq" if family == "gptq" else family, 1.0)

SAMPLING_NS_PER_VOCAB = 2.985
"""Host time per vocabulary entry per token, in nanoseconds, where the runtime samples on the host:
llama-server, llama-cli and Ollama copy the logits (n_vocab floats) off the device and build and
sort a candidate list over the whole vocabulary every token (llama.cpp common/sampling.cpp,
src/llama-sampling.cpp), a cost that grows with the vocabulary (32k Llama 2, 128k Llama 3, 152k
Qwen, 256k Gemma), not with the model. llama-bench draws its next token at random and samples
nothing (tools/llama-bench/llama-bench.cpp test_gen: `token = std::rand() % n_vocab`), so its tg
figures carry no such cost, and llama-cli (and the older `main`) reports its eval time apart from
its sampling time; the validation runs say which tool measured them. Fitted on the runs of the
tools whose figure includes it (Ollama's eval rate, llama-server's timings, LM Studio)."""
GPU_SAMPLING_BACKENDS = frozenset({"vllm", "mlx"})
"""Runtimes that sample on the GPU: vLLM's batched sampler (vllm/v1/sample/sampler.py) and mlx-lm's
sampler over MLX arrays (mlx_lm/sample_utils.py), which cost no host time per vocabulary entry."""

DEVICE_CLASSES = ("consumer", "datacenter", "apple", "igpu", "cpu")
"""consumer: discrete GDDR GPU; datacenter: HBM GPU (H100, A100, MI-series); apple: Apple silicon
GPU; igpu: other unified-memory GPU (Ryzen AI Max, DGX Spark); cpu: system RAM read by the CPU."""

BANDWIDTH_EFFICIENCY: dict[str, float] = {
    # Share of the nominal (or, where the preset carries it, measured) bandwidth a batch-1 matvec
    # stream reaches. Fitted on the validation runs.
    "consumer": 0.853,
    "datacenter": 0.55,
    "apple": 0.941,
    "igpu": 0.796,
    "cpu": 0.694,
}
NODE_LATENCY_US: dict[str, float] = {
    # Time per graph node a device class adds to its backend's, in microseconds: a matvec waits one
    # memory round trip before its first bytes arrive and drains its tail before the next node
    # starts, and an HBM GPU has the longer load latency and many more SMs to fill with bytes in
    # flight (Little's law: bandwidth x latency) than a GDDR card. So a small model's matrices on an
    # H100 or A100 reach a smaller share of the nominal bandwidth than a large model's (Llama-2-7B
    # F16 on an A100 reads ~1.0 TB/s, Q4_0 ~0.7 TB/s). Fitted on the datacenter runs; the other
    # classes' latency is inside their backend's figure.
    "datacenter": 0.53,
}
MEASURED_STREAM_SHARE = 1.0
"""Share of a device's measured read bandwidth (a preset's `achievable_bandwidth_gbs`, e.g. the
Ryzen AI Max+ 395's ~215 GB/s from a GPU memory-bandwidth test, or a record's "GB/s measured")
that a batch-1 matvec reaches. The class efficiencies above are shares of a nominal figure; this is
the share of a figure already measured. Fitted on the development runs of such devices (1.0, its cap:
the matvec reaches the measured figure)."""
ULTRA_FABRIC_SHARE = 0.85
"""Share of an Apple Ultra chip's bandwidth its GPU reaches relative to a single-die chip: an Ultra is
two Max dies joined by UltraFusion, and half of every weight matrix sits behind the other die's
memory controllers (M2 Ultra F16 decode reaches ~640 of 800 GB/s where an M2 Max reaches ~360 of
400). Fitted on the development data's Ultra runs."""
M1_FABRIC_SHARE = 0.9
"""Share of its nominal bandwidth the GPU of a first-generation M1 Max (and so of an M1 Ultra, two M1
Max dies) reaches relative to later Max dies: AnandTech's M1 Max review ("Huge Memory Bandwidth,
but not for every Block", anandtech.com/show/17024/apple-m1-max-performance-review/2) found that no
single block of the chip draws the full 400 GB/s; llama.cpp discussion 4167 has the 32-core M1 Max
at 23.0 t/s on Llama-2-7B F16 where a 38-core M2 Max of the same 400 GB/s reaches 24.7. The M1 and
M1 Pro (68 and 200 GB/s) reach their figures and are not affected. Fitted on the development
data's M1 Max runs."""
MOE_EXPERT_EFFICIENCY = 0.893
"""Bandwidth share reached on routed-expert weights relative to dense weights on a GPU, before the
row cost below (the indirection of mul_mat_id: the expert ids are read back and each expert's
matrix is found through them). Fitted on the MoE runs of the development data."""
EXPERT_ROW_BYTES = 145.1
"""Cost of one matvec row of a routed expert, in bytes of bandwidth-time: a GPU matvec gives each
output row to a warp (or SIMD group) that streams the row, reduces its partial sums across lanes
and writes one value (ggml-cuda/mmvq.cu, ggml-metal mul_mv kernels), so a row costs
(row bytes + EXPERT_ROW_BYTES) / bandwidth: Hockney's half-performance length n_1/2 applied per row
(R. W. Hockney, "The Parallel Computers 2", 1988, r_inf and n_1/2). Experts of 128-512-expert
models are narrow (FFN width f of 512-768 for Qwen3-Next, Qwen3.5/3.6-35B, Qwen3-30B against 2880
for gpt-oss), so their down-projection rows are short and reach a smaller share of the bandwidth
than a dense model's. Fitted on the MoE runs of the development data."""
CPU_EXPERT_EFFICIENCY = 0.765
"""Share of the CPU's achievable RAM bandwidth reached on routed experts in RAM (llama.cpp
--n-cpu-moe / -ot exps=CPU): the host runs mul_mat_id's matvecs over its threads, each thread a
chunk of rows, a different kernel from the GPU's. Fitted on the expert-offload runs of the
development data."""
COMPUTE_EFFICIENCY = 0.804
"""Share of the peak FLOPS (where a device's peak is known: Apple GPUs from their core count) charged
for 2 FLOPs per active parameter per token. Fitted on the Apple runs, the only ones with a known
peak; the fit barely constrains it (it mostly separates the small M1/M3 GPUs from the large ones)."""
PREFILL_EFFICIENCY = (0.15, 0.30, 0.50)
"""Share of peak FP16 throughput reached in prompt processing. An assumption (stated in every
estimate): llama.cpp prompt processing on quantized weights mixes int8 and fp16 kernels."""

SPREAD_MIN_RUNS = 20
"""A regime with fewer development runs than this does not set its range alone (see SPREAD)."""
_ON_A_GPU = ("apple", "consumer", "datacenter", "igpu")  # device classes whose runs are fully on a GPU
SPREAD: dict[str, tuple[float, float]] = {
    # measured / predicted per regime (dense or MoE x where it runs), the low-high range, keyed per
    # regime. The values are still the pooled ones of the last full leave-one-source-out run
    # (bench/validate_estimates.py --cross-source, three descent rounds per fold: each development
    # source predicted by constants fitted on the others): dense on a GPU 0.80-1.23 (161 runs), MoE
    # 0.56-1.31 (65 runs); dense offload and CPU-only too few runs, assumed wider. --cross-source now
    # prints a per-regime table by the rule below (SPREAD_MIN_RUNS); a one-round run of it gave
    # narrower ranges that held 72 % of the held-out runs against 79 % for these, so they were
    # not adopted (docs/estimation.md, Known limits).
    **{f"dense/{where}": (0.80, 1.23) for where in _ON_A_GPU},
    "dense/cpu": (0.60, 1.50),
    "dense/offload": (0.65, 1.45),
    **{f"moe/{where}": (0.56, 1.31) for where in _ON_A_GPU},
    "moe/cpu": (0.56, 1.50),
    "moe/offload": (0.56, 1.45),
}
SPREAD_FALLBACK = (0.56, 1.50)
"""The range of a regime the table does not name (the widest of the table's ends)."""


def spread_of(regime: str) -> tuple[float, float]:
    """Low and high multipliers of the expected speed for a regime ("moe/igpu", "dense/offload")."""
    return SPREAD.get(regime, SPREAD_FALLBACK)


@dataclass(frozen=True)
class Device:
    """How one hardware profile runs: backend, device class, achievable bandwidths, kernel time."""

    backend: str
    device_class: str
    gpu_bandwidth: float | None  # bytes/s achievable on the GPU (dense weights)
    cpu_bandwidth: float | None  # bytes/s achievable by the CPU from system RAM
    cpu_weight_rate: float | None  # weights/s the CPU's threads take through matvecs (None: no cap)
    gpu_kernel_s: float  # seconds per graph node on the GPU
    cpu_kernel_s: float
    gpu_flops: float | None  # achievable FLOP/s at batch 1 (None: unknown)
    cpu_flops: float | None
    fitted_backend: bool
    host_sampling: bool  # the runtime samples each sequence's logits on the host (SAMPLING_NS_PER_VOCAB)


def threads_of(hw: HardwareProfile) -> int:
    """The CPU threads a run uses: the profile's cores; when it does not say, enough cores to draw its RAM's
    bandwidth through Q4_K_M matvecs (CPU_CORE_GWEIGHTS x Q4_K_M_BYTES_PER_WEIGHT each), and at least
    CPU_DEFAULT_THREADS. A CPU is sold with the cores its memory system feeds (a 12-channel DDR5 EPYC has
    16-96 cores, a dual-channel desktop 6-16), and llama.cpp runs one thread per physical core by default;
    assuming 8 for every machine capped a 12-channel server at 8 cores x ~5 GB/s = 40 GB/s, a fifth of a
    desktop-GPU's. Unified memory is sized for its GPU, not its CPU cores, so such a machine keeps the
    default."""
    if hw.cpu_cores:
        return hw.cpu_cores
    if hw.unified_memory or not hw.ram_bandwidth_gbs:
        return CPU_DEFAULT_THREADS
    core_gbs = CPU_CORE_GWEIGHTS * Q4_K_M_BYTES_PER_WEIGHT
    feeds = math.ceil(hw.ram_bandwidth_gbs * BANDWIDTH_EFFICIENCY["cpu"] / core_gbs)
    return max(CPU_DEFAULT_THREADS, feeds)


def is_ultra(name: str) -> bool:
    """An Apple Ultra chip (two dies) by its name: "Apple M2 Ultra", "M3 Ultra 80-core GPU"."""
    return re.search(r"\bM[1-9] Ultra\b", name, re.IGNORECASE) is not None


def is_m1_max_die(name: str) -> bool:
    """A chip built from first-generation M1 Max dies: "Apple M1 Max", "M1 Ultra 64-core GPU"."""
    return re.search(r"\bM1 (Max|Ultra)\b", name, re.IGNORECASE) is not None


def default_backend(hw: HardwareProfile) -> str:
    """The llama.cpp backend a machine runs by default."""
    if hw.gpu is None:
        return "cpu"
    if hw.gpu.backend:
        return hw.gpu.backend
    name = hw.gpu.name.lower()
    # The GPU's own vendor first: a name may also name its host ("RTX A4000 (host Intel Core Ultra 7").
    if re.search(r"nvidia|geforce|\brtx\b|quadro|tesla|\bgb10\b", name):
        return "cuda"
    if "apple" in name or " m1" in name or " m2" in name or " m3" in name or " m4" in name:
        return "metal"
    if "radeon" in name or "amd" in name or "instinct" in name or "ryzen" in name:
        return "rocm"
    if "intel" in name or "arc" in name:
        return "sycl"
    return "cuda"


def device_class(hw: HardwareProfile) -> str:
    """consumer, datacenter, apple, igpu or cpu (see DEVICE_CLASSES)."""
    if hw.gpu is None:
        return "cpu"
    if hw.gpu.device_class:
        return hw.gpu.device_class
    if hw.unified_memory:
        return "apple" if default_backend(hw) in ("metal", "mlx") else "igpu"
    return "consumer"


def device(hw: HardwareProfile, backend: str | None = None, host_sampling: bool | None = None) -> Device:
    """The speed constants for `hw`, run through `backend` (default: the machine's own); host sampling
    as the runtime does it unless `host_sampling` says otherwise (see GPU_SAMPLING_BACKENDS)."""
    chosen = backend or default_backend(hw)
    cls = device_class(hw)
    gpu_bw = None
    gpu_flops = None
    kernel = (KERNEL_US.get(chosen, KERNEL_US["cuda"]) + NODE_LATENCY_US.get(cls, 0.0)) * 1e-6
    if hw.gpu is not None and chosen != "cpu":
        measured = hw.gpu.achievable_bandwidth_gbs
        # A measured figure is already what a streaming kernel reaches: only the matvec's share of a
        # stream applies, not the class's share of a nominal figure (that would discount it twice).
        gpu_bw = (measured * MEASURED_STREAM_SHARE if measured else
                  hw.gpu.bandwidth_gbs * BANDWIDTH_EFFICIENCY[cls]) * 1e9
        if cls == "apple" and hw.gpu.achievable_bandwidth_gbs is None and is_ultra(hw.gpu.name):
            gpu_bw *= ULTRA_FABRIC_SHARE
        if cls == "apple" and hw.gpu.achievable_bandwidth_gbs is None and is_m1_max_die(hw.gpu.name):
            gpu_bw *= M1_FABRIC_SHARE
        if hw.gpu.fp16_tflops:
            gpu_flops = hw.gpu.fp16_tflops * 1e12 * COMPUTE_EFFICIENCY
    if chosen == "vllm" and gpu_bw:
        gpu_bw *= VLLM_BANDWIDTH_SHARE
    if chosen == "vllm" and hw.gpu is not None and hw.gpu.count > 1 and not hw.unified_memory:
        # Tensor parallelism: every layer's weights and KV cache are split across the GPUs, which
        # read their shares at once (llama.cpp's default layer split runs the GPUs in turn).
        gpu_bw = gpu_bw * hw.gpu.count if gpu_bw else gpu_bw
        gpu_flops = gpu_flops * hw.gpu.count if gpu_flops else gpu_flops
    unified_bw = hw.gpu.bandwidth_gbs if hw.gpu is not None and hw.unified_memory else None
    ram_bw = hw.ram_bandwidth_gbs or unified_bw
    threads = threads_of(hw)
    ram_measured = None if hw.unified_memory else hw.ram_achievable_bandwidth_gbs
    if ram_measured:
        # A measured read figure already holds what the cores draw from this memory (their misses
        # in flight, the channels, the controller): only the matvec's share of a stream applies,
        # as for a GPU's measured figure, and not the fitted nominal share or per-core cap.
        cpu_bw: float | None = ram_measured * MEASURED_STREAM_SHARE * 1e9
        cpu_rate = None
    else:
        cpu_bw = ram_bw * BANDWIDTH_EFFICIENCY["cpu"] * 1e9 if ram_bw else None
        cpu_rate = threads * CPU_CORE_GWEIGHTS * 1e9
    cpu_flops = hw.cpu_tflops * 1e12 * COMPUTE_EFFICIENCY if hw.cpu_tflops else None
    cpu_kernel = (KERNEL_US["cpu"] + CPU_BARRIER_US_PER_THREAD * threads) * 1e-6
    samples_on_host = chosen not in GPU_SAMPLING_BACKENDS if host_sampling is None else host_sampling
    return Device(chosen, cls, gpu_bw, cpu_bw, cpu_rate, kernel, cpu_kernel, gpu_flops, cpu_flops,
                  chosen in KERNEL_US_FITTED, samples_on_host)
