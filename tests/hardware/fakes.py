"""Recorded probe outputs and fakes fed through detection's injected runner, modules and root.

The outputs follow what the tools print (field names and formats from their documentation and
published outputs); the numbers are each card's own: an RTX 4090 reports 24564 MiB, a 384-bit bus
and a 10501 MHz max memory clock (half its 21 Gbps data rate).
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from advisor.hardware.probes import ProbeEnv, Runner

HANG = object()
"""A tool that never answers (until the test process ends)."""

MIB = 2**20


def runner(outputs: dict[str, object], calls: list[list[str]] | None = None) -> Runner:
    """A runner answering by program name: a string is stdout, an exception is raised, a callable
    gets the argument list, HANG blocks; a program not listed is not installed."""
    def run(args: Sequence[str], timeout_s: float) -> str:
        if calls is not None:
            calls.append(list(args))
        out = outputs.get(args[0], FileNotFoundError(2, "No such file or directory", args[0]))
        if out is HANG:
            threading.Event().wait(60)
            raise subprocess.TimeoutExpired(list(args), 60)
        if isinstance(out, BaseException):
            raise out
        if callable(out):
            return str(out(list(args)))
        return str(out)
    return run


def env(tmp: Path, system: str = "Linux", tools: dict[str, object] | None = None,
        modules: dict[str, Any] | None = None, timeout_s: float = 2.0,
        ram_bytes: int | None = 64 * 2**30, cpu: str = "AMD Ryzen 9 5950X 16-Core Processor") -> ProbeEnv:
    """A probe environment with no GPU library unless given, psutil reporting `ram_bytes`, and
    /proc/cpuinfo naming `cpu` under `tmp`."""
    mods = dict(modules or {})
    if ram_bytes is not None and "psutil" not in mods:
        mods["psutil"] = SimpleNamespace(virtual_memory=lambda: SimpleNamespace(total=ram_bytes))
    proc = tmp / "proc"
    proc.mkdir(parents=True, exist_ok=True)
    (proc / "cpuinfo").write_text(f"processor\t: 0\nmodel name\t: {cpu}\n", encoding="utf-8")
    return ProbeEnv(runner=runner(tools or {}), load_module=mods.get, root=tmp,
                    system=system, timeout_s=timeout_s)


class NVMLError(Exception):
    """Stands in for pynvml.NVMLError."""


class NVMLError_LibraryNotFound(NVMLError):  # noqa: N801, N818 - pynvml's own class name
    """pynvml's error when libnvidia-ml.so is not there."""


def fake_nvml(devices: list[tuple[str, int, int | None, float | None]],
              init_error: BaseException | None = None, hang: bool = False) -> SimpleNamespace:
    """A pynvml module object: devices are (name, total bytes, bus width bits, max memory clock MHz)."""
    def init() -> None:
        if hang:
            threading.Event().wait(60)
        if init_error is not None:
            raise init_error

    def bus(handle: int) -> int:
        width = devices[handle][2]
        if width is None:
            raise NVMLError("Not Supported")
        return width

    return SimpleNamespace(
        NVML_CLOCK_MEM=2,
        nvmlInit=init,
        nvmlShutdown=lambda: None,
        nvmlDeviceGetCount=lambda: len(devices),
        nvmlDeviceGetHandleByIndex=lambda i: i,
        nvmlDeviceGetName=lambda h: devices[h][0].encode() if h % 2 else devices[h][0],  # old bindings: bytes
        nvmlDeviceGetMemoryInfo=lambda h: SimpleNamespace(total=devices[h][1], free=0, used=0),
        nvmlDeviceGetMemoryBusWidth=bus,
        nvmlDeviceGetMaxClockInfo=lambda h, kind: devices[h][3] if kind == 2 else 0,
    )


RTX_4090 = ("NVIDIA GeForce RTX 4090", 24564 * MIB, 384, 10501.0)
RTX_4060_TI_8GB = ("NVIDIA GeForce RTX 4060 Ti", 8188 * MIB, 128, 9001.0)
RTX_3080 = ("NVIDIA GeForce RTX 3080", 10240 * MIB, 320, 9501.0)  # not among the presets
RTX_3090 = ("NVIDIA GeForce RTX 3090", 24576 * MIB, 384, 9751.0)
RTX_3060 = ("NVIDIA GeForce RTX 3060", 12288 * MIB, 192, 7501.0)


def fake_amdsmi(cards: list[dict[str, Any]]) -> SimpleNamespace:
    """An amdsmi module object: each card gives market_name, total bytes and vram info."""
    return SimpleNamespace(
        AmdSmiMemoryType=SimpleNamespace(VRAM=0),
        amdsmi_init=lambda: None,
        amdsmi_shut_down=lambda: None,
        amdsmi_get_processor_handles=lambda: list(range(len(cards))),
        amdsmi_get_gpu_asic_info=lambda h: {"market_name": cards[h]["name"], "vendor_id": 4098},
        amdsmi_get_gpu_vram_info=lambda h: cards[h]["vram"],
        amdsmi_get_gpu_memory_total=lambda h, kind: cards[h]["total"] if kind == 0 else 0,
    )


