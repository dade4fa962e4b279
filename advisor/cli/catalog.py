"""`advisor catalog ...`: browsing (list, show, validate, path) and the user's catalog from scripts
(import, export, refresh, edit, hide, unhide, revert, delete, duplicate). Each editing command reads
the overlay, makes its change, and saves it (atomically, with a backup, merging with another running
instance); previews change nothing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli.common import UserError, load_user_catalog, model_or_error, out, unknown

if TYPE_CHECKING:
    from advisor.catalog.editing import OverlayEditor
    from advisor.catalog.importing import ImportPlan
    from advisor.catalog.store import Catalog


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
        "retired": model.retired,
        "superseded_by": model.superseded_by,
        "languages_known": model.languages_known,
    }


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from advisor.report.table import format_table  # noqa: PLC0415

    catalog = load_user_catalog()
    ids = [m.id for m in catalog.visible_models()] if not args.all else sorted(catalog.models)
    if not args.include_retired:
        ids = [mid for mid in ids if not catalog.models[mid].retired]
    rows = [_model_summary(catalog, mid) for mid in ids]
    if args.format == "json":
        out(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    table_rows = [
        (r["id"], r["name"], "open" if r["open_weights"] else "API", r["license"],
         unknown(r["total_params_b"], "{:g}B"), unknown(r["context_window_tokens"], "{:,}"),
         r["origin"])
        for r in rows
    ]
    out(format_table(("id", "name", "weights", "licence", "params", "context", "origin"),
                      table_rows))
    out(f"{len(rows)} models; catalog {catalog.meta.version} as of {catalog.meta.as_of}")
    return 0


def cmd_catalog_show(args: argparse.Namespace) -> int:
    catalog = load_user_catalog()
    model = model_or_error(catalog, args.id)
    data = model.model_dump(mode="json", exclude_defaults=True)
    # Lifecycle and language keys are always present (the defaults are left out above).
    for raw, offering in zip(data.get("offerings", []), model.offerings, strict=True):
        raw["status"] = offering.status.value
        raw["shutdown_date"] = offering.shutdown_date.isoformat() if offering.shutdown_date else None
    data["languages"] = [lang.model_dump(mode="json") for lang in model.languages]
    data["languages_known"] = model.languages_known
    data["superseded_by"] = model.superseded_by
    data["retired"] = model.retired
    data["origin"] = catalog.origin(model.id).value
    lic = catalog.license_of(model)
    if args.format == "json":
        data["license_detail"] = lic.model_dump(mode="json") if lic else None
        out(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    out(_describe_model(catalog, model.id))
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
        f"  context       {unknown(model.context_window_tokens, '{:,} tokens')}",
        f"  parameters    {unknown(arch.total_params_b if arch else None, '{:g}B total')}{active}",
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
            catalog = load_user_catalog()
            problems = check_catalog(catalog, "catalog")
            if problems:
                raise CatalogError(problems)
            label = "bundled catalog" + (" + your overlay" if catalog.origins and any(
                o.value != "bundled" for o in catalog.origins.values()) else "")
    except CatalogError as exc:
        for problem in exc.problems:
            out(str(problem), sys.stderr)
        out(f"advisor: error: {len(exc.problems)} problem(s) found", sys.stderr)
        return 1
    out(f"{label}: valid ({len(catalog.models)} models, {len(catalog.licenses)} licences, "
         f"{len(catalog.hardware)} hardware presets)")
    return 0


def cmd_catalog_path(args: argparse.Namespace) -> int:
    from advisor.storage.paths import user_paths  # noqa: PLC0415

    paths = user_paths()
    info = {
        "config_dir": str(paths.config_dir),
        "data_dir": str(paths.data_dir),
        "cache_dir": str(paths.cache_dir),
        "overlay_file": str(paths.overlay_file),
        "scenarios_dir": str(paths.scenarios_dir),
    }
    if args.format == "json":
        out(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            out(f"{key:14} {value}")
    return 0


def _editor() -> OverlayEditor:
    from advisor.catalog.editing import OverlayEditor  # noqa: PLC0415
    from advisor.storage.paths import user_paths  # noqa: PLC0415

    editor = OverlayEditor.open(user_paths())
    for warning in editor.warnings:
        out(f"advisor: warning: {warning}", sys.stderr)
    return editor


def _save(editor: OverlayEditor, what: str) -> int:
    from advisor.catalog.editing import MergeConflictError  # noqa: PLC0415

    try:
        outcome = editor.save()
    except MergeConflictError as exc:
        out(f"advisor: error: {exc}", sys.stderr)
        return 1
    if outcome.merged_from_other:
        out(f"kept {len(outcome.merged_from_other)} change(s) another window saved meanwhile", sys.stderr)
    out(what)
    return 0


def _show_plan(plan: ImportPlan, fmt: str) -> None:
    from advisor.catalog.importing import LIFECYCLE_MARK, ChangeKind  # noqa: PLC0415

    if fmt == "json":
        out(json.dumps(plan.to_json(), indent=2, ensure_ascii=False))
        return
    out(f"{plan.source}: {plan.summary()}")
    marks = {ChangeKind.ADD: "+", ChangeKind.CHANGE: "~", ChangeKind.CONFLICT: "!"}
    for change in plan.changes:
        if change.kind is ChangeKind.SAME:
            continue
        label = " (you edited this model; left alone)" if change.kind is ChangeKind.CONFLICT else ""
        out(f"  {marks[change.kind]} {change.model_id}  {change.name}{label}")
        for line in change.details:
            out(f"   !! {line}" if line.startswith(LIFECYCLE_MARK) else f"      {line}")
    for lic in plan.licenses:
        out(f"  + licence {lic.id}")
    for note in plan.skipped:
        out(f"  - skipped {note}")


def _apply(editor: OverlayEditor, plan: ImportPlan, args: argparse.Namespace) -> int:
    from advisor.catalog.importing import MAX_UNASKED_ADDITIONS, apply_plan  # noqa: PLC0415

    _show_plan(plan, args.format)
    if args.dry_run:
        out("dry run: nothing was changed", sys.stderr)
        return 0
    if plan.needs_confirmation(args.accept) and not args.yes:
        raise UserError(f"this would add {plan.additions(args.accept):,} models, more than the "
                        f"{MAX_UNASKED_ADDITIONS:,} added without asking (each one is ranked on "
                        "every change and kept in your overlay); nothing was changed. Run again with "
                        "--yes to add them all, or pick some with --accept ID")
    applied = apply_plan(editor, plan, accept=args.accept or None,
                         replace_edited=getattr(args, "replace_edited", False))
    if not applied and not plan.licenses:
        out("nothing to change", sys.stderr)
        return 0
    return _save(editor, f"applied {len(applied)} model change(s) to {editor.paths.overlay_file}")


def cmd_import(args: argparse.Namespace) -> int:
    from advisor.catalog.importing import plan_import, read_incoming  # noqa: PLC0415

    incoming = read_incoming(Path(args.file), model_id=args.id, license_id=args.license)
    editor = _editor()
    return _apply(editor, plan_import(editor, incoming, args.file), args)


def cmd_refresh(args: argparse.Namespace) -> int:
    from advisor.catalog.refresh import plan_refresh  # noqa: PLC0415

    editor = _editor()
    plan = plan_refresh(editor, args.source)
    return _apply(editor, plan, args)


def cmd_export(args: argparse.Namespace) -> int:
    from advisor.catalog.store import dump_json, to_document, without_nulls  # noqa: PLC0415
    from advisor.storage import reading  # noqa: PLC0415
    from advisor.storage.atomic import atomic_write_bytes  # noqa: PLC0415

    editor = _editor()
    catalog = editor.catalog()
    if args.only_mine:
        catalog.models = {k: v for k, v in catalog.models.items() if k in editor.overlay.models}
    path = Path(args.file)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from advisor.catalog.importing import csv_rows  # noqa: PLC0415

        data = csv_rows(catalog.models.values()).encode("utf-8")
    elif suffix == ".toml":
        import tomli_w  # noqa: PLC0415  (TOML has no null: unknown values are left out, as on import)

        data = tomli_w.dumps(without_nulls(to_document(catalog))).encode("utf-8")
    elif suffix == ".json":
        data = dump_json(to_document(catalog)).encode("utf-8")
    else:
        raise UserError(f"cannot tell the format from '{path.name}': name the file .json, .toml or .csv")
    if len(data) > reading.MAX_FILE_BYTES:  # a file import would refuse is not written
        raise UserError(f"the export would be {len(data) / 1e6:,.0f} MB, beyond the "
                        f"{reading.MAX_FILE_BYTES / 1e6:.0f} MB import reads back; nothing was written "
                        "(--only-mine exports just your models)")
    atomic_write_bytes(path, data)
    out(f"wrote {len(catalog.models)} models to {path}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    editor = _editor()
    for assignment in args.set:
        field, sep, value = assignment.partition("=")
        if not sep:
            raise UserError(f"--set needs FIELD=VALUE, got '{assignment}'")
        editor.set_field(args.id, field, value)
    return _save(editor, f"edited {args.id}")


def cmd_hide(args: argparse.Namespace) -> int:
    editor = _editor()
    editor.hide(args.id, hidden=not args.unhide)
    return _save(editor, f"{'shown again' if args.unhide else 'hidden'}: {args.id}")


def cmd_revert(args: argparse.Namespace) -> int:
    editor = _editor()
    editor.revert(args.id)
    return _save(editor, f"reverted {args.id} to the bundled entry")


def cmd_delete(args: argparse.Namespace) -> int:
    editor = _editor()
    editor.delete(args.id)
    return _save(editor, f"deleted {args.id}")


def cmd_duplicate(args: argparse.Namespace) -> int:
    editor = _editor()
    copy = editor.duplicate(args.id, args.new_id, args.name)
    return _save(editor, f"added {copy.id} ({copy.name}), a copy of {args.id}")


def add_commands(cat_sub: Any) -> None:
    """Add every `advisor catalog` action."""
    _add_browse_commands(cat_sub)
    _add_edit_commands(cat_sub)


def _add_browse_commands(cat_sub: Any) -> None:
    p = cat_sub.add_parser("list", help="list models")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--all", action="store_true", help="include models you have hidden")
    p.add_argument("--include-retired", action="store_true",
                   help="include closed models whose every API offering is retired")
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


def _add_edit_commands(cat_sub: Any) -> None:
    p = cat_sub.add_parser("import", help="merge models from a file into your catalog",
                           description="Import a catalog export (.json/.toml), an overlay, a CSV "
                           "(columns: see docs/catalog-editing.md) or a Hugging Face config.json.")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    p.add_argument("--accept", action="append", metavar="ID", help="apply only this model (repeatable)")
    p.add_argument("--replace-edited", action="store_true",
                   help="also replace models you edited yourself (conflicts)")
    p.add_argument("--id", help="for a Hugging Face config.json: the new model's id (vendor/name)")
    p.add_argument("--license", help="for a Hugging Face config.json: its licence id")
    p.add_argument("--yes", action="store_true",
                   help="add the models even when there are more than 5,000 of them")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_import)

    p = cat_sub.add_parser("export", help="write your catalog (bundled + your edits) to a file")
    p.add_argument("file", help="a catalog document: .json or .toml (both import back), or .csv")
    p.add_argument("--only-mine", action="store_true", help="only the models you added or edited")
    p.set_defaults(func=cmd_export)

    p = cat_sub.add_parser("refresh", help="new prices and hosted models from models.dev (HTTPS)")
    p.add_argument("--from", dest="source", metavar="FILE_OR_URL",
                   help="a models.dev api.json file or https:// address (default https://models.dev/api.json)")
    p.add_argument("--dry-run", action="store_true", help="show the changes, change nothing")
    p.add_argument("--accept", action="append", metavar="ID", help="apply only this model (repeatable)")
    p.add_argument("--yes", action="store_true",
                   help="add the models even when there are more than 5,000 of them")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_refresh)

    p = cat_sub.add_parser("edit", help="change fields of a model (for scripts)")
    p.add_argument("id")
    p.add_argument("--set", action="append", required=True, metavar="FIELD=VALUE",
                   help="e.g. name=Our model, offerings.0.price_input_usd_per_mtok=0.25 (JSON values; "
                   "null removes an optional field)")
    p.set_defaults(func=cmd_edit)

    p = cat_sub.add_parser("hide", help="hide a model from rankings")
    p.add_argument("id")
    p.add_argument("--unhide", action="store_true", help="show it again")
    p.set_defaults(func=cmd_hide)
    p = cat_sub.add_parser("unhide", help="show a hidden model again")
    p.add_argument("id")
    p.set_defaults(func=cmd_hide, unhide=True)

    p = cat_sub.add_parser("revert", help="drop your edits to a bundled model")
    p.add_argument("id")
    p.set_defaults(func=cmd_revert)

    p = cat_sub.add_parser("delete", help="delete a model you added")
    p.add_argument("id")
    p.set_defaults(func=cmd_delete)

    p = cat_sub.add_parser("duplicate", help="copy a model under a new id")
    p.add_argument("id")
    p.add_argument("new_id")
    p.add_argument("--name", help="display name of the copy")
    p.set_defaults(func=cmd_duplicate)
