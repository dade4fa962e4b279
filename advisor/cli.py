"""The headless front door: `advisor ...` on the command line.

Every command is a thin client of the same core the GUI uses. A user error prints
`advisor: error: <what and how to fix>` and exits 1; bad usage exits 2; never a traceback.
Nothing heavy is imported at module level, so `advisor --version` and `advisor recommend` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from advisor import APP_NAME, __version__

if TYPE_CHECKING:
    from advisor.catalog.store import Catalog


class UserError(Exception):
    """Something the user can fix; printed as one `advisor: error:` line, exit 1."""


def _out(text: str, stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text if text.endswith("\n") else text + "\n")


def _load_catalog() -> Catalog:
    from advisor.catalog.overlay import load_catalog  # noqa: PLC0415 - keep start-up light
    from advisor.paths import user_paths  # noqa: PLC0415

    catalog = load_catalog(user_paths())
    for warning in catalog.warnings:
        _out(f"advisor: warning: {warning}", sys.stderr)
    return catalog


def _model_summary(catalog: Catalog, model_id: str) -> dict[str, Any]:
    model = catalog.models[model_id]
    lic = catalog.license_of(model)
    return {
        "id": model.id,
        "name": model.name,
        "vendor": model.vendor,
        "family": model.family,
        "open_weights": model.open_weights,
        "license": model.license,
        "license_class": lic.license_class.value if lic else None,
        "release_date": model.release_date.isoformat() if model.release_date else None,
        "context_window_tokens": model.context_window_tokens,
        "total_params_b": model.architecture.total_params_b if model.architecture else None,
        "active_params_b": model.architecture.active_params_b if model.architecture else None,
        "providers": sorted({o.provider for o in model.offerings}),
        "origin": catalog.origin(model_id).value,
        "hidden": model_id in catalog.hidden,
    }


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from advisor.report.table import format_table  # noqa: PLC0415

    catalog = _load_catalog()
    ids = [m.id for m in catalog.visible_models()] if not args.all else sorted(catalog.models)
    rows = [_model_summary(catalog, mid) for mid in ids]
    if args.format == "json":
        _out(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    table_rows = [
        (r["id"], r["name"], "open" if r["open_weights"] else "API", r["license"],
         _unknown(r["total_params_b"], "{:g}B"), _unknown(r["context_window_tokens"], "{:,}"),
         r["origin"])
        for r in rows
    ]
    _out(format_table(("id", "name", "weights", "licence", "params", "context", "origin"),
                      table_rows))
    _out(f"{len(rows)} models; catalog {catalog.meta.version} as of {catalog.meta.as_of}")
    return 0


def _unknown(value: object, fmt: str) -> str:
    return "unknown" if value is None else fmt.format(value)


def cmd_catalog_show(args: argparse.Namespace) -> int:
    catalog = _load_catalog()
    model = catalog.models.get(args.id)
    if model is None:
        from advisor.cli_options import unknown_id  # noqa: PLC0415

        raise UserError(unknown_id("model with id", args.id, catalog.models, "advisor catalog list"))
    data = model.model_dump(mode="json", exclude_defaults=True)
    data["origin"] = catalog.origin(model.id).value
    lic = catalog.license_of(model)
    if args.format == "json":
        data["license_detail"] = lic.model_dump(mode="json") if lic else None
        _out(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    _out(_describe_model(catalog, model.id))
    return 0


def _describe_model(catalog: Catalog, model_id: str) -> str:
    model = catalog.models[model_id]
    lic = catalog.license_of(model)
    arch = model.architecture
    weights = "closed (API only)"
    if model.open_weights:
        weights = "open" + (f" - {model.hf_repo}" if model.hf_repo else "")
    active = f", {arch.active_params_b:g}B active" if arch and arch.active_params_b else ""
    lines = [
        f"{model.name}  ({model.id})",
        f"  vendor        {model.vendor} ({model.vendor_country or 'country unknown'})",
        f"  released      {model.release_date or 'unknown'}",
        f"  weights       {weights}",
        f"  licence       {lic.name if lic else model.license}"
        f"{' [' + lic.license_class.value + ']' if lic else ''}",
        f"  context       {_unknown(model.context_window_tokens, '{:,} tokens')}",
        f"  parameters    {_unknown(arch.total_params_b if arch else None, '{:g}B total')}{active}",
        f"  modalities    in: {', '.join(model.input_modalities)}; "
        f"out: {', '.join(model.output_modalities)}",
        f"  languages     {', '.join(lang.code for lang in model.languages) or 'unknown'}",
    ]
    for off in model.offerings:
        lines.append(f"  API           {off.provider}: ${off.price_input_usd_per_mtok:g} in / "
                     f"${off.price_output_usd_per_mtok:g} out per 1M tokens (as of {off.as_of})")
    for ev in model.evidence:
        lines.append(f"  evidence      {ev.benchmark}: {ev.score:g} ({ev.as_of})")
    lines.append(f"  source        {model.facts.source} (as of {model.facts.as_of})")
    return "\n".join(lines)


def cmd_catalog_validate(args: argparse.Namespace) -> int:
    from advisor.catalog.errors import CatalogError  # noqa: PLC0415
    from advisor.catalog.validate import check_catalog, validate_file  # noqa: PLC0415

    try:
        if args.file:
            catalog = validate_file(Path(args.file))
            label = args.file
        else:
            catalog = _load_catalog()
            problems = check_catalog(catalog, "catalog")
            if problems:
                raise CatalogError(problems)
            label = "bundled catalog" + (" + your overlay" if catalog.origins and any(
                o.value != "bundled" for o in catalog.origins.values()) else "")
    except CatalogError as exc:
        for problem in exc.problems:
            _out(str(problem), sys.stderr)
        _out(f"advisor: error: {len(exc.problems)} problem(s) found", sys.stderr)
        return 1
    _out(f"{label}: valid ({len(catalog.models)} models, {len(catalog.licenses)} licences, "
         f"{len(catalog.hardware)} hardware presets)")
    return 0


def cmd_catalog_path(args: argparse.Namespace) -> int:
    from advisor.paths import user_paths  # noqa: PLC0415

    paths = user_paths()
    info = {
        "config_dir": str(paths.config_dir),
        "data_dir": str(paths.data_dir),
        "cache_dir": str(paths.cache_dir),
        "overlay_file": str(paths.overlay_file),
        "scenarios_dir": str(paths.scenarios_dir),
    }
    if args.format == "json":
        _out(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            _out(f"{key:14} {value}")
    return 0


def cmd_hardware_list(args: argparse.Namespace) -> int:
    from advisor.report.table import format_table  # noqa: PLC0415

    catalog = _load_catalog()
    presets = sorted(catalog.hardware.values(), key=lambda h: (h.kind.value, h.vendor, h.name))
    if args.format == "json":
        _out(json.dumps([h.model_dump(mode="json") for h in presets], indent=2))
        return 0
    _out(format_table(
        ("id", "name", "kind", "memory", "bandwidth", "fp16"),
        [(h.id, h.name, h.kind.value, f"{h.memory_gb:g} GB", f"{h.bandwidth_gbs:g} GB/s",
          _unknown(h.fp16_tflops, "{:g} TFLOPS")) for h in presets],
    ))
    return 0


def cmd_estimate(args: argparse.Namespace) -> int:
    from advisor.cli_options import hardware_from_args, unknown_id  # noqa: PLC0415
    from advisor.estimate import EstimateError, estimate, format_estimate  # noqa: PLC0415

    catalog = _load_catalog()
    model = catalog.models.get(args.model)
    if model is None:
        raise UserError(unknown_id("model with id", args.model, catalog.models, "advisor catalog list"))
    hardware = hardware_from_args(args, catalog)
    if hardware is None:
        raise UserError("say what it runs on: --hardware PRESET_ID, --vram-gb X --bandwidth-gbs Y, "
                        "--unified-memory-gb X, --cpu-only --ram-gb X, or --detect")
    if args.context is not None and args.context < 1:
        raise UserError(f"--context must be at least 1 token (got {args.context})")
    if args.concurrency < 1:
        raise UserError(f"--concurrency must be at least 1 (got {args.concurrency})")
    try:
        est = estimate(model, hardware, quant=args.quant, context=args.context or 8192,
                       kv_cache=args.kv_cache, concurrency=args.concurrency)
    except EstimateError as exc:
        raise UserError(str(exc)) from exc
    if args.format == "json":
        _out(json.dumps(est.to_json(), indent=2))
    else:
        _out(format_estimate(est))
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
    _out(f"\n{model.name} at {quant} with {context:,} tokens needs about {need:.1f} GB on one GPU.",
         sys.stderr)
    _out(f"Hardware presets that run it at >= {min_tps:g} tokens/s (by price where known, else "
         "by total memory):", sys.stderr)
    for opt in options[:10]:
        speed = opt.estimate.decode_tokens_per_s
        count = f"{opt.gpu_count}x " if opt.gpu_count > 1 else ""
        _out(f"  {count}{opt.preset.name}: ~{speed.expected if speed else 0:.0f} tokens/s", sys.stderr)
    if not options:
        _out("  none of the presets", sys.stderr)


def cmd_recommend(args: argparse.Namespace) -> int:
    from advisor.cli_options import constraints_from_args, scenario_base  # noqa: PLC0415
    from advisor.recommend.engine import recommend  # noqa: PLC0415

    catalog = _load_catalog()
    constraints = constraints_from_args(args, catalog, scenario_base(args.scenario))
    if constraints.deployment.value == "local" and not constraints.local_allowed:
        raise UserError("--deployment local needs hardware: --hardware PRESET_ID, --vram-gb, "
                        "--unified-memory-gb, --cpu-only --ram-gb, or --detect")
    result = recommend(catalog, constraints)
    fmt = args.format
    if args.output:
        from advisor.report import ReportError, export_report  # noqa: PLC0415

        path = Path(args.output)
        try:
            export_report(result, path, fmt if fmt != "table" else None, paper=args.paper)
        except ReportError as exc:
            raise UserError(str(exc)) from exc
        _out(f"wrote {path}", sys.stderr)
        return 0
    if fmt == "json":
        _out(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "table":
        from advisor.report.table import format_result  # noqa: PLC0415

        _out(format_result(result))
    elif fmt == "pdf":
        raise UserError("a PDF report needs a file: add --output FILE.pdf")
    else:
        from advisor import report  # noqa: PLC0415

        renderer = {"markdown": report.render_markdown, "html": report.render_html,
                    "csv": report.render_csv}[fmt]
        _out(renderer(result))
    return 0


def _cmd_gui(args: argparse.Namespace) -> int:
    import importlib  # noqa: PLC0415
    import importlib.util  # noqa: PLC0415

    if importlib.util.find_spec("advisor.ui.app") is None:
        build_parser().print_help()
        _out("\nThe desktop window is not part of this version yet; the commands above work.",
             sys.stderr)
        return 0 if args.screenshot is None else 1
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
    p = cat_sub.add_parser("list", help="list models")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--all", action="store_true", help="include models you have hidden")
    p.set_defaults(func=cmd_catalog_list)
    p = cat_sub.add_parser("show", help="show one model")
    p.add_argument("id", help="model id, e.g. qwen/qwen3-8b")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_catalog_show)
    p = cat_sub.add_parser("validate", help="check the catalog (or a catalog/overlay file)")
    p.add_argument("file", nargs="?", help="a catalog document or overlay JSON file")
    p.set_defaults(func=cmd_catalog_validate)
    p = cat_sub.add_parser("path", help="where your files live")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_catalog_path)
    from advisor.cli_catalog import add_commands  # noqa: PLC0415

    add_commands(cat_sub)

    hw = sub.add_parser("hardware", help="hardware presets")
    hw_sub = hw.add_subparsers(dest="hardware_command", metavar="ACTION", required=True)
    p = hw_sub.add_parser("list", help="list hardware presets")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_hardware_list)

    from advisor.cli_flags import add_hardware_flags, add_recommend_flags  # noqa: PLC0415

    p = sub.add_parser("estimate", help="memory and speed of one model on given hardware")
    p.add_argument("--model", required=True, metavar="ID", help="model id from 'advisor catalog list'")
    p.add_argument("--quant", metavar="Q", help="quantization (default: the best that fits)")
    p.add_argument("--context", type=int, metavar="N", help="context length in tokens (default 8192)")
    p.add_argument("--kv-cache", choices=("f16", "q8_0", "q4_0"), default="f16")
    p.add_argument("--concurrency", type=int, default=1, metavar="N", help="parallel sequences")
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

    p = sub.add_parser("gui", help="open the desktop window (the default)")
    p.add_argument("--scenario", help="scenario file to open")
    p.add_argument("--screenshot", help="render the window to this PNG and exit")
    p.set_defaults(func=_cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        args = parser.parse_args(["gui"])
        func = args.func
    from pydantic import ValidationError  # noqa: PLC0415

    from advisor.catalog.errors import CatalogError, problems_from_validation  # noqa: PLC0415
    from advisor.cli_options import OptionError  # noqa: PLC0415

    try:
        return func(args)
    except (UserError, OptionError) as exc:
        _out(f"advisor: error: {exc}", sys.stderr)
        return 1
    except CatalogError as exc:
        for problem in exc.problems:
            _out(f"advisor: error: {problem}", sys.stderr)
        return 1
    except ValidationError as exc:
        for problem in problems_from_validation(exc, "options", None):
            _out(f"advisor: error: {problem}", sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (head, less) went away: not an error
        return 0
    except ValueError as exc:  # e.g. a file name with a NUL byte reaching the OS
        _out(f"advisor: error: {exc}", sys.stderr)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _out(f"advisor: error: {where}{exc.strerror or exc}", sys.stderr)
        return 1
    except KeyboardInterrupt:
        _out("advisor: interrupted", sys.stderr)
        return 130
