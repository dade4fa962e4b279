"""Predicted vs measured: weights, memory, fit verdicts and decode speed.

Development data: shared/data/validation/measurements.json plus our own sourced additions in
bench/data/measurements-more.json (the constants of advisor/estimate/physics.py are fitted on both:
`--fit`). Held-out data: bench/data/measurements-extra.json (same record shape, each with its
source), never fitted on, reported apart.

Prints, per data set: weights within +-3 % of real files; total memory within +-10 %; every fit
verdict; decode tokens/s error per regime (dense / MoE x consumer GPU / datacenter GPU / Apple /
other unified / CPU / offload) with median and p90 absolute error and the share of measured values
inside the predicted low-high range. Models are the bundled catalog's (matched by name); rows whose
model or hardware cannot be identified are counted as skipped, never guessed. Hardware bandwidth
comes from the string itself, the measurement file's `hardware` records, or the bundled presets.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.catalog.quant import MIXES
from advisor.catalog.schema import HardwarePreset, Model
from advisor.catalog.store import load_bundled
from advisor.estimate import RunOptions, estimate
from advisor.hardware.devices import FACTS
from advisor.hardware.profile import Accelerator, HardwareProfile

ROOT = Path(__file__).resolve().parents[1]
GIB = 2**30
DEV_CANDIDATES = (ROOT.parent / "shared" / "data" / "validation", Path("/work/shared/data/validation"))
EXTRA = ROOT / "bench" / "data" / "measurements-extra.json"
MORE = ROOT / "bench" / "data" / "measurements-more.json"
DEFECTS = ROOT / "bench" / "data" / "runtime-defects.json"
"""Development rows of the shared file measured on a build with a since-fixed runtime defect: matched
by source, model and value, each with its sourced reason (our own rows carry `runtime_defect`)."""

# Measurement model names -> catalog ids (the measured file is the same network).
ALIASES = {
    "llama-3.1-8b": "meta-llama/llama-3.1-8b-instruct",
    "meta-llama-3.1-8b": "meta-llama/llama-3.1-8b-instruct",
    "meta-llama-3-8b": "meta-llama/llama-3.1-8b-instruct",
    "llama-3-8b": "meta-llama/llama-3.1-8b-instruct",
    "shisa v2 8b": "meta-llama/llama-3.1-8b-instruct",
    "llama-2-7b": "meta-llama/llama-2-7b-chat",
    "llama 7b": "meta-llama/llama-2-7b-chat",
    "llama-3.1-70b": "meta-llama/llama-3.1-70b-instruct",
    "meta-llama-3-70b": "meta-llama/llama-3.1-70b-instruct",
    "llama-3.x-70b": "meta-llama/llama-3.3-70b-instruct",
    "llama-3.3-70b": "meta-llama/llama-3.3-70b-instruct",
    "shisa v2 70b": "meta-llama/llama-3.3-70b-instruct",
    "qwen2.5-7b": "qwen/qwen2.5-7b-instruct",
    "qwen2.5-14b": "qwen/qwen2.5-14b-instruct",
    "qwen2.5-32b": "qwen/qwen2.5-32b-instruct",
    "qwen2.5-72b": "qwen/qwen2.5-72b-instruct",
    "qwen2.5-coder-32b": "qwen/qwen2.5-coder-32b-instruct",
    "qwen3-8b": "qwen/qwen3-8b",
    "qwen3-14b": "qwen/qwen3-14b",
    "qwen3-32b": "qwen/qwen3-32b",
    "qwen3-30b-a3b": "qwen/qwen3-30b-a3b",
    "qwen3-235b-a22b": "qwen/qwen3-235b-a22b",
    "mistral-7b": "mistralai/mistral-7b-instruct-v0.3",
    "mixtral-8x7b": "mistralai/mixtral-8x7b-instruct-v0.1",
    "gpt-oss-20b": "openai/gpt-oss-20b",
    "gpt-oss-120b": "openai/gpt-oss-120b",
    "gemma-2-9b": "google/gemma-2-9b-it",
    "gemma-2-27b": "google/gemma-2-27b-it",
    "gemma-3-12b": "google/gemma-3-12b-it",
    "gemma-3-27b": "google/gemma-3-27b-it",
    "deepseek-r1-distill-qwen-14b": "deepseek/deepseek-r1-distill-qwen-14b",
    "deepseek-r1-distill-qwen-32b": "deepseek/deepseek-r1-distill-qwen-32b",
    "mistral-small-3.1-24b": "mistralai/mistral-small-3.1-24b-instruct",
    "llama-4-scout-17b-16e": "meta-llama/llama-4-scout-17b-16e-instruct",
    "deepseek-r1": "deepseek/deepseek-r1",
    "llama-3.2-3b": "meta-llama/llama-3.2-3b-instruct",
    "llama-3.1-405b": "meta-llama/llama-3.1-405b-instruct",
}


def model_for(name: str | None, models: dict[str, Model]) -> Model | None:
    """The catalog model a measurement's name refers to (longest alias first), or None."""
    if not name:
        return None
    low = name.lower().replace("meta-llama/", "").replace("qwen/", "").replace("(", " ")
    if "distill" in low and "deepseek-r1-distill" not in low:
        return None  # "Qwen2.5-32B (DeepSeek-R1-Distill...)": ambiguous, skip
    for key in sorted(ALIASES, key=len, reverse=True):
        if key in low:
            return models.get(ALIASES[key])
    return _by_repo_name(name, models)


