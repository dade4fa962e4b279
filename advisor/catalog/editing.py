"""Editing the user's catalog overlay without ever losing an edit.

`OverlayEditor` holds the overlay as it was read (the *ancestor*), the user's working copy and a
fingerprint of the file. Every change is validated against the schema and refused with a sentence
naming the field. `save()` takes a lock, re-reads the file, and if another running instance saved in
the meantime merges three ways (ancestor, theirs, ours) entry by entry: changes to different
entries both survive; the same entry changed differently on both sides is a `MergeConflictError` that
names the entries, and nothing is written until the caller says whose version wins.

A save never merges against a file it cannot read: when the file on disk is damaged, from a newer
version or unreadable, the save stops (`SaveStoppedError`), the edits stay in memory and are written
to a recovery file beside the overlay, which `advisor catalog import` takes back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.errors import CatalogError, problems_from_validation
from advisor.catalog.overlay import (
    Overlay,
    OverlayReadError,
    apply_overlay,
    parse_overlay_bytes,
    read_overlay_bytes,
    unusable_overlay_warning,
    write_overlay,
)
from advisor.catalog.schema import License, Model, is_valid_model_id
from advisor.catalog.store import Catalog, Origin, dump_json, load_bundled
from advisor.storage.atomic import atomic_write_text
from advisor.storage.locks import file_lock
from advisor.storage.paths import UserPaths
from advisor.storage.problems import Problem

_MODEL = TypeAdapter(Model)


class Resolution(StrEnum):
    """Who wins where this instance and another one changed the same entry."""

    ASK = "ask"  # raise MergeConflictError
    OURS = "ours"
    THEIRS = "theirs"


class MergeConflictError(Exception):
    """Another instance changed the same entries; `ids` names them. Nothing was written."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = tuple(sorted(ids))
        shown = ", ".join(self.ids[:8]) + (" …" if len(self.ids) > 8 else "")
        super().__init__(f"another Model Advisor window changed the same entries since you opened the "
                         f"catalog: {shown}. Keep yours, keep theirs, or reload.")


class SaveStoppedError(CatalogError):
    """A save found the overlay on disk unusable and wrote nothing to it. The unsaved edits are
    still in the editor and were written to `recovery_file` (None if even that failed)."""

    def __init__(self, problems: Iterable[Problem], recovery_file: Path | None) -> None:
        super().__init__(list(problems))
        self.recovery_file = recovery_file


_NEXT_STEP = {
    "damaged": "Move the damaged file aside (or put back a copy from {backups}), then save again",
    "newer": "Update Model Advisor to the version that wrote it, then save again",
    "unreadable": "Make it readable again (check its permissions and the disk), then save again",
}


@dataclass(frozen=True)
class SaveOutcome:
    """What a save did."""

    merged_from_other: tuple[str, ...] = ()  # entries another instance changed that were kept
    conflicts_resolved: tuple[str, ...] = ()


def _fingerprint(raw: bytes | None) -> str | None:
    return None if raw is None else hashlib.sha256(raw).hexdigest()


