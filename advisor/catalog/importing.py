"""Importing into the user's catalog: our own files, spreadsheets, models.dev, Hugging Face configs.

Every importer turns a file into candidate entries (`Incoming`); `plan_import` compares them with
what the user sees now and sorts them into additions, changes to bundled entries, and conflicts with
the user's own edits; `apply_plan` applies what the user accepts. Nothing changes until then, and bad
input of any kind is a `CatalogError` naming the file, the entry and the field.

Formats, chosen by extension and content:
- **Catalog document** (`.json` or `.toml`): what `advisor catalog export` writes
  (`kind = "model-advisor-catalog"`), or an overlay file (`kind = "model-advisor-overlay"`).
- **CSV** (`.csv`), one row per model, or per hosted offering (repeat the model's columns). Columns:
  `id, name, family, vendor, open_weights, license, source, as_of` (required), and
  `hf_repo, release_date, context_window_tokens, max_output_tokens, provider, provider_model_id,
  price_input_usd_per_mtok, price_output_usd_per_mtok, price_cached_input_usd_per_mtok, notes`.
  `open_weights` is true/false/yes/no/1/0; dates are YYYY-MM-DD; prices are USD per million tokens;
  an open-weight model needs `hf_repo`. A leading apostrophe (a spreadsheet's text marker) is dropped.
- **models.dev** (`api.json`: `{provider: {"models": {id: {...}}}}`): see `refresh.py`.
- **Hugging Face `config.json`** (plus, optionally, `model.safetensors.index.json` beside it): a new
  open-weight entry with its architecture read from the config and its parameters counted.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.errors import CatalogError, problems_from_validation
from advisor.catalog.overlay import OVERLAY_KIND, parse_overlay
from advisor.catalog.schema import License, Model
from advisor.catalog.store import DOCUMENT_KIND, parse_document, parse_json_bytes, read_file_bytes
from advisor.storage.problems import Problem

_MODEL = TypeAdapter(Model)
MAX_DIFF_LINES = 12
MAX_UNASKED_ADDITIONS = 5_000
"""More models than this from one import or refresh are added only when the user confirms: the
bundled catalog holds a few hundred, and every added model is ranked on each change and saved in
the overlay (28,000 imported models made a 274 MB overlay, beyond what the reader accepts)."""


class ChangeKind(StrEnum):
    """How an incoming entry relates to the user's catalog."""

    ADD = "add"  # a model the catalog does not have
    CHANGE = "change"  # differs from the bundled entry (becomes the user's override)
    CONFLICT = "conflict"  # the user edited this model and the incoming version differs
    SAME = "same"  # nothing to do


@dataclass(frozen=True)
class Change:
    """One entry of an import or refresh preview."""

    kind: ChangeKind
    model_id: str
    name: str
    details: tuple[str, ...]
    incoming: Model

    def to_json(self) -> dict[str, Any]:
        """For `--format json` output."""
        return {"kind": self.kind.value, "model_id": self.model_id, "name": self.name,
                "details": list(self.details)}


