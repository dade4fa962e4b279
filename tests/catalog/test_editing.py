"""Editing the overlay: field edits in words, hide/revert/delete/duplicate, saves that merge with
another instance, crash-safe saves, corrupt overlays quarantined."""

from __future__ import annotations

import json
import multiprocessing
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.catalog.editing import MergeConflictError, OverlayEditor, Resolution, with_field
from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import load_catalog, read_overlay
from advisor.catalog.store import Catalog, Origin
from advisor.storage.paths import UserPaths

API_MODEL = "openai/gpt-4o-mini"
OPEN_MODEL = "qwen/qwen3-8b"


def test_set_field_by_dotted_path_makes_an_override(paths: UserPaths, bundled: Catalog) -> None:
    editor = OverlayEditor.open(paths, bundled)
    changed = editor.set_field(API_MODEL, "offerings.0.price_input_usd_per_mtok", "0.1")
    assert changed.offerings[0].price_input_usd_per_mtok == 0.1
    assert editor.origin(API_MODEL) is Origin.OVERRIDE
    assert editor.dirty
    editor.save()
    catalog = load_catalog(paths)
    assert catalog.models[API_MODEL].offerings[0].price_input_usd_per_mtok == 0.1
    assert catalog.origin(API_MODEL) is Origin.OVERRIDE
    assert json.loads(paths.overlay_file.read_text(encoding="utf-8"))["schema_version"] == 1


@pytest.mark.parametrize(("field", "value", "words"), [
    ("context_window_tokens", "-5", "must be greater than 0"),
    ("nosuch", "1", "is not a known field"),
    ("id", "x/y", "cannot be changed"),
    ("offerings.9.price_input_usd_per_mtok", "1", "is not an index"),
    ("open_weights", "maybe", "must be a valid boolean"),
    ("release_date", "yesterday", "date"),
])
def test_bad_edits_are_refused_in_words_and_change_nothing(paths: UserPaths, bundled: Catalog, field: str,
                                                           value: str, words: str) -> None:
    editor = OverlayEditor.open(paths, bundled)
    with pytest.raises(CatalogError) as info:
        editor.set_field(API_MODEL, field, value)
    assert words in str(info.value)
    assert "validation error" not in str(info.value)  # no pydantic dump
    assert not editor.dirty


def test_null_removes_an_optional_field(bundled: Catalog) -> None:
    model = with_field(bundled.models[API_MODEL], "max_output_tokens", "null")
    assert model.max_output_tokens is None


def test_unknown_licence_is_refused(paths: UserPaths, bundled: Catalog) -> None:
    editor = OverlayEditor.open(paths, bundled)
    with pytest.raises(CatalogError, match="not a known licence id"):
        editor.set_field(API_MODEL, "license", "made-up")


def test_hide_revert_delete_duplicate(paths: UserPaths, bundled: Catalog) -> None:
    editor = OverlayEditor.open(paths, bundled)
    editor.hide(OPEN_MODEL)
    copy = editor.duplicate(OPEN_MODEL, "ourteam/qwen3-8b-support", "Support bot")
    assert copy.base_model == OPEN_MODEL
    assert editor.origin(copy.id) is Origin.USER
    editor.set_field(OPEN_MODEL, "name", "Renamed")
    editor.save()
    cat = load_catalog(paths)
    assert OPEN_MODEL in cat.hidden
    assert OPEN_MODEL not in {m.id for m in cat.visible_models()}
    assert cat.models["ourteam/qwen3-8b-support"].name == "Support bot"

    editor.revert(OPEN_MODEL)
    assert editor.model(OPEN_MODEL) == bundled.models[OPEN_MODEL]
    with pytest.raises(CatalogError, match="no edits to revert"):
        editor.revert(OPEN_MODEL)
    with pytest.raises(CatalogError, match="bundled catalog"):
        editor.delete(OPEN_MODEL)
    with pytest.raises(CatalogError, match="already taken"):
        editor.duplicate(OPEN_MODEL, "ourteam/qwen3-8b-support")
    editor.delete("ourteam/qwen3-8b-support")
    editor.hide(OPEN_MODEL, hidden=False)
    editor.save()
    assert read_overlay(paths.overlay_file).models == {}
    assert load_catalog(paths).hidden == frozenset()


def test_saves_keep_rotating_backups(paths: UserPaths, bundled: Catalog) -> None:
    editor = OverlayEditor.open(paths, bundled)
    for i in range(8):
        editor.set_field(API_MODEL, "name", f"v{i}")
        editor.save(keep_backups=5)
    backups = sorted(paths.backups_dir.glob("catalog-overlay.*.json"))
    assert len(backups) == 5
    assert json.loads(backups[-1].read_text(encoding="utf-8"))["models"][0]["name"] == "v6"


