"""Loading the bundled catalog and the user's overlay into one `Catalog`.

The bundled catalog is a folder of pretty-printed JSON files in `resources/catalog/` (one file per
model, so changes review well in diffs): `meta.json`, `licenses.json`, `hardware.json` and
`models/<vendor>/<name>.json`. A *catalog document* is the same content in one JSON file
(`{"schema_version", "kind": "model-advisor-catalog", "meta", "licenses", "hardware", "models"}`);
it is what export, import and large synthetic catalogs use. The user's overlay adds, overrides or
hides entries by id (see `overlay.py`).
"""

from __future__ import annotations

import functools
import gc
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import TypeAdapter, ValidationError

from advisor import bundled
from advisor.catalog.errors import CatalogError, problems_from_validation
from advisor.catalog.schema import SCHEMA_VERSION, CatalogMeta, HardwarePreset, License, Model
from advisor.storage.problems import Problem
from advisor.storage.reading import FileReadError, read_capped

T = TypeVar("T")

DOCUMENT_KIND = "model-advisor-catalog"

_MODEL = TypeAdapter(Model)
_LICENSE = TypeAdapter(License)
_HARDWARE = TypeAdapter(HardwarePreset)


class Origin(StrEnum):
    """Where a catalog entry came from."""

    BUNDLED = "bundled"
    USER = "user"  # added by the user, not in the bundled catalog
    OVERRIDE = "override"  # a bundled entry the user changed


@dataclass(frozen=True)
class BundledOrigin:
    """The models as validated from the bundled files whose SHA-256 is `digest` (bundled_cache.py):
    a model that *is* one of these objects has exactly the content those files give it, so a cache
    keyed on the models can hash the digest and the id instead of the whole model."""

    digest: str
    models: Mapping[str, Model]

    def holds(self, model: Model) -> bool:
        """Whether `model` is the very object validated from the bundled files (not an edit)."""
        return self.models.get(model.id) is model


@dataclass
class Catalog:
    """Models, licences and hardware presets by id, with where each model came from."""

    meta: CatalogMeta
    models: dict[str, Model]
    licenses: dict[str, License]
    hardware: dict[str, HardwarePreset]
    origins: dict[str, Origin] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)
    # Set when the models came through the bundled cache; provenance, not content: not compared.
    bundled: BundledOrigin | None = field(default=None, compare=False, repr=False)

    def visible_models(self) -> list[Model]:
        """Models not hidden by the user, in id order."""
        return [m for mid, m in sorted(self.models.items()) if mid not in self.hidden]

    def license_of(self, model: Model) -> License | None:
        """The licence record a model refers to (None if the reference is broken)."""
        return self.licenses.get(model.license)

    def origin(self, model_id: str) -> Origin:
        """Where a model entry came from."""
        return self.origins.get(model_id, Origin.BUNDLED)


def read_json_file(path: Path, label: str | None = None) -> Any:
    """Parse a JSON file or raise `CatalogError` naming the file and what is wrong."""
    name = label or str(path)
    return parse_json_bytes(read_file_bytes(path, name), name)


def read_file_bytes(path: Path, name: str | None = None) -> bytes:
    """A file's bytes through the capped read (advisor.storage.reading), or `CatalogError` when it is
    too big, cannot be read or has a name the OS refuses. A catalog of 16,000 models as the app writes
    it (indented JSON) is about 90 MB, well under the cap."""
    try:
        return read_capped(path, name)
    except FileReadError as exc:
        raise CatalogError(exc.problems) from exc


