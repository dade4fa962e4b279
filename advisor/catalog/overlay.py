"""The user's overlay: models and licences they added or changed, and ids they hid.

The overlay is a versioned JSON file (`schema_version`, migrated on load by advisor.storage.migrations)
written atomically with rotating backups. If it cannot be used, the program keeps running on the bundled
catalog and says why. Only a damaged file (bad JSON, bad entries, too big) is moved aside with a
timestamp; a file from a newer version of the program, or one the system would not let us read
(permissions, a disk error), stays where it is, untouched, because nothing is wrong with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.bundled_cache import load_bundled_cached
from advisor.catalog.errors import CatalogError
from advisor.catalog.schema import SCHEMA_VERSION, License, Model
from advisor.catalog.store import (
    Catalog,
    Origin,
    dump_json,
    no_gc,
    parse_json_bytes,
    validate_entries,
)
from advisor.storage import reading
from advisor.storage.atomic import atomic_write_bytes
from advisor.storage.backups import quarantine, rotate_backup
from advisor.storage.migrations import migrate
from advisor.storage.paths import UserPaths
from advisor.storage.problems import MigrationError, Problem
from advisor.storage.reading import FileReadError, read_capped

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


ReadFailure = Literal["damaged", "newer", "unreadable"]


class OverlayReadError(CatalogError):
    """The overlay on disk cannot be used. `kind` is `damaged` when its content is bad (moving it
    aside loses nothing), `newer` for a newer version's file, `unreadable` when the system refused
    to read it (permissions, a disk error); only a damaged file may be moved."""

    def __init__(self, problems: list[Problem], *, kind: ReadFailure) -> None:
        super().__init__(problems)
        self.kind: ReadFailure = kind

    @property
    def damaged(self) -> bool:
        """Whether the content itself is bad (and the file may be moved aside)."""
        return self.kind == "damaged"

    @property
    def reason(self) -> str:
        """The first problem in words, for a one-line warning."""
        if not self.problems:
            return "cannot be read"
        first = self.problems[0]
        return f"{first.field} {first.message}" if first.field else first.message


class OverlayTooBigError(CatalogError):
    """Saving would write an overlay larger than the reader accepts; nothing was written."""


def parse_overlay(raw: object, file: str) -> Overlay:
    """Validate an overlay object (after migration); raise `CatalogError` listing problems."""
    try:
        data = migrate(raw, file, OVERLAY_KIND, target=SCHEMA_VERSION)
    except MigrationError as exc:
        raise CatalogError(exc.problems) from exc
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
    """Read the overlay file; an absent file is an empty overlay. Raises `OverlayReadError`."""
    raw = read_overlay_bytes(path)
    return Overlay() if raw is None else parse_overlay_bytes(raw, str(path))


def read_overlay_bytes(path: Path) -> bytes | None:
    """The overlay file's bytes (None when there is no file). A file the system would not let us
    read, or a folder name it would not take, is an `OverlayReadError` that is not `damaged`: a
    permission error is not corruption. Only a file over the cap is `damaged`."""
    try:
        return read_capped(path)
    except FileReadError as exc:
        if exc.reason == "missing":
            return None
        kind: ReadFailure = "damaged" if exc.reason == "too_big" else "unreadable"
        raise OverlayReadError(list(exc.problems), kind=kind) from exc


def parse_overlay_bytes(raw: bytes, name: str) -> Overlay:
    """An overlay from a file's bytes: one validating pass when it is sound and of this version;
    otherwise the entry-by-entry path that migrates old versions and words every problem.
    Raises `OverlayReadError`; a newer version's file is not `damaged`."""
    with no_gc():  # thousands of entries: see store.no_gc
        try:
            fast = _overlay_adapter().validate_json(raw)
        except (ValidationError, ValueError, RecursionError):
            fast = None
        if fast is not None:
            return Overlay(models={m.id: m for m in fast.models},
                           licenses={lic.id: lic for lic in fast.licenses},
                           hidden=frozenset(fast.hidden))
        data: object = None
        try:
            data = parse_json_bytes(raw, name)
            return parse_overlay(data, name)
        except CatalogError as exc:
            kind: ReadFailure = "newer" if _is_newer(data) else "damaged"
            raise OverlayReadError(list(exc.problems), kind=kind) from exc


def _is_newer(data: object) -> bool:
    version = data.get("schema_version") if isinstance(data, dict) else None
    return isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION


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


def overlay_bytes(overlay: Overlay) -> bytes:
    """The overlay file's content, refused with `OverlayTooBigError` beyond what the reader accepts
    (a file we write must be one we can read back)."""
    data = dump_json(overlay.to_json()).encode("utf-8")
    if len(data) > reading.MAX_FILE_BYTES:
        raise OverlayTooBigError([Problem(
            "catalog overlay", None, None,
            f"would be {_size(len(data))} with {len(overlay.models):,} models, beyond the "
            f"{_size(reading.MAX_FILE_BYTES)} this program reads back; nothing was written and your "
            "changes are kept unsaved. Import fewer models, or delete some you added.")])
    return data


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:,.0f} MB" if n_bytes >= 10**7 else f"{n_bytes / 1e3:,.1f} kB"


def write_overlay(overlay: Overlay, paths: UserPaths, keep_backups: int = 5) -> bytes:
    """Save the overlay atomically, keeping the previous version among rotating backups; returns
    the bytes written."""
    data = overlay_bytes(overlay)  # before the backup: a refused save changes nothing
    rotate_backup(paths.overlay_file, paths.backups_dir, keep=keep_backups)
    atomic_write_bytes(paths.overlay_file, data)
    return data


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
        bundled=base.bundled,
    )


def load_catalog(paths: UserPaths) -> Catalog:
    """The bundled catalog with the user's overlay applied.

    A bad overlay never stops the program: the bundled catalog is used and `Catalog.warnings`
    says why. A damaged file is moved aside with a timestamp (the warning says where); a newer
    version's file or an unreadable one is left where it is.
    """
    base = load_bundled_cached(paths.catalog_cache_file)
    try:
        overlay = read_overlay(paths.overlay_file)
    except OverlayReadError as exc:
        base.warnings.append(unusable_overlay_warning(paths, exc, "the bundled catalog is used"))
        return base
    return apply_overlay(base, overlay)


def unusable_overlay_warning(paths: UserPaths, exc: OverlayReadError, fallback: str) -> str:
    """Move a damaged overlay aside (never any other) and say what happened, ending in `fallback`."""
    file = paths.overlay_file
    if not exc.damaged:
        return (f"Your catalog overlay {file} cannot be used ({exc.reason}); it was left as it is "
                f"and {fallback}. "
                "Your edits in it are not shown or changed until it can be read.")
    try:
        moved = quarantine(file, paths.quarantine_dir)
    except OSError as move_exc:
        return (f"Your catalog overlay {file} could not be read ({exc.reason}) and could "
                f"not be moved aside ({move_exc.strerror}); {fallback}.")
    return f"Your catalog overlay could not be read ({exc.reason}); it was moved to {moved} and {fallback}."
