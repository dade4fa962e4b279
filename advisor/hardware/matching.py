"""Which preset a detected device is, exactly or not at all.

Both sides are parsed the same way, from data alone (a new preset matches without code changes):
the identity words of the name ("m1 pro", "rtx 4060 ti", "a100 sxm"), its memory in GiB and its
GPU core count, from the name or else the preset's id ("apple-m4-pro-24gb", "m4-max-40c").
A preset matches when its identity words equal the device's (so M1 != M1 Pro != M1 Max, and a
"4090 Laptop GPU" is no 4090), the GPU core counts agree where both are known, and a discrete
card's memory agrees (an 8 GB RTX 4060 Ti is not the 16 GB preset). Several presets left with
different bandwidths is no match: a wrong preset is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from advisor.catalog.schema import HardwareKind, HardwarePreset

NOISE = frozenset({
    "nvidia", "geforce", "amd", "radeon", "intel", "r", "tm", "graphics", "apple", "tesla", "gpu",
    "generation", "edition", "founders", "processor", "cpu", "chip", "unified", "memory", "with",
    "the", "and", "hbm2", "hbm2e", "hbm3", "hbm3e", "gddr6", "gddr6x", "gddr7", "lpddr5x", "soc",
})
"""Words that name a maker, a memory type or nothing at all, not which device it is."""

MEMORY_TOLERANCE = 0.07
"""Box size vs what a card reports: drivers keep a few MiB back (an RTX 4080 reports 16376 of
16384 MiB) and ECC takes 1/16 on GDDR datacenter cards (a T4 reports 15360 MiB of 16 GB); 7 %
still separates the next size up (10/12, 20/24, 80/94 GB)."""

_MEMORY = re.compile(r"(\d+(?:\.\d+)?)\s*(?:gb|gib)\b")
_CORES = re.compile(r"\b(\d+)[- ]?(?:core|c)\b")


@dataclass(frozen=True)
class DeviceName:
    """A name parsed for matching."""

    words: frozenset[str]
    extra: frozenset[str]
    memory_gib: float | None
    gpu_cores: int | None


def _words(text: str) -> list[str]:
    text = text.replace("+", " plus ")
    words = re.split(r"[^a-z0-9]+", text)
    out = []
    for word in words:
        if not word or word in NOISE:
            continue
        out.append(re.sub(r"^sxm\d$", "sxm", word))  # SXM4/SXM5 are the SXM form factor
    return out


def parse_name(name: str, slug: str = "") -> DeviceName:
    """Identity words (`extra`: those in parentheses, optional on the other side), memory, cores."""
    text = name.lower().replace("(r)", " ").replace("(tm)", " ")
    text = re.sub(r"\s+w/.*$|\s+with radeon.*$|\s*\d+-core processor.*$", "", text)  # CPU name tails
    memory = _MEMORY.search(text)
    cores = re.search(r"(\d+)[- ]?core gpu", text) or re.search(r"(\d+)-core\b(?! cpu)", text)
    text = _MEMORY.sub(" ", text)
    text = re.sub(r"(\d+)[- ]?core(?: [cg]pu)?", " ", text)
    inner = " ".join(re.findall(r"\(([^)]*)\)", text))
    outer = re.sub(r"\([^)]*\)", " ", text)
    slug_memory = _MEMORY.search(slug.replace("-", " "))
    slug_cores = _CORES.search(slug.replace("-", " "))
    core_count = int(cores.group(1)) if cores else None
    return DeviceName(
        words=frozenset(_words(outer)),
        extra=frozenset(_words(inner)),
        memory_gib=float(size.group(1)) if (size := memory or slug_memory) else None,
        gpu_cores=core_count or (int(slug_cores.group(1)) if slug_cores else None),
    )


def same_device(preset: DeviceName, found: DeviceName) -> bool:
    """Identity words equal; a preset's words in parentheses ("(PCIe)", "(GB10, ...)") may be given
    with its name, instead of it, or not at all."""
    want = found.words | found.extra
    if not want:
        return False
    return want in (preset.words, preset.words | preset.extra) or (
        bool(preset.extra) and want == preset.extra)


@dataclass(frozen=True)
class Match:
    """The matched preset (or None) and why not, for the notes."""

    preset: HardwarePreset | None
    reason: str = ""


def match_device(name: str, presets: Iterable[HardwarePreset], *, memory_gib: float | None = None,
                 gpu_cores: int | None = None, kinds: Iterable[HardwareKind] | None = None) -> Match:
    """The preset that is exactly this device, given what detection read of it."""
    found = parse_name(name)
    memory_gib = memory_gib if memory_gib is not None else found.memory_gib
    gpu_cores = gpu_cores if gpu_cores is not None else found.gpu_cores
    allowed = set(kinds) if kinds is not None else None
    same = [(p, parse_name(p.name, p.id)) for p in presets
            if allowed is None or p.kind in allowed]
    same = [(p, n) for p, n in same if same_device(n, found)]
    if not same:
        return Match(None, f"{name} is not among the presets")
    if gpu_cores is not None:
        same = [(p, n) for p, n in same if n.gpu_cores in (None, gpu_cores)]
        exact = [(p, n) for p, n in same if n.gpu_cores == gpu_cores]
        same = exact or same
        if not same:
            return Match(None, f"no preset for {name} with a {gpu_cores}-core GPU")
    if memory_gib is not None:
        fits = [(p, n) for p, n in same if p.unified_memory or _close(_preset_gib(p, n), memory_gib)]
        if not fits:
            sizes = ", ".join(sorted({f"{_preset_gib(p, n):g} GB" for p, n in same}))
            return Match(None, f"{name} with {memory_gib:g} GB is not among the presets (they have {sizes})")
        same = fits
    bandwidths = {p.bandwidth_gbs for p, _ in same}
    if len(bandwidths) > 1:
        return Match(None, f"{name} could be any of {', '.join(p.id for p, _ in same)}; "
                           "their bandwidths differ")
    best = min(same, key=lambda pn: abs(_preset_gib(*pn) - (memory_gib or 0)))
    return Match(best[0])


def _preset_gib(preset: HardwarePreset, parsed: DeviceName) -> float:
    return parsed.memory_gib if parsed.memory_gib is not None else preset.memory_gb


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= MEMORY_TOLERANCE * max(a, b)


def box_gib(size_bytes: int) -> float:
    """The size in GiB a device reports, as a box would print it: the nearest whole GiB when within
    1 % of it (8188 MiB -> 8), else one decimal (ECC on: a T4's 15360 MiB -> 15)."""
    gib = size_bytes / 2**30
    whole = round(gib)
    return float(whole) if whole and abs(whole - gib) <= 0.01 * gib else round(gib, 1)