def parse_json_bytes(raw: bytes, name: str) -> Any:
    """Parse JSON bytes or raise `CatalogError` with the line and column of the fault."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(
            [Problem(name, None, None, f"is not UTF-8 text (bad byte at offset {exc.start})")]
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(
            [Problem(name, None, None, f"is not valid JSON: {exc.msg} at line {exc.lineno}, "
                     f"column {exc.colno}")]
        ) from exc
    except RecursionError as exc:
        raise CatalogError([Problem(name, None, None, "is nested too deeply")]) from exc


def _entry_label(kind: str, raw: object, index: int) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        return f"{kind} '{raw['id'][:80]}'"
    return f"{kind} #{index + 1}"


def validate_entries(
    adapter: TypeAdapter[T], kind: str, items: object, file: str, problems: list[Problem]
) -> list[T]:
    """Validate a list of raw entries one by one, collecting a problem per bad field."""
    if not isinstance(items, list):
        problems.append(Problem(file, None, None, f"'{kind}s' must be a list"))
        return []
    out: list[T] = []
    for index, raw in enumerate(items):
        try:
            out.append(adapter.validate_python(raw))
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, file, _entry_label(kind, raw, index)))
    return out


def _index(entries: Iterable[T], key: Callable[[T], str], kind: str, file: str,
              problems: list[Problem]) -> dict[str, T]:
    out: dict[str, T] = {}
    for entry in entries:
        k = key(entry)
        if k in out:
            problems.append(Problem(file, f"{kind} '{k}'", "id", "is listed twice"))
        out[k] = entry
    return out


BundledFile = tuple[str, bytes]
"""A bundled catalog file: its name below the program (`resources/catalog/...`) and its bytes."""


def read_bundled_files() -> list[BundledFile]:
    """Every file of the bundled catalog, in a stable order: meta, licences, hardware, then the
    models by path."""
    files = [(f"resources/catalog/{name}", bundled.read_bytes("catalog", name))
             for name in ("meta.json", "licenses.json", "hardware.json")]
    files += [(f"resources/{rel}", node.read_bytes())
              for rel, node in bundled.walk_files("catalog", "models", suffix=".json")]
    return files


def load_bundled(files: list[BundledFile] | None = None) -> Catalog:
    """The catalog shipped with the program (from `files` when they were read already, see
    `read_bundled_files`). Raises `CatalogError` if a bundled file is bad."""
    (meta_name, meta_bytes), (lic_name, lic_bytes), (hw_name, hw_bytes), *model_files = (
        read_bundled_files() if files is None else files)
    problems: list[Problem] = []
    try:
        meta = CatalogMeta.model_validate(parse_json_bytes(meta_bytes, meta_name))
    except ValidationError as exc:
        raise CatalogError(problems_from_validation(exc, meta_name, None)) from exc
    licenses = validate_entries(_LICENSE, "licence", parse_json_bytes(lic_bytes, lic_name),
                                lic_name, problems)
    hardware = validate_entries(_HARDWARE, "hardware", parse_json_bytes(hw_bytes, hw_name),
                                hw_name, problems)
    models: list[Model] = []
    for name, data in model_files:
        raw = parse_json_bytes(data, name)
        try:
            models.append(_MODEL.validate_python(raw))
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, name, _entry_label("model", raw, 0)))
    catalog = Catalog(
        meta=meta,
        models=_index(models, lambda m: m.id, "model", "resources/catalog/models", problems),
        licenses=_index(licenses, lambda lic: lic.id, "licence", lic_name, problems),
        hardware=_index(hardware, lambda h: h.id, "hardware", hw_name, problems),
    )
    if problems:
        raise CatalogError(problems)
    return catalog


def parse_document(raw: object, file: str) -> Catalog:
    """A catalog document (one JSON object) as a `Catalog`; raises `CatalogError` listing every
    problem."""
    with no_gc():
        return _parse_document(raw, file)


def _parse_document(raw: object, file: str) -> Catalog:
    if not isinstance(raw, dict):
        raise CatalogError([Problem(file, None, None, "must be a JSON object")])
    problems: list[Problem] = []
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(Problem(file, None, "schema_version", "is required (a whole number)"))
    elif version > SCHEMA_VERSION:
        problems.append(Problem(file, None, "schema_version",
                                f"is {version}, newer than this program understands "
                                f"({SCHEMA_VERSION}); update Model Advisor"))
    if raw.get("kind") != DOCUMENT_KIND:
        problems.append(Problem(file, None, "kind", f"must be '{DOCUMENT_KIND}'"))
    unknown = set(raw) - {"schema_version", "kind", "meta", "licenses", "hardware", "models"}
    problems.extend(Problem(file, None, key[:80], "is not a known field (check the spelling)")
                    for key in sorted(unknown))
    if problems:
        raise CatalogError(problems)
    try:
        meta = CatalogMeta.model_validate(raw.get("meta"))
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, file, None, ("meta",)))
        meta = None
    licenses = validate_entries(_LICENSE, "licence", raw.get("licenses", []), file, problems)
    hardware = validate_entries(_HARDWARE, "hardware", raw.get("hardware", []), file, problems)
    models = validate_entries(_MODEL, "model", raw.get("models", []), file, problems)
    cat_models = _index(models, lambda m: m.id, "model", file, problems)
    cat_licenses = _index(licenses, lambda lic: lic.id, "licence", file, problems)
    cat_hardware = _index(hardware, lambda h: h.id, "hardware", file, problems)
    if problems or meta is None:
        raise CatalogError(problems)
    return Catalog(meta=meta, models=cat_models, licenses=cat_licenses, hardware=cat_hardware)


@functools.cache
def _document_adapter() -> TypeAdapter[Any]:
    """The whole catalog document as one pydantic type, for the fast path (one pydantic-core pass
    over the bytes). Built on first use: building it (and importing pydantic.types for StrictInt)
    at import would cost every start ~20 ms."""
    from pydantic import BaseModel, ConfigDict, Field, StrictInt  # noqa: PLC0415

    class _Document(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        schema_version: StrictInt = Field(ge=1, le=SCHEMA_VERSION)
        kind: Literal["model-advisor-catalog"]
        meta: CatalogMeta
        licenses: list[License] = Field(default_factory=list)
        hardware: list[HardwarePreset] = Field(default_factory=list)
        models: list[Model] = Field(default_factory=list)

    return TypeAdapter(_Document)


class _CollectorPause:
    """Process-wide state of `no_gc`: several threads may pause the collector at once (the window
    ranks on one worker while another imports), so only the first pause switches it off and only
    the last one out switches it back on (and freezes, if any pause asked to)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False
        self.freeze = False