def _parse_value(text: str) -> Any:
    """A `--set` value: JSON when it parses (numbers, true/false/null, lists, objects), else text."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return text


def _set_path(data: Any, path: list[str], value: Any, where: str) -> Any:
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(data, list):
        if not key.isdigit() or int(key) >= len(data):
            raise CatalogError([Problem(where, None, key,
                                        f"is not an index of this list (0–{len(data) - 1})")])
        out = list(data)
        out[int(key)] = _set_path(data[int(key)], rest, value, where)
        return out
    if data is None and rest:
        data = {}
    if not isinstance(data, dict):
        raise CatalogError([Problem(where, None, key, "cannot be set: its parent is not an object")])
    out_d = dict(data)
    if value is None and not rest:
        out_d.pop(key, None)
    else:
        out_d[key] = _set_path(data.get(key), rest, value, where)
    return out_d


def with_field(model: Model, dotted: str, value: str | Any) -> Model:
    """`model` with one field changed (dotted path, e.g. `offerings.0.price_input_usd_per_mtok`).

    A string value is read as JSON when it parses, else as text; `null` removes an optional field.
    Raises `CatalogError` worded for people if the result does not fit the schema.
    """
    where = f"model '{model.id}'"
    parts = [p for p in dotted.strip().split(".") if p]
    if not parts:
        raise CatalogError([Problem(where, None, None, "name the field to set, e.g. name=My model")])
    if parts[0] == "id":
        raise CatalogError([Problem(where, None, "id", "cannot be changed; duplicate the model instead")])
    parsed = _parse_value(value) if isinstance(value, str) else value
    data = _set_path(model.model_dump(mode="json"), parts, parsed, where)
    try:
        return _MODEL.validate_python(data)
    except ValidationError as exc:
        raise CatalogError(problems_from_validation(exc, where, None)) from exc


def _merge_maps(ancestor: Mapping[str, Any], theirs: Mapping[str, Any], ours: Mapping[str, Any],
                resolution: Resolution, conflicts: list[str], merged: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(set(ancestor) | set(theirs) | set(ours)):
        a, t, o = ancestor.get(key), theirs.get(key), ours.get(key)
        if o == a:
            value = t
            if t != a:
                merged.append(key)
        elif t in (a, o):
            value = o
        else:
            conflicts.append(key)
            value = t if resolution is Resolution.THEIRS else o
        if value is not None:
            out[key] = value
    return out


def merge_overlays(ancestor: Overlay, theirs: Overlay, ours: Overlay,
                   resolution: Resolution = Resolution.ASK) -> tuple[Overlay, SaveOutcome]:
    """Three-way merge of overlays, entry by entry; raises `MergeConflictError` when asked to."""
    conflicts: list[str] = []
    merged: list[str] = []
    models = _merge_maps(ancestor.models, theirs.models, ours.models, resolution, conflicts, merged)
    licenses = _merge_maps(ancestor.licenses, theirs.licenses, ours.licenses, resolution, conflicts,
                           merged)
    hidden_flags = _merge_maps(dict.fromkeys(ancestor.hidden, True), dict.fromkeys(theirs.hidden, True),
                               dict.fromkeys(ours.hidden, True), resolution, conflicts, merged)
    if conflicts and resolution is Resolution.ASK:
        raise MergeConflictError(conflicts)
    result = Overlay(models=models, licenses=licenses, hidden=frozenset(hidden_flags))
    return result, SaveOutcome(tuple(merged), tuple(conflicts))


@dataclass
class OverlayEditor:
    """The user's overlay being edited: load, change, save (merging with other instances)."""

    paths: UserPaths
    base: Catalog
    ancestor: Overlay = field(default_factory=Overlay)
    overlay: Overlay = field(default_factory=Overlay)
    fingerprint: str | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, paths: UserPaths, base: Catalog | None = None) -> OverlayEditor:
        """Read the overlay; a damaged one is moved aside (with a warning) and editing starts empty.
        A newer version's or an unreadable file is left alone and refused (`OverlayReadError`)."""
        editor = cls(paths=paths, base=base or load_bundled())
        editor.reload()
        return editor

    def _read(self) -> tuple[Overlay, str | None]:
        path = self.paths.overlay_file
        raw = read_overlay_bytes(path)
        if raw is None:
            return Overlay(), None
        try:
            return parse_overlay_bytes(raw, str(path)), _fingerprint(raw)
        except OverlayReadError as exc:
            if not exc.damaged:
                raise
            self.warnings.append(unusable_overlay_warning(
                self.paths, exc, "editing starts from the bundled catalog"))
            return Overlay(), None

    def reload(self) -> None:
        """Drop unsaved changes and read the file again."""
        self.ancestor, self.fingerprint = self._read()
        self.overlay = self.ancestor

    @property
    def dirty(self) -> bool:
        """Whether there are unsaved changes."""
        return self.overlay != self.ancestor

    def catalog(self) -> Catalog:
        """The bundled catalog with the working overlay applied."""
        return apply_overlay(self.base, self.overlay)

    def model(self, model_id: str) -> Model:
        """The model as the user currently sees it."""
        found = self.overlay.models.get(model_id) or self.base.models.get(model_id)
        if found is None:
            raise CatalogError([Problem("catalog", None, None, f"there is no model with id '{model_id}'")])
        return found

    def origin(self, model_id: str) -> Origin:
        """bundled, user (added) or override (a bundled entry the user changed)."""
        if model_id in self.overlay.models:
            return Origin.OVERRIDE if model_id in self.base.models else Origin.USER
        return Origin.BUNDLED

    def _check_license(self, model: Model) -> None:
        if model.license not in self.base.licenses and model.license not in self.overlay.licenses:
            known = ", ".join(sorted({*self.base.licenses, *self.overlay.licenses}))
            raise CatalogError([Problem(f"model '{model.id}'", None, "license",
                                        f"'{model.license}' is not a known licence id ({known})")])

    # -- changes -------------------------------------------------------------------------------

    def put_model(self, model: Model) -> None:
        """Add or replace a whole model entry (validated already by its type)."""
        self._check_license(model)
        models = dict(self.overlay.models)
        if self.base.models.get(model.id) == model:
            models.pop(model.id, None)  # identical to the bundled entry: no override needed
        else:
            models[model.id] = model
        self.overlay = replace(self.overlay, models=models)

    def set_field(self, model_id: str, dotted: str, value: str | Any) -> Model:
        """Change one field of a model (creating an override for a bundled one)."""
        changed = with_field(self.model(model_id), dotted, value)
        self.put_model(changed)
        return changed

    def put_license(self, lic: License) -> None:
        """Add or replace a licence."""
        licenses = dict(self.overlay.licenses)
        licenses[lic.id] = lic
        self.overlay = replace(self.overlay, licenses=licenses)

    def hide(self, model_id: str, hidden: bool = True) -> None:
        """Hide a model from rankings (or show it again)."""
        self.model(model_id)
        ids = set(self.overlay.hidden)
        (ids.add if hidden else ids.discard)(model_id)
        self.overlay = replace(self.overlay, hidden=frozenset(ids))

    def revert(self, model_id: str) -> None:
        """Drop the user's override so the bundled entry is used again."""
        if model_id not in self.base.models:
            raise CatalogError([Problem(f"model '{model_id}'", None, None,
                                        "is not in the bundled catalog, so there is nothing to revert "
                                        "to; delete it instead")])
        if model_id not in self.overlay.models:
            raise CatalogError([Problem(f"model '{model_id}'", None, None, "has no edits to revert")])
        models = dict(self.overlay.models)
        del models[model_id]
        self.overlay = replace(self.overlay, models=models)

    def delete(self, model_id: str) -> None:
        """Delete a model the user added (bundled models can only be hidden or reverted)."""
        if model_id in self.base.models:
            raise CatalogError([Problem(f"model '{model_id}'", None, None,
                                        "is part of the bundled catalog: hide it or revert your edits "
                                        "instead of deleting it")])
        if model_id not in self.overlay.models:
            raise CatalogError([Problem("catalog", None, None, f"there is no model with id '{model_id}'")])
        models = dict(self.overlay.models)
        del models[model_id]
        self.overlay = replace(self.overlay, models=models,
                               hidden=self.overlay.hidden - {model_id})

    def duplicate(self, model_id: str, new_id: str, new_name: str | None = None) -> Model:
        """Copy a model under a new id (e.g. the team's fine-tune of a bundled base)."""
        if not is_valid_model_id(new_id):
            raise CatalogError([Problem(f"model '{new_id[:80]}'", None, "id",
                                        "must be a lower-case 'vendor/name' id such as 'qwen/qwen3-8b'")])
        if new_id in self.base.models or new_id in self.overlay.models:
            raise CatalogError([Problem(f"model '{new_id}'", None, "id", "is already taken")])
        source = self.model(model_id)
        data = source.model_dump(mode="json")
        data["id"] = new_id
        data["name"] = new_name or f"{source.name} (copy)"
        data["base_model"] = data.get("base_model") or model_id
        copy = _MODEL.validate_python(data)
        self.put_model(copy)
        return copy

    # -- saving --------------------------------------------------------------------------------

    def save(self, resolution: Resolution = Resolution.ASK, keep_backups: int = 5) -> SaveOutcome:
        """Write the overlay; merge with what another instance saved meanwhile.

        Raises `SaveStoppedError` (file untouched, edits kept and written to a recovery file) when
        the file on disk can no longer be used, `OverlayTooBigError` when the result would exceed
        what the reader accepts, `MergeConflictError` as described above."""
        path = self.paths.overlay_file
        with file_lock(self.paths.data_dir / ".catalog-overlay.lock"):
            outcome = SaveOutcome()
            to_write = self.overlay
            try:
                raw = read_overlay_bytes(path)
                # A file that vanished since we read it (moved aside by another window, say) is not
                # "empty": merging against it would drop every entry we did not touch.
                if raw is not None and _fingerprint(raw) != self.fingerprint:
                    theirs = parse_overlay_bytes(raw, str(path))
                    to_write, outcome = merge_overlays(self.ancestor, theirs, self.overlay, resolution)
            except OverlayReadError as exc:
                raise self._stopped(exc) from exc
            # Overlay writes happen only under this lock, so any temp file left now is from a save
            # that was killed mid-write: remove it.
            for stale in self.paths.data_dir.glob(f".{path.name}.*.tmp"):
                stale.unlink(missing_ok=True)
            written = write_overlay(to_write, self.paths, keep_backups=keep_backups)
            self.ancestor = self.overlay = to_write
            self.fingerprint = _fingerprint(written)
        return outcome

    def _stopped(self, exc: OverlayReadError) -> SaveStoppedError:
        """Write the unsaved overlay to a recovery file beside the overlay and word the stop."""
        path = self.paths.overlay_file
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = path.with_name(f"{path.stem}.recovery-{stamp}{path.suffix}")
        recovery: Path | None = target
        try:
            atomic_write_text(target, dump_json(self.overlay.to_json()))
            kept = (f"Your unsaved changes were written to {recovery} ('advisor catalog import' "
                    "takes them back) and are still pending here.")
        except OSError as write_exc:
            recovery = None
            kept = (f"Your unsaved changes are still pending here, but could not be written to a "
                    f"recovery file either ({write_exc.strerror}).")
        step = _NEXT_STEP[exc.kind].format(backups=self.paths.backups_dir)
        return SaveStoppedError([Problem(str(path), None, None,
                                         f"cannot be used ({exc.reason}). Nothing was saved and "
                                         f"the file was left as it is. {kept} {step}.")],
                                recovery)
