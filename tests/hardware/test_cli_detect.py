"""Black box: fake `nvidia-smi` and `rocm-smi` programs first on PATH, `advisor hardware detect`
and `advisor hardware doctor` run as a user runs them. NVML and amdsmi are replaced by modules that
behave as on a machine without those drivers, so the result does not depend on this machine's GPUs."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardware.fakes import ROCM_SMI_JSON

NVIDIA_SMI = """#!/bin/sh
case "$*" in
  *--query-gpu=name,memory.total,memory.bus_width,clocks.max.memory*)
    echo "NVIDIA GeForce RTX 4090, 24564, 384, 10501"
    echo "NVIDIA GeForce RTX 4090, 24564, 384, 10501" ;;
  *) echo "unexpected arguments: $*" >&2; exit 2 ;;
esac
"""

NO_NVML = '''class NVMLError(Exception):
    pass
class NVMLError_LibraryNotFound(NVMLError):
    pass
def nvmlInit():
    raise NVMLError_LibraryNotFound("NVML Shared Library Not Found")
'''


@pytest.fixture
def fake_machine(tmp_path: Path) -> dict[str, str]:
    """The environment of a subprocess that finds the fake tools and no GPU libraries."""
    bin_dir, py_dir = tmp_path / "bin", tmp_path / "py"
    bin_dir.mkdir()
    py_dir.mkdir()
    (bin_dir / "nvidia-smi").write_text(NVIDIA_SMI, encoding="utf-8")
    (bin_dir / "rocm-smi").write_text(f"#!/bin/sh\ncat <<'EOF'\n{ROCM_SMI_JSON}\nEOF\n", encoding="utf-8")
    for tool in ("nvidia-smi", "rocm-smi"):
        (bin_dir / tool).chmod((bin_dir / tool).stat().st_mode | stat.S_IEXEC)
    (py_dir / "pynvml.py").write_text(NO_NVML, encoding="utf-8")
    (py_dir / "amdsmi.py").write_text("raise ImportError('no ROCm here')\n", encoding="utf-8")
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(py_dir), *filter(None, [env.get("PYTHONPATH")])])
    return env


def advisor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_detect_json_reads_the_fake_tools(fake_machine: dict[str, str]) -> None:
    done = advisor(fake_machine, "hardware", "detect", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"gpus", "ram_gb", "ram_bandwidth_gbs", "unified_memory_gb", "matched_preset",
                         "probes", "assumptions"}
    gpus = {g["probe"]: g for g in data["gpus"]}
    assert gpus["nvidia-smi"] == {"name": "NVIDIA GeForce RTX 4090", "vram_gb": 24, "bandwidth_gbs": 1008.1,
                                  "count": 2, "probe": "nvidia-smi"}
    assert gpus["rocm-smi"] == {"name": "AMD Radeon RX 7900 XTX", "vram_gb": 24, "bandwidth_gbs": 960,
                                "count": 2, "probe": "rocm-smi"}
    assert data["matched_preset"] == "rtx-4090"
    statuses = {p["name"]: p["status"] for p in data["probes"]}
    assert statuses["nvml"] == "absent"
    assert statuses["amdsmi"] == "absent"
    assert statuses["nvidia-smi"] == statuses["rocm-smi"] == "ok"
    assert data["ram_gb"] > 0
    assert any("rx-7900-xtx" in a for a in data["assumptions"])  # its bandwidth is the preset's


def test_detect_table_and_doctor(fake_machine: dict[str, str]) -> None:
    table = advisor(fake_machine, "hardware", "detect")
    assert table.returncode == 0, table.stderr
    assert "2x NVIDIA GeForce RTX 4090: 24 GB, 1008.1 GB/s (from nvidia-smi)" in table.stdout
    assert "Assumed" in table.stdout
    doctor = advisor(fake_machine, "hardware", "doctor")
    assert doctor.returncode == 0, doctor.stderr
    assert "NVIDIA GeForce RTX 4090, 24564, 384, 10501" in doctor.stdout  # the raw output
    assert '"VRAM Total Memory (B)": "25753026560"' in doctor.stdout


def test_recommend_detect_uses_the_new_detection(fake_machine: dict[str, str]) -> None:
    done = advisor(fake_machine, "estimate", "--model", "qwen/qwen3-8b", "--detect", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["backend"] == "cuda"  # it runs on the detected RTX 4090s
    assert "detection: " in done.stderr  # what was assumed is said


def test_a_nonsense_time_out_is_an_error(fake_machine: dict[str, str]) -> None:
    done = advisor(fake_machine, "hardware", "detect", "--timeout", "-1")
    assert done.returncode == 1
    assert "--timeout must be above 0" in done.stderr