def _name_key(text: str) -> str:
    """A repository name without organisation, punctuation and the usual release suffixes."""
    key = re.sub(r"[^a-z0-9.]", "", text.rsplit("/", maxsplit=1)[-1].lower())
    return re.sub(r"(instruct|it|pt|chat|qat|\d{4})+$", "", key)


def _by_repo_name(name: str, models: dict[str, Model]) -> Model | None:
    """The catalog model whose id or Hugging Face repository has the measurement's model name
    ("Qwen/Qwen3.5-35B-A3B (unsloth)" -> qwen/qwen3.5-35b-a3b), or None (never a near miss)."""
    key = _name_key(name.split(" (", maxsplit=1)[0].strip())
    if not key:
        return None
    for m in models.values():
        if key in {_name_key(m.id), _name_key(m.hf_repo or "")}:
            return m
    return None


def quant_of(label: str | None) -> str | None:
    """The estimator's name for a measurement's quantization label, or None."""
    if not label:
        return None
    up = label.upper().replace("UD-", "UD_").replace("I1-", "").strip()
    if up.startswith("UD_"):
        name = "UD-" + up[3:].split()[0]
        return name if name in MIXES else None
    for q in sorted(MIXES, key=len, reverse=True):
        if up.startswith(q.upper()):
            return q
    other = re.match(r"(MLX)[ -]?([48])[ -]?BIT|(AWQ|GPTQ)[ -]?(INT)?4", up)
    if other:
        return f"MLX-{other.group(2)}bit" if other.group(1) else f"{other.group(3)}-4bit"
    return None


@dataclass(frozen=True)
class Machine:
    """A measurement's hardware as a profile, with its regime label."""

    profile: HardwareProfile
    device_class: str  # consumer, datacenter, apple, igpu, cpu
    backend: str | None
    offload: bool


DATACENTER = re.compile(r"\b(H100|H200|H20|H800|GH200|A100|A800|MI\d{2,3}X?|B200|B300)\b", re.IGNORECASE)


# Variant-free names in the data: the A100 80GB comes as SXM (2039 GB/s) or PCIe (1935), 5 % apart,
# so the SXM record stands for both. An "H100 80GB" without form factor is taken as SXM (3350):
# with PCIe's 2000 GB/s the same commit's H100 run (267.8 t/s) would be slower per byte than its
# A100 run (190.9 t/s on 2039 GB/s) by more than any fixed cost explains; SXM reconciles them.
VARIANT_FREE = {"a100 80gb": 2039.0, "h100 80gb": 3350.0}


def _bandwidth(text: str, table: dict[str, float]) -> float | None:
    for name, value in VARIANT_FREE.items():
        if name in text.lower() and not re.search(r"pcie|sxm|nvl", text, re.IGNORECASE):
            return value
    found = re.search(r"\(([^()]*?)(\d+(?:\.\d+)?)\s*GB/s", text)
    if found and "measured" not in found.group(1):
        return float(found.group(2))
    low = text.lower()
    for key, value in sorted(table.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"(?<![\w-])" + re.escape(key.lower()) + r"(?![\w-])", low):
            return value
    return None


