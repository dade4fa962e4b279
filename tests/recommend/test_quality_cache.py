"""The quality table's disk cache gives exactly the fitted table, and is refitted when anything the
fit reads changes or the file is damaged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from advisor.catalog.schema import Model
from advisor.catalog.store import BundledOrigin, load_bundled
from advisor.recommend import quality_cache
from advisor.recommend.quality import QualityTable, fit_quality
from advisor.recommend.quality_cache import cached_quality
from tests.source_closure import imported_closure

CATALOG = load_bundled()
MODELS = list(CATALOG.models.values())


def test_the_cached_table_is_the_fitted_table(tmp_path: Path) -> None:
    path = tmp_path / "q.npz"
    fresh = fit_quality(MODELS)
    first = cached_quality(MODELS, path)
    assert path.is_file()
    second = cached_quality(MODELS, path)  # read back
    for table in (first, second):
        assert table.ids == fresh.ids
        for field in ("mean", "cov", "direct", "evidence", "independent"):
            np.testing.assert_array_equal(getattr(table, field), getattr(fresh, field))
        np.testing.assert_array_equal(table.prior.mean, fresh.prior.mean)
        assert table.prior.basis == fresh.prior.basis
        assert table.prior.group_var == fresh.prior.group_var


def test_a_changed_model_or_a_damaged_file_is_fitted_again(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "q.npz"
    cached_quality(MODELS, path)
    calls: list[int] = []
    def counting(models: list[Model]) -> QualityTable:
        calls.append(1)
        return fit_quality(models)

    monkeypatch.setattr(quality_cache, "fit_quality", counting)
    cached_quality(MODELS, path)
    assert calls == []  # unchanged inputs: read, not fitted
    model = next(m for m in MODELS if m.evidence)
    changed = model.model_copy(update={"evidence": model.evidence[1:]})
    edited = [changed if m.id == model.id else m for m in MODELS]
    table = cached_quality(edited, path)
    assert calls == [1]
    assert table.evidence[table.index[model.id]] == len(model.evidence) - 1
    path.write_bytes(b"not an archive")
    cached_quality(edited, path)
    assert calls == [1, 1]


def test_bundled_models_are_keyed_by_the_bundled_digest_and_edits_by_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "q.npz"
    origin = BundledOrigin("a" * 64, dict(CATALOG.models))
    cached_quality(MODELS, path, origin)
    assert quality_cache.inputs_digest(MODELS, origin) != quality_cache.inputs_digest(MODELS)
    other = BundledOrigin("b" * 64, dict(CATALOG.models))  # other bundled files: other key
    assert quality_cache.inputs_digest(MODELS, other) != quality_cache.inputs_digest(MODELS, origin)
    calls: list[int] = []
    def counting(models: list[Model]) -> QualityTable:
        calls.append(1)
        return fit_quality(models)

    monkeypatch.setattr(quality_cache, "fit_quality", counting)
    cached_quality(MODELS, path, origin)
    assert calls == []  # the same bundled objects: read
    model = next(m for m in MODELS if m.evidence)
    changed = model.model_copy(update={"evidence": model.evidence[1:]})  # an edit keeps the id
    edited = [changed if m.id == model.id else m for m in MODELS]
    table = cached_quality(edited, path, origin)
    assert calls == [1]  # the edit is hashed by its content, not taken for the bundled model
    assert table.evidence[table.index[model.id]] == len(model.evidence) - 1
    equal_copy = [model.model_copy() if m.id == model.id else m for m in MODELS]
    assert (quality_cache.inputs_digest(equal_copy, origin)
            != quality_cache.inputs_digest(MODELS, origin))  # not the bundled object: by content


def test_the_key_hashes_every_module_the_fit_imports() -> None:
    """A module of the fit left out of the key (quality_items.py, where each benchmark is calibrated,
    was) could change the table while an old one was still read."""
    hashed = {m.__name__ for m in quality_cache._FIT_MODULES}
    assert imported_closure(quality_cache._FIT_MODULES) == hashed
