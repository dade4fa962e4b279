"""The probe machinery that detection runs: the environment a probe may touch, its record, its
reading of a GPU, and the time-out guard (the GPU probes are in gpu_probes.py, the rest of the
machine's in host_probes.py).

A probe reads one source (a library, a tool, a sysfs tree) and returns readings plus a record of
what happened: ok, absent (the tool is not there), failed, timed out. Everything outside this
process goes through `ProbeEnv`, so tests feed recorded outputs: `runner` runs a command with a
time-out and returns stdout (or raises), `load_module` imports a Python module (or returns None),
`root` is where /sys, /proc and /usr/share are read. No probe may hang: each runs under `guarded`.
"""

from __future__ import annotations

import platform
import re
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar

Runner = Callable[[Sequence[str], float], str]
T = TypeVar("T")

NVIDIA_PCI, AMD_PCI, INTEL_PCI = "0x10de", "0x1002", "0x8086"
"""PCI vendor ids as sysfs prints them (pci.ids)."""


def run_command(args: Sequence[str], timeout_s: float) -> str:
    """Run a probe; its stdout, or an exception (FileNotFoundError, TimeoutExpired, CalledProcessError)."""
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout_s, check=True)
    return done.stdout


def load_module(name: str) -> Any:
    """A Python module, or None when it is not installed or fails to import."""
    try:
        # Our own dependencies by literal import, so PyInstaller sees and bundles them.
        if name == "pynvml":
            import pynvml  # type: ignore[import-untyped]  # noqa: PLC0415

            return pynvml
        if name == "psutil":
            import psutil  # type: ignore[import-untyped]  # noqa: PLC0415

            return psutil
        return import_module(name)
    except Exception:
        return None


class ProbeTimeoutError(Exception):
    """A probe did not answer within its time-out."""


@dataclass(frozen=True)
class ProbeEnv:
    """Everything a probe may touch outside this process."""

    runner: Runner = run_command
    load_module: Callable[[str], Any] = load_module
    root: Path = Path("/")
    system: str = field(default_factory=platform.system)
    timeout_s: float = 5.0

    def path(self, absolute: str) -> Path:
        """An absolute path (/sys/...) under `root`."""
        return self.root / absolute.lstrip("/")


@dataclass
class ProbeRecord:
    """What one probe did: `status` is ok, absent, failed or timeout; `raw` is for bug reports."""

    name: str
    status: str = "ok"
    detail: str = ""
    raw: str = ""

    def to_json(self) -> dict[str, str]:
        """The record as the JSON output lists it (without the raw output)."""
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass(frozen=True)
class GpuReading:
    """One device as a probe read it; None where the probe could not say."""

    name: str
    vendor: str
    probe: str
    vram_bytes: int | None = None
    bandwidth_gbs: float | None = None
    bus_width_bits: int | None = None
    mem_clock_mhz: float | None = None
    gpu_cores: int | None = None
    unified: bool = False


def guarded(fn: Callable[[], T], timeout_s: float) -> T:
    """fn() on a daemon thread: its result, its exception, or ProbeTimeoutError after `timeout_s`.
    A library call stuck in a driver cannot be interrupted; the daemon thread is left behind."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True, name="advisor-probe")
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise ProbeTimeoutError(f"no answer within {timeout_s:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def run_tool(env: ProbeEnv, record: ProbeRecord, args: Sequence[str]) -> str | None:
    """A tool's stdout, or None with the record saying why (absent, failed, timeout)."""
    try:
        out = guarded(lambda: env.runner(args, env.timeout_s), env.timeout_s + 0.5)
    except FileNotFoundError:
        record.status, record.detail = "absent", f"{args[0]} is not installed"
        return None
    except (subprocess.TimeoutExpired, ProbeTimeoutError):
        record.status, record.detail = "timeout", f"{args[0]} did not answer within {env.timeout_s:g} s"
        return None
    except subprocess.CalledProcessError as exc:
        err = (exc.stderr or "").strip().splitlines()
        record.status = "failed"
        record.detail = f"{args[0]} exited with {exc.returncode}" + (f": {err[-1][:160]}" if err else "")
        return None
    except (OSError, ValueError) as exc:
        record.status, record.detail = "failed", f"{args[0]}: {exc}"
        return None
    record.raw += f"$ {' '.join(args)}\n{redact(out)}\n"
    return out


_IDENTIFYING = re.compile(
    r"""(?im)(["']?[\w .-]*(?:serial|uuid|udid|unique id|asset tag)[\w .-]*["']?\s*[:=]\s*)"""
    r"""("[^"\n]*"|'[^'\n]*'|[^\n,}]*)""")


def redact(text: str) -> str:
    """Raw output without serial numbers and unique ids, for `advisor hardware doctor`'s report."""
    return _IDENTIFYING.sub(lambda m: f'{m.group(1)}"(removed)"', text)


def library_probe(env: ProbeEnv, record: ProbeRecord, module: str, label: str,
                  read: Callable[[Any], list[T]], *, absent: str, counted: str,
                  missing_driver: str = "") -> list[T]:
    """`read(module)` under `guarded`: its readings, or [] with the record saying why: the module is
    absent, it timed out, or it raised (an exception whose type name matches `missing_driver` means
    the driver is not there: absent, not failed). `counted` names the devices in the detail."""
    lib = env.load_module(module)
    if lib is None:
        record.status, record.detail = "absent", absent
        return []
    try:
        found = guarded(lambda: read(lib), env.timeout_s)
    except ProbeTimeoutError as exc:
        record.status, record.detail = "timeout", f"{label}: {exc}"
        return []
    except Exception as exc:
        missing = bool(missing_driver) and re.search(missing_driver, type(exc).__name__) is not None
        record.status = "absent" if missing else "failed"
        note = f" (no {counted} driver)" if missing else ""
        record.detail = f"{label}: {exc or type(exc).__name__}{note}"
        return []
    record.detail = f"{len(found)} {counted} GPU(s)"
    return found
