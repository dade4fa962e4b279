"""The GPU probes detection runs: NVIDIA (NVML, nvidia-smi), AMD (amdsmi, rocm-smi, sysfs) and
Intel (sysfs, xpu-smi). Each reads one source through a `ProbeEnv` and returns `GpuReading`s, with
its `ProbeRecord` saying what happened (the machinery is in probes.py).
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from advisor.hardware.probes import (
    AMD_PCI,
    INTEL_PCI,
    GpuReading,
    ProbeEnv,
    ProbeRecord,
    library_probe,
    run_tool,
)


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def bandwidth_from_clock(bus_width_bits: int | None, mem_clock_mhz: float | None) -> float | None:
    """Peak GB/s from NVIDIA's memory bus width and max memory clock. NVML and nvidia-smi report the
    clock at half the data rate (an RTX 2080's `nvidia-smi -q` says Max Clocks Memory 7000 MHz for
    its 14 Gbps GDDR6: 7000 x 2 x 256 bit / 8 = 448 GB/s, NVIDIA's spec; 4090: 10501 MHz -> 1008)."""
    if not bus_width_bits or not mem_clock_mhz or bus_width_bits <= 0 or mem_clock_mhz <= 0:
        return None
    return round(2 * mem_clock_mhz * bus_width_bits / 8 / 1000, 1)


# -- NVIDIA ------------------------------------------------------------------------------------
def probe_nvml(env: ProbeEnv, record: ProbeRecord) -> list[GpuReading]:
    """NVIDIA through NVML (nvidia-ml-py): Linux and Windows, exact bytes, bus width, max clock."""

    def read(nvml: Any) -> list[GpuReading]:
        nvml.nvmlInit()
        try:
            found: list[GpuReading] = []
            for index in range(nvml.nvmlDeviceGetCount()):
                handle = nvml.nvmlDeviceGetHandleByIndex(index)
                name = _text(nvml.nvmlDeviceGetName(handle))
                total = bus = clock = None
                with contextlib.suppress(Exception):  # unified chips (GB10) may not report it
                    total = int(nvml.nvmlDeviceGetMemoryInfo(handle).total)
                with contextlib.suppress(Exception):  # older drivers lack the call: bandwidth unknown
                    bus = int(nvml.nvmlDeviceGetMemoryBusWidth(handle))
                with contextlib.suppress(Exception):
                    clock = float(nvml.nvmlDeviceGetMaxClockInfo(handle, nvml.NVML_CLOCK_MEM))
                record.raw += (f"device {index}: {name!r} total={total} B bus={bus} bit "
                               f"max_mem_clock={clock} MHz\n")
                found.append(GpuReading(name, "nvidia", "nvml", total, bandwidth_from_clock(bus, clock),
                                        bus, clock))
            return found
        finally:
            with contextlib.suppress(Exception):
                nvml.nvmlShutdown()

    return library_probe(env, record, "pynvml", "NVML", read, absent="nvidia-ml-py is not installed",
                         counted="NVIDIA", missing_driver=r"LibraryNotFound|DriverNotLoaded")


NVIDIA_SMI_FIELDS = ("name", "memory.total", "memory.bus_width", "clocks.max.memory")


def probe_nvidia_smi(env: ProbeEnv, record: ProbeRecord) -> list[GpuReading]:
    """NVIDIA through nvidia-smi, when NVML cannot be loaded. Older nvidia-smi lacks
    memory.bus_width; then it is asked again without it."""
    fields = list(NVIDIA_SMI_FIELDS)
    out = run_tool(env, record, ["nvidia-smi", f"--query-gpu={','.join(fields)}",
                                 "--format=csv,noheader,nounits"])
    if out is None and record.status == "failed":
        fields.remove("memory.bus_width")
        record.status = "ok"
        out = run_tool(env, record, ["nvidia-smi", f"--query-gpu={','.join(fields)}",
                                     "--format=csv,noheader,nounits"])
    if out is None:
        return []
    found: list[GpuReading] = []
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if not line.strip():
            continue
        if len(parts) != len(fields):
            record.detail = f"unexpected line {line[:80]!r}"
            continue
        row = dict(zip(fields, parts, strict=True))
        mib = _number(row["memory.total"])
        bus = _number(row.get("memory.bus_width", ""))
        clock = _number(row["clocks.max.memory"])
        found.append(GpuReading(row["name"], "nvidia", "nvidia-smi",
                                int(mib * 2**20) if mib else None,  # nvidia-smi prints MiB
                                bandwidth_from_clock(int(bus) if bus else None, clock),
                                int(bus) if bus else None, clock))
    if not found:
        record.status = "failed"
        record.detail = record.detail or "no GPU in nvidia-smi's output"
    else:
        record.detail = f"{len(found)} NVIDIA GPU(s)"
    return found


def _number(text: str) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:MiB|MHz|bit)?\s*", text)
    return float(match.group(1)) if match else None


