"""The headless front door: `advisor ...` on the command line.

Every command is a thin client of the same core the GUI uses. A user error prints
`advisor: error: <what and how to fix>` and exits 1; bad usage exits 2; never a traceback.
Nothing heavy is imported at module level, so `advisor --version` and `advisor recommend` start fast.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from advisor import APP_NAME, __version__
from advisor.cli.client import STARTUP_ENV_DEFAULTS
from advisor.cli.common import UserError, load_user_catalog, model_or_error, out, unknown
from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from advisor.catalog.store import Catalog
    from advisor.report import PdfWriter


def cmd_hardware_list(args: argparse.Namespace) -> int:
    from advisor.report.table import format_table  # noqa: PLC0415

    catalog = load_user_catalog()
    presets = sorted(catalog.hardware.values(), key=lambda h: (h.kind.value, h.vendor, h.name))
    if args.format == "json":
        out(json.dumps([h.model_dump(mode="json") for h in presets], indent=2))
        return 0
    out(format_table(
        ("id", "name", "kind", "memory", "bandwidth", "fp16"),
        [(h.id, h.name, h.kind.value, f"{h.memory_gb:g} GB", f"{h.bandwidth_gbs:g} GB/s",
          unknown(h.fp16_tflops, "{:g} TFLOPS")) for h in presets],
    ))
    return 0


def cmd_estimate(args: argparse.Namespace) -> int:
    from advisor.cli.options import hardware_from_args  # noqa: PLC0415
    from advisor.estimate import EstimateError, RunOptions, estimate, format_estimate  # noqa: PLC0415

    catalog = load_user_catalog()
    model = model_or_error(catalog, args.model)
    hardware = hardware_from_args(args, catalog)
    if hardware is None:
        raise UserError("say what it runs on: --hardware PRESET_ID, --vram-gb X --bandwidth-gbs Y, "
                        "--unified-memory-gb X, --cpu-only --ram-gb X, or --detect")
    if args.context is not None and args.context < 1:
        raise UserError(f"--context must be at least 1 token (got {args.context})")
    window = model.context_window_tokens
    if args.context is not None and window and args.context > window:
        raise UserError(f"{model.name} reads at most {window:,} tokens of context; "
                        f"--context {args.context:,} is "
                        "beyond its window")
    if args.concurrency < 1:
        raise UserError(f"--concurrency must be at least 1 (got {args.concurrency})")
    if args.gpu_layers is not None and args.gpu_layers < 0:
        raise UserError(f"--gpu-layers must be 0 or more (got {args.gpu_layers})")
    if args.unified_gpu_share is not None and not 0 < args.unified_gpu_share <= 1:
        raise UserError(f"--unified-gpu-share must be above 0 and at most 1 (got {args.unified_gpu_share})")
    options = RunOptions(gpu_layers=args.gpu_layers, experts_on_cpu=True if args.experts_on_cpu else None,
                         unified_gpu_share=args.unified_gpu_share, backend=args.backend)
    try:
        est = estimate(model, hardware, quant=args.quant, context=args.context or 8192,
                       kv_cache=args.kv_cache, concurrency=args.concurrency, options=options)
    except EstimateError as exc:
        raise UserError(str(exc)) from exc
    from advisor.cli.action import calibrate  # noqa: PLC0415

    est = calibrate(est, hardware, catalog)  # corrected by `advisor measure`, and says so
    if args.format == "json":
        out(json.dumps(est.to_json(), indent=2))
    else:
        out(format_estimate(est))
    if args.plan_hardware is not None:
        _print_hardware_plan(catalog, model.id, est.quantization, args.context or 8192,
                             args.plan_hardware)
    return 0


def _print_hardware_plan(catalog: Catalog, model_id: str, quant: str, context: int,
                         min_tps: float) -> None:
    from advisor.estimate import memory_needed_gb, plan_hardware  # noqa: PLC0415

    model = catalog.models[model_id]
    need = memory_needed_gb(model, quant, context)
    options = plan_hardware(model, quant, context, catalog.hardware.values(), min_tokens_per_s=min_tps)
    out(f"\n{model.name} at {quant} with {context:,} tokens needs about {need:.1f} GB on one GPU.",
         sys.stderr)
    out(f"Hardware presets that run it at >= {min_tps:g} tokens/s (by price where known, else "
         "by total memory):", sys.stderr)
    for opt in options[:10]:
        speed = opt.estimate.decode_tokens_per_s
        count = f"{opt.gpu_count}x " if opt.gpu_count > 1 else ""
        out(f"  {count}{opt.preset.name}: ~{speed.expected if speed else 0:.0f} tokens/s", sys.stderr)
    if not options:
        out("  none of the presets", sys.stderr)


def _warm_quality(catalog: Catalog) -> None:
    """The quality table from the user's cache when the catalog and the program are unchanged."""
    from advisor.recommend.ranking import warm_quality_table  # noqa: PLC0415
    from advisor.storage.paths import user_paths  # noqa: PLC0415

    warm_quality_table(catalog, user_paths().quality_cache_file)


