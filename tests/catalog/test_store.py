"""Bundled catalog loading, catalog documents, overlay and validation messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import Overlay, load_catalog, read_overlay, write_overlay
from advisor.catalog.store import load_bundled, load_document, to_document
from advisor.catalog.validate import validate_file
from advisor.storage.paths import UserPaths


def test_bundled_catalog_loads_and_cross_checks() -> None:
    catalog = load_bundled()
    assert catalog.models
    assert all(m.license in catalog.licenses for m in catalog.models.values())


def test_document_round_trip(tmp_path: Path) -> None:
    catalog = load_bundled()
    path = tmp_path / "export.json"
    path.write_text(json.dumps(to_document(catalog)), encoding="utf-8")
    again = load_document(path)
    assert again.models == catalog.models
    assert again.licenses == catalog.licenses
    assert validate_file(path).meta == catalog.meta


def _bad_document(tmp_path: Path) -> Path:
    doc = to_document(load_bundled())
    first = doc["models"][0]
    first["architecture_typo"] = 1
    first["context_window_tokens"] = -5
    doc["models"][1]["license"] = "no-such-licence"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_malformed_document_gives_one_line_per_problem(tmp_path: Path) -> None:
    path = _bad_document(tmp_path)
    with pytest.raises(CatalogError) as info:
        validate_file(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert all(line.startswith(str(path)) for line in lines)
    assert any("architecture_typo: is not a known field" in line for line in lines)
    assert any("context_window_tokens: must be greater than 0 (got -5)" in line
               for line in lines)


def test_dangling_licence_is_reported_with_entry_and_field(tmp_path: Path) -> None:
    doc = to_document(load_bundled())
    doc["models"][0]["license"] = "no-such-licence"
    path = tmp_path / "x.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        validate_file(path)
    (problem,) = info.value.problems
    assert problem.field == "license"
    assert problem.entry == f"model '{doc['models'][0]['id']}'"


def test_overlay_adds_overrides_and_hides(paths: UserPaths) -> None:
    base = load_bundled()
    first = next(iter(base.models.values()))
    changed = first.model_copy(update={"name": "Renamed by user"})
    added = first.model_copy(update={"id": "team/our-finetune", "name": "Our fine-tune"})
    second = sorted(base.models)[-1]
    write_overlay(Overlay(models={changed.id: changed, added.id: added},
                          hidden=frozenset({second})), paths)
    catalog = load_catalog(paths)
    assert catalog.models[first.id].name == "Renamed by user"
    assert catalog.origin(first.id).value == "override"
    assert catalog.origin("team/our-finetune").value == "user"
    assert second not in {m.id for m in catalog.visible_models()}
    assert read_overlay(paths.overlay_file).hidden == frozenset({second})
    assert catalog.bundled is not None  # the bundled models are still known as such, the edit is not
    assert not catalog.bundled.holds(catalog.models[first.id])
    assert catalog.bundled.holds(catalog.models[second])


def test_corrupt_overlay_is_quarantined_and_bundled_catalog_used(paths: UserPaths) -> None:
    paths.overlay_file.parent.mkdir(parents=True)
    paths.overlay_file.write_bytes(b'{"schema_version": 1, "models": [')
    catalog = load_catalog(paths)
    assert catalog.models == load_bundled().models
    assert not paths.overlay_file.exists()
    moved = list(paths.quarantine_dir.iterdir())
    assert len(moved) == 1
    assert str(moved[0]) in catalog.warnings[0]


def test_newer_overlay_version_is_refused_not_guessed(paths: UserPaths) -> None:
    paths.overlay_file.parent.mkdir(parents=True)
    paths.overlay_file.write_text('{"schema_version": 99, "kind": "model-advisor-overlay"}')
    with pytest.raises(CatalogError, match="newer than this program understands"):
        read_overlay(paths.overlay_file)


def test_save_keeps_rotating_backups(paths: UserPaths) -> None:
    for n in range(8):
        write_overlay(Overlay(hidden=frozenset({f"x/model-{n}"})), paths, keep_backups=3)
    assert len(list(paths.backups_dir.iterdir())) == 3
    assert read_overlay(paths.overlay_file).hidden == frozenset({"x/model-7"})


def test_fast_document_path_agrees_with_the_worded_one() -> None:
    """parse_document_bytes validates a sound document in one pass; anything wrong goes through the
    entry-by-entry path, so the messages are the same either way."""
    from advisor.catalog.store import dump_json, parse_document, parse_document_bytes, to_document  # noqa: PLC0415

    doc = to_document(load_bundled())
    raw = dump_json(doc).encode()
    fast = parse_document_bytes(raw, "doc.json")
    slow = parse_document(json.loads(raw), "doc.json")
    assert fast.models == slow.models
    assert fast.licenses == slow.licenses
    assert fast.hardware == slow.hardware
    assert fast.meta == slow.meta
    broken = json.loads(raw)
    broken["models"][3]["context_window_tokens"] = -1
    broken["models"].append(dict(broken["models"][0]))  # a duplicate id
    bad = json.dumps(broken).encode()
    with pytest.raises(CatalogError) as fast_err:
        parse_document_bytes(bad, "doc.json")
    with pytest.raises(CatalogError) as slow_err:
        parse_document(json.loads(bad), "doc.json")
    assert str(fast_err.value) == str(slow_err.value)
    assert "is listed twice" in str(fast_err.value)
    assert "context_window_tokens" in str(fast_err.value)


def test_writes_sweep_temp_files_left_by_killed_saves(tmp_path: Path) -> None:
    import os  # noqa: PLC0415
    import time  # noqa: PLC0415

    from advisor.storage.atomic import STALE_TEMP_S, atomic_write_text  # noqa: PLC0415

    target = tmp_path / "team.json"
    old = tmp_path / ".team.json.abc123.tmp"
    fresh = tmp_path / ".team.json.def456.tmp"  # maybe another process writing right now
    for leftover in (old, fresh):
        leftover.write_text("{", encoding="utf-8")
    past = time.time() - STALE_TEMP_S - 60
    os.utime(old, (past, past))
    atomic_write_text(target, "{}")
    assert not old.exists()
    assert fresh.exists()
    assert target.read_text(encoding="utf-8") == "{}"
