"""Probes of the machine around the GPUs: RAM (size, speed, channels), the CPU's name, the Mac's
chip (system_profiler) and Windows' view of its video cards and memory modules (WMI).

RAM bandwidth = data rate (MT/s) x bus width (64 bits per DDR channel, JEDEC) / 8. Where the modules
cannot be read (dmidecode needs root; Macs solder their memory) a stated assumption per CPU class
stands in, and the output says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from advisor.hardware.probes import (
    INTEL_PCI,
    NVIDIA_PCI,
    GpuReading,
    ProbeEnv,
    ProbeRecord,
    ProbeTimeoutError,
    guarded,
    run_tool,
)

DDR_CHANNEL_BITS = 64
"""Data bits of one DDR4/DDR5 channel (a DDR5 DIMM's two 32-bit subchannels together), JEDEC."""


@dataclass(frozen=True)
class RamReading:
    """System memory as read: installed modules, their speed and channels."""

    installed_bytes: int | None = None
    speed_mts: float | None = None
    channels: int | None = None
    bus_width_bits: int | None = None
    probe: str = ""
    channels_assumed: bool = False

    @property
    def bandwidth_gbs(self) -> float | None:
        """Peak GB/s from speed and bus width, when both were read."""
        if not self.speed_mts or not self.bus_width_bits:
            return None
        return round(self.speed_mts * self.bus_width_bits / 8 / 1000, 1)


def probe_psutil(env: ProbeEnv, record: ProbeRecord) -> int | None:
    """RAM the OS sees, in bytes (psutil; firmware and integrated GPUs keep a little back)."""
    psutil = env.load_module("psutil")
    if psutil is None:
        record.status, record.detail = "absent", "psutil is not installed"
        return None
    try:
        total = int(guarded(lambda: psutil.virtual_memory().total, env.timeout_s))
    except ProbeTimeoutError as exc:
        record.status, record.detail = "timeout", str(exc)
        return None
    except Exception as exc:
        record.status, record.detail = "failed", str(exc)
        return None
    record.detail, record.raw = f"{total / 2**30:.1f} GiB visible to the OS", f"total={total}\n"
    return total


@dataclass(frozen=True)
class Module:
    """One populated memory module (or soldered package)."""

    size_bytes: int
    speed_mts: float | None
    width_bits: int | None
    channel: str | None


def channel_key(locator: str, bank: str) -> str | None:
    """Which channel a module sits on, from its SMBIOS labels ("ChannelA-DIMM0", "P0 CHANNEL A",
    "DIMM_A1", "Controller1-ChannelB"); None when the labels do not say."""
    text = f"{bank} {locator}".lower()
    match = re.search(r"(?:controller\s*(\d+)\D*?)?channel\s*([a-z0-9]+)", text)
    if match:
        return f"{match.group(1) or ''}{match.group(2)}"
    match = re.search(r"dimm[_ ]?([a-h])\d", text)
    return match.group(1) if match else None


def ram_from_modules(modules: list[Module], probe: str) -> RamReading | None:
    """Speed, channels and bus width of the populated modules."""
    if not modules:
        return None
    speeds = [m.speed_mts for m in modules if m.speed_mts]
    keys = [m.channel for m in modules]
    if all(keys):
        widths: dict[str, int] = {}
        for m in modules:
            widths[str(m.channel)] = max(widths.get(str(m.channel), 0), m.width_bits or DDR_CHANNEL_BITS)
        channels, bus, assumed = len(widths), sum(widths.values()), False
    else:  # labels unreadable: a desktop board runs two channels whatever the DIMM count
        channels, assumed = min(len(modules), 2), True
        bus = channels * DDR_CHANNEL_BITS
    return RamReading(installed_bytes=sum(m.size_bytes for m in modules),
                      speed_mts=min(speeds) if speeds else None,  # mixed kits run at the slowest
                      channels=channels, bus_width_bits=bus, probe=probe, channels_assumed=assumed)


_SIZE = re.compile(r"(\d+)\s*(GB|MB|TB)", re.IGNORECASE)
_UNIT = {"mb": 2**20, "gb": 2**30, "tb": 2**40}  # dmidecode's sizes are binary (SMBIOS gives MiB)


def parse_dmidecode(text: str) -> list[Module]:
    """Populated modules in `dmidecode -t memory` output."""
    modules: list[Module] = []
    for block in re.split(r"\n(?=Handle )", text):
        if "Memory Device" not in block:
            continue
        fields = dict(re.findall(r"^\s+([^:\n]+):\s*(.*)$", block, re.MULTILINE))
        size = _SIZE.match(fields.get("Size", ""))
        if not size:
            continue  # "No Module Installed"
        speed_text = fields.get("Configured Memory Speed") or fields.get("Configured Clock Speed") or ""
        if not re.match(r"\d", speed_text):
            speed_text = fields.get("Speed", "")
        speed = re.match(r"(\d+)", speed_text)  # MT/s; dmidecode before 3.0 printed the same number as "MHz"
        width = re.match(r"(\d+)", fields.get("Data Width", ""))
        modules.append(Module(int(size.group(1)) * _UNIT[size.group(2).lower()],
                              float(speed.group(1)) if speed else None,
                              int(width.group(1)) if width else None,
                              channel_key(fields.get("Locator", ""), fields.get("Bank Locator", ""))))
    return modules


def probe_dmidecode(env: ProbeEnv, record: ProbeRecord) -> RamReading | None:
    """Memory modules through dmidecode (Linux; reading SMBIOS needs root, so often refused)."""
    out = run_tool(env, record, ["dmidecode", "-t", "memory"])
    if out is None:
        if record.status == "failed":
            record.detail += " (reading memory modules needs root: sudo advisor hardware detect)"
        return None
    reading = ram_from_modules(parse_dmidecode(out), "dmidecode")
    record.detail = (f"{reading.channels} channel(s) at {reading.speed_mts or '?'} MT/s" if reading
                     else "no populated module listed")
    return reading


def _json_list(text: str) -> list[dict[str, Any]]:
    """PowerShell's ConvertTo-Json prints one object bare and several as a list."""
    data = json.loads(text) if text.strip() else []
    items = data if isinstance(data, list) else [data]
    return [i for i in items if isinstance(i, dict)]


def _powershell(env: ProbeEnv, record: ProbeRecord, script: str) -> str | None:
    return run_tool(env, record, ["powershell", "-NoProfile", "-NonInteractive", "-Command", script])


WMI_MEMORY = ("Get-CimInstance Win32_PhysicalMemory | Select-Object Capacity,Speed,ConfiguredClockSpeed,"
              "DataWidth,DeviceLocator,BankLabel | ConvertTo-Json")


def probe_wmi_memory(env: ProbeEnv, record: ProbeRecord) -> RamReading | None:
    """Memory modules on Windows (Win32_PhysicalMemory: capacity, MT/s, slot labels)."""
    out = _powershell(env, record, WMI_MEMORY)
    if out is None:
        return None
    try:
        items = _json_list(out)
    except json.JSONDecodeError:
        record.status, record.detail = "failed", "PowerShell printed something that is not JSON"
        return None
    modules = [Module(int(i.get("Capacity") or 0), float(i.get("ConfiguredClockSpeed") or i.get("Speed") or 0)
                      or None, int(i.get("DataWidth") or 0) or None,
                      channel_key(str(i.get("DeviceLocator") or ""), str(i.get("BankLabel") or "")))
               for i in items if int(i.get("Capacity") or 0) > 0]
    reading = ram_from_modules(modules, "wmi")
    record.detail = f"{len(modules)} memory module(s)"
    return reading


WMI_VIDEO = ("$v = @(Get-CimInstance Win32_VideoController | Select-Object Name,AdapterRAM,PNPDeviceID); "
             "$r = @(Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Class\\"
             "{4d36e968-e325-11ce-bfc1-08002be10318}\\0*' -ErrorAction SilentlyContinue | "
             "Select-Object DriverDesc,@{n='MemoryBytes';e={$_.'HardwareInformation.qwMemorySize'}}); "
             "@{video=$v; registry=$r} | ConvertTo-Json -Depth 3")
WMI_ADAPTER_RAM_CAP = 2**32 - 2**20
"""Win32_VideoController.AdapterRAM is a uint32: 4 GiB and more read as ~4095 MiB, so only the
registry's HardwareInformation.qwMemorySize is trusted above it."""


def probe_wmi_video(env: ProbeEnv, record: ProbeRecord) -> list[GpuReading]:
    """Video cards on Windows (WMI for the names, the driver's registry key for exact memory)."""
    out = _powershell(env, record, WMI_VIDEO)
    if out is None:
        return []
    try:
        data = json.loads(out)
        video = _json_list(json.dumps(data.get("video", [])))
        registry = _json_list(json.dumps(data.get("registry", [])))
    except (json.JSONDecodeError, AttributeError):
        record.status, record.detail = "failed", "PowerShell printed something unexpected"
        return []
    exact = {str(r.get("DriverDesc")): int(r["MemoryBytes"]) for r in registry
             if isinstance(r.get("MemoryBytes"), int) and r["MemoryBytes"] > 0}
    found: list[GpuReading] = []
    for item in video:
        name, pnp = str(item.get("Name") or ""), str(item.get("PNPDeviceID") or "").upper()
        vendor = ("nvidia" if f"VEN_{NVIDIA_PCI[2:].upper()}" in pnp else
                  "amd" if "VEN_1002" in pnp else "intel" if f"VEN_{INTEL_PCI[2:]}" in pnp else "")
        if not vendor or not name:
            continue  # Microsoft Basic Display Adapter, remote desktop, virtual cards
        ram = item.get("AdapterRAM")
        wmi_size = ram if isinstance(ram, int) and 0 < ram < WMI_ADAPTER_RAM_CAP else None
        size = exact.get(name) or wmi_size
        found.append(GpuReading(name, vendor, "wmi", size))
    record.detail = f"{len(found)} video card(s)"
    return found


def probe_cpu_name(env: ProbeEnv, record: ProbeRecord) -> str | None:
    """The CPU's marketing name (/proc/cpuinfo, sysctl on macOS, WMI on Windows)."""
    if env.system == "Darwin":
        out = run_tool(env, record, ["sysctl", "-n", "machdep.cpu.brand_string"])
        name = (out or "").strip()
    elif env.system == "Windows":
        out = _powershell(env, record, "(Get-CimInstance Win32_Processor | Select-Object -First 1).Name")
        name = (out or "").strip()
    else:
        try:
            text = env.path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            record.status, record.detail = "absent", str(exc)
            return None
        match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
        name = match.group(1).strip() if match else ""
    if not name:
        if record.status == "ok":
            record.status, record.detail = "failed", "no CPU name found"
        return None
    record.detail = name
    return name


def probe_system_profiler(env: ProbeEnv, record: ProbeRecord) -> tuple[list[GpuReading], int | None]:
    """The Mac's chip, GPU cores and memory (system_profiler). Apple silicon is one unified reading;
    an Intel Mac's discrete GPUs are listed with their VRAM."""
    out = run_tool(env, record, ["system_profiler", "SPHardwareDataType", "SPDisplaysDataType", "-json"])
    if out is None:
        return [], None
    try:
        data = json.loads(out)
        hw = (data.get("SPHardwareDataType") or [{}])[0]
        displays = [d for d in data.get("SPDisplaysDataType") or [] if isinstance(d, dict)]
    except (json.JSONDecodeError, AttributeError, IndexError, TypeError):
        record.status, record.detail = "failed", "system_profiler printed something unexpected"
        return [], None
    memory = _size_bytes(str(hw.get("physical_memory") or ""))
    chip = str(hw.get("chip_type") or "")
    found: list[GpuReading] = []
    if chip.startswith("Apple"):
        cores = next((int(d["sppci_cores"]) for d in displays if str(d.get("sppci_cores", "")).isdigit()),
                     None)
        found.append(GpuReading(chip, "apple", "system_profiler", memory, gpu_cores=cores, unified=True))
    else:
        for d in displays:
            vram = _size_bytes(str(d.get("spdisplays_vram") or d.get("_spdisplays_vram") or ""))
            vendor = str(d.get("spdisplays_vendor") or "").lower()
            if vram and ("amd" in vendor or "ati" in vendor or "nvidia" in vendor):
                found.append(GpuReading(str(d.get("sppci_model") or "GPU"),
                                        "nvidia" if "nvidia" in vendor else "amd", "system_profiler", vram))
    record.detail = f"{chip or hw.get('cpu_type') or 'Mac'}, {hw.get('physical_memory', '? GB')}"
    return found, memory


def _size_bytes(text: str) -> int | None:
    match = _SIZE.search(text)
    return int(match.group(1)) * _UNIT[match.group(2).lower()] if match else None