def _backend(text: str) -> str | None:
    for tag, name in (("[cuda", "cuda"), ("[rocm", "rocm"), ("[vulkan", "vulkan"), ("[metal", "metal"),
                      ("[sycl", "sycl"), ("[cpu", "cpu"), ("[mlx", "mlx"), ("[vllm", "vllm"),
                      ("[sglang", "vllm")):
        if tag in text.lower():
            return name
    return None


def apple_tflops(text: str) -> float | None:
    """Peak FP32 TFLOPS of an Apple GPU from its core count in the string: cores x 128 ALUs x 2 x
    clock (1.278 GHz M1, 1.296 GHz M1 Pro/Max/Ultra, 1.398 GHz M2 and later), the formula of
    github.com/philipturner/applegpuinfo Sources/AppleGPUInfo/AppleGPUInfo.swift (commit 139570c)."""
    cores = re.search(r"(\d+)[- ][Cc]ore GPU|(\d+) GPU [Cc]ore", text)
    gen = re.search(r"\bM([1-5])\b( (Pro|Max|Ultra))?", text)
    if cores is None or gen is None:
        return None
    n = int(cores.group(1) or cores.group(2))
    clock = (1.278e9 if gen.group(2) is None else 1.296e9) if gen.group(1) == "1" else 1.398e9
    return n * 128 * 2 * clock / 1e12


def machine_for(text: str | None, table: dict[str, float]) -> Machine | None:
    """A profile from a measurement's hardware string, or None when its bandwidth is unknown."""
    if not text or "UNKNOWN" in text or "PARTIAL" in text:
        return None
    if re.search(r"\[(KTransformers|ik_llama)", text, re.IGNORECASE):
        return None  # a runtime the estimator does not model
    count = 1
    multi = re.match(r"(\d+)x ", text)
    if multi:
        count = int(multi.group(1))
    backend = _backend(text)
    if " + " in text:  # "GPU 8GB + CPU ... (~102 GB/s measured)" or "CPU + GPU [backend]"
        left, right = text.split(" + ", 1)
        gpu_part, cpu_part = (left, right) if re.search(r"GeForce|RTX|Radeon|GPU", left) else (right, left)
        gpu_bw = _bandwidth(gpu_part, table)
        if gpu_bw is None:
            return None
        ram_bw = re.search(r"~?(\d+(?:\.\d+)?)\s*GB/s (?:measured|theoretical)", cpu_part)
        stream = re.search(r"(\d+(?:\.\d+)?)\s*GB/s stream", cpu_part)  # a measured read test
        vram = re.search(r"(\d+)\s*GB", gpu_part)
        mem = float(vram.group(1)) if vram else 24.0
        gpu = Accelerator(name=gpu_part[:60], memory_gb=mem * GIB / 1e9, bandwidth_gbs=gpu_bw)
        ram = float(ram_bw.group(1)) if ram_bw else None
        read = float(stream.group(1)) if stream else None
        profile = HardwareProfile(gpu=gpu, ram_gb=64 * GIB / 1e9, ram_bandwidth_gbs=ram,
                                  ram_achievable_bandwidth_gbs=read)
        return Machine(profile, "consumer", backend, ram is not None)
    if text.lower().startswith("cpu") or "[cpu]" in text.lower():
        bw = _bandwidth(text, table)
        if bw is None:
            return None
        return Machine(HardwareProfile(ram_gb=512, ram_bandwidth_gbs=bw), "cpu", "cpu", False)
    measured = re.search(r"~?(\d+(?:\.\d+)?)\s*GB/s measured", text)
    bw = _bandwidth(text, table)
    if bw is None:
        return None
    unified = bool(re.search(r"Apple|Ryzen AI|Spark|GB10|iGPU|UMA|\bM[1-5]\b", text))
    apple = "Apple" in text or bool(re.match(r"M[1-5]\b", text))
    if unified:
        cls = "apple" if apple else "igpu"
        achievable = float(measured.group(1)) if measured else None
        if achievable is None and "Ryzen AI Max" in text:  # the preset's measured figure, with its source
            achievable = FACTS["ryzen-ai-max-395-128gb"].achievable_bandwidth_gbs
        # The box's memory (GiB) with the platform's GPU share, as the app would use it; where the
        # string names no size, room is assumed (the row then tests speed, not fit).
        box = re.search(r"(\d+)\s*GB\b(?!/s)", text)
        pool = float(box.group(1)) * GIB / 1e9 if box else 512.0
        gpu = Accelerator(name=text[:60], memory_gb=pool, bandwidth_gbs=bw, device_class=cls,
                          backend=backend or ("metal" if apple else None),
                          achievable_bandwidth_gbs=achievable,
                          fp16_tflops=apple_tflops(text) if apple else None)
        share = None if box else 1.0
        return Machine(HardwareProfile(gpu=gpu, ram_gb=pool, unified_memory=True, usable_gpu_share=share),
                       cls, backend, False)
    cls = "datacenter" if DATACENTER.search(text) else "consumer"
    vram = re.search(r"(\d+)\s*GB\b", text)
    mem = float(vram.group(1)) * GIB / 1e9 if vram else 80.0 * GIB / 1e9
    gpu = Accelerator(name=text[:60], memory_gb=mem, bandwidth_gbs=bw, count=count, device_class=cls,
                      backend=backend)
    return Machine(HardwareProfile(gpu=gpu), cls, backend, False)