@dataclass(frozen=True)
class Incoming:
    """What a file offers: models and licences, and notes about entries that were left out."""

    models: tuple[Model, ...]
    licenses: tuple[License, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportPlan:
    """The preview: what would be added, changed, or conflicts with the user's edits."""

    source: str
    changes: tuple[Change, ...]
    licenses: tuple[License, ...] = ()
    skipped: tuple[str, ...] = ()

    def of(self, kind: ChangeKind) -> list[Change]:
        """The changes of one kind."""
        return [c for c in self.changes if c.kind is kind]

    def summary(self) -> str:
        """One line: counts by kind."""
        return (f"{len(self.of(ChangeKind.ADD))} to add, {len(self.of(ChangeKind.CHANGE))} to change, "
                f"{len(self.of(ChangeKind.CONFLICT))} in conflict with your edits, "
                f"{len(self.of(ChangeKind.SAME))} unchanged")

    def additions(self, accept: Iterable[str] | None = None) -> int:
        """How many models applying the plan would add (only those in `accept`, when given)."""
        wanted = None if accept is None else set(accept)
        return sum(1 for c in self.of(ChangeKind.ADD) if wanted is None or c.model_id in wanted)

    def needs_confirmation(self, accept: Iterable[str] | None = None) -> bool:
        """Whether applying would add more than `MAX_UNASKED_ADDITIONS` models, so the user is
        asked first."""
        return self.additions(accept) > MAX_UNASKED_ADDITIONS

    def to_json(self) -> dict[str, Any]:
        """For `--format json` output."""
        return {"source": self.source, "changes": [c.to_json() for c in self.changes
                                                   if c.kind is not ChangeKind.SAME],
                "unchanged": len(self.of(ChangeKind.SAME)),
                "licenses": [lic.id for lic in self.licenses], "skipped": list(self.skipped)}


# -- differences ---------------------------------------------------------------------------------

def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
    else:
        out[prefix] = value


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"


LIFECYCLE_MARK = "LIFECYCLE "
"""Prefix of a preview line that changes an offering's status or shutdown date."""


def diff_models(old: Model, new: Model) -> list[str]:
    """The fields that differ, as 'field: old → new' lines."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _flatten(old.model_dump(mode="json"), "", a)
    _flatten(new.model_dump(mode="json"), "", b)
    keys = [key for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]
    # Lifecycle changes (an offering deprecated or retired) come first, marked, so no preview hides them.
    life = [k for k in keys if k.endswith((".status", ".shutdown_date"))]
    lines = [f"{LIFECYCLE_MARK}{key}: {_short(a.get(key))} → {_short(b.get(key))}" for key in life]
    lines += [f"{key}: {_short(a.get(key))} → {_short(b.get(key))}" for key in keys if key not in life]
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"… and {len(lines) - MAX_DIFF_LINES} more fields"]
    return lines


# -- planning and applying -----------------------------------------------------------------------

def plan_import(editor: OverlayEditor, incoming: Incoming, source: str) -> ImportPlan:
    """Compare incoming entries with the catalog the user sees now."""
    current = editor.catalog()
    changes: list[Change] = []
    for model in incoming.models:
        have = current.models.get(model.id)
        details: tuple[str, ...]
        if have is None:
            what = "open-weight" if model.open_weights else "hosted"
            kind, details = ChangeKind.ADD, (f"new {what} model",)
        elif have == model:
            kind, details = ChangeKind.SAME, ()
        else:
            edited = model.id in editor.overlay.models
            kind = ChangeKind.CONFLICT if edited else ChangeKind.CHANGE
            details = tuple(diff_models(have, model))
        changes.append(Change(kind, model.id, model.name, details, model))
    licenses = tuple(lic for lic in incoming.licenses if current.licenses.get(lic.id) != lic)
    return ImportPlan(source, tuple(changes), licenses, incoming.skipped)


def apply_plan(editor: OverlayEditor, plan: ImportPlan, accept: Iterable[str] | None = None,
               replace_edited: bool = False) -> list[str]:
    """Apply the accepted entries (all additions and changes when `accept` is None; conflicts only
    with `replace_edited`). Returns the ids applied. Validates everything before changing anything."""
    wanted = None if accept is None else set(accept)
    for lic in plan.licenses:
        editor.put_license(lic)
    chosen = [c for c in plan.changes
              if c.kind in {ChangeKind.ADD, ChangeKind.CHANGE}
              or (c.kind is ChangeKind.CONFLICT and replace_edited)]
    chosen = [c for c in chosen if wanted is None or c.model_id in wanted]
    if wanted is not None:
        unknown = wanted - {c.model_id for c in plan.changes}
        if unknown:
            raise CatalogError([Problem(plan.source, None, None,
                                        f"has no change for {', '.join(sorted(unknown))}")])
    before = editor.overlay
    try:
        for change in chosen:
            editor.put_model(change.incoming)
    except CatalogError:
        editor.overlay = before
        raise
    return [c.model_id for c in chosen]


# -- reading files -------------------------------------------------------------------------------

def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError([Problem(name, None, None,
                                    f"is not UTF-8 text (bad byte at offset {exc.start})")]) from exc


def read_incoming(path: Path, *, model_id: str | None = None, license_id: str | None = None,
                  today: date | None = None) -> Incoming:
    """Read any supported file into candidate entries (see the module docstring)."""
    name = str(path)
    raw = read_file_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return parse_csv(_decode(raw, name), name)
    if suffix == ".toml":
        try:
            data: Any = tomllib.loads(_decode(raw, name))
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError([Problem(name, None, None, f"is not valid TOML: {exc}")]) from exc
        except RecursionError as exc:
            raise CatalogError([Problem(name, None, None, "is nested too deeply")]) from exc
    else:
        data = parse_json_bytes(raw, name)
    return incoming_from_data(data, name, path=path, model_id=model_id, license_id=license_id,
                              today=today)


def incoming_from_data(data: Any, name: str, *, path: Path | None = None, model_id: str | None = None,
                       license_id: str | None = None, today: date | None = None) -> Incoming:
    """Tell the shape of parsed JSON/TOML and read it."""
    if isinstance(data, dict) and data.get("kind") == DOCUMENT_KIND:
        doc = parse_document(data, name)
        return Incoming(tuple(doc.models.values()), tuple(doc.licenses.values()))
    if isinstance(data, dict) and data.get("kind") == OVERLAY_KIND:
        overlay = parse_overlay(data, name)
        return Incoming(tuple(overlay.models.values()), tuple(overlay.licenses.values()))
    if isinstance(data, dict) and ("architectures" in data or "model_type" in data):
        from advisor.catalog.hf_config import model_from_hf_config  # noqa: PLC0415

        index = None
        if path is not None:
            index_path = path.with_name("model.safetensors.index.json")
            if index_path.is_file():
                index = parse_json_bytes(read_file_bytes(index_path), str(index_path))
        return Incoming((model_from_hf_config(data, name, model_id=model_id, license_id=license_id,
                                              safetensors_index=index, today=today),))
    if isinstance(data, dict) and data and all(isinstance(v, dict) and "models" in v for v in data.values()):
        raise CatalogError([Problem(name, None, None, "is a models.dev document: use "
                                    "'advisor catalog refresh --from FILE' to take its prices and "
                                    "new models")])
    raise CatalogError([Problem(name, None, None,
                                "is not a file Model Advisor can import: expected a catalog export, "
                                "an overlay, a CSV, or a Hugging Face config.json")])


# -- CSV ------------------------------------------------------------------------------------------

CSV_REQUIRED = ("id", "name", "family", "vendor", "open_weights", "license", "source", "as_of")
CSV_OPTIONAL = ("hf_repo", "release_date", "context_window_tokens", "max_output_tokens", "provider",
                "provider_model_id", "price_input_usd_per_mtok", "price_output_usd_per_mtok",
                "price_cached_input_usd_per_mtok", "notes")
_MODEL_COLUMNS = ("id", "name", "family", "vendor", "open_weights", "license", "hf_repo", "release_date",
                  "context_window_tokens", "max_output_tokens")
_OFFER_COLUMNS = ("provider", "provider_model_id", "price_input_usd_per_mtok",
                  "price_output_usd_per_mtok", "price_cached_input_usd_per_mtok")
_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _cell(value: str | None) -> str:
    text = (value or "").strip()
    return text[1:] if text.startswith("'") else text


def parse_csv(text: str, name: str) -> Incoming:
    """Models from a spreadsheet (columns in the module docstring)."""
    # The whole file is already within the reader's cap; the csv module's own 128 kB field limit would
    # refuse a long note this program exported itself (csv.field_size_limit is process-wide).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = set(reader.fieldnames or [])
        rows = list(reader)
    except csv.Error as exc:
        raise CatalogError([Problem(name, None, None, f"is not valid CSV: {exc}")]) from exc
    problems: list[Problem] = []
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise CatalogError([Problem(name, None, None, f"lacks the column(s) {', '.join(missing)}; "
                                    f"required: {', '.join(CSV_REQUIRED)}")])
    unknown = sorted(h for h in header if h and h not in CSV_REQUIRED + CSV_OPTIONAL)
    problems.extend(Problem(name, None, h[:80], "is not a known column (check the spelling)")
                    for h in unknown)
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in enumerate(rows, start=2):
        clean = {k: _cell(v) for k, v in row.items() if k}
        if not any(clean.values()):
            continue
        grouped.setdefault(clean.get("id", ""), []).append((line, clean))
    models: list[Model] = []
    for mid, items in grouped.items():
        model = _csv_model(mid, items, name, problems)
        if model is not None:
            models.append(model)
    if problems:
        raise CatalogError(problems)
    if not models:
        raise CatalogError([Problem(name, None, None, "has no model rows")])
    return Incoming(tuple(models))


def _csv_model(mid: str, items: list[tuple[int, dict[str, str]]], name: str,
               problems: list[Problem]) -> Model | None:
    line, first = items[0]
    entry = f"row {line}" + (f" (model '{mid[:80]}')" if mid else "")
    data: dict[str, Any] = {k: first[k] for k in _MODEL_COLUMNS if first.get(k)}
    flag = first.get("open_weights", "").lower()
    if flag not in _BOOLS:
        problems.append(Problem(name, entry, "open_weights", "must be true or false"))
        return None
    data["open_weights"] = _BOOLS[flag]
    data["facts"] = {"source": first.get("source", ""), "as_of": first.get("as_of", "")}
    if first.get("notes"):
        data["notes"] = [first["notes"]]
    offers = []
    for row_line, row in items:
        if row.get("provider"):
            offer: dict[str, Any] = {k: row[k] for k in _OFFER_COLUMNS if row.get(k)}
            offer["source"], offer["as_of"] = row.get("source", ""), row.get("as_of", "")
            offers.append(offer)
        elif row_line != line:
            problems.append(Problem(name, f"row {row_line}", "provider",
                                    "a repeated model row must name a provider"))
    if offers:
        data["offerings"] = offers
    try:
        return _MODEL.validate_python(data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, name, entry))
        return None


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_out(value: object) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(models: Iterable[Model]) -> str:
    """Models as the documented CSV (one row per offering, or one row without), formula-safe."""
    buf = io.StringIO()
    columns = CSV_REQUIRED + CSV_OPTIONAL
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for model in sorted(models, key=lambda m: m.id):
        base = {"id": model.id, "name": model.name, "family": model.family, "vendor": model.vendor,
                "open_weights": model.open_weights, "license": model.license, "hf_repo": model.hf_repo,
                "release_date": model.release_date, "context_window_tokens": model.context_window_tokens,
                "max_output_tokens": model.max_output_tokens, "source": model.facts.source,
                "as_of": model.facts.as_of, "notes": " ".join(model.notes) or None}
        offers: list[dict[str, object]] = [
            {"provider": o.provider, "provider_model_id": o.provider_model_id,
             "price_input_usd_per_mtok": o.price_input_usd_per_mtok,
             "price_output_usd_per_mtok": o.price_output_usd_per_mtok,
             "price_cached_input_usd_per_mtok": o.price_cached_input_usd_per_mtok}
            for o in model.offerings] or [{}]
        for offer in offers:
            row = {**base, **offer}
            writer.writerow([_csv_out(row.get(c)) for c in columns])
    return buf.getvalue()
