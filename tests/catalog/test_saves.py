"""Saves never lose an edit: a save that finds the overlay on disk damaged, from a newer version or
unreadable stops, keeps the edits and writes them to a recovery file; a newer version's or an
unreadable file is never moved aside; the writer refuses a file the reader would refuse."""

from __future__ import annotations

import errno
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from advisor.catalog.editing import OverlayEditor, SaveStoppedError
from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import (
    OverlayReadError,
    OverlayTooBigError,
    load_catalog,
    read_overlay,
)
from advisor.catalog.store import Catalog
from advisor.cli import main
from advisor.storage.paths import UserPaths, user_paths

THEIRS = "openai/gpt-4o-mini"  # an entry saved earlier (by another window, say)
OURS = "qwen/qwen3-8b"  # the entry this window edits


def _saved_overlay(paths: UserPaths, bundled: Catalog) -> bytes:
    editor = OverlayEditor.open(paths, bundled)
    editor.set_field(THEIRS, "name", "Theirs")
    editor.save()
    editor.hide("mistralai/codestral-2508")
    editor.save()  # the second save keeps a backup of the first
    return paths.overlay_file.read_bytes()


def _newer(good: bytes) -> bytes:
    data = json.loads(good)
    data["schema_version"] = 99
    data["a_field_from_the_future"] = True
    return json.dumps(data).encode()


