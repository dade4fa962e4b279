"""Hardware detection: pre-fills a profile the user then edits. Never the truth, never a crash.

The probes (gpu_probes.py, host_probes.py) read what this machine says about itself; every one has a
time-out, and a missing tool, a hang, a non-zero exit or odd output becomes a probe record and a
note. Detected values always win: a matched preset (matching.py, exact or none) only fills what no
probe could read, such as an AMD card's or an Apple chip's bandwidth, and every such fill is listed
under `assumptions`. Memory sizes in the report are box sizes (GiB, the maker's "8 GB"), like presets.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from advisor.catalog.schema import Frozen, HardwareKind, HardwarePreset
from advisor.hardware import gpu_probes
from advisor.hardware import host_probes as host
from advisor.hardware.devices import box_gb_to_bytes, facts_for
from advisor.hardware.matching import Match, box_gib, match_device
from advisor.hardware.probes import GpuReading, ProbeEnv, ProbeRecord, Runner, run_command
from advisor.hardware.profile import Accelerator, HardwareProfile, profile_from_preset

IGPU_CARVE_OUT_GIB = 2.0
"""An AMD or Intel device reporting less VRAM than this (or none) is taken for an integrated GPU:
its BIOS carve-out (AMD APUs reserve 512 MiB by default) is not a card to place a model on."""


class DetectedGpu(Frozen):
    """One kind of GPU found: `count` identical devices."""

    name: str = Field(description="The device's name as its driver reports it.")
    vram_gb: float | None = Field(description="Memory of one device as its maker states it (GiB box size).")
    bandwidth_gbs: float | None = Field(description="Memory bandwidth of one device in GB/s.")
    count: int = Field(ge=1, description="How many identical devices.")
    probe: str = Field(description="The probe that found it (nvml, nvidia-smi, amdsmi, ...).")


class Detection(Frozen):
    """What `advisor hardware detect` reports: findings, their probes, and what was assumed."""

    gpus: tuple[DetectedGpu, ...] = Field(default=(), description="GPUs found, largest first.")
    ram_gb: float | None = Field(default=None, description="System RAM in GiB (modules, else OS-visible).")
    ram_bandwidth_gbs: float | None = Field(default=None, description="System RAM bandwidth in GB/s.")
    unified_memory_gb: float | None = Field(
        default=None, description="The unified pool in GiB on Apple silicon and APUs, else None.")
    matched_preset: str | None = Field(default=None, description="Preset id of the main device, if any.")
    probes: tuple[dict[str, str], ...] = Field(default=(), description="Each probe: name, status, detail.")
    assumptions: tuple[str, ...] = Field(default=(), description="Every value not read from this machine.")

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of `advisor hardware detect --format json`."""
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class DetectionResult:
    """What detection found: a profile to pre-fill (or None), notes, and the full report."""

    profile: HardwareProfile | None
    notes: list[str] = field(default_factory=list)
    matched_preset_id: str | None = None
    report: Detection = field(default_factory=Detection)
    records: tuple[ProbeRecord, ...] = ()


def match_preset(name: str, presets: Iterable[HardwarePreset]) -> HardwarePreset | None:
    """The preset that is exactly the named device (see matching.py), or None."""
    return match_device(name, presets).preset


# -- running the probes --------------------------------------------------------------------------
def _run_probes(env: ProbeEnv) -> tuple[dict[str, Any], list[ProbeRecord]]:
    """Every probe that applies to this OS, groups in parallel (each call has its own time-out)."""
    found: dict[str, Any] = {}
    records: list[ProbeRecord] = []
    lock = threading.Lock()

    def probe(name: str, fn: Callable[[ProbeEnv, ProbeRecord], Any]) -> Any:
        record = ProbeRecord(name)
        value = fn(env, record)
        with lock:
            records.append(record)
            found[name] = value
        return value

    def nvidia() -> None:
        if not probe("nvml", gpu_probes.probe_nvml):
            probe("nvidia-smi", gpu_probes.probe_nvidia_smi)

    def amd() -> None:
        if not probe("amdsmi", gpu_probes.probe_amdsmi):
            probe("rocm-smi", gpu_probes.probe_rocm_smi)

    groups: list[Callable[[], None]] = [lambda: probe("psutil", host.probe_psutil),
                                        lambda: probe("cpu", host.probe_cpu_name)]
    if env.system == "Darwin":
        groups.append(lambda: probe("system_profiler", host.probe_system_profiler))
    else:
        groups.append(nvidia)
    if env.system == "Windows":
        groups += [lambda: probe("wmi-video", host.probe_wmi_video),
                   lambda: probe("wmi-memory", host.probe_wmi_memory)]
    elif env.system != "Darwin":
        groups += [amd, lambda: probe("sysfs", gpu_probes.probe_sysfs),
                   lambda: probe("xpu-smi", gpu_probes.probe_xpu_smi),
                   lambda: probe("dmidecode", host.probe_dmidecode)]
    threads = [threading.Thread(target=g, daemon=True, name="advisor-detect") for g in groups]
    for thread in threads:
        thread.start()
    for thread in threads:  # a group makes at most 2 guarded calls: this bounds the wait
        thread.join(2 * (env.timeout_s + 1))
    with lock:
        order = ["nvml", "nvidia-smi", "amdsmi", "rocm-smi", "sysfs", "xpu-smi", "system_profiler",
                 "wmi-video", "psutil", "dmidecode", "wmi-memory", "cpu"]
        return dict(found), sorted(records, key=lambda r: order.index(r.name))