def _pdf_writer() -> PdfWriter:
    """The window's PDF writer: a PDF is drawn by Qt, so only a PDF report loads it."""
    try:
        from advisor.ui.pdf import write_pdf  # noqa: PLC0415
    except ImportError as exc:
        raise UserError(f"PDF reports need PySide6 ({exc}); install it with 'pip install "
                        "PySide6-Essentials' or export HTML and print it") from exc
    return write_pdf


def cmd_recommend(args: argparse.Namespace) -> int:
    # One answer builds some 10^5 objects (classes and validators as the core loads, the catalog,
    # the ranking), none of them cyclic garbage, and exits: the collector's passes over them cost
    # ~15 ms of it. Paused before the core is imported (store.no_gc, which the loading and the
    # ranking nest inside this, would import it first); a report or the table is no different.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _recommend(args)
    finally:
        if was_enabled:
            gc.enable()


def _recommend(args: argparse.Namespace) -> int:
    from advisor.cli.action import calibrations, recommend_hooks  # noqa: PLC0415
    from advisor.cli.options import constraints_from_args, scenario_base  # noqa: PLC0415
    from advisor.recommend.deploy import PlanSettings  # noqa: PLC0415
    from advisor.recommend.engine import recommend  # noqa: PLC0415

    catalog, add_actions = recommend_hooks(args, load_user_catalog())  # --installed-only; #20 JSON keys
    constraints = constraints_from_args(args, catalog, scenario_base(args.scenario))
    if constraints.deployment.value == "local" and not constraints.local_allowed:
        raise UserError("--deployment local needs hardware: --hardware PRESET_ID, --vram-gb, "
                        "--unified-memory-gb, --cpu-only --ram-gb, or --detect")
    if constraints.rented:
        hw = constraints.hardware
        if hw is None or hw.gpu is None or hw.gpu.preset_id is None:
            rentable = sorted(p.id for p in catalog.hardware.values() if p.rental)
            listed = ", ".join(rentable) or "none in this catalog"
            raise UserError("--deployment rented needs the GPU to rent: --hardware PRESET_ID "
                            f"[--gpu-count N]; presets with rental prices: {listed}")
    _warm_quality(catalog)
    fmt = args.format
    # JSON and the table show the top N only: explain just those (reports and the other formats
    # list every ranked model).
    shown_only = args.output is None and fmt in ("json", "table")
    # This machine's measured speeds (advisor measure) correct the ranking's estimates, and say so.
    settings = PlanSettings(calibrations=tuple(calibrations()))
    result = recommend(catalog, constraints, settings=settings,
                       explain_top=constraints.top_n if shown_only else None)
    if args.output:
        from advisor.report import ReportError, export_report, report_format  # noqa: PLC0415

        path = Path(args.output)
        try:
            chosen = report_format(path, fmt if fmt != "table" else None)
            export_report(result, path, chosen, paper=args.paper,
                          pdf_writer=_pdf_writer() if chosen == "pdf" else None)
        except ReportError as exc:
            raise UserError(str(exc)) from exc
        out(f"wrote {path}", sys.stderr)
        return 0
    if fmt == "json":
        out(json.dumps(add_actions(result.to_json(), result), indent=2, ensure_ascii=False))
    elif fmt == "table":
        from advisor.report.table import format_result  # noqa: PLC0415

        out(format_result(result))
    elif fmt == "pdf":
        raise UserError("a PDF report needs a file: add --output FILE.pdf")
    else:
        from advisor import report  # noqa: PLC0415

        renderer = {"markdown": report.render_markdown, "html": report.render_html,
                    "csv": report.render_csv}[fmt]
        out(renderer(result))
    return 0


