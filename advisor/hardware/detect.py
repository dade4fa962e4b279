"""Hardware detection: pre-fills a profile the user then edits. Never the truth, never a crash.

Every probe runs with a timeout; a missing tool, a hang, a non-zero exit or odd output becomes a note
and detection falls back to what it could read (at worst: nothing, and the user types it in).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from advisor.catalog.schema import HardwarePreset
from advisor.hardware.profile import Accelerator, HardwareProfile, profile_from_preset

Runner = Callable[[Sequence[str], float], str]


def run_command(args: Sequence[str], timeout_s: float) -> str:
    """Run a probe; its stdout, or an exception (FileNotFoundError, TimeoutExpired, CalledProcessError)."""
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout_s, check=True)
    return done.stdout


@dataclass(frozen=True)
class DetectionResult:
    """What detection found: a profile to pre-fill (or None), notes on what happened."""

    profile: HardwareProfile | None
    notes: list[str] = field(default_factory=list)
    matched_preset_id: str | None = None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).replace("geforce", "").replace("nvidia", "").strip()


def match_preset(name: str, presets: Iterable[HardwarePreset]) -> HardwarePreset | None:
    """The preset whose model number matches a detected device name, conservatively."""
    wanted = _norm(name)
    best: tuple[int, HardwarePreset] | None = None
    for preset in presets:
        core = _norm(re.sub(r"\(.*?\)", "", preset.name))
        if (core and core in wanted) or wanted in core:
            score = len(core)
            if best is None or score > best[0]:
                best = (score, preset)
    return best[1] if best else None


def _ram_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    try:
        if meminfo.exists():
            match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text(encoding="ascii", errors="ignore"))
            if match:
                return int(match.group(1)) * 1024 / 1e9
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return float(pages * size) / 1e9 if pages > 0 and size > 0 else None
    except (OSError, ValueError):
        return None


def _nvidia(runner: Runner, timeout_s: float, notes: list[str]) -> list[tuple[str, float]]:
    try:
        out = runner(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
                     timeout_s)
    except FileNotFoundError:
        return []
    except subprocess.TimeoutExpired:
        notes.append(f"nvidia-smi did not answer within {timeout_s:g} s")
        return []
    except (subprocess.CalledProcessError, OSError) as exc:
        notes.append(f"nvidia-smi failed ({exc})")
        return []
    gpus: list[tuple[str, float]] = []
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 2:
            continue
        try:
            gpus.append((parts[0], float(parts[1]) * 1024 * 1024 / 1e9))  # MiB -> GB
        except ValueError:
            notes.append(f"nvidia-smi printed something unexpected: {line[:80]!r}")
    return gpus


def _apple(runner: Runner, timeout_s: float, notes: list[str]) -> tuple[str, float] | None:
    if platform.system() != "Darwin":
        return None
    try:
        brand = runner(["sysctl", "-n", "machdep.cpu.brand_string"], timeout_s).strip()
        mem = float(runner(["sysctl", "-n", "hw.memsize"], timeout_s).strip()) / 1e9
    except (FileNotFoundError, subprocess.TimeoutExpired, subprocess.CalledProcessError, OSError,
            ValueError) as exc:
        notes.append(f"could not read the Mac's chip and memory ({exc})")
        return None
    return (brand, mem) if brand.startswith("Apple") else None


def detect(presets: Iterable[HardwarePreset] = (), timeout_s: float = 5.0,
           runner: Runner = run_command) -> DetectionResult:
    """Pre-fill a hardware profile from this machine (NVIDIA, Apple silicon, CPU and RAM)."""
    notes: list[str] = []
    preset_list = list(presets)
    ram = _ram_gb()
    gpus = _nvidia(runner, timeout_s, notes)
    if gpus:
        names = {name for name, _ in gpus}
        if len(names) > 1:
            notes.append(f"GPUs of different kinds found ({', '.join(sorted(names))}); using the first kind")
        name, mem = gpus[0]
        count = sum(1 for n, _ in gpus if n == name)
        preset = match_preset(name, preset_list)
        if preset is not None:
            profile = profile_from_preset(preset, gpu_count=count).model_copy(update={"ram_gb": ram})
            return DetectionResult(profile, notes, preset.id)
        notes.append(f"{name} is not among the presets: its bandwidth is unknown, type it in")
        return DetectionResult(None, notes)
    apple = _apple(runner, timeout_s, notes)
    if apple is not None:
        chip, mem = apple
        preset = match_preset(chip, preset_list)
        if preset is not None:
            profile = profile_from_preset(preset).model_copy(update={"ram_gb": round(mem)})
            return DetectionResult(profile, notes, preset.id)
        notes.append(f"{chip} is not among the presets: type its bandwidth in")
        return DetectionResult(None, notes)
    if ram is None:
        notes.append("could not read the amount of RAM")
        return DetectionResult(None, notes)
    notes.append("no GPU found; RAM bandwidth is unknown (give --ram-bandwidth-gbs for speed estimates)")
    return DetectionResult(HardwareProfile(name="This computer (CPU only)", ram_gb=round(ram, 1)), notes)


__all__ = ["Accelerator", "DetectionResult", "detect", "match_preset", "run_command"]
