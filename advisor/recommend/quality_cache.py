"""The fitted quality table, kept on disk between runs: fitting it (benchmark equating and the
informative prior, by EM) is most of a command-line answer's time, and its inputs change only when
the catalog or this program does.

The file is a NumPy archive read with `allow_pickle=False` (plain arrays and strings, no code), keyed
by a SHA-256 of everything the fit reads: every model, in order, and the source of the fitting
modules. A model is hashed as JSON, or, when it is the very object validated from the bundled files
(`BundledOrigin`), as its id after the bundled files' digest: serializing every model costs each
start more than reading the table. A different key, a damaged file or a program without its
sources (a frozen bundle) means the table is fitted again; the cache is never the only copy of
anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from advisor import __version__, arrays
from advisor.catalog import architecture, benchmarks, offerings, presets, schema, sources
from advisor.catalog.schema import Model
from advisor.catalog.store import BundledOrigin
from advisor.recommend import quality, quality_items, quality_prior
from advisor.recommend.quality import QualityTable, fit_quality
from advisor.recommend.quality_prior import PriorFit
from advisor.storage.atomic import atomic_write_bytes

CACHE_FORMAT = 1
"""Version of the archive's layout."""
_FIELDS = ("mean", "cov", "direct", "evidence", "independent")
_FIT_MODULES = (quality, quality_items, quality_prior, benchmarks, schema, architecture, offerings, presets,
                sources, arrays)
"""The fitting code and every module of the program it imports (the benchmarks' tasks, the schema's
properties the fit reads): a change to any of them means the table is fitted again."""


def _code_digest() -> bytes | None:
    """The fitting code's own source, so a changed fit never reads an old table (None: no sources)."""
    h = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}".encode())
    for module in _FIT_MODULES:
        try:
            h.update(inspect.getsource(module).encode("utf-8"))
        except (OSError, TypeError):
            return None
    return h.digest()


def inputs_digest(models: list[Model], bundled: BundledOrigin | None = None) -> str | None:
    """SHA-256 of the fit's inputs, or None when the table should not be cached."""
    code = _code_digest()
    if code is None:
        return None
    h = hashlib.sha256(code)
    if bundled is not None:
        h.update(f"bundled:{bundled.digest}\0".encode())
    for m in models:
        if bundled is not None and bundled.holds(m):
            h.update(f"={m.id}".encode())  # its content is in the digest; JSON never starts with '='
        else:
            h.update(m.model_dump_json().encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _read(path: Path, digest: str) -> QualityTable | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["digest"]) != digest:
                return None
            ids = tuple(str(x) for x in data["ids"])
            arrays = {f: np.array(data[f]) for f in _FIELDS}
            prior = PriorFit(mean=np.array(data["prior_mean"]), var=np.array(data["prior_var"]),
                             resid_var=float(data["prior_resid_var"]),
                             group_var=tuple(float(x) for x in data["prior_group_var"]),
                             basis=tuple(str(x) for x in data["prior_basis"]))
    except (OSError, KeyError, ValueError, EOFError):
        return None
    return QualityTable(ids=ids, index={mid: i for i, mid in enumerate(ids)}, prior=prior, **arrays)


def _write(path: Path, digest: str, table: QualityTable) -> None:
    buf = io.BytesIO()
    p = table.prior
    np.savez(buf, digest=np.array(digest), ids=np.array(table.ids, dtype=str),
             **{f: getattr(table, f) for f in _FIELDS},
             prior_mean=p.mean, prior_var=p.var, prior_resid_var=np.array(p.resid_var),
             prior_group_var=np.array(p.group_var, dtype=np.float64),
             prior_basis=np.array(p.basis, dtype=str))
    with contextlib.suppress(OSError):  # a cache that cannot be written is only slower next time
        atomic_write_bytes(path, buf.getvalue())


def cached_quality(models: Iterable[Model], path: Path,
                   bundled: BundledOrigin | None = None) -> QualityTable:
    """The table for `models`: read from `path` when it was fitted on the same inputs by the same
    code, else fitted and written there. `bundled`: the catalog's, when its models came through the
    bundled cache."""
    listed = list(models)
    digest = inputs_digest(listed, bundled)
    if digest is not None:
        found = _read(path, digest)
        if found is not None and found.ids == tuple(m.id for m in listed):
            return found
    table = fit_quality(listed)
    if digest is not None:
        _write(path, digest, table)
    return table


__all__ = ["CACHE_FORMAT", "cached_quality", "inputs_digest"]
