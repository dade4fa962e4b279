"""What a preset's spec sheet does not say but the speed estimate needs: backend, device class and,
where a device is known to fall short of its nominal bandwidth, the measured figure with its source.

Memory sizes on boxes are binary: a "16 GB" card holds 16 GiB = 17.18 x 10^9 bytes (nvidia-smi
reports 16376 MiB for an RTX 4080), and macOS sizes unified memory the same way. Presets keep the
box figure; `box_gb_to_bytes` turns it into exact bytes, and outputs speak GB = 10^9 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 2**30
"""Bytes in one GiB: the unit of every memory size printed on a GPU, a Mac or a DIMM."""


def box_gb_to_bytes(box_gb: float) -> float:
    """Exact bytes of a memory size as printed on the box (GiB)."""
    return box_gb * GIB


@dataclass(frozen=True)
class DeviceFacts:
    """Speed-relevant facts of one preset."""

    backend: str
    device_class: str
    achievable_bandwidth_gbs: float | None = None
    source: str | None = None


# HBM parts: the "datacenter" class. GDDR data-centre cards (L4, L40, L40S, A10, A10G, A40, T4) and
# workstation cards (RTX A-series, RTX 6000 Ada, RTX PRO 6000) stay "consumer": same memory type.
_DATACENTER = ("a100-40gb", "a100-80gb-sxm", "h100-pcie", "h100-sxm", "h200-sxm", "h200-nvl", "b200",
               "mi300x", "mi325x")

_STRIX_HALO_MEASURED = (
    "lhl/strix-halo-testing llm-bench/README.md (commit 5ee14b5b0ecf, 2025-10-31): ~215 GB/s "
    "max GPU memory bandwidth measured of 256 GB/s theoretical (shared/data/validation record)")

FACTS: dict[str, DeviceFacts] = {
    **{pid: DeviceFacts("rocm" if pid.startswith("mi") else "cuda", "datacenter") for pid in _DATACENTER},
    "ryzen-ai-max-395-128gb": DeviceFacts("vulkan", "igpu", 215.0, _STRIX_HALO_MEASURED),
    # Same 256-bit LPDDR5X-8000 bus as the 128 GB part; the measurement was made on the 128 GB one.
    "ryzen-ai-max-395-64gb": DeviceFacts(
        "vulkan", "igpu", 215.0, _STRIX_HALO_MEASURED + "; measured on the 128 GB system, same bus"),
    "dgx-spark": DeviceFacts("cuda", "igpu"),
}


def facts_for(preset_id: str, vendor: str, kind: str) -> DeviceFacts:
    """The facts for a preset: the table's entry, else what its vendor and kind imply."""
    found = FACTS.get(preset_id)
    if found is not None:
        return found
    if kind == "cpu":
        return DeviceFacts("cpu", "cpu")
    if vendor == "apple":
        return DeviceFacts("metal", "apple")
    if kind == "apu":
        return DeviceFacts("vulkan", "igpu")
    if vendor == "amd":
        return DeviceFacts("rocm", "consumer")
    if vendor == "intel":
        return DeviceFacts("sycl", "consumer")
    return DeviceFacts("cuda", "consumer")