def _short(name: str) -> str:
    """A GPU name without vendor prefix and parenthesised details: "RTX 4090"."""
    return re.sub(r"^(NVIDIA|AMD)\s+(GeForce\s+|Radeon\s+)?", "", name.split(" (", maxsplit=1)[0])


def bandwidth_table(rows: list[dict[str, Any]], presets: dict[str, HardwarePreset]) -> dict[str, float]:
    """GPU name -> GB/s from the file's `hardware` records and the bundled presets' names."""
    table: dict[str, float] = {}
    for p in presets.values():
        table[_short(p.name)] = p.bandwidth_gbs
    for r in rows:
        if r["kind"] == "hardware" and isinstance(r.get("value"), int | float):
            table[_short(r["hardware"])] = float(r["value"])
        elif r["kind"] == "hardware":
            found = re.match(r"(\d+(?:\.\d+)?)", str(r.get("value")))
            if found:
                table.setdefault(_short(r["hardware"]), float(found.group(1)))
    return table


@dataclass(frozen=True)
class Case:
    """One decode measurement with its prediction."""

    label: str
    regime: str
    measured: float
    low: float
    expected: float
    high: float
    source: str = ""  # the record's source up to its first space: a repository or a thread URL


def regime_of(m: Model, machine: Machine, placement: str) -> str:
    kind = "moe" if m.architecture is not None and m.architecture.is_moe else "dense"
    where = "offload" if placement == "gpu+cpu" else ("cpu" if placement == "cpu" else machine.device_class)
    return f"{kind}/{where}"


ALL_EXPERTS_IN_RAM = re.compile(r"all \d+ expert layers on the CPU|all FFN/expert tensors on the CPU")
"""A record's note that says every layer's routed experts ran from system RAM (-ot exps=CPU)."""
SOME_EXPERTS_IN_RAM = re.compile(r"(\d+) of \d+ expert layers on the CPU|--n-cpu-moe (\d+)")
"""A record's note that names how many layers' routed experts ran from system RAM (--n-cpu-moe N)."""


GPU_LAYERS = re.compile(r"PARTIAL offload -ngl (\d+)")
"""A record's note that names a partial layer split (llama.cpp -ngl N of the model's layers)."""


LLAMA_BENCH = re.compile(r"llama-bench|\(tg\d*\b|\(TG\b")
"""A record's unit that says llama-bench measured it ("tg128", "tg32 @ d4096", "TG, llama-bench"):
that harness samples nothing (physics.SAMPLING_NS_PER_VOCAB)."""
SAMPLING_HARNESS = re.compile(r"ollama|eval rate|llama-server|server log|LM Studio|llmfit bench",
                              re.IGNORECASE)
