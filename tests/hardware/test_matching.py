"""Preset matching is exact or nothing, and driven by the presets' names and ids alone."""

from __future__ import annotations

from datetime import date

import pytest

from advisor.catalog.schema import HardwareKind, HardwarePreset
from advisor.catalog.store import load_bundled
from advisor.hardware.detect import match_preset
from advisor.hardware.matching import box_gib, match_device, parse_name

PRESETS = list(load_bundled().hardware.values())
GPU_KINDS = [HardwareKind.GPU, HardwareKind.APU]


def preset(pid: str, name: str, kind: str, vendor: str, memory_gb: float, bandwidth_gbs: float,
           unified: bool = False) -> HardwarePreset:
    return HardwarePreset(id=pid, name=name, kind=HardwareKind(kind), vendor=vendor,
                          memory_gb=memory_gb, bandwidth_gbs=bandwidth_gbs, unified_memory=unified,
                          source="test preset", as_of=date(2026, 12, 3))


# -- the four wrong matches of issue 21 ----------------------------------------------------------
def test_plain_m1_is_the_m1_not_the_ultra() -> None:
    found = match_device("Apple M1", PRESETS, memory_gib=8, gpu_cores=8, kinds=[HardwareKind.APPLE_SOC])
    assert found.preset is not None
    assert found.preset.id == "apple-m1-16gb"
    assert found.preset.bandwidth_gbs == 68


def test_plain_m4_is_the_m4_not_the_max() -> None:
    found = match_device("Apple M4", PRESETS, memory_gib=16, gpu_cores=10, kinds=[HardwareKind.APPLE_SOC])
    assert found.preset is not None
    assert found.preset.id == "apple-m4-16gb"


def test_8gb_rtx_4060_ti_is_not_the_16gb_preset() -> None:
    found = match_device("NVIDIA GeForce RTX 4060 Ti", PRESETS, memory_gib=8, kinds=GPU_KINDS)
    assert found.preset is not None
    assert found.preset.id == "rtx-4060-ti-8gb"
    assert found.preset.memory_gb == 8
    without_8gb = [p for p in PRESETS if p.id != "rtx-4060-ti-8gb"]
    missing = match_device("NVIDIA GeForce RTX 4060 Ti", without_8gb, memory_gib=8, kinds=GPU_KINDS)
    assert missing.preset is None  # never the 16 GB preset in its place
    assert "8 GB" in missing.reason
    assert "16 GB" in missing.reason
    sixteen = match_device("NVIDIA GeForce RTX 4060 Ti", PRESETS, memory_gib=16, kinds=GPU_KINDS)
    assert sixteen.preset is not None
    assert sixteen.preset.id == "rtx-4060-ti-16gb"


def test_the_old_substring_matcher_cases_are_exact_now() -> None:
    # the old matcher took the longest preset name inside the detected one (or the other way round)
    assert match_preset("Apple M1", PRESETS) is not None
    assert match_preset("Apple M1", PRESETS).id == "apple-m1-16gb"  # type: ignore[union-attr]
    assert match_preset("Apple M4", PRESETS).id == "apple-m4-16gb"  # type: ignore[union-attr]
    for chip, pid in (("Apple M1 Pro", "apple-m1-pro-32gb"), ("Apple M1 Max", "apple-m1-max-64gb"),
                      ("Apple M1 Ultra", "apple-m1-ultra-128gb")):
        assert match_preset(chip, PRESETS).id == pid  # type: ignore[union-attr]


# -- exactness ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "memory", "expected"), [
    ("NVIDIA GeForce RTX 4090", 24, "rtx-4090"),
    ("NVIDIA GeForce RTX 4090 Laptop GPU", 16, None),  # a laptop 4090 is another chip
    ("NVIDIA GeForce RTX 4080 SUPER", 16, "rtx-4080-super"),
    ("NVIDIA GeForce RTX 4080", 16, "rtx-4080"),
    ("NVIDIA GeForce RTX 3090 Ti", 24, "rtx-3090-ti"),
    ("NVIDIA A100-SXM4-80GB", 80, "a100-80gb-sxm"),
    ("NVIDIA A100-PCIE-40GB", 40, "a100-40gb"),
    ("NVIDIA A100 80GB PCIe", 80, None),  # the 80 GB PCIe card is not the SXM preset
    ("NVIDIA H100 PCIe", 80, "h100-pcie"),
    ("Tesla T4", 15, "t4"),
    ("NVIDIA L40S", 45, "l40s"),
    ("NVIDIA RTX 6000 Ada Generation", 48, "rtx-6000-ada"),
    ("Quadro RTX 6000", 24, None),
    ("AMD Radeon RX 7900 XTX", 24, "rx-7900-xtx"),
    ("AMD Radeon RX 7900 XT", 20, "rx-7900-xt"),
    ("AMD Instinct MI300X", 192, "mi300x"),
    ("NVIDIA GB10", None, "dgx-spark"),
    ("Totally Unknown Accelerator 9000", 16, None),
])
def test_gpu_names_match_exactly(name: str, memory: float | None, expected: str | None) -> None:
    found = match_device(name, PRESETS, memory_gib=memory, kinds=GPU_KINDS)
    assert (found.preset.id if found.preset else None) == expected, found.reason