# -- AMD ---------------------------------------------------------------------------------------
def probe_amdsmi(env: ProbeEnv, record: ProbeRecord) -> list[GpuReading]:
    """AMD through the amdsmi Python module ROCm ships (market name, VRAM, bus width, bandwidth)."""

    def read(amdsmi: Any) -> list[GpuReading]:
        amdsmi.amdsmi_init()
        try:
            found: list[GpuReading] = []
            for handle in amdsmi.amdsmi_get_processor_handles():
                asic = amdsmi.amdsmi_get_gpu_asic_info(handle)
                vram: dict[str, Any] = {}
                with contextlib.suppress(Exception):
                    vram = dict(amdsmi.amdsmi_get_gpu_vram_info(handle))
                total = None
                with contextlib.suppress(Exception):
                    total = int(amdsmi.amdsmi_get_gpu_memory_total(handle, amdsmi.AmdSmiMemoryType.VRAM))
                if total is None and vram.get("vram_size"):
                    total = int(vram["vram_size"]) * 2**20  # amdsmi gives vram_size in MB (MiB)
                bw = vram.get("vram_max_bandwidth")
                record.raw += f"{asic!r}\n{vram!r}\ntotal={total}\n"
                found.append(GpuReading(
                    str(asic.get("market_name") or "AMD GPU"), "amd", "amdsmi", total,
                    float(bw) if isinstance(bw, int | float) and bw > 0 else None,
                    int(vram["vram_bit_width"]) if vram.get("vram_bit_width") else None))
            return found
        finally:
            with contextlib.suppress(Exception):
                amdsmi.amdsmi_shut_down()

    return library_probe(env, record, "amdsmi", "amdsmi", read,
                         absent="the amdsmi module (ROCm) is not installed", counted="AMD")


def probe_rocm_smi(env: ProbeEnv, record: ProbeRecord) -> list[GpuReading]:
    """AMD through `rocm-smi --json`. Key names changed across ROCm releases ("Card series",
    "Card Series"), so they are matched without case."""
    out = run_tool(env, record, ["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--json"])
    if out is None:
        return []
    try:
        data = json.loads(out[out.find("{"):]) if "{" in out else {}
    except json.JSONDecodeError:
        record.status, record.detail = "failed", "rocm-smi printed something that is not JSON"
        return []
    found: list[GpuReading] = []
    for card, info in sorted(data.items()):
        if not card.lower().startswith("card") or not isinstance(info, dict):
            continue
        keys = {k.lower().strip(): v for k, v in info.items()}
        name = str(keys.get("card series") or keys.get("card sku") or "AMD GPU")
        total = keys.get("vram total memory (b)")
        found.append(GpuReading(name, "amd", "rocm-smi",
                                int(str(total)) if str(total or "").isdigit() else None))
    record.detail = f"{len(found)} AMD GPU(s)" if found else "no card in rocm-smi's output"
    if not found:
        record.status = "failed"
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _amdgpu_name(env: ProbeEnv, device_id: str, revision: str | None) -> str | None:
    """The product name libdrm's amdgpu.ids gives a device id and revision."""
    table = _read(env.path("/usr/share/libdrm/amdgpu.ids")) or ""
    want_dev, want_rev = device_id.lower().removeprefix("0x"), (revision or "").lower().removeprefix("0x")
    fallback = None
    for line in table.splitlines():
        parts = [p.strip() for p in line.split(",", 2)]
        if len(parts) == 3 and parts[0].lower() == want_dev:
            if parts[1].lower() == want_rev:
                return parts[2]
            fallback = fallback or parts[2]
    return fallback


def probe_sysfs(env: ProbeEnv, record: ProbeRecord) -> list[GpuReading]:
    """AMD and Intel GPUs from /sys/class/drm/card*/device: vendor id and VRAM size (amdgpu's
    mem_info_vram_total; for Intel cards the xe driver's tile0/physical_vram_size_bytes, or
    lmem_total_bytes of Intel's out-of-tree i915), the name from libdrm's amdgpu.ids. Intel cards
    get no name here (xpu-smi gives it), so they match no preset."""
    drm = env.path("/sys/class/drm")
    try:
        cards = sorted(p for p in drm.iterdir() if re.fullmatch(r"card\d+", p.name))
    except OSError:
        record.status, record.detail = "absent", "no /sys/class/drm"
        return []
    found: list[GpuReading] = []
    for card in cards:
        dev = card / "device"
        vendor = (_read(dev / "vendor") or "").lower()
        device_id = _read(dev / "device") or "?"
        record.raw += f"{card.name}: vendor={vendor} device={device_id}\n"
        if vendor == AMD_PCI:
            total = _read(dev / "mem_info_vram_total")
            name = (_read(dev / "product_name") or _amdgpu_name(env, device_id, _read(dev / "revision"))
                    or f"AMD GPU {device_id}")
            record.raw += f"  name={name!r} mem_info_vram_total={total}\n"
            found.append(GpuReading(name, "amd", "sysfs", int(total) if total and total.isdigit() else None))
        elif vendor == INTEL_PCI:
            total = _read(card / "lmem_total_bytes") or _read(dev / "tile0" / "physical_vram_size_bytes")
            record.raw += f"  local memory={total}\n"
            if total and total.isdigit() and int(total) > 0:  # integrated Intel GPUs have no local memory
                found.append(GpuReading(f"Intel GPU {device_id}", "intel", "sysfs", int(total)))
    record.detail = f"{len(found)} AMD/Intel GPU(s)" if found else "no AMD or Intel GPU with its own memory"
    return found


def probe_xpu_smi(env: ProbeEnv, record: ProbeRecord) -> list[GpuReading]:
    """Intel Arc and Data Center GPUs through `xpu-smi discovery -j`."""
    out = run_tool(env, record, ["xpu-smi", "discovery", "-j"])
    if out is None:
        return []
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        record.status, record.detail = "failed", "xpu-smi printed something that is not JSON"
        return []
    items = data.get("device_list", []) if isinstance(data, dict) else data
    found: list[GpuReading] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        size = str(item.get("memory_physical_size_byte") or "")
        found.append(GpuReading(str(item.get("device_name") or "Intel GPU"), "intel", "xpu-smi",
                                int(size) if size.isdigit() else None))
    record.detail = f"{len(found)} Intel GPU(s)"
    return found