def _gpu_readings(found: dict[str, Any], notes: list[str]) -> list[GpuReading]:
    """One reading per device, each vendor from its best probe."""
    nvidia = found.get("nvml") or found.get("nvidia-smi") or []
    amd = found.get("amdsmi") or found.get("rocm-smi") or []
    sysfs: list[GpuReading] = found.get("sysfs") or []
    intel = found.get("xpu-smi") or [r for r in sysfs if r.vendor == "intel"]
    amd = amd or [r for r in sysfs if r.vendor == "amd"]
    mac, _ = found.get("system_profiler") or ([], None)
    wmi = [r for r in found.get("wmi-video") or []
           if not ((r.vendor == "nvidia" and nvidia) or (r.vendor == "amd" and amd))]
    readings = [*nvidia, *amd, *intel, *mac, *wmi]
    kept = []
    for r in readings:
        if r.vendor in ("amd", "intel") and (r.vram_bytes or 0) < IGPU_CARVE_OUT_GIB * 2**30:
            size = f"{r.vram_bytes / 2**30:.1f} GB" if r.vram_bytes else "no memory of its own"
            notes.append(f"{r.name}: {size}, taken for an integrated GPU; not counted as a GPU")
            continue
        kept.append(r)
    return kept


@dataclass
class _Group:
    reading: GpuReading
    count: int
    vram_gib: float | None
    match: Match

    @property
    def maker_gib(self) -> float | None:
        """The maker's figure: the matched preset's box size when the card reports a little less
        of it (ECC, driver reserve), else what it reports."""
        preset = self.match.preset
        if preset is not None and self.vram_gib is not None and not preset.unified_memory \
                and self.vram_gib <= preset.memory_gb:
            return preset.memory_gb
        return self.vram_gib

    @property
    def bandwidth_gbs(self) -> float | None:
        preset = self.match.preset
        return self.reading.bandwidth_gbs or (preset.bandwidth_gbs if preset else None)


def _group(readings: list[GpuReading], presets: list[HardwarePreset]) -> list[_Group]:
    groups: dict[tuple[str, float | None], _Group] = {}
    for r in readings:
        gib = box_gib(r.vram_bytes) if r.vram_bytes else None
        key = (r.name, gib)
        if key in groups:
            groups[key].count += 1
            continue
        kinds = [HardwareKind.APPLE_SOC] if r.unified else [HardwareKind.GPU, HardwareKind.APU]
        match = match_device(r.name, presets, memory_gib=gib, gpu_cores=r.gpu_cores, kinds=kinds)
        if match.preset is not None and not r.unified and match.preset.unified_memory:
            gib = None  # a GB10 reports the shared pool; the pool is RAM, sized below
        groups[key] = _Group(r, 1, gib, match)
    # the largest device first: one 24 GB card holds what two 12 GB ones cannot without a split
    return sorted(groups.values(), key=lambda g: (-(g.vram_gib or 0), -(g.bandwidth_gbs or 0), -g.count))