def _cmd_gui(args: argparse.Namespace) -> int:
    import importlib  # noqa: PLC0415
    import importlib.util  # noqa: PLC0415

    if importlib.util.find_spec("advisor.ui.app") is None:
        build_parser().print_help()
        out("\nThe desktop window is not part of this version yet; the commands above work.",
             sys.stderr)
        return 0 if args.screenshot is None else 1
    from advisor.ui.startup import platform_problem  # noqa: PLC0415 - imports no Qt

    if (problem := platform_problem()) is not None:
        out(problem, sys.stderr)  # instead of Qt's plugin dump and abort
        return 2
    try:
        app = importlib.import_module("advisor.ui.app")  # Qt loads only for the window
    except ImportError as exc:
        raise UserError(f"the desktop window needs PySide6 ({exc}); install it with "
                        "'pip install PySide6-Essentials' or use the command line") from exc
    code: int = app.run(Path(args.scenario) if args.scenario else None,
                        Path(args.screenshot) if args.screenshot else None)
    return code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="advisor",
        description=f"{APP_NAME}: rank local open-weight and hosted API language models under "
        "your constraints, with reasons.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    cat = sub.add_parser("catalog", help="list, show, validate, edit, import and refresh the catalog")
    cat_sub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    from advisor.cli.catalog import add_commands  # noqa: PLC0415

    add_commands(cat_sub)

    hw = sub.add_parser("hardware", help="hardware presets, detection and its raw probe output")
    hw_sub = hw.add_subparsers(dest="hardware_command", metavar="ACTION", required=True)
    p = hw_sub.add_parser("list", help="list hardware presets")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_hardware_list)
    from advisor.cli.hardware import add_commands as add_hardware_commands  # noqa: PLC0415

    add_hardware_commands(hw_sub)

    from advisor.cli.flags import add_hardware_flags, add_recommend_flags  # noqa: PLC0415

    p = sub.add_parser("estimate", help="memory and speed of one model on given hardware")
    p.add_argument("--model", required=True, metavar="ID", help="model id from 'advisor catalog list'")
    p.add_argument("--quant", metavar="Q", help="quantization (default: the best that fits)")
    p.add_argument("--context", type=int, metavar="N", help="context length in tokens (default 8192)")
    p.add_argument("--kv-cache", choices=("f16", "q8_0", "q4_0"), default="f16")
    p.add_argument("--concurrency", type=int, default=1, metavar="N",
                   help="parallel sequences: KV cache for N, per-stream and aggregate speed under "
                   "continuous batching")
    p.add_argument("--gpu-layers", type=int, metavar="N",
                   help="layers on the GPU (llama.cpp -ngl N); the rest in system RAM")
    p.add_argument("--experts-on-cpu", action="store_true",
                   help="MoE: routed experts in system RAM, attention and shared weights on the GPU "
                   "(llama.cpp --n-cpu-moe / -ot exps=CPU)")
    p.add_argument("--unified-gpu-share", type=float, metavar="F",
                   help="share of unified memory the GPU may wire (macOS: raised with "
                   "sudo sysctl iogpu.wired_limit_mb=...)")
    p.add_argument("--backend", choices=("cuda", "rocm", "metal", "vulkan", "sycl", "cpu", "mlx", "vllm"),
                   help="pin the runtime's backend (mlx: MLX 4/8-bit; vllm: vLLM/SGLang BF16/FP8/AWQ)")
    p.add_argument("--plan-hardware", type=float, metavar="TOKENS_PER_S",
                   help="also list the presets that run it at this speed or faster")
    add_hardware_flags(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_estimate)

    p = sub.add_parser("recommend", help="rank models under your constraints")
    add_recommend_flags(p)
    p.add_argument("--format", choices=("table", "json", "markdown", "html", "pdf", "csv"),
                   default="table")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF page size (default a4)")
    p.set_defaults(func=cmd_recommend)
    from advisor.cli.action import add_commands as add_action_commands  # noqa: PLC0415

    add_action_commands(sub, p)  # installed, measure, recommend --installed-only

    from advisor.cli.server import add_commands as add_server_commands  # noqa: PLC0415

    add_server_commands(sub)  # server start, stop, status

    p = sub.add_parser("gui", help="open the desktop window (the default)")
    p.add_argument("--scenario", help="scenario file to open")
    p.add_argument("--screenshot", help="render the window to this PNG and exit")
    p.set_defaults(func=_cmd_gui)
    return parser