"""A record measured by a tool whose figure includes sampling each token on the host: Ollama's eval
rate, llama-server's timings, LM Studio's and llmfit's end-to-end rates. Any other llama.cpp figure
is llama-bench's tg128 (shared/data/validation/README.md: "llama.cpp tg128 unless the note says
otherwise") or llama-cli/main's eval time, which llama.cpp reports apart from its sampling time
(common_perf_print: "sampling time" and "eval time" are separate lines): neither counts sampling."""


def samples_on_host(r: dict[str, Any]) -> bool | None:
    """False when the record's figure excludes host sampling; None (the runtime's own) otherwise."""
    unit = str(r.get("unit") or "")
    if LLAMA_BENCH.search(unit):
        return False
    return None if SAMPLING_HARNESS.search(f"{unit} {r.get('note') or ''}") else False


def options_of(r: dict[str, Any], machine: Machine) -> RunOptions:
    """The run configuration a record states: its backend, whether its harness sampled (llama-bench
    does not), and the routed experts pinned to RAM (all of them, or the first N layers') when the
    note says so (the planner would otherwise choose its own split and predict another run than the
    one measured)."""
    note = str(r.get("note") or "")
    base = RunOptions(backend=machine.backend, host_sampling=samples_on_host(r))
    if ALL_EXPERTS_IN_RAM.search(note):
        return base.model_copy(update={"experts_on_cpu": True})
    some = SOME_EXPERTS_IN_RAM.search(note)
    layers = int(some.group(1) or some.group(2)) if some else None
    ngl = GPU_LAYERS.search(note)
    if layers is None and ngl is not None:  # a stated layer split: llama.cpp -ngl N
        return base.model_copy(update={"gpu_layers": int(ngl.group(1))})
    return base.model_copy(update={"cpu_moe_layers": layers or None})


THREADS = re.compile(r"\b(\d+) threads\b|(?:-t|--threads) (\d+)\b")
"""A record's note that names the CPU threads the runtime ran (llama.cpp -t N)."""
CORES = re.compile(r"\b(\d+) cores\b|\b(\d+)x Cortex|\b(\d+)-core CPU\b")
"""A hardware string that names its CPU cores ("192 cores", "4x Cortex-A76", "14-core CPU")."""
CPU_CORES = {
    # Physical cores of CPUs the records name without a count (llama.cpp's default threads).
    "Ryzen AI Max+ 395": 16,  # tomshardware.com/pc-components/cpus/mysterious-amd-ryzen-ai-max-pro-395-
    # strix-halo-apu-emerges-on-geekbench-processor-expected-to-officially-debut-at-ces-2025 (16 Zen 5)
    "i9-10900X": 10,  # Intel ARK, Core i9-10900X: 10 cores, 20 threads
    "Ryzen AI 5 340": 6,  # amd.com/en/products/processors/laptop/ryzen/ai-300-series/amd-ryzen-ai-5-340.html:
    # 6 cores, 12 threads
    "Ryzen AI 9 HX PRO 370": 12,  # amd.com/en/products/processors/laptop/ryzen-pro/ai-300-series/
    # amd-ryzen-ai-9-hx-pro-370.html: 12 cores, 24 threads
    "2x AMD EPYC 9175F": 32,  # amd.com/en/products/processors/server/epyc/9005-series/amd-epyc-9175f.html:
    # 16 cores, 32 threads per socket; two sockets
}


def with_threads(machine: Machine | None, hardware: str, note: str) -> Machine | None:
    """The machine with the CPU threads its record states (the note's -t N, else the cores its
    hardware string names or CPU_CORES knows), where it states them."""
    if machine is None:
        return machine
    stated, cores = THREADS.search(note), CORES.search(hardware)
    known = next((n for name, n in CPU_CORES.items() if name in hardware), None)
    threads = (int(stated.group(1) or stated.group(2)) if stated else
               int(next(g for g in cores.groups() if g)) if cores else known)
    if threads is None:
        return machine
    return Machine(machine.profile.model_copy(update={"cpu_cores": threads}), machine.device_class,
                   machine.backend, machine.offload)