_PAUSE = _CollectorPause()


@contextmanager
def no_gc(*, freeze: bool = True) -> Iterator[None]:
    """Building hundreds of thousands of small objects triggers the cyclic GC over and over (for
    16,000 models it cost three quarters of the load); nothing built here is cyclic garbage. With
    `freeze`, on the way out the survivors are moved to the permanent generation (`gc.freeze`), so
    the collector does not walk a whole catalog again at its next pass; they are still freed by
    reference counting when the catalog is dropped."""
    with _PAUSE.lock:
        if _PAUSE.depth == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.depth += 1
        _PAUSE.freeze = _PAUSE.freeze or freeze
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.depth -= 1
            if _PAUSE.depth == 0:
                if _PAUSE.freeze:
                    gc.freeze()
                _PAUSE.freeze = False
                if _PAUSE.was_enabled:
                    gc.enable()


def parse_document_bytes(raw: bytes, name: str) -> Catalog:
    """A catalog document from its bytes: one validating pass when it is sound; when it is not,
    the entry-by-entry path that names every problem in words."""
    with no_gc():
        try:
            doc = _document_adapter().validate_json(raw)
        except (ValidationError, ValueError, RecursionError):
            doc = None
        if doc is not None:
            problems: list[Problem] = []
            catalog = Catalog(
                meta=doc.meta,
                models=_index(doc.models, lambda m: m.id, "model", name, problems),
                licenses=_index(doc.licenses, lambda lic: lic.id, "licence", name, problems),
                hardware=_index(doc.hardware, lambda h: h.id, "hardware", name, problems),
            )
            if not problems:
                return catalog
        return parse_document(parse_json_bytes(raw, name), name)


def load_document(path: Path) -> Catalog:
    """Read a catalog document file."""
    return parse_document_bytes(read_file_bytes(path), str(path))


def to_document(catalog: Catalog, include_hidden: bool = True) -> dict[str, Any]:
    """The catalog as a JSON-ready catalog document."""
    models = sorted(catalog.models.values(), key=lambda m: m.id)
    if not include_hidden:
        models = [m for m in models if m.id not in catalog.hidden]
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": DOCUMENT_KIND,
        "meta": catalog.meta.model_dump(mode="json"),
        "licenses": [lic.model_dump(mode="json", exclude_defaults=True)
                     for _, lic in sorted(catalog.licenses.items())],
        "hardware": [h.model_dump(mode="json", exclude_defaults=True)
                     for _, h in sorted(catalog.hardware.items())],
        "models": [m.model_dump(mode="json", exclude_defaults=True) for m in models],
    }


def without_nulls(value: Any) -> Any:
    """A document with every null left out (TOML has none; a missing key reads as unknown)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def dump_json(data: object) -> str:
    """Stable, diff-friendly JSON: two-space indent, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
