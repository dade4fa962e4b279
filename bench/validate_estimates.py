"""Predicted vs measured: weights, memory and decode speed against shared/data/validation.

Prints the table and the three acceptance figures of the estimation issue:
  weights within +-5 % of real GGUF file sizes; total memory within +-10 % where measured;
  decode tokens/s median absolute error <= 25 % with the measured value inside low-high >= 80 %.
It also prints the measured/theoretical efficiency distribution per memory class, the derivation of
DECODE_EFFICIENCY in advisor/estimate/core.py. Models are taken from the bundled catalog (matched
by their Hugging Face repo or name); rows for models or hardware it cannot identify are counted as
skipped, never guessed.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path
from typing import Any

from advisor.catalog.schema import Model
from advisor.catalog.store import load_bundled
from advisor.estimate import estimate
from advisor.estimate.quant import MIXES
from advisor.hardware.profile import Accelerator, HardwareProfile

ROOT = Path(__file__).resolve().parents[1]
GIB = 2**30

# Measurement model names -> catalog ids (the measured file is the same network).
ALIASES = {
    "llama-3.1-8b": "meta-llama/llama-3.1-8b-instruct",
    "meta-llama-3.1-8b": "meta-llama/llama-3.1-8b-instruct",
    "meta-llama-3-8b": "meta-llama/llama-3.1-8b-instruct",
    "llama-2-7b": "meta-llama/llama-2-7b-chat",
    "llama-3.1-70b": "meta-llama/llama-3.1-70b-instruct",
    "meta-llama-3-70b": "meta-llama/llama-3.1-70b-instruct",
    "llama-3.x-70b": "meta-llama/llama-3.3-70b-instruct",
    "qwen2.5-7b": "qwen/qwen2.5-7b-instruct",
    "qwen2.5-14b": "qwen/qwen2.5-14b-instruct",
    "qwen2.5-32b": "qwen/qwen2.5-32b-instruct",
    "qwen2.5-72b": "qwen/qwen2.5-72b-instruct",
    "qwen2.5-coder-32b": "qwen/qwen2.5-coder-32b-instruct",
    "qwen3-8b": "qwen/qwen3-8b",
    "qwen3-14b": "qwen/qwen3-14b",
    "qwen3-32b": "qwen/qwen3-32b",
    "qwen3-30b-a3b": "qwen/qwen3-30b-a3b",
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
}


def model_for(name: str | None, models: dict[str, Model]) -> Model | None:
    if not name:
        return None
    low = name.lower()
    for key in sorted(ALIASES, key=len, reverse=True):
        if key in low.replace("meta-llama/", "").replace("qwen/", "").replace("(", " "):
            return models.get(ALIASES[key])
    return None


def quant_of(label: str | None) -> str | None:
    if not label:
        return None
    up = label.upper().replace("UD-", "").replace("I1-", "")
    for q in sorted(MIXES, key=len, reverse=True):
        if up.startswith(q.upper()):
            return q
    return None


def hardware_for(text: str | None, bw_table: dict[str, float]) -> tuple[HardwareProfile, str] | None:
    """A profile from a measurement's hardware string: bandwidth from the string or the table."""
    if not text or "UNKNOWN" in text or "+" in text or "offload" in text.lower():
        return None
    bw: float | None = None
    found = re.search(r"(\d+(?:\.\d+)?)\s*GB/s", text)
    if found:
        bw = float(found.group(1))
    else:
        for key, value in sorted(bw_table.items(), key=lambda kv: -len(kv[0])):
            if key.lower() in text.lower():
                bw = value
                break
    if bw is None:
        return None
    count = 1
    multi = re.match(r"(\d+)x ", text)
    if multi:
        count = int(multi.group(1))
    unified = "Apple" in text or "Ryzen AI" in text or "Spark" in text or "GB10" in text
    mem = 512.0 if unified else 80.0
    gpu = Accelerator(name=text[:60], memory_gb=mem, bandwidth_gbs=bw, count=1 if unified else count)
    if unified:
        return HardwareProfile(gpu=gpu, ram_gb=mem, unified_memory=True, usable_gpu_share=1.0), "unified"
    return HardwareProfile(gpu=gpu), "gpu"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "validation")
    args = parser.parse_args()
    path = args.data / "measurements.json"
    if not path.is_file():
        print(f"no measurements at {path}; nothing to validate")
        return
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    models = load_bundled().models
    bw_table = {r["hardware"].split(" (")[0]: float(str(r["value"]).split()[0]) for r in rows
                if r["kind"] == "hardware" and isinstance(r["value"], int | float)}
    bw_table.update({"RTX 4090": 1008, "RTX 3090": 936.2, "RTX 3060": 360, "H100": 3350, "A100 80GB": 2039,
                     "L40S": 864, "RTX 5090": 1792, "RTX 4080 SUPER": 736, "RTX 5080": 960,
                     "RTX 5070 Ti": 896, "RTX 3090 Ti": 1008, "A40": 696, "RTX 6000 Ada": 960,
                     "RTX A6000": 768, "RTX 4070 Ti": 504, "RTX 4070 SUPER": 504})

    weights_section(rows, models)
    memory_section(rows, models)
    decode_section(rows, models, bw_table)