def decode_cases(rows: list[dict[str, Any]], models: dict[str, Model], table: dict[str, float],
                 verbose: bool) -> tuple[list[Case], int]:
    """Predicted decode speed for every identifiable decode_tps row."""
    cases: list[Case] = []
    skipped = 0
    for r in rows:
        if r["kind"] != "decode_tps" or r.get("runtime_defect"):
            continue
        m, q = model_for(r["model"], models), quant_of(r["quant"])
        machine = with_threads(machine_for(r["hardware"], table), str(r["hardware"] or ""),
                               str(r.get("note") or ""))
        if m is None or q is None or machine is None or m.architecture is None:
            skipped += 1
            continue
        net = m.model_copy(update={"artifacts": ()}) if q.startswith("UD-") else m
        ctx = context_of(r) if r.get("context") else 128
        opts = options_of(r, machine)
        try:
            est = estimate(net, machine.profile, quant=q, context=ctx, options=opts)
            misfit = est.placement == "does_not_fit" and opts.gpu_layers is not None
            if misfit:  # the stated split ran, but exceeds our memory estimate: the planner's split
                est = estimate(net, machine.profile, quant=q, context=ctx,
                               options=opts.model_copy(update={"gpu_layers": None}))
        except (ValueError, KeyError):
            skipped += 1
            continue
        d = est.decode_tokens_per_s
        if d is None:
            skipped += 1
            continue
        label = f"{r['model'][:28]:28} {q:9} {r['hardware'][:36]:36}"
        if est.experts_on_cpu:
            label += f" cpu-moe {est.cpu_moe_layers}/{est.total_layers}"
        elif est.placement == "gpu+cpu":
            label += f" ngl {est.gpu_layers}/{est.total_layers}"
            label += " (stated split over our memory)" if misfit else ""
        case = Case(label, regime_of(m, machine, est.placement), float(r["value"]), d.low, d.expected, d.high,
                    str(r.get("source") or "").split(" ")[0])
        cases.append(case)
        if verbose:
            print(f"  {case.label} {case.regime:18} meas {case.measured:7.1f} pred {d.expected:7.1f} "
                  f"[{d.low:6.1f}-{d.high:6.1f}] {d.expected / case.measured - 1:+.0%}")
    return cases, skipped


def report_defects(rows: list[dict[str, Any]], models: dict[str, Model], table: dict[str, float]) -> None:
    """Rows measured on a build with a since-fixed runtime defect (`runtime_defect`, with its source):
    neither fitted nor counted in the figures, printed here with today's prediction."""
    marked = [r for r in rows if r["kind"] == "decode_tps" and r.get("runtime_defect")]
    if not marked:
        return
    print(f"== decode rows of builds with a since-fixed runtime defect ({len(marked)}; "
          "not fitted, not counted) ==")
    for r in marked:
        cases, _ = decode_cases([{**r, "runtime_defect": None}], models, table, verbose=False)
        pred = f"pred {cases[0].expected:7.1f}" if cases else "not identifiable"
        print(f"  {r['model'][:28]:28} {str(r['quant'])[:9]:9} {r['hardware'][:36]:36} "
              f"meas {r['value']:7.1f} {pred}  ({str(r['runtime_defect'])[:60]}...)")


def mark_defects(rows: list[dict[str, Any]], path: Path = DEFECTS) -> list[dict[str, Any]]:
    """The rows with `runtime_defect` set where the defects file names them (source, model, value)."""
    if not path.is_file():
        return rows
    found: dict[tuple[Any, Any, float | None], str] = {
        (d["source"], d["model"], float(d["value"])): d["runtime_defect"] for d in load(path)}
    out = []
    for r in rows:
        value = float(r["value"]) if isinstance(r.get("value"), int | float) else None
        reason = found.get((r.get("source"), r.get("model"), value))
        out.append({**r, "runtime_defect": reason} if reason else r)
    return out


