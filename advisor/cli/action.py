"""`advisor installed`, `advisor measure` and the recommend hooks that turn advice into action:
`--installed-only`, and artifact / run_commands / installed / request_example in the JSON.

`installed` reads folders and file headers and runs nothing; `measure` sends one request to a server
the user already runs and never starts or downloads a model. A server that is down or too slow
exits with MEASURE_FAILED and says what to do.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli.common import UserError, load_user_catalog, out

if TYPE_CHECKING:
    from advisor.catalog.store import Catalog
    from advisor.estimate.calibration import Calibration
    from advisor.estimate.result import Estimate
    from advisor.hardware.installed import Found
    from advisor.hardware.profile import HardwareProfile
    from advisor.recommend.result import RecommendationResult

MEASURE_FAILED = 3
"""Exit code of `advisor measure` when the server is down, too slow or answers nonsense."""


def _scan(catalog: Catalog, folders: list[str]) -> list[Found]:
    from advisor.hardware.installed import scan  # noqa: PLC0415

    for folder in folders:
        if not Path(folder).is_dir():
            raise UserError(f"--folder {folder}: not a folder")
    return scan(folders=[Path(f) for f in folders], models=catalog.models.values())


def cmd_installed(args: argparse.Namespace) -> int:
    catalog = load_user_catalog()
    found = _scan(catalog, args.folder)
    if args.format == "json":
        out(json.dumps([f.to_json() for f in found], indent=2, ensure_ascii=False))
        return 0
    from advisor.report.table import format_table  # noqa: PLC0415

    if not found:
        out("No models found in Ollama, LM Studio, the Hugging Face cache"
            + (" or the given folders." if args.folder else " (add --folder DIR for GGUF files)."))
        return 0
    out(format_table(
        ("source", "name", "format", "quant", "size", "catalog model"),
        [(f.source, f.name, f.format, f.quantization or "?", f"{f.size_gb:.2f} GB",
          f.model_id or _unknown_note(f)) for f in found]))
    unknown = sum(1 for f in found if f.model_id is None)
    if unknown:
        out(f"\n{unknown} file(s) match no catalog model; add one with 'advisor catalog add' using "
            "what the header says (architecture, name).", sys.stderr)
    return 0


def _unknown_note(found: Found) -> str:
    head = found.header
    if head is None:
        return "not in the catalog"
    what = ", ".join(x for x in (head.name, head.architecture, head.size_label) if x)
    return f"not in the catalog ({what})" if what else "not in the catalog"


def cmd_measure(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit  # noqa: PLC0415

    from advisor.cli.options import hardware_from_args  # noqa: PLC0415
    from advisor.estimate.calibration import (  # noqa: PLC0415
        CalibrationError,
        add_calibration,
        calibration_from,
    )
    from advisor.hardware.measure import MeasureError, measure  # noqa: PLC0415
    from advisor.storage.paths import user_paths  # noqa: PLC0415

    if args.timeout <= 0:
        raise UserError(f"--timeout must be above 0 seconds (got {args.timeout:g})")
    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).netloc:
        raise UserError(f"--url must be http://HOST:PORT, e.g. http://127.0.0.1:11434 (got {args.url!r})")
    catalog = load_user_catalog()
    if not any(getattr(args, k, None) for k in ("hardware", "vram_gb", "unified_memory_gb", "ram_gb")):
        args.detect = True  # calibrations belong to this machine: detect it unless described
    hardware = hardware_from_args(args, catalog)
    assert hardware is not None
    try:
        m = measure(args.url, args.model, args.timeout)
    except MeasureError as exc:
        out(f"advisor: error: {exc}", sys.stderr)
        return MEASURE_FAILED
    cal = calibration_from(m, args.url, hardware, catalog.models.values(), args.model_id, args.quant)
    model_id = cal.model_id
    paths = user_paths()
    try:
        add_calibration(paths.calibrations_file, cal, paths.backups_dir)
    except CalibrationError as exc:
        raise UserError(str(exc)) from exc
    keys = ("model", "quantization", "tokens_per_s", "prompt_tokens_per_s", "hardware_profile", "date")
    doc = {k: v for k, v in cal.model_dump(mode="json").items() if k in keys}
    doc.update(model_id=model_id, server=m.server, generated_tokens=m.generated_tokens)
    if args.format == "json":
        out(json.dumps(doc, indent=2))
    else:
        prompt = f", prompt {m.prompt_tokens_per_s:.1f} tokens/s" if m.prompt_tokens_per_s else ""
        out(f"{m.model} ({m.server}): {m.tokens_per_s:.1f} tokens/s generated{prompt}; "
            f"{m.generated_tokens} tokens.")
        out(f"Stored as a calibration for {cal.hardware_profile} in {paths.calibrations_file}"
            + ("" if model_id else "; it matches no catalog model (give --model-id to correct its "
               "estimates)") + ".", sys.stderr)
    return 0


def add_commands(sub: Any, recommend: argparse.ArgumentParser) -> None:
    """Add `installed` and `measure`, and `--installed-only` to the recommend parser."""
    from advisor.cli.flags import add_hardware_flags  # noqa: PLC0415

    recommend.add_argument("--installed-only", action="store_true",
                           help="only models already on this disk (Ollama, LM Studio, Hugging Face cache)")
    recommend.add_argument("--folder", action="append", default=[], metavar="DIR",
                           help="also look for GGUF files in DIR (repeatable)")
    p = sub.add_parser("installed", help="models already on this disk, matched to the catalog")
    p.add_argument("--folder", action="append", default=[], metavar="DIR",
                   help="also look for GGUF files in DIR (repeatable)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_installed)
    p = sub.add_parser("measure", help="measure a model server already running (Ollama, llama.cpp, "
                                       "OpenAI-compatible) and store it as this machine's calibration")
    p.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:11434")
    p.add_argument("--model", metavar="NAME", help="model name on the server (Ollama tag; default: "
                                                   "the first one / the loaded one)")
    p.add_argument("--model-id", metavar="ID", help="catalog model it is (default: matched by name)")
    p.add_argument("--quant", metavar="Q", help="its quantization (default: what the server says)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="S", help="seconds to wait (120)")
    add_hardware_flags(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_measure)


def recommend_hooks(args: argparse.Namespace, catalog: Catalog
                    ) -> tuple[Catalog, Callable[[dict[str, Any], RecommendationResult], dict[str, Any]]]:
    """For `recommend`: the catalog (only installed models with --installed-only) and the function
    that adds artifact, run_commands, installed and request_example to its JSON."""
    from dataclasses import replace  # noqa: PLC0415

    from advisor.recommend.actions import add_actions  # noqa: PLC0415

    folders = list(getattr(args, "folder", []) or [])
    found = _scan(catalog, folders) if getattr(args, "installed_only", False) else None
    if found is not None:
        have = {f.model_id for f in found if f.model_id}
        if not have:
            raise UserError("--installed-only: no model on this disk matches the catalog "
                            "(see 'advisor installed')")
        catalog = replace(catalog, models={k: m for k, m in catalog.models.items() if k in have})

    def fill(data: dict[str, Any], result: RecommendationResult) -> dict[str, Any]:
        nonlocal found
        if found is None:
            found = _scan(catalog, folders)
        return add_actions(data, result, catalog, found, calibrations())

    return catalog, fill


def calibrations() -> list[Calibration]:
    """The user's stored calibrations; an unreadable file is a warning, not an error."""
    from advisor.estimate.calibration import CalibrationError, read_calibrations  # noqa: PLC0415
    from advisor.storage.paths import user_paths  # noqa: PLC0415

    try:
        return read_calibrations(user_paths().calibrations_file)
    except CalibrationError as exc:
        out(f"advisor: warning: {exc}; estimates are not calibrated", sys.stderr)
        return []


def calibrate(est: Estimate, hardware: HardwareProfile, catalog: Catalog) -> Estimate:
    """`advisor estimate`: the estimate corrected by this machine's measured speed, if measured."""
    from advisor.estimate.calibration import calibrated  # noqa: PLC0415

    stored = calibrations()
    return calibrated(est, hardware, stored, catalog.models) if stored else est