ROCM_SMI_JSON = json.dumps({
    "card0": {"Card Series": "AMD Radeon RX 7900 XTX", "Card Model": "0x744c",
              "Card Vendor": "Advanced Micro Devices, Inc. [AMD/ATI]", "Card SKU": "EXT94393",
              "VRAM Total Memory (B)": "25753026560", "VRAM Total Used Memory (B)": "1024000000"},
    "card1": {"Card series": "AMD Radeon RX 7900 XTX", "Card model": "0x744c",
              "VRAM Total Memory (B)": "25753026560", "VRAM Total Used Memory (B)": "0"},
})


def nvidia_smi_csv(*rows: tuple[str, int, int | None, float | None]) -> str:
    """`nvidia-smi --query-gpu=name,memory.total,memory.bus_width,clocks.max.memory --format=csv,
    noheader,nounits` output for these devices."""
    return "".join(f"{n}, {b // MIB}, {w}, {c:g}\n" for n, b, w, c in rows)


def sysfs_card(root: Path, card: str, vendor: str, device: str, files: dict[str, str],
               card_files: dict[str, str] | None = None) -> None:
    """A /sys/class/drm/cardN tree under `root`."""
    dev = root / "sys" / "class" / "drm" / card / "device"
    dev.mkdir(parents=True)
    (dev / "vendor").write_text(vendor + "\n", encoding="utf-8")
    (dev / "device").write_text(device + "\n", encoding="utf-8")
    for name, text in files.items():
        (dev / name).parent.mkdir(parents=True, exist_ok=True)
        (dev / name).write_text(text + "\n", encoding="utf-8")
    for name, text in (card_files or {}).items():
        (dev.parent / name).write_text(text + "\n", encoding="utf-8")


def system_profiler(chip: str, cores: int, memory_gb: int) -> str:
    """`system_profiler SPHardwareDataType SPDisplaysDataType -json` on an Apple silicon Mac."""
    return json.dumps({
        "SPDisplaysDataType": [{"_name": chip, "sppci_model": chip, "sppci_cores": str(cores),
                                "sppci_device_type": "spdisplays_gpu",
                                "spdisplays_vendor": "sppci_vendor_Apple",
                                "spdisplays_mtlgpufamilysupport": "spdisplays_metal3"}],
        "SPHardwareDataType": [{"_name": "hardware_overview", "chip_type": chip,
                                "machine_model": "Mac14,9", "number_processors": "proc 10:6:4",
                                "physical_memory": f"{memory_gb} GB"}],
    })


DMIDECODE_DDR5 = """# dmidecode 3.5
Getting SMBIOS data from sysfs.
SMBIOS 3.5.0 present.

Handle 0x0011, DMI type 16, 23 bytes
Physical Memory Array
\tLocation: System Board Or Motherboard
\tNumber Of Devices: 4

Handle 0x0012, DMI type 17, 92 bytes
Memory Device
\tTotal Width: 64 bits
\tData Width: 64 bits
\tSize: 32 GB
\tForm Factor: DIMM
\tLocator: DIMM 0
\tBank Locator: P0 CHANNEL A
\tType: DDR5
\tSpeed: 4800 MT/s
\tConfigured Memory Speed: 5600 MT/s

Handle 0x0013, DMI type 17, 92 bytes
Memory Device
\tData Width: Unknown
\tSize: No Module Installed
\tLocator: DIMM 1
\tBank Locator: P0 CHANNEL A
\tSpeed: Unknown

Handle 0x0014, DMI type 17, 92 bytes
Memory Device
\tTotal Width: 64 bits
\tData Width: 64 bits
\tSize: 32 GB
\tForm Factor: DIMM
\tLocator: DIMM 0
\tBank Locator: P0 CHANNEL B
\tType: DDR5
\tSpeed: 4800 MT/s
\tConfigured Memory Speed: 5600 MT/s
"""

WMI_VIDEO_INTEL_ARC = json.dumps({
    "video": [{"Name": "Intel(R) Arc(TM) B580 Graphics", "AdapterRAM": 4293918720,
               "PNPDeviceID": "PCI\\VEN_8086&DEV_E20B&SUBSYS_10008086&REV_00\\6&1A2B3C4D&0&00000008"},
              {"Name": "Microsoft Remote Display Adapter", "AdapterRAM": None,
               "PNPDeviceID": "SWD\\REMOTEDISPLAYENUM\\RDPIDD"}],
    "registry": [{"DriverDesc": "Intel(R) Arc(TM) B580 Graphics", "MemoryBytes": 12884901888}],
})

WMI_MEMORY_DDR4 = json.dumps([
    {"Capacity": 17179869184, "Speed": 3200, "ConfiguredClockSpeed": 3200, "DataWidth": 64,
     "DeviceLocator": "DIMM_A2", "BankLabel": "BANK 1"},
    {"Capacity": 17179869184, "Speed": 3200, "ConfiguredClockSpeed": 3200, "DataWidth": 64,
     "DeviceLocator": "DIMM_B2", "BankLabel": "BANK 3"},
])