def _strings(values: dict[str, object]) -> list[str]:
    """The string values among parsed arguments, including those in list-valued flags."""
    found: list[str] = []
    for value in values.values():
        items = value if isinstance(value, list) else [value]
        found += [v for v in items if isinstance(v, str)]
    return found


def _report_failure(exc: Exception) -> int | None:
    """Say what went wrong and return the exit code, or None for a bug. Imports pydantic and the
    catalog's errors only now: `advisor gui` paints its window before either loads (issue 21)."""
    from pydantic import ValidationError  # noqa: PLC0415

    from advisor.catalog.errors import CatalogError, problems_from_validation  # noqa: PLC0415

    if isinstance(exc, CatalogError):
        for problem in exc.problems:
            out(f"advisor: error: {problem}", sys.stderr)
        return 1
    if isinstance(exc, AdvisorError):
        out(f"advisor: error: {exc}", sys.stderr)
        return 1
    if isinstance(exc, ValidationError):
        for problem in problems_from_validation(exc, "options", None):
            out(f"advisor: error: {problem}", sys.stderr)
        return 1
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        out(f"advisor: error: {where}{exc.strerror or exc}", sys.stderr)
        return 1
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    return run_command(parse_command(argv))


def parse_command(argv: Sequence[str] | None) -> argparse.Namespace:
    """The environment the core expects, and the parsed command (`gui` when none is given). Bad
    usage, `--help` and `--version` end here with SystemExit, as argparse does."""
    for name, value in STARTUP_ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        args = parser.parse_args(["gui"])
    return args


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed command; returns the exit code. `advisor server` runs its requests through this
    too, so an answer from it is the answer of this function."""
    func: Callable[[argparse.Namespace], int] = args.func
    # A file name or value with a NUL byte reaches the OS as a ValueError; say so before it does
    # (only an in-process call can pass one: a shell's arguments are C strings).
    if any("\x00" in v for v in _strings(vars(args))):
        out("advisor: error: an argument contains a null byte", sys.stderr)
        return 1
    try:
        return func(args)
    except BrokenPipeError:  # the reader (head, less) went away: not an error
        return 0
    except (AdvisorError, ValueError, OSError) as exc:
        code = _report_failure(exc)
        if code is None:
            raise  # a bug (any other ValueError...) stays a traceback
        return code
    except KeyboardInterrupt:
        out("advisor: interrupted", sys.stderr)
        return 130