def report_decode(cases: list[Case], skipped: int, title: str) -> dict[str, tuple[int, float, float, float]]:
    """Per regime: n, median |error|, p90 |error|, share inside low-high."""
    print(f"== decode tokens/s, {title}: error per regime ==")
    out: dict[str, tuple[int, float, float, float]] = {}
    groups: dict[str, list[Case]] = {}
    for c in cases:
        groups.setdefault(c.regime, []).append(c)
    groups["all"] = cases
    for name in sorted(groups, key=lambda k: (k == "all", k)):
        cs = groups[name]
        if not cs:
            continue
        errs = sorted(abs(c.expected / c.measured - 1) for c in cs)
        p90 = errs[min(len(errs) - 1, math.ceil(0.9 * len(errs)) - 1)]
        inside = sum(c.low <= c.measured <= c.high for c in cs) / len(cs)
        out[name] = (len(cs), statistics.median(errs), p90, inside)
        print(f"  {name:20} n={len(cs):3}  median {statistics.median(errs):5.1%}  p90 {p90:5.1%}  "
              f"inside low-high {inside:4.0%}")
    print(f"  ({skipped} rows skipped: model, quantization or hardware bandwidth not identifiable)")
    return out


def weights_section(rows: list[dict[str, Any]], models: dict[str, Model], title: str) -> None:
    """Predicted weights (published sizes withheld) against real files."""
    print(f"== weights vs real file sizes, {title} ==")
    errs: list[float] = []
    skipped = 0
    for r in rows:
        if r["kind"] != "file_size":
            continue
        m, q = model_for(r["model"], models), quant_of(r["quant"])
        unit = str(r["unit"])
        if m is None or q is None or ("GiB" not in unit and "GB" not in unit):
            skipped += 1
            continue
        real = float(r["value"]) * (GIB if "GiB" in unit else 1e9)
        bare = m.model_copy(update={"artifacts": ()})
        pred = estimate(bare, HardwareProfile(gpu=Accelerator(name="x", memory_gb=4000, bandwidth_gbs=1000)),
                        quant=q).weights_gb * 1e9
        err = pred / real - 1
        errs.append(err)
        print(f"  {r['model'][:38]:38} {q:10} real {real / 1e9:7.2f} GB  pred {pred / 1e9:7.2f}  {err:+.1%}")
    if errs:
        within = sum(abs(e) <= 0.03 for e in errs)
        print(f"  -> {within}/{len(errs)} = {within / len(errs):.0%} within +-3 % ({skipped} skipped)")


def memory_section(rows: list[dict[str, Any]], models: dict[str, Model], title: str) -> None:
    """Total memory (weights + KV cache + buffers) against measured peak device memory."""
    print(f"== total memory vs measured, {title} ==")
    errs: list[float] = []
    for r in rows:
        if r["kind"] != "vram" or "MiB" not in str(r["unit"]) or "peak" not in str(r["unit"]):
            continue
        m, q = model_for(r["model"], models), quant_of(r["quant"])
        if m is None or q is None:
            continue
        measured = float(r["value"]) * 2**20
        hw = HardwareProfile(gpu=Accelerator(name="x", memory_gb=128, bandwidth_gbs=256), ram_gb=128,
                             unified_memory=True, usable_gpu_share=1.0)
        est = estimate(m, hw, quant=q, context=640)  # llama-bench pp512 + tg128
        err = est.total_gb * 1e9 / measured - 1
        errs.append(err)
        print(f"  {r['model'][:38]:38} {q:10} measured {measured / 1e9:6.2f} GB  pred {est.total_gb:6.2f}  "
              f"{err:+.1%}")
    if errs:
        print(f"  -> {sum(abs(e) <= 0.10 for e in errs)}/{len(errs)} within +-10 %")


def fit_section(rows: list[dict[str, Any]], models: dict[str, Model], title: str) -> None:
    """Fit verdicts ('fit outcome' records: 1 ran fully on the GPU, 0 out of memory)."""
    print(f"== fit verdicts, {title} ==")
    right = total = 0
    for r in rows:
        if r["kind"] != "vram" or "fit outcome" not in str(r["unit"]):
            continue
        m, q = model_for(r["model"], models), quant_of(r["quant"])
        mem = re.search(r"(\d+)\s*GB", r["hardware"])
        if m is None or q is None or mem is None:
            continue
        box = float(mem.group(1))
        if "Apple" in r["hardware"]:
            share = 2 / 3 if box <= 36 else 0.75  # recommendedMaxWorkingSetSize (records in the data)
            hw = HardwareProfile(gpu=Accelerator(name="Apple", memory_gb=box * GIB / 1e9, bandwidth_gbs=100,
                                                 backend="metal", device_class="apple"),
                                 ram_gb=box * GIB / 1e9, unified_memory=True, usable_gpu_share=share)
        else:
            hw = HardwareProfile(gpu=Accelerator(name="GPU", memory_gb=box * GIB / 1e9, bandwidth_gbs=500))
        est = estimate(m, hw, quant=q, context=context_of(r))
        predicted = int(est.placement == "gpu")
        ok = predicted == int(r["value"])
        right += ok
        total += 1
        print(f"  {'ok ' if ok else 'BAD'} {r['model'][:30]:30} {q:8} {r['hardware'][:28]:28} measured "
              f"{int(r['value'])} predicted {predicted} ({est.total_gb:.2f} GB of {est.available_gb:.2f})")
    if total:
        print(f"  -> {right}/{total} verdicts right")