def test_m1_pro_max_ultra_are_four_chips() -> None:
    ids = {match_device(f"Apple {chip}", PRESETS, kinds=[HardwareKind.APPLE_SOC]).preset.id  # type: ignore[union-attr]
           for chip in ("M1", "M1 Pro", "M1 Max", "M1 Ultra")}
    assert ids == {"apple-m1-16gb", "apple-m1-pro-32gb", "apple-m1-max-64gb", "apple-m1-ultra-128gb"}


def test_cpu_name_matches_the_strix_halo_apu() -> None:
    found = match_device("AMD RYZEN AI MAX+ 395 w/ Radeon 8060S", PRESETS,
                         kinds=[HardwareKind.CPU, HardwareKind.APU])
    assert found.preset is not None
    assert found.preset.id.startswith("ryzen-ai-max-395-")  # 64 and 128 GB: the same chip and bandwidth
    sized = match_device("AMD RYZEN AI MAX+ 395 w/ Radeon 8060S", PRESETS, memory_gib=128,
                         kinds=[HardwareKind.CPU, HardwareKind.APU])
    assert sized.preset is not None
    assert sized.preset.id == "ryzen-ai-max-395-128gb"
    assert match_device("AMD Ryzen AI Max 390 w/ Radeon 8050S", PRESETS,
                        kinds=[HardwareKind.CPU, HardwareKind.APU]).preset is None


# -- data-driven: presets added later match without code changes ---------------------------------
NEW = [
    preset("apple-m4-pro-24gb", "Apple M4 Pro (24 GB)", "apple_soc", "apple", 24, 273, unified=True),
    preset("apple-m4-pro-48gb", "Apple M4 Pro (48 GB)", "apple_soc", "apple", 48, 273, unified=True),
    preset("apple-m4-max-36gb", "Apple M4 Max (32-core GPU, 36 GB)", "apple_soc", "apple", 36, 410, True),
    preset("apple-m4-max-40c-128gb", "Apple M4 Max (128 GB)", "apple_soc", "apple", 128, 546, True),
    preset("rx-9070-xt", "AMD Radeon RX 9070 XT (16 GB)", "gpu", "amd", 16, 644.6),
    preset("rx-9070", "AMD Radeon RX 9070 (16 GB)", "gpu", "amd", 16, 644.6),
    preset("arc-b580", "Intel Arc B580 (12 GB)", "gpu", "intel", 12, 456),
    preset("rtx-4060-ti-8gb", "NVIDIA GeForce RTX 4060 Ti (8 GB)", "gpu", "nvidia", 8, 288),
]


@pytest.mark.parametrize(("name", "memory", "cores", "expected"), [
    ("Apple M4 Pro", 24, 16, "apple-m4-pro-24gb"),
    ("Apple M4 Pro", 64, 20, "apple-m4-pro-48gb"),  # same chip, other memory: same bandwidth
    ("Apple M4 Max", 36, 32, "apple-m4-max-36gb"),  # core count from the name
    ("Apple M4 Max", 128, 40, "apple-m4-max-40c-128gb"),  # core count from the id
    ("Apple M4 Max", 64, None, None),  # 32 or 40 cores? their bandwidths differ: no guess
    ("AMD Radeon RX 9070 XT", 16, None, "rx-9070-xt"),
    ("AMD Radeon RX 9070", 16, None, "rx-9070"),
    ("Intel(R) Arc(TM) B580 Graphics", 12, None, "arc-b580"),
    ("NVIDIA GeForce RTX 4060 Ti", 8, None, "rtx-4060-ti-8gb"),
])
def test_new_presets_match_from_their_names_and_ids(name: str, memory: float, cores: int | None,
                                                     expected: str | None) -> None:
    found = match_device(name, NEW, memory_gib=memory, gpu_cores=cores)
    assert (found.preset.id if found.preset else None) == expected, found.reason


def test_parse_reads_memory_and_cores_from_name_or_id() -> None:
    parsed = parse_name("Apple M4 Max (40-core GPU, 128 GB)")
    assert parsed.words == {"m4", "max"}
    assert parsed.memory_gib == 128
    assert parsed.gpu_cores == 40
    both = parse_name("Apple M4 Pro (14-core CPU, 20-core GPU, 48 GB)")
    assert both.words == {"m4", "pro"}
    assert (both.gpu_cores, both.memory_gib) == (20, 48)
    slug = parse_name("Apple M3 Max", "apple-m3-max-30c-96gb")
    assert (slug.memory_gib, slug.gpu_cores) == (96, 30)


@pytest.mark.parametrize(("mib", "box"), [(8188, 8), (24564, 24), (16376, 16), (81559, 80), (10240, 10),
                                          (15360, 15), (512, 0.5)])
def test_box_size_from_what_a_card_reports(mib: int, box: float) -> None:
    assert box_gib(mib * 2**20) == box