# -- RAM ---------------------------------------------------------------------------------------
def _assumed_ram(cpu: str | None) -> tuple[float, str]:
    """RAM bandwidth when no module could be read: two channels (what desktop and laptop boards run)
    at the platform's common speed. DDR5-only platforms (AMD Ryzen 7000-9000 desktop, Intel Core
    Ultra) at DDR5-5600, the rest at DDR4-3200, the speeds of the generic CPU presets."""
    name = (cpu or "").lower()
    ddr5 = bool(re.search(r"core\(tm\) ultra|core ultra|ryzen \d+ [789]\d{3}(x3d|x|f|g|gt)?\b", name))
    speed, kind = (5600, "DDR5-5600") if ddr5 else (3200, "DDR4-3200")
    gbs = round(speed * 2 * host.DDR_CHANNEL_BITS / 8 / 1000, 1)
    server = bool(re.search(r"epyc|xeon|threadripper", name))
    what = f"{cpu or 'this CPU'}: memory modules not readable, assumed dual-channel {kind} ({gbs:g} GB/s)"
    if server:
        what += "; a server or workstation board has more channels, so it is likely faster"
    return gbs, what


def _ram(found: dict[str, Any], presets: list[HardwarePreset],
         assumptions: list[str]) -> tuple[int | None, float | None, HardwarePreset | None]:
    """RAM bytes, RAM bandwidth, and the CPU/APU preset the CPU's name matched (if any)."""
    total: int | None = found.get("psutil")
    modules: host.RamReading | None = found.get("dmidecode") or found.get("wmi-memory")
    cpu: str | None = found.get("cpu")
    mac_gpus, mac_memory = found.get("system_profiler") or ([], None)
    apple_silicon = any(r.unified for r in mac_gpus)
    size = (modules.installed_bytes if modules and modules.installed_bytes else None) or mac_memory or total
    if total is not None and size == total and not mac_memory:
        assumptions.append(f"RAM size is what the OS reports ({total / 2**30:.1f} GiB); a little is "
                           "reserved by firmware, so the installed size may be slightly larger")
    # An APU's preset is one memory configuration: the installed RAM picks it among equals.
    size_gib = size / 2**30 if size else None
    cpu_match = match_device(cpu, presets, memory_gib=size_gib,
                             kinds=[HardwareKind.CPU, HardwareKind.APU]).preset if cpu else None
    if modules and modules.bandwidth_gbs:
        if modules.channels_assumed:
            assumptions.append(f"memory channels not labelled by the firmware: assumed {modules.channels}")
        return size, modules.bandwidth_gbs, cpu_match
    if cpu_match is not None:
        assumptions.append(f"RAM bandwidth {cpu_match.bandwidth_gbs:g} GB/s from preset {cpu_match.id}")
        return size, cpu_match.bandwidth_gbs, cpu_match
    if apple_silicon:
        return size, None, None  # the chip's preset gives the Mac's bandwidth
    gbs, why = _assumed_ram(cpu)
    assumptions.append(why)
    return size, gbs, None


# -- the profile -------------------------------------------------------------------------------
def _unified(name: str, preset: HardwarePreset, pool: int | None, cores: int | None) -> HardwareProfile:
    base = profile_from_preset(preset)
    label = f"{name} ({cores}-core GPU)" if cores else name
    if pool is None or base.gpu is None:
        return base.model_copy(update={"name": label})
    pool_gb = box_gb_to_bytes(box_gib(pool)) / 1e9
    gpu = base.gpu.model_copy(update={"name": label, "memory_gb": pool_gb})
    return base.model_copy(update={"name": label, "gpu": gpu, "ram_gb": pool_gb})


def _discrete(g: _Group, ram_gb: float | None, ram_bw: float | None) -> HardwareProfile | None:
    bandwidth, preset = g.bandwidth_gbs, g.match.preset
    if g.vram_gib is None or bandwidth is None:
        return None
    backend = {"nvidia": "cuda", "amd": "rocm", "intel": "sycl"}.get(g.reading.vendor)
    facts = facts_for(preset.id, preset.vendor, preset.kind.value) if preset else None
    accel = Accelerator(
        name=g.reading.name, memory_gb=box_gb_to_bytes(g.vram_gib) / 1e9, bandwidth_gbs=bandwidth,
        fp16_tflops=preset.fp16_tflops if preset else None, count=g.count,
        preset_id=preset.id if preset else None, backend=facts.backend if facts else backend,
        device_class=facts.device_class if facts else None,
        achievable_bandwidth_gbs=facts.achievable_bandwidth_gbs if facts else None)
    count = f"{g.count}x " if g.count > 1 else ""
    return HardwareProfile(
        name=f"{count}{g.reading.name}", gpu=accel, ram_gb=ram_gb, ram_bandwidth_gbs=ram_bw,
        power_watts=preset.power_watts * g.count if preset and preset.power_watts else None,
        price_usd=preset.price_usd * g.count if preset and preset.price_usd else None)


