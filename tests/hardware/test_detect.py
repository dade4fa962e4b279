"""Detection from recorded probe outputs: each vendor, unlisted cards, several GPUs, failing and
hanging probes. Detected values win; a preset only fills what was not read, and says so."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from advisor.catalog.store import load_bundled
from advisor.hardware.detect import DetectionResult, detect
from tests.hardware import fakes
from tests.hardware.fakes import MIB, RTX_3060, RTX_3080, RTX_3090, RTX_4060_TI_8GB, RTX_4090

PRESETS = list(load_bundled().hardware.values())
GIB = 2**30


def probe_status(result: DetectionResult, name: str) -> str:
    return next(r.status for r in result.records if r.name == name)


# -- NVIDIA ------------------------------------------------------------------------------------
def test_nvml_reads_exact_vram_and_bandwidth_of_a_listed_card(tmp_path: Path) -> None:
    env = fakes.env(tmp_path, modules={"pynvml": fakes.fake_nvml([RTX_4090])})
    result = detect(PRESETS, env=env)
    gpu = result.report.gpus[0]
    assert (gpu.name, gpu.vram_gb, gpu.bandwidth_gbs, gpu.count, gpu.probe) == (
        "NVIDIA GeForce RTX 4090", 24, 1008.1, 1, "nvml")  # 10501 MHz x 2 x 384 bit / 8
    assert result.matched_preset_id == "rtx-4090"
    assert result.profile is not None
    assert result.profile.gpu is not None
    assert result.profile.gpu.memory_gb == pytest.approx(24 * GIB / 1e9)  # a "24 GB" card is 24 GiB
    assert result.profile.gpu.bandwidth_gbs == 1008.1  # read, not the preset's 1008
    assert result.profile.power_watts == 450  # what the card cannot say comes from the preset
    assert result.profile.ram_gb == pytest.approx(64 * GIB / 1e9)
    assert "nvidia-smi" not in {r.name for r in result.records}  # never asked: NVML answered


def test_8gb_4060_ti_keeps_its_8_gb(tmp_path: Path) -> None:
    env = fakes.env(tmp_path, modules={"pynvml": fakes.fake_nvml([RTX_4060_TI_8GB])})
    result = detect(PRESETS, env=env)
    assert result.matched_preset_id == "rtx-4060-ti-8gb"  # the 8 GB card, never the 16 GB preset
    assert result.report.gpus[0].vram_gb == 8
    assert result.profile is not None
    assert result.profile.gpu is not None
    assert result.profile.gpu.memory_gb == pytest.approx(8 * GIB / 1e9)
    assert result.profile.gpu.bandwidth_gbs == 288.0  # 9001 MHz x 2 x 128 bit / 8
    # Without the 8 GB preset, the 16 GB one is not used in its place, and the notes say why.
    alone = detect([p for p in PRESETS if p.id != "rtx-4060-ti-8gb"], env=env)
    assert alone.matched_preset_id is None
    assert any("16 GB" in note for note in alone.notes)


def test_unlisted_card_gets_a_profile_from_what_nvml_read(tmp_path: Path) -> None:
    env = fakes.env(tmp_path, modules={"pynvml": fakes.fake_nvml([RTX_3080])})
    result = detect(PRESETS, env=env)
    assert result.matched_preset_id is None
    assert result.profile is not None
    assert result.profile.gpu is not None
    assert result.profile.gpu.name == "NVIDIA GeForce RTX 3080"
    assert result.profile.gpu.memory_gb == pytest.approx(10 * GIB / 1e9)
    assert result.profile.gpu.bandwidth_gbs == 760.1  # NVIDIA's spec sheet: 760 GB/s
    assert result.profile.gpu.backend == "cuda"


def test_several_gpus_of_one_kind_and_of_two(tmp_path: Path) -> None:
    two = detect(PRESETS, env=fakes.env(tmp_path, modules={"pynvml": fakes.fake_nvml([RTX_3090] * 2)}))
    assert two.report.gpus[0].count == 2
    assert two.profile is not None
    assert two.profile.gpu is not None
    assert two.profile.gpu.count == 2
    assert two.profile.name.startswith("2x ")
    mixed = detect(PRESETS, env=fakes.env(tmp_path / "m", modules={
        "pynvml": fakes.fake_nvml([RTX_3060, RTX_4090, RTX_3060])}))
    assert [(g.name, g.count) for g in mixed.report.gpus] == [
        ("NVIDIA GeForce RTX 4090", 1), ("NVIDIA GeForce RTX 3060", 2)]  # largest first
    assert mixed.profile is not None
    assert mixed.profile.gpu is not None
    assert mixed.profile.gpu.name == "NVIDIA GeForce RTX 4090"
    assert any("different kinds" in note for note in mixed.notes)


def test_nvidia_smi_is_the_fallback_and_old_ones_lack_bus_width(tmp_path: Path) -> None:
    broken = fakes.fake_nvml([], init_error=fakes.NVMLError_LibraryNotFound("NVML Shared Library Not Found"))
    env = fakes.env(tmp_path, modules={"pynvml": broken},
                    tools={"nvidia-smi": fakes.nvidia_smi_csv(RTX_4090, RTX_4090)})
    result = detect(PRESETS, env=env)
    assert result.report.gpus[0].probe == "nvidia-smi"
    assert result.report.gpus[0].count == 2
    assert result.report.gpus[0].bandwidth_gbs == 1008.1
    assert probe_status(result, "nvml") == "absent"

    def old_smi(args: list[str]) -> str:
        if "memory.bus_width" in args[1]:
            raise subprocess.CalledProcessError(2, args, "", 'Field "memory.bus_width" is not a valid field')
        return "NVIDIA GeForce RTX 4090, 24564, 10501\n"

    old = detect(PRESETS, env=fakes.env(tmp_path / "old", tools={"nvidia-smi": old_smi}))
    assert old.report.gpus[0].bandwidth_gbs == 1008  # no bus width: the matched preset's, stated
    assert any("rtx-4090" in a for a in old.report.assumptions)


# -- AMD ---------------------------------------------------------------------------------------
def test_amdsmi_market_name_vram_and_bandwidth(tmp_path: Path) -> None:
    card = {"name": "AMD Radeon RX 7900 XTX", "total": 25753026560,
            "vram": {"vram_type": 9, "vram_vendor": "SAMSUNG", "vram_size": 24560, "vram_bit_width": 384,
                     "vram_max_bandwidth": 960}}
    result = detect(PRESETS, env=fakes.env(tmp_path, modules={"amdsmi": fakes.fake_amdsmi([card])}))
    gpu = result.report.gpus[0]
    assert (gpu.name, gpu.vram_gb, gpu.bandwidth_gbs, gpu.probe) == (
        "AMD Radeon RX 7900 XTX", 24, 960, "amdsmi")
    assert result.matched_preset_id == "rx-7900-xtx"
    assert result.profile is not None
    assert result.profile.gpu is not None
    assert result.profile.gpu.backend == "rocm"


def test_rocm_smi_two_cards_bandwidth_from_the_preset(tmp_path: Path) -> None:
    result = detect(PRESETS, env=fakes.env(tmp_path, tools={"rocm-smi": fakes.ROCM_SMI_JSON}))
    gpu = result.report.gpus[0]
    assert (gpu.vram_gb, gpu.count, gpu.probe, gpu.bandwidth_gbs) == (24, 2, "rocm-smi", 960)
    assert any("bandwidth 960 GB/s from preset rx-7900-xtx" in a for a in result.report.assumptions)


def test_sysfs_amd_card_named_from_amdgpu_ids_and_igpu_ignored(tmp_path: Path) -> None:
    fakes.sysfs_card(tmp_path, "card0", "0x1002", "0x744c",
                     {"revision": "0xc8", "mem_info_vram_total": "25753026560"})
    fakes.sysfs_card(tmp_path, "card1", "0x1002", "0x164e",
                     {"revision": "0xc1", "mem_info_vram_total": str(512 * MIB)})  # Ryzen 7000 iGPU
    ids = tmp_path / "usr" / "share" / "libdrm" / "amdgpu.ids"
    ids.parent.mkdir(parents=True)
    ids.write_text("# List of AMDGPU IDs\n1.0.0\n744C,\tC8,\tAMD Radeon RX 7900 XTX\n"
                   "744C,\tCC,\tAMD Radeon RX 7900 XT\n", encoding="utf-8")
    result = detect(PRESETS, env=fakes.env(tmp_path))
    assert [(g.name, g.vram_gb, g.probe) for g in result.report.gpus] == [
        ("AMD Radeon RX 7900 XTX", 24, "sysfs")]
    assert result.matched_preset_id == "rx-7900-xtx"
    assert any("integrated GPU" in note for note in result.notes)


def test_unlisted_amd_card_keeps_its_memory_in_the_report(tmp_path: Path) -> None:
    fakes.sysfs_card(tmp_path, "card0", "0x1002", "0x7480", {"mem_info_vram_total": str(8176 * MIB)})
    result = detect(PRESETS, env=fakes.env(tmp_path))
    assert result.report.gpus[0].vram_gb == 8
    assert result.report.gpus[0].bandwidth_gbs is None
    assert result.profile is None  # no bandwidth anywhere: the user types it, nothing is made up
    assert any("bandwidth unknown" in note for note in result.notes)


def test_strix_halo_is_one_unified_pool(tmp_path: Path) -> None:
    fakes.sysfs_card(tmp_path, "card0", "0x1002", "0x1586", {"mem_info_vram_total": str(512 * MIB)})
    env = fakes.env(tmp_path, ram_bytes=128 * GIB, cpu="AMD RYZEN AI MAX+ 395 w/ Radeon 8060S")
    result = detect(PRESETS, env=env)
    assert result.matched_preset_id == "ryzen-ai-max-395-128gb"
    assert result.report.unified_memory_gb == 128
    assert result.profile is not None
    assert result.profile.unified_memory


# -- Intel -------------------------------------------------------------------------------------
def test_xpu_smi_and_sysfs_intel(tmp_path: Path) -> None:
    xpu = ('{"device_list": [{"device_id": 0, "device_name": "Intel(R) Arc(TM) A770 Graphics", '
           '"vendor_name": "Intel(R) Corporation", "memory_physical_size_byte": "17079205888", '
           '"pci_bdf_address": "0000:03:00.0"}]}')
    result = detect(PRESETS, env=fakes.env(tmp_path, tools={"xpu-smi": xpu}))
    assert [(g.name, g.vram_gb, g.probe) for g in result.report.gpus] == [
        ("Intel(R) Arc(TM) A770 Graphics", 16, "xpu-smi")]
    fakes.sysfs_card(tmp_path / "s", "card0", "0x8086", "0xe20b",
                     {"tile0/physical_vram_size_bytes": str(12 * GIB)})
    fakes.sysfs_card(tmp_path / "s", "card1", "0x8086", "0x7d55", {})  # integrated: no local memory
    sysfs = detect(PRESETS, env=fakes.env(tmp_path / "s"))
    assert [(g.vram_gb, g.probe) for g in sysfs.report.gpus] == [(12, "sysfs")]


# -- Apple -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("chip", "cores", "memory", "preset", "bandwidth"), [
    ("Apple M1", 8, 8, "apple-m1-16gb", 68),
    ("Apple M1 Pro", 16, 16, "apple-m1-pro-32gb", 200),
    ("Apple M4", 10, 24, "apple-m4-24gb", 120),
    ("Apple M4 Max", 40, 128, "apple-m4-max-128gb", 546),
])
def test_mac_chip_matched_exactly_memory_as_detected(tmp_path: Path, chip: str, cores: int, memory: int,
                                                     preset: str, bandwidth: float) -> None:
    env = fakes.env(tmp_path, system="Darwin", ram_bytes=memory * GIB,
                    tools={"system_profiler": fakes.system_profiler(chip, cores, memory),
                           "sysctl": chip + "\n"})
    result = detect(PRESETS, env=env)
    assert result.matched_preset_id == preset
    assert result.report.unified_memory_gb == memory  # the Mac's own memory, not the preset's
    assert result.report.gpus[0].bandwidth_gbs == bandwidth
    assert result.profile is not None
    assert result.profile.unified_memory
    assert result.profile.ram_gb == pytest.approx(memory * GIB / 1e9)
    assert f"{cores}-core GPU" in result.profile.name


def test_unknown_mac_chip_is_reported_not_guessed(tmp_path: Path) -> None:
    env = fakes.env(tmp_path, system="Darwin",
                    tools={"system_profiler": fakes.system_profiler("Apple M9 Hyper", 99, 64)})
    result = detect(PRESETS, env=env)
    assert result.matched_preset_id is None
    assert result.profile is None
    assert result.report.unified_memory_gb == 64


# -- Windows -----------------------------------------------------------------------------------
def test_windows_wmi_registry_memory_and_nvml(tmp_path: Path) -> None:
    def powershell(args: list[str]) -> str:
        script = args[-1]
        if "Win32_VideoController" in script:
            return fakes.WMI_VIDEO_INTEL_ARC
        if "Win32_PhysicalMemory" in script:
            return fakes.WMI_MEMORY_DDR4
        return "Intel(R) Core(TM) i5-12400F\n"

    result = detect(PRESETS, env=fakes.env(tmp_path, system="Windows", tools={"powershell": powershell}))
    assert [(g.name, g.vram_gb, g.probe) for g in result.report.gpus] == [
        ("Intel(R) Arc(TM) B580 Graphics", 12, "wmi")]  # the registry's size, not AdapterRAM's 4 GB cap
    assert result.report.ram_gb == 32
    assert result.report.ram_bandwidth_gbs == 51.2  # two channels (DIMM_A2, DIMM_B2) x DDR4-3200
    with_nvidia = detect(PRESETS, env=fakes.env(tmp_path / "n", system="Windows",
                                                modules={"pynvml": fakes.fake_nvml([RTX_4090])},
                                                tools={"powershell": powershell}))
    assert {g.probe for g in with_nvidia.report.gpus} == {"nvml", "wmi"}


# -- RAM ---------------------------------------------------------------------------------------
def test_dmidecode_speed_and_channels_give_ram_bandwidth(tmp_path: Path) -> None:
    result = detect(PRESETS, env=fakes.env(tmp_path, tools={"dmidecode": fakes.DMIDECODE_DDR5}))
    assert result.report.ram_gb == 64  # installed modules, not what the OS sees
    assert result.report.ram_bandwidth_gbs == 89.6  # DDR5-5600 x 2 channels x 64 bit / 8
    assert result.profile is not None
    assert result.profile.cpu_only


def test_unreadable_modules_give_a_stated_assumption_per_cpu_class(tmp_path: Path) -> None:
    denied = subprocess.CalledProcessError(1, ["dmidecode"], "", "/dev/mem: Permission denied")
    ddr4 = detect(PRESETS, env=fakes.env(tmp_path, tools={"dmidecode": denied}))
    assert ddr4.report.ram_bandwidth_gbs == 51.2
    assert any("assumed dual-channel DDR4-3200" in a for a in ddr4.report.assumptions)
    assert any("needs root" in n for n in ddr4.notes)
    ddr5 = detect(PRESETS, env=fakes.env(tmp_path / "5", cpu="AMD Ryzen 9 9950X 16-Core Processor"))
    assert ddr5.report.ram_bandwidth_gbs == 89.6
    assert any("DDR5-5600" in a for a in ddr5.report.assumptions)
    server = detect(PRESETS, env=fakes.env(tmp_path / "s", cpu="AMD EPYC 9654 96-Core Processor"))
    assert any("more channels" in a for a in server.report.assumptions)


# -- failures ----------------------------------------------------------------------------------
def test_failing_probes_fall_back_and_are_reported(tmp_path: Path) -> None:
    tools: dict[str, object] = {
        "nvidia-smi": subprocess.CalledProcessError(9, ["nvidia-smi"], "", "NVIDIA-SMI has failed"),
        "rocm-smi": "garbage without json\n\x00\xff",
        "xpu-smi": OSError("exec format error"),
    }
    result = detect(PRESETS, env=fakes.env(tmp_path, tools=tools))
    assert result.report.gpus == ()
    assert result.profile is not None
    assert result.profile.cpu_only
    statuses = {p["name"]: p["status"] for p in result.report.probes}
    assert statuses["nvidia-smi"] == statuses["rocm-smi"] == statuses["xpu-smi"] == "failed"
    assert any("nvidia-smi" in note for note in result.notes)


def test_hanging_probes_are_cut_off_by_their_time_out(tmp_path: Path) -> None:
    env = fakes.env(tmp_path, timeout_s=0.3,
                    modules={"pynvml": fakes.fake_nvml([RTX_4090], hang=True)},
                    tools={"nvidia-smi": fakes.HANG, "rocm-smi": fakes.HANG, "dmidecode": fakes.HANG})
    start = time.monotonic()
    result = detect(PRESETS, env=env)
    assert time.monotonic() - start < 3.0  # groups run side by side; each call has its time-out
    statuses = {p["name"]: p["status"] for p in result.report.probes}
    assert statuses["nvml"] == statuses["nvidia-smi"] == statuses["rocm-smi"] == "timeout"
    assert result.profile is not None  # RAM was still read


def test_no_ram_no_gpu_is_nothing_usable(tmp_path: Path) -> None:
    result = detect(PRESETS, env=fakes.env(tmp_path, ram_bytes=None))
    assert result.profile is None
    assert "could not read the amount of RAM" in result.notes


def test_json_has_exactly_the_contract_keys(tmp_path: Path) -> None:
    env = fakes.env(tmp_path, modules={"pynvml": fakes.fake_nvml([RTX_4090])})
    data = detect(PRESETS, env=env).report.to_json()
    assert set(data) == {"gpus", "ram_gb", "ram_bandwidth_gbs", "unified_memory_gb", "matched_preset",
                         "probes", "assumptions"}
    assert set(data["gpus"][0]) == {"name", "vram_gb", "bandwidth_gbs", "count", "probe"}


def test_real_call_on_this_machine_reports_what_it_read() -> None:
    import psutil  # type: ignore[import-untyped]  # noqa: PLC0415

    result = detect(PRESETS, timeout_s=3)
    report = result.report
    assert [p["name"] for p in report.probes] == [r.name for r in result.records]
    assert {r.status for r in result.records} <= {"ok", "absent", "failed", "timeout"}
    # Every probe that failed or ran out of time is named in the notes, with what it said.
    for r in result.records:
        if r.status in ("failed", "timeout"):
            assert f"{r.name}: {r.detail}" in result.notes
    # Every machine this runs on has RAM the OS can count: the report gives it in GiB (DIMM sizes when
    # the modules are readable, which are at least what the OS sees) and the profile carries it.
    os_gib = psutil.virtual_memory().total / 2**30
    assert report.ram_gb is not None
    assert os_gib * 0.95 <= report.ram_gb <= os_gib * 2 + 1
    assert result.profile is not None
    assert result.profile.ram_gb is not None
    assert result.profile.ram_gb > 0
    assert (result.matched_preset_id is None) == (report.matched_preset is None)


def test_windows_laptop_with_only_an_intel_igpu_is_cpu_only(tmp_path: Path) -> None:
    video = ('{"video": [{"Name": "Intel(R) UHD Graphics 620", "AdapterRAM": 1073741824, '
             '"PNPDeviceID": "PCI\\\\VEN_8086&DEV_5917&SUBSYS_0"}], '
             '"registry": [{"DriverDesc": "Intel(R) UHD Graphics 620", "MemoryBytes": 134217728}]}')
    result = detect(PRESETS, env=fakes.env(tmp_path, system="Windows", tools={
        "powershell": lambda args: video if "Win32_VideoController" in args[-1] else "[]"}))
    assert result.report.gpus == ()
    assert result.profile is not None
    assert result.profile.cpu_only
    assert any("integrated GPU" in note for note in result.notes)


def test_dgx_spark_gb10_is_the_unified_preset(tmp_path: Path) -> None:
    nvml = fakes.fake_nvml([("NVIDIA GB10", 0, None, None)])

    def no_memory_info(handle: int) -> object:
        raise fakes.NVMLError("Not Supported")

    nvml.nvmlDeviceGetMemoryInfo = no_memory_info
    result = detect(PRESETS, env=fakes.env(tmp_path, modules={"pynvml": nvml}, ram_bytes=119 * GIB,
                                           cpu="Cortex-X925"))
    assert result.matched_preset_id == "dgx-spark"
    assert result.profile is not None
    assert result.profile.unified_memory
    assert result.report.unified_memory_gb == 119  # what the OS sees of the pool


def test_intel_mac_with_a_radeon(tmp_path: Path) -> None:
    out = json.dumps({
        "SPDisplaysDataType": [
            {"sppci_model": "Intel UHD Graphics 630", "spdisplays_vendor": "Intel",
             "spdisplays_vram": "1536 MB"},
            {"sppci_model": "AMD Radeon Pro 5500M", "spdisplays_vendor": "sppci_vendor_amd",
             "spdisplays_vram": "8 GB"}],
        "SPHardwareDataType": [{"cpu_type": "8-Core Intel Core i9", "physical_memory": "32 GB"}]})
    env = fakes.env(tmp_path, system="Darwin", ram_bytes=32 * GIB,
                    tools={"system_profiler": out, "sysctl": "Intel(R) Core(TM) i9-9980HK CPU @ 2.40GHz\n"})
    result = detect(PRESETS, env=env)
    assert [(g.name, g.vram_gb) for g in result.report.gpus] == [("AMD Radeon Pro 5500M", 8)]
    assert result.report.ram_gb == 32
    assert result.report.ram_bandwidth_gbs == 51.2  # assumed, and said so
    assert result.profile is None  # the Radeon's bandwidth is not known here


def test_doctor_output_leaves_serial_numbers_out(tmp_path: Path) -> None:
    profiler = json.loads(fakes.system_profiler("Apple M2", 10, 16))
    profiler["SPHardwareDataType"][0].update(serial_number="C02XK1ZZJGH5", platform_UUID="1234-ABCD")
    dmi = fakes.DMIDECODE_DDR5.replace("\tLocator: DIMM 0\n",
                                       "\tLocator: DIMM 0\n\tSerial Number: 8A1B2C3D\n")
    mac = detect(PRESETS, env=fakes.env(tmp_path, system="Darwin",
                                        tools={"system_profiler": json.dumps(profiler)}))
    linux = detect(PRESETS, env=fakes.env(tmp_path / "l", tools={"dmidecode": dmi}))
    raw = "".join(r.raw for r in (*mac.records, *linux.records))
    for secret in ("C02XK1ZZJGH5", "1234-ABCD", "8A1B2C3D"):
        assert secret not in raw
    assert '"chip_type": "Apple M2"' in raw  # the hardware itself stays in
    assert linux.report.ram_bandwidth_gbs == 89.6  # parsing saw the full output
