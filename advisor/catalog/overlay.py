"""The user's overlay: models and licences they added or changed, and ids they hid.

The overlay is a versioned JSON file (`schema_version`, migrated on load by `migrations.py`) written
atomically with rotating backups. If it cannot be read, the program keeps running on the bundled
catalog, moves the bad file aside with a timestamp and says where it went.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.errors import CatalogError, Problem
from advisor.catalog.migrations import migrate
from advisor.catalog.schema import SCHEMA_VERSION, License, Model
from advisor.catalog.store import (
    Catalog,
    Origin,
    dump_json,
    load_bundled,
    no_gc,
    parse_json_bytes,
    read_file_bytes,
    validate_entries,
)
from advisor.files import atomic_write_text, quarantine, rotate_backup
from advisor.paths import UserPaths

OVERLAY_KIND = "model-advisor-overlay"
_MODEL = TypeAdapter(Model)
_LICENSE = TypeAdapter(License)


@dataclass(frozen=True)
class Overlay:
    """What the user changed: whole model and licence entries by id, and hidden model ids."""

    models: Mapping[str, Model] = field(default_factory=dict)
    licenses: Mapping[str, License] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        """The overlay file's JSON object."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": OVERLAY_KIND,
            "models": [m.model_dump(mode="json", exclude_defaults=True)
                       for _, m in sorted(self.models.items())],
            "licenses": [lic.model_dump(mode="json", exclude_defaults=True)
                         for _, lic in sorted(self.licenses.items())],
            "hidden": sorted(self.hidden),
        }


def parse_overlay(raw: object, file: str) -> Overlay:
    """Validate an overlay object (after migration); raise `CatalogError` listing problems."""
    data = migrate(raw, file, OVERLAY_KIND)
    problems: list[Problem] = []
    unknown = set(data) - {"schema_version", "kind", "models", "licenses", "hidden"}
    problems.extend(Problem(file, None, key[:80], "is not a known field (check the spelling)")
                    for key in sorted(unknown))
    models = validate_entries(_MODEL, "model", data.get("models", []), file, problems)
    licenses = validate_entries(_LICENSE, "licence", data.get("licenses", []), file, problems)
    hidden_raw = data.get("hidden", [])
    if not isinstance(hidden_raw, list) or not all(isinstance(h, str) for h in hidden_raw):
        problems.append(Problem(file, None, "hidden", "must be a list of model ids"))
        hidden_raw = []
    if problems:
        raise CatalogError(problems)
    return Overlay(
        models={m.id: m for m in models},
        licenses={lic.id: lic for lic in licenses},
        hidden=frozenset(hidden_raw),
    )


def read_overlay(path: Path) -> Overlay:
    """Read the overlay file; an absent file is an empty overlay."""
    if not path.exists():
        return Overlay()
    name = str(path)
    return parse_overlay_bytes(read_file_bytes(path, name), name)


def parse_overlay_bytes(raw: bytes, name: str) -> Overlay:
    """An overlay from a file's bytes: one validating pass when it is sound and of this version;
    otherwise the entry-by-entry path that migrates old versions and words every problem."""
    with no_gc():  # thousands of entries: see store.no_gc
        try:
            fast = _overlay_adapter().validate_json(raw)
        except (ValidationError, ValueError, RecursionError):
            fast = None
        if fast is not None:
            return Overlay(models={m.id: m for m in fast.models},
                           licenses={lic.id: lic for lic in fast.licenses},
                           hidden=frozenset(fast.hidden))
        return parse_overlay(parse_json_bytes(raw, name), name)


@cache
def _overlay_adapter() -> TypeAdapter[Any]:
    """The current overlay format as one pydantic type (built on first use, like the document's)."""
    from pydantic import BaseModel, ConfigDict, Field, StrictInt  # noqa: PLC0415

    class _Overlay(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        schema_version: StrictInt = Field(ge=SCHEMA_VERSION, le=SCHEMA_VERSION)
        kind: Literal["model-advisor-overlay"]
        models: list[Model] = Field(default_factory=list)
        licenses: list[License] = Field(default_factory=list)
        hidden: list[str] = Field(default_factory=list)

    return TypeAdapter(_Overlay)


def write_overlay(overlay: Overlay, paths: UserPaths, keep_backups: int = 5) -> None:
    """Save the overlay atomically, keeping the previous version among rotating backups."""
    rotate_backup(paths.overlay_file, paths.backups_dir, keep=keep_backups)
    atomic_write_text(paths.overlay_file, dump_json(overlay.to_json()))


def apply_overlay(base: Catalog, overlay: Overlay) -> Catalog:
    """The bundled catalog with the user's entries laid over it."""
    models = dict(base.models)
    origins = dict.fromkeys(models, Origin.BUNDLED)
    for mid, model in overlay.models.items():
        origins[mid] = Origin.OVERRIDE if mid in base.models else Origin.USER
        models[mid] = model
    licenses = {**base.licenses, **overlay.licenses}
    return Catalog(
        meta=base.meta,
        models=models,
        licenses=licenses,
        hardware=dict(base.hardware),
        origins=origins,
        hidden=frozenset(overlay.hidden) & frozenset(models),
        warnings=list(base.warnings),
    )


def load_catalog(paths: UserPaths) -> Catalog:
    """The bundled catalog with the user's overlay applied.

    A bad overlay never stops the program: it is moved aside with a timestamp, the bundled
    catalog is used, and `Catalog.warnings` says what happened and where the file went.
    """
    base = load_bundled()
    try:
        overlay = read_overlay(paths.overlay_file)
    except CatalogError as exc:
        warning = _quarantine_warning(paths, exc)
        base.warnings.append(warning)
        return base
    return apply_overlay(base, overlay)


def _quarantine_warning(paths: UserPaths, exc: CatalogError) -> str:
    first = exc.problems[0] if exc.problems else None
    reason = first.message if first else "unreadable"
    try:
        moved = quarantine(paths.overlay_file, paths.quarantine_dir)
    except OSError as move_exc:
        return (f"Your catalog overlay {paths.overlay_file} could not be read ({reason}) and could "
                f"not be moved aside ({move_exc.strerror}); using the bundled catalog only.")
    return (f"Your catalog overlay could not be read ({reason}); it was moved to {moved} and "
            f"the bundled catalog is used.")
