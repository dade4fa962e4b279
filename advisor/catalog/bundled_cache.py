"""The validated bundled catalog, kept in the user's cache between runs: validating its few hundred
JSON files is a large share of a command-line answer's time, and they change only with the program.

The file is a pickle of the `Catalog`, headed by a SHA-256 of everything the load depends on: the
bytes of every bundled catalog file, the program's version, the source of the schema modules whose
types are pickled, and the Python and pydantic versions. A different key, a damaged or unreadable file
or a program without its sources (a frozen bundle) means the files are validated again and the cache
rewritten (atomically); the cache is never the only copy of anything. It is a pickle, so it lives in
the user's own cache folder, trusted as the program's own bytecode cache is.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import pickle
import sys
from pathlib import Path

import pydantic

from advisor import __version__
from advisor.catalog import architecture, benchmarks, offerings, presets, schema, sources
from advisor.catalog.store import (
    BundledFile,
    BundledOrigin,
    Catalog,
    load_bundled,
    no_gc,
    read_bundled_files,
)
from advisor.storage.atomic import atomic_write_bytes

CACHE_FORMAT = 1
"""Version of the file's layout."""
_MAGIC = b"model-advisor-bundled-catalog\n"
_SCHEMA_MODULES = (schema, architecture, benchmarks, offerings, presets, sources)
"""The modules that define the pickled types and their validation, and every module of the program
they import: a change to any of them invalidates the cache."""


def bundled_digest(files: list[BundledFile]) -> str | None:
    """SHA-256 of the load's inputs, or None when the catalog should not be cached (no sources)."""
    h = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}:{sys.version}:{pydantic.VERSION}".encode())
    for module in _SCHEMA_MODULES:
        try:
            h.update(inspect.getsource(module).encode("utf-8"))
        except (OSError, TypeError):
            return None
    for name, data in files:
        h.update(f"\0{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def _read(path: Path, digest: str) -> Catalog | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header = _MAGIC + digest.encode("ascii") + b"\n"
    if not raw.startswith(header):
        return None
    try:
        with no_gc():
            found = pickle.loads(raw[len(header):])  # noqa: S301 - the user's own cache, keyed above
    except Exception:  # any damage (truncation, flipped bytes) means: validate again
        return None
    return found if isinstance(found, Catalog) else None


def _write(path: Path, digest: str, catalog: Catalog) -> None:
    data = _MAGIC + digest.encode("ascii") + b"\n" + pickle.dumps(catalog, pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):  # a cache that cannot be written is only slower next time
        atomic_write_bytes(path, data)


def load_bundled_cached(path: Path) -> Catalog:
    """The bundled catalog: read from `path` when it was validated from the same files by the same
    program, else validated (`load_bundled`) and written there. Its `bundled` names the digest and
    the models it covers."""
    files = read_bundled_files()
    digest = bundled_digest(files)
    if digest is not None:
        found = _read(path, digest)
        if found is not None:
            found.bundled = BundledOrigin(digest, dict(found.models))
            return found
    catalog = load_bundled(files)
    if digest is not None:
        if not catalog.warnings:
            _write(path, digest, catalog)
        catalog.bundled = BundledOrigin(digest, dict(catalog.models))
    return catalog


__all__ = ["CACHE_FORMAT", "bundled_digest", "load_bundled_cached"]
