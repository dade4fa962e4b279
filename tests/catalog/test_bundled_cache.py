"""The cache of the validated bundled catalog: the same catalog as validating, and a damaged, stale
or foreign cache file is ignored and rebuilt."""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path

import pytest

from advisor.catalog import bundled_cache
from advisor.catalog.bundled_cache import bundled_digest, load_bundled_cached
from advisor.catalog.store import Catalog, load_bundled, read_bundled_files
from tests.source_closure import imported_closure

FRESH = load_bundled()


def _same(a: Catalog, b: Catalog) -> None:
    assert a.meta == b.meta
    assert a.models == b.models
    assert a.licenses == b.licenses
    assert a.hardware == b.hardware
    assert list(a.models) == list(b.models)


def _validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the calls of the validating load made through the cache."""
    calls: list[int] = []
    real = load_bundled  # what bundled_cache calls

    def counting(files: object = None) -> Catalog:
        calls.append(1)
        return real(files)  # type: ignore[arg-type]

    monkeypatch.setattr(bundled_cache, "load_bundled", counting)
    return calls


def test_cache_is_written_then_read_and_equals_validation(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _validations(monkeypatch)
    path = tmp_path / "cache" / "bundled.pickle"
    first = load_bundled_cached(path)
    assert calls == [1]
    assert path.is_file()
    second = load_bundled_cached(path)
    assert calls == [1]  # read from the file, not validated again
    _same(first, FRESH)
    _same(second, FRESH)
    for loaded in (first, second):  # the models it covers are the very objects loaded
        assert loaded.bundled is not None
        assert loaded.bundled.digest == bundled_digest(read_bundled_files())
        assert all(loaded.bundled.holds(m) for m in loaded.models.values())
        assert not loaded.bundled.holds(next(iter(FRESH.models.values())))  # equal, not the same
    second.warnings.append("changed")  # a caller's change does not reach the next load
    assert load_bundled_cached(path).warnings == []


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],  # truncated
    lambda raw: raw[:-200] + b"\xff" * 200,  # torn tail
    lambda raw: raw[:0],  # empty
    lambda raw: b"not a cache at all" + raw[:0],
])
def test_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              damage: object) -> None:
    path = tmp_path / "bundled.pickle"
    load_bundled_cached(path)
    good = path.read_bytes()
    path.write_bytes(damage(good))  # type: ignore[operator]
    calls = _validations(monkeypatch)
    _same(load_bundled_cached(path), FRESH)
    assert calls == [1]
    assert path.read_bytes() == good  # rewritten whole


def test_stale_cache_is_ignored_and_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache keyed by other inputs (other files, another version) is never trusted, even when it
    unpickles: here it holds a catalog with one model fewer."""
    path = tmp_path / "bundled.pickle"
    load_bundled_cached(path)
    files = read_bundled_files()
    other = bundled_digest([*files[:-1], (files[-1][0], files[-1][1] + b" ")])
    assert other is not None
    assert other != bundled_digest(files)
    smaller = Catalog(meta=FRESH.meta, models=dict(list(FRESH.models.items())[1:]),
                      licenses=FRESH.licenses, hardware=FRESH.hardware)
    path.write_bytes(bundled_cache._MAGIC + other.encode() + b"\n" + pickle.dumps(smaller))
    calls = _validations(monkeypatch)
    _same(load_bundled_cached(path), FRESH)
    assert calls == [1]
    monkeypatch.setattr(bundled_cache, "__version__", "0.0.0-other")
    _same(load_bundled_cached(path), FRESH)
    assert calls == [1, 1]  # another program version validates again


def test_cache_of_another_type_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bundled.pickle"
    digest = bundled_digest(read_bundled_files())
    assert digest is not None
    path.write_bytes(bundled_cache._MAGIC + digest.encode() + b"\n" + pickle.dumps({"models": {}}))
    calls = _validations(monkeypatch)
    _same(load_bundled_cached(path), FRESH)
    assert calls == [1]


def test_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    _same(load_bundled_cached(blocker / "bundled.pickle"), FRESH)  # its folder is a file


def test_without_sources_nothing_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_source(module: object) -> str:
        raise OSError("frozen")

    monkeypatch.setattr(inspect, "getsource", no_source)
    path = tmp_path / "bundled.pickle"
    _same(load_bundled_cached(path), FRESH)
    assert not path.exists()


def test_the_key_hashes_every_module_the_validation_imports() -> None:
    """A module the schema imports (the benchmarks it checks names against) that the key did not
    hash could change what validation gives while an old cache was still read."""
    hashed = {m.__name__ for m in bundled_cache._SCHEMA_MODULES}
    assert imported_closure(bundled_cache._SCHEMA_MODULES) == hashed
