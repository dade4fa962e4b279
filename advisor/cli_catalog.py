"""`advisor catalog import|export|refresh|edit|hide|unhide|revert|delete|duplicate`: the user's
catalog from scripts. Each command reads the overlay, makes its change, and saves it (atomically,
with a backup, merging with another running instance); previews change nothing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.catalog.editing import OverlayEditor
    from advisor.catalog.importing import ImportPlan


def _out(text: str, stream: Any = None) -> None:
    (stream or sys.stdout).write(text if text.endswith("\n") else text + "\n")


def _editor() -> OverlayEditor:
    from advisor.catalog.editing import OverlayEditor  # noqa: PLC0415
    from advisor.paths import user_paths  # noqa: PLC0415

    editor = OverlayEditor.open(user_paths())
    for warning in editor.warnings:
        _out(f"advisor: warning: {warning}", sys.stderr)
    return editor


def _save(editor: OverlayEditor, what: str) -> int:
    from advisor.catalog.editing import MergeConflictError  # noqa: PLC0415

    try:
        outcome = editor.save()
    except MergeConflictError as exc:
        _out(f"advisor: error: {exc}", sys.stderr)
        return 1
    if outcome.merged_from_other:
        _out(f"kept {len(outcome.merged_from_other)} change(s) another window saved meanwhile", sys.stderr)
    _out(what)
    return 0


def _show_plan(plan: ImportPlan, fmt: str) -> None:
    from advisor.catalog.importing import ChangeKind  # noqa: PLC0415

    if fmt == "json":
        _out(json.dumps(plan.to_json(), indent=2, ensure_ascii=False))
        return
    _out(f"{plan.source}: {plan.summary()}")
    marks = {ChangeKind.ADD: "+", ChangeKind.CHANGE: "~", ChangeKind.CONFLICT: "!"}
    for change in plan.changes:
        if change.kind is ChangeKind.SAME:
            continue
        label = " (you edited this model; left alone)" if change.kind is ChangeKind.CONFLICT else ""
        _out(f"  {marks[change.kind]} {change.model_id}  {change.name}{label}")
        for line in change.details:
            _out(f"      {line}")
    for lic in plan.licenses:
        _out(f"  + licence {lic.id}")
    for note in plan.skipped:
        _out(f"  - skipped {note}")


def _apply(editor: OverlayEditor, plan: ImportPlan, args: argparse.Namespace) -> int:
    from advisor.catalog.importing import apply_plan  # noqa: PLC0415

    _show_plan(plan, args.format)
    if args.dry_run:
        _out("dry run: nothing was changed", sys.stderr)
        return 0
    applied = apply_plan(editor, plan, accept=args.accept or None,
                         replace_edited=getattr(args, "replace_edited", False))
    if not applied and not plan.licenses:
        _out("nothing to change", sys.stderr)
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
    from advisor.catalog.store import dump_json, to_document  # noqa: PLC0415
    from advisor.files import atomic_write_text  # noqa: PLC0415

    editor = _editor()
    catalog = editor.catalog()
    if args.only_mine:
        catalog.models = {k: v for k, v in catalog.models.items() if k in editor.overlay.models}
    path = Path(args.file)
    if path.suffix.lower() == ".csv":
        from advisor.catalog.importing import csv_rows  # noqa: PLC0415

        atomic_write_text(path, csv_rows(catalog.models.values()))
    else:
        atomic_write_text(path, dump_json(to_document(catalog)))
    _out(f"wrote {len(catalog.models)} models to {path}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from advisor.cli import UserError  # noqa: PLC0415

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
    """Add the editing commands to `advisor catalog`."""
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
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_import)

    p = cat_sub.add_parser("export", help="write your catalog (bundled + your edits) to a file")
    p.add_argument("file", help="a .json catalog document (or .csv)")
    p.add_argument("--only-mine", action="store_true", help="only the models you added or edited")
    p.set_defaults(func=cmd_export)

    p = cat_sub.add_parser("refresh", help="new prices and hosted models from models.dev (HTTPS)")
    p.add_argument("--from", dest="source", metavar="FILE_OR_URL",
                   help="a models.dev api.json file or https:// address (default https://models.dev/api.json)")
    p.add_argument("--dry-run", action="store_true", help="show the changes, change nothing")
    p.add_argument("--accept", action="append", metavar="ID", help="apply only this model (repeatable)")
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
