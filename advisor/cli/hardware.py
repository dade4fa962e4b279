"""`advisor hardware detect` and `advisor hardware doctor`: what detection finds on this machine,
from which probe, what it assumed; and the raw probe output for bug reports."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from advisor.cli.common import UserError, load_user_catalog, out, unknown


def _run_detection(args: argparse.Namespace) -> Any:
    from advisor.hardware.detect import detect  # noqa: PLC0415 - runs subprocesses

    if not 0 < args.timeout <= 600:
        raise UserError(f"--timeout must be above 0 and at most 600 seconds (got {args.timeout:g})")
    return detect(load_user_catalog().hardware.values(), timeout_s=args.timeout)


def cmd_hardware_detect(args: argparse.Namespace) -> int:
    result = _run_detection(args)
    report = result.report
    if args.format == "json":
        out(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return 0
    out("GPUs:" if report.gpus else "GPUs: none found")
    for gpu in report.gpus:
        count = f"{gpu.count}x " if gpu.count > 1 else ""
        out(f"  {count}{gpu.name}: {unknown(gpu.vram_gb, '{:g} GB')}, "
            f"{unknown(gpu.bandwidth_gbs, '{:g} GB/s')} (from {gpu.probe})")
    if report.unified_memory_gb is not None:
        out(f"Unified memory: {report.unified_memory_gb:g} GB")
    out(f"RAM: {unknown(report.ram_gb, '{:g} GB')}, {unknown(report.ram_bandwidth_gbs, '{:g} GB/s')}")
    out(f"Matched preset: {report.matched_preset or 'none'}")
    out(f"Profile: {result.profile.describe() if result.profile else 'nothing usable; choose a preset'}")
    out("Probes:")
    for probe in report.probes:
        out(f"  {probe['name']:<16} {probe['status']:<8} {probe['detail']}")
    if report.assumptions:
        out("Assumed (not read from this machine):")
        for item in report.assumptions:
            out(f"  - {item}")
    return 0


def cmd_hardware_doctor(args: argparse.Namespace) -> int:
    import platform  # noqa: PLC0415 - only this report names the OS: not loaded on every start

    from advisor import __version__  # noqa: PLC0415

    result = _run_detection(args)
    out(f"advisor {__version__}, Python {platform.python_version()}, {platform.platform()}")
    for record in result.records:
        out(f"\n== {record.name}: {record.status} {record.detail}".rstrip())
        if record.raw:
            out(record.raw.rstrip())
    out("\n== result")
    out(json.dumps(result.report.to_json(), indent=2, ensure_ascii=False))
    out("\nPaste this into a bug report (it names your hardware, nothing else).", sys.stderr)
    return 0


def add_commands(hw_sub: Any) -> None:
    """Add `advisor hardware detect` and `advisor hardware doctor`."""
    p = hw_sub.add_parser("detect", help="detect this machine's GPUs, RAM and bandwidth")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--timeout", type=float, default=5.0, metavar="S", help="time-out of each probe (s)")
    p.set_defaults(func=cmd_hardware_detect)
    p = hw_sub.add_parser("doctor", help="print every probe's raw output, for bug reports")
    p.add_argument("--timeout", type=float, default=5.0, metavar="S", help="time-out of each probe (s)")
    p.set_defaults(func=cmd_hardware_doctor)