def test_two_instances_editing_different_models_keep_both(paths: UserPaths, bundled: Catalog) -> None:
    first = OverlayEditor.open(paths, bundled)
    second = OverlayEditor.open(paths, bundled)
    first.set_field(API_MODEL, "name", "Changed by the first")
    second.set_field(OPEN_MODEL, "name", "Changed by the second")
    second.hide("meta-llama/llama-2-7b-chat")
    first.save()
    outcome = second.save()
    assert API_MODEL in outcome.merged_from_other
    cat = load_catalog(paths)
    assert cat.models[API_MODEL].name == "Changed by the first"
    assert cat.models[OPEN_MODEL].name == "Changed by the second"
    assert "meta-llama/llama-2-7b-chat" in cat.hidden
    # the first instance, saving again, keeps the second's edits too
    first.set_field(API_MODEL, "name", "Again")
    first.save()
    cat = load_catalog(paths)
    assert cat.models[OPEN_MODEL].name == "Changed by the second"
    assert cat.models[API_MODEL].name == "Again"


def test_the_same_model_edited_twice_is_a_conflict_not_a_loss(paths: UserPaths, bundled: Catalog) -> None:
    first = OverlayEditor.open(paths, bundled)
    second = OverlayEditor.open(paths, bundled)
    first.set_field(API_MODEL, "name", "First")
    second.set_field(API_MODEL, "name", "Second")
    first.save()
    before = paths.overlay_file.read_bytes()
    with pytest.raises(MergeConflictError) as info:
        second.save()
    assert info.value.ids == (API_MODEL,)
    assert paths.overlay_file.read_bytes() == before  # nothing written
    second.save(Resolution.THEIRS)
    assert load_catalog(paths).models[API_MODEL].name == "First"
    second.set_field(API_MODEL, "name", "Second")
    second.save(Resolution.OURS)
    assert load_catalog(paths).models[API_MODEL].name == "Second"


def _edit_many(home: str, model_id: str, count: int) -> None:
    paths = UserPaths(config_dir=Path(home) / "config", data_dir=Path(home) / "data",
                      cache_dir=Path(home) / "cache")
    editor = OverlayEditor.open(paths)
    for i in range(count):
        editor.set_field(model_id, "notes", json.dumps([f"edit {i}"]))
        editor.save(keep_backups=2)


@pytest.mark.slow  # a race between two processes, repeated
def test_two_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ids = [API_MODEL, OPEN_MODEL, "meta-llama/llama-2-7b-chat"]
    procs = [ctx.Process(target=_edit_many, args=(str(tmp_path), mid, 15)) for mid in ids]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    paths = UserPaths(config_dir=tmp_path / "config", data_dir=tmp_path / "data",
                      cache_dir=tmp_path / "cache")
    overlay = read_overlay(paths.overlay_file)
    for mid in ids:
        assert overlay.models[mid].notes == ("edit 14",)


def test_corrupt_overlay_is_quarantined_and_editing_starts_clean(paths: UserPaths,
                                                                bundled: Catalog) -> None:
    paths.data_dir.mkdir(parents=True)
    paths.overlay_file.write_bytes(b'{"schema_version": 1, "models": [{"id": ')
    editor = OverlayEditor.open(paths, bundled)
    assert editor.overlay.models == {}
    assert "moved to" in editor.warnings[0]
    moved = list(paths.quarantine_dir.iterdir())
    assert len(moved) == 1
    assert moved[0].read_bytes().startswith(b'{"schema_version"')
    assert not paths.overlay_file.exists()


CHILD = Path(__file__).resolve().parents[2] / "bench" / "crash_child.py"  # shared with the bench


@pytest.mark.slow  # a SIGKILL loop (about 20 s)
def test_killed_during_saves_the_overlay_is_old_or_new_never_torn(tmp_path: Path) -> None:
    """A smaller run of bench/crash_saves.py (which does 200+ kills): SIGKILL at random instants."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL")
    rng = random.Random(7)  # noqa: S311 - kill timing, not cryptography
    paths = UserPaths(config_dir=tmp_path / "config", data_dir=tmp_path / "data",
                      cache_dir=tmp_path / "cache")
    last_seen = -1
    start_at = 0
    for _ in range(25):
        proc = subprocess.Popen([sys.executable, str(CHILD), "overlay", str(tmp_path), str(start_at)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.6, 1.2))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")
        overlay = read_overlay(paths.overlay_file)  # raises if torn
        if paths.overlay_file.exists():
            note = overlay.models["openai/gpt-4o-mini"].notes[0]
            seen = int(note.split()[1])
            assert seen >= last_seen
            last_seen = seen
            start_at = seen + 1_000
    assert last_seen >= 0, "no save completed at all"
    assert paths.overlay_file.exists()