def memory_section(rows: list[dict[str, Any]], models: dict[str, Model]) -> None:
    """Total memory (weights + KV cache + buffers) against measured device memory."""
    print("== total memory vs measured ==")
    errs: list[float] = []
    skipped = 0
    for r in rows:
        if r["kind"] != "vram" or "MiB" not in str(r["unit"]) or "peak" not in str(r["unit"]):
            continue
        m, q = model_for(r["model"], models), quant_of(r["quant"])
        if m is None or q is None:
            skipped += 1
            continue
        measured = float(r["value"]) * 2**20
        # llama-bench: pp512 + tg128 -> about 640 tokens of context; unified 128 GB machine.
        hw = HardwareProfile(gpu=Accelerator(name="x", memory_gb=128, bandwidth_gbs=256), ram_gb=128,
                             unified_memory=True, usable_gpu_share=1.0)
        est = estimate(m, hw, quant=q, context=640)
        err = est.total_gb * 1e9 / measured - 1
        errs.append(err)
        print(f"  {r['model'][:38]:38} {q:8} measured {measured / 1e9:6.2f} GB  pred {est.total_gb:6.2f}  "
              f"{err:+.1%}")
    if errs:
        within = sum(abs(e) <= 0.10 for e in errs)
        print(f"  -> {within}/{len(errs)} within +-10 % ({skipped} skipped)")


def weights_section(rows: list[dict[str, Any]], models: dict[str, Model]) -> None:
    """Predicted weights (file sizes withheld) against real GGUF files."""
    print("== weights vs real file sizes ==")
    w_err: list[float] = []
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
        pred = estimate(bare, HardwareProfile(gpu=Accelerator(name="x", memory_gb=2000, bandwidth_gbs=1000)),
                        quant=q).weights_gb * 1e9
        err = pred / real - 1
        w_err.append(err)
        print(f"  {r['model'][:38]:38} {q:8} real {real / 1e9:7.2f} GB  pred {pred / 1e9:7.2f}  {err:+.1%}")
    within5 = sum(abs(e) <= 0.05 for e in w_err)
    print(f"  -> {within5}/{len(w_err)} within +-5 % ({skipped} skipped)")


def decode_section(rows: list[dict[str, Any]], models: dict[str, Model], bw_table: dict[str, float]) -> None:
    """Predicted decode speed against llama.cpp measurements on named hardware."""
    print("== decode tokens/s ==")
    errs: list[float] = []
    inside = 0
    ratios: dict[str, list[float]] = {"gpu": [], "unified": [], "cpu": []}
    skipped = 0
    for r in rows:
        if r["kind"] != "decode_tps":
            continue
        m, q = model_for(r["model"], models), quant_of(r["quant"])
        hw = hardware_for(r["hardware"], bw_table)
        if m is None or q is None or hw is None or m.architecture is None:
            skipped += 1
            continue
        profile, kind = hw
        try:
            est = estimate(m, profile, quant=q, context=int(r["context"] or 128))
        except Exception:
            skipped += 1
            continue
        d = est.decode_tokens_per_s
        if d is None:
            skipped += 1
            continue
        measured = float(r["value"])
        errs.append(abs(d.expected / measured - 1))
        inside += d.low <= measured <= d.high
        ratios[kind].append(measured / d.expected)
        print(f"  {r['model'][:30]:30} {q:8} {r['hardware'][:34]:34} meas {measured:7.1f} "
              f"pred {d.expected:7.1f} [{d.low:6.1f}-{d.high:6.1f}]")
    if errs:
        print(f"  -> median absolute error {statistics.median(errs):.1%}; measured inside low-high "
              f"{inside}/{len(errs)} = {inside / len(errs):.0%} ({skipped} skipped)")
    print("== measured / predicted-expected ratio by memory class (1.0 = calibrated) ==")
    for kind, values in ratios.items():
        if len(values) >= 3:
            qs = statistics.quantiles(values, n=10)
            print(f"  {kind:8} n={len(values):3}  p10 {qs[0]:.2f}  median {statistics.median(values):.2f}  "
                  f"p90 {qs[-1]:.2f}")


if __name__ == "__main__":
    main()