def _choose(groups: list[_Group], cpu_preset: HardwarePreset | None, ram_bytes: int | None,
            ram_bw: float | None, notes: list[str]
            ) -> tuple[HardwareProfile | None, HardwarePreset | None, float | None]:
    """The profile to pre-fill, the preset it matched, and the unified pool in GiB (if unified)."""
    ram_gb = ram_bytes / 1e9 if ram_bytes else None
    main = groups[0] if groups else None
    if cpu_preset is not None and cpu_preset.unified_memory and (
            main is None or (main.match.preset is None and main.reading.vendor == cpu_preset.vendor)):
        # an APU's GPU share (however large the BIOS made it) is the unified pool
        return (_unified(cpu_preset.name, cpu_preset, ram_bytes, None), cpu_preset,
                box_gib(ram_bytes) if ram_bytes else None)
    if main is None:
        if ram_gb is None:
            notes.append("could not read the amount of RAM")
            return None, None, None
        return HardwareProfile(name="This computer (CPU only)", ram_gb=ram_gb, ram_bandwidth_gbs=ram_bw), \
            None, None
    preset = main.match.preset
    if main.reading.unified or (preset is not None and preset.unified_memory):
        pool = main.reading.vram_bytes if main.reading.unified else ram_bytes
        if preset is None:
            notes.append(f"{main.reading.name}: its memory bandwidth is unknown; choose a preset or "
                         "type it in")
            return None, None, box_gib(pool) if pool else None
        return (_unified(main.reading.name, preset, pool, main.reading.gpu_cores), preset,
                box_gib(pool) if pool else None)
    profile = _discrete(main, ram_gb, ram_bw)
    if profile is None:
        notes.append(f"{main.reading.name}: memory or bandwidth unknown; type them in")
    if len(groups) > 1:
        notes.append(f"GPUs of different kinds found; the profile uses the largest ({main.reading.name}), "
                     "not " + ", ".join(g.reading.name for g in groups[1:]))
    return profile, preset, None


def detect(presets: Iterable[HardwarePreset] = (), timeout_s: float = 5.0,
           runner: Runner = run_command, *, env: ProbeEnv | None = None) -> DetectionResult:
    """Pre-fill a hardware profile from this machine (NVIDIA, AMD, Intel, Apple, CPU and RAM)."""
    env = env or ProbeEnv(runner=runner, timeout_s=timeout_s)
    preset_list = list(presets)
    found, records = _run_probes(env)
    notes = [f"{r.name}: {r.detail}" for r in records if r.status in ("failed", "timeout")]
    assumptions: list[str] = []
    groups = _group(_gpu_readings(found, notes), preset_list)
    ram_bytes, ram_bw, cpu_preset = _ram(found, preset_list, assumptions)
    for g in groups:
        if g.match.preset is None:
            notes.append(g.match.reason + ("" if g.reading.bandwidth_gbs else "; its bandwidth is unknown"))
        elif not g.reading.bandwidth_gbs:
            assumptions.append(f"{g.reading.name}: bandwidth {g.match.preset.bandwidth_gbs:g} GB/s from "
                               f"preset {g.match.preset.id} (the driver does not report it)")
    profile, matched, unified_gib = _choose(groups, cpu_preset, ram_bytes, ram_bw, notes)
    report = Detection(
        gpus=tuple(DetectedGpu(name=g.reading.name, vram_gb=g.maker_gib, bandwidth_gbs=g.bandwidth_gbs,
                               count=g.count, probe=g.reading.probe) for g in groups),
        ram_gb=round(ram_bytes / 2**30, 1) if ram_bytes else None,
        ram_bandwidth_gbs=(profile.ram_bandwidth_gbs if profile is not None and profile.unified_memory
                           else ram_bw),
        unified_memory_gb=unified_gib, matched_preset=matched.id if matched else None,
        probes=tuple(r.to_json() for r in records), assumptions=tuple(assumptions))
    return DetectionResult(profile, notes + assumptions, matched.id if matched else None, report,
                           tuple(records))


__all__ = ["Accelerator", "Detection", "DetectionResult", "ProbeEnv", "detect", "match_preset",
           "run_command"]