SPOILERS = {
    "damaged": lambda good: good[: len(good) // 2],
    "newer": _newer,
}


@pytest.mark.parametrize("kind", sorted(SPOILERS))
def test_save_against_an_unusable_file_stops_keeps_edits_and_writes_a_recovery_file(
        paths: UserPaths, bundled: Catalog, kind: str) -> None:
    _saved_overlay(paths, bundled)
    editor = OverlayEditor.open(paths, bundled)
    editor.set_field(OURS, "name", "Ours")
    # Another window (or another version) now leaves a file this one cannot use.
    spoilt = SPOILERS[kind](paths.overlay_file.read_bytes())
    paths.overlay_file.write_bytes(spoilt)
    backups_before = sorted(paths.backups_dir.iterdir())

    with pytest.raises(SaveStoppedError) as info:
        editor.save()

    message = str(info.value)
    assert "Nothing was saved" in message
    assert ("Update Model Advisor" in message) == (kind == "newer")
    assert paths.overlay_file.read_bytes() == spoilt  # never merged against "empty", never moved
    assert not paths.quarantine_dir.exists()
    assert sorted(paths.backups_dir.iterdir()) == backups_before
    # The edits are still pending in memory ...
    assert editor.dirty
    assert editor.model(OURS).name == "Ours"
    assert editor.model(THEIRS).name == "Theirs"
    # ... and on disk, beside the overlay, private, in a form import reads back.
    recovery = info.value.recovery_file
    assert recovery is not None
    assert recovery.parent == paths.overlay_file.parent
    assert str(recovery) in message
    assert stat.S_IMODE(recovery.stat().st_mode) == 0o600
    recovered = read_overlay(recovery)
    assert recovered.models[OURS].name == "Ours"
    assert recovered.models[THEIRS].name == "Theirs"
    assert "mistralai/codestral-2508" in recovered.hidden


def test_after_the_file_is_fixed_the_same_save_succeeds_and_merges(paths: UserPaths,
                                                                   bundled: Catalog) -> None:
    good = _saved_overlay(paths, bundled)
    editor = OverlayEditor.open(paths, bundled)
    editor.set_field(OURS, "name", "Ours")
    paths.overlay_file.write_bytes(b"{ not json")
    with pytest.raises(SaveStoppedError):
        editor.save()
    paths.overlay_file.write_bytes(good)  # the user put the good file back
    editor.save()
    catalog = load_catalog(paths)
    assert catalog.models[OURS].name == "Ours"
    assert catalog.models[THEIRS].name == "Theirs"


def test_a_file_that_vanished_is_not_merged_as_empty(paths: UserPaths, bundled: Catalog) -> None:
    _saved_overlay(paths, bundled)
    editor = OverlayEditor.open(paths, bundled)
    editor.set_field(OURS, "name", "Ours")
    paths.overlay_file.unlink()  # moved aside by another window, say
    editor.save()
    catalog = load_catalog(paths)
    assert catalog.models[THEIRS].name == "Theirs"  # not dropped as "deleted by the other side"
    assert catalog.models[OURS].name == "Ours"
    assert "mistralai/codestral-2508" in catalog.hidden


def test_newer_version_overlay_is_left_alone_at_start(bundled: Catalog,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    paths = user_paths()  # the command line below uses the same (test) home
    newer = _newer(_saved_overlay(paths, bundled))
    paths.overlay_file.write_bytes(newer)
    catalog = load_catalog(paths)
    assert catalog.models[THEIRS].name == bundled.models[THEIRS].name
    assert "newer than this program understands" in catalog.warnings[0]
    assert "left as it is" in catalog.warnings[0]
    assert paths.overlay_file.read_bytes() == newer
    assert not paths.quarantine_dir.exists()
    with pytest.raises(OverlayReadError, match="newer than this program") as info:
        OverlayEditor.open(paths, bundled)
    assert info.value.kind == "newer"
    # The command line refuses the edit in words and changes nothing.
    assert main(["catalog", "edit", OURS, "--set", "name=Ours"]) == 1
    assert "newer than this program understands" in capsys.readouterr().err
    assert paths.overlay_file.read_bytes() == newer


def _deny_reads(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """A permission error on opening one file (tests run as root, for whom chmod 000 changes nothing)."""
    real = Path.open

    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)


def test_permission_error_is_an_error_not_corruption(paths: UserPaths, bundled: Catalog,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    good = _saved_overlay(paths, bundled)
    editor = OverlayEditor.open(paths, bundled)
    editor.set_field(OURS, "name", "Ours")
    _deny_reads(monkeypatch, paths.overlay_file)

    catalog = load_catalog(paths)
    assert "Permission denied" in catalog.warnings[0]
    assert "left as it is" in catalog.warnings[0]
    with pytest.raises(OverlayReadError, match="Permission denied"):
        OverlayEditor.open(paths, bundled)
    with pytest.raises(SaveStoppedError, match="permissions") as info:
        editor.save()
    assert info.value.recovery_file is not None
    monkeypatch.undo()
    assert paths.overlay_file.read_bytes() == good  # not moved, not rewritten
    assert not paths.quarantine_dir.exists()
    assert read_overlay(info.value.recovery_file).models[OURS].name == "Ours"


def test_the_writer_refuses_what_the_reader_would_refuse(paths: UserPaths, bundled: Catalog,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    good = _saved_overlay(paths, bundled)
    one_model = len(json.dumps(bundled.models[OURS].model_dump(mode="json"), indent=2))
    limit = len(good) + 3 * one_model  # room for one more model, not for thirty-one
    monkeypatch.setattr("advisor.storage.reading.MAX_FILE_BYTES", limit)  # the reader and writer
    editor = OverlayEditor.open(paths, bundled)
    editor.set_field(OURS, "name", "Ours")
    editor.save()  # within the limit: written, and read back
    saved = paths.overlay_file.read_bytes()
    assert len(saved) <= limit
    assert read_overlay(paths.overlay_file).models[OURS].name == "Ours"
    backups = sorted(paths.backups_dir.iterdir())

    for n in range(30):
        editor.duplicate(OURS, f"team/copy-{n}")
    with pytest.raises(OverlayTooBigError, match="nothing was written") as info:
        editor.save()
    assert "31 models" in str(info.value) or "32 models" in str(info.value)
    assert paths.overlay_file.read_bytes() == saved
    assert sorted(paths.backups_dir.iterdir()) == backups  # no backup churn for a refused save
    assert editor.dirty  # the edits are still there to trim and save
    assert isinstance(info.value, CatalogError)  # the window and the CLI word it like any other


def test_export_refuses_a_file_import_would_refuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "all.json"
    assert main(["catalog", "export", str(target)]) == 0
    size = target.stat().st_size
    capsys.readouterr()
    monkeypatch.setattr("advisor.storage.reading.MAX_FILE_BYTES", size - 1)
    again = tmp_path / "again.json"
    assert main(["catalog", "export", str(again)]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert not again.exists()