def context_of(r: dict[str, Any]) -> int:
    """The context a measurement ran at. XiongjieDai's figures are the 'tg 1024' column of llama-bench
    tables (README: `llama-bench -p 512,1024,4096,8192 -n 512,1024,4096,8192`), runs of 1024 tokens;
    the same tables show 'tg 8192' out of memory on the 8 GB M1, so they did not run at -c 0 = 8192
    as the records' notes infer; their fit outcomes are those of the same runs."""
    tg1024 = "1024" in str(r.get("unit")) or "fit outcome" in str(r.get("unit"))
    if "XiongjieDai" in str(r.get("source")) and tg1024:
        return 1024
    # llama-bench "tgN @ dD": N tokens generated after D in the cache, so on average D + N/2 are
    # read; the estimator reads half its context, hence 2D + N.
    depth = re.search(r"\btg(\d+)(?: @ d(\d+))?", str(r.get("unit")))
    if depth:
        return 2 * int(depth.group(2) or 0) + int(depth.group(1))
    return int(r["context"]) if r.get("context") else 8192


def load(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="folder with measurements.json")
    parser.add_argument("--extra", type=Path, nargs="*", default=[EXTRA],
                        help="held-out measurement files, each reported apart")
    parser.add_argument("--more", type=Path, nargs="*", default=[MORE],
                        help="our own sourced measurements, added to the development data")
    parser.add_argument("--verbose", action="store_true", help="print every decode case")
    parser.add_argument("--fit", action="store_true", help="fit the speed constants on the development data")
    parser.add_argument("--cross-source", action="store_true",
                        help="the low-high range from leave-one-source-out fits on the development data")
    args = parser.parse_args()
    folder = args.data or next((p for p in DEV_CANDIDATES if (p / "measurements.json").is_file()), None)
    if folder is None or not (folder / "measurements.json").is_file():
        print("no development measurements found; nothing to validate")
        return
    catalog = load_bundled()
    models, presets = catalog.models, catalog.hardware
    dev = load(folder / "measurements.json")
    for path in args.more:
        if path.is_file():
            dev += load(path)
    dev = mark_defects(dev)
    table = bandwidth_table(dev, presets)
    if args.fit:
        import sys  # noqa: PLC0415

        sys.path.insert(0, str(ROOT / "bench"))
        from fit_speed import fit  # noqa: PLC0415

        fit(lambda: decode_cases(dev, models, table, verbose=False)[0])
    if args.cross_source:
        import sys  # noqa: PLC0415

        sys.path.insert(0, str(ROOT / "bench"))
        from fit_speed import cross_source  # noqa: PLC0415

        cross_source(lambda: decode_cases(dev, models, table, verbose=False)[0])
    weights_section(dev, models, "development")
    memory_section(dev, models, "development")
    fit_section(dev, models, "development")
    cases, skipped = decode_cases(dev, models, table, args.verbose)
    report_decode(cases, skipped, "development (fitted on)")
    report_defects(dev, models, table)
    for path in args.extra:
        if not path.is_file():
            continue
        extra = load(path)
        table_extra = {**table, **bandwidth_table(extra, presets)}
        title = f"held-out {path.name}"
        weights_section(extra, models, title)
        fit_section(extra, models, title)
        cases, skipped = decode_cases(extra, models, table_extra, args.verbose)
        report_decode(cases, skipped, f"{title} (never fitted on)")


if __name__ == "__main__":
    main()
