"""Every write is atomic, checked and private: the atomic writer and backups on a full disk (injected
ENOSPC, and a real 1 MiB tmpfs where the system permits mounting one), planted symlinks, backups that
are 0600 and rotated only after a complete copy, and truncated backups that never count."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.overlay import load_catalog
from advisor.catalog.store import Catalog, load_bundled
from advisor.storage import backups
from advisor.storage.atomic import atomic_write_bytes
from advisor.storage.backups import rotate_backup
from advisor.storage.paths import UserPaths
from tests.conftest import fill_disk

MODEL = "qwen/qwen3-8b"


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_bundled()


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, n_bytes: int) -> None:
    """os.write succeeds for the first `n_bytes` (the rest of a call is cut short, as the kernel does)
    and then fails with ENOSPC."""
    left = [n_bytes]
    real = os.write

    def write(fd: int, data: bytes | memoryview) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done = real(fd, bytes(data[: left[0]]))
        left[0] -= done
        return done

    monkeypatch.setattr(os, "write", write)  # the writer calls os.write directly


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_atomic_write_is_private_and_a_full_disk_keeps_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "file.json"
    atomic_write_bytes(target, b'{"old": true}\n')
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    _disk_full_after(monkeypatch, 10)
    with pytest.raises(OSError, match="No space left") as info:
        atomic_write_bytes(target, b'{"new": true}\n' * 1000)
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b'{"old": true}\n'
    assert _temps(tmp_path) == []


def test_a_failing_fsync_is_an_error_and_keeps_the_old_file(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Delayed allocation (ext4, XFS, NFS) reports a full disk at fsync, after every write "worked".
    target = tmp_path / "file.json"
    atomic_write_bytes(target, b"{}\n")

    def fsync(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b'{"new": 1}\n')
    assert target.read_bytes() == b"{}\n"
    assert _temps(tmp_path) == []


def test_a_planted_symlink_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    target = tmp_path / "out.json"
    # Every name an older writer could have predicted, pointing at the victim.
    for name in (f".{target.name}.tmp", f".{target.name}.{os.getpid()}.tmp", f"{target.name}.tmp"):
        (tmp_path / name).symlink_to(victim)
    atomic_write_bytes(target, b"{}\n")
    assert victim.read_bytes() == b"precious"
    assert not target.is_symlink()
    # A symlink at the target itself is replaced, not followed.
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    atomic_write_bytes(link, b"{}\n")
    assert victim.read_bytes() == b"precious"
    assert not link.is_symlink()


def test_backups_are_private_complete_copies(tmp_path: Path) -> None:
    source = tmp_path / "overlay.json"
    source.write_bytes(b'{"n": 1}\n' + b" " * 3_000_000 + b"}")  # several copy chunks
    source.chmod(0o644)
    backup = rotate_backup(source, tmp_path / "backups")
    assert backup is not None
    assert backup.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700


def test_a_failed_backup_copy_rotates_nothing_and_stops_the_save(
        paths: UserPaths, bundled: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = OverlayEditor.open(paths, bundled)
    for n in range(6):  # a full set of five backups
        editor.set_field(MODEL, "name", f"Name {n}")
        editor.save()
    backups = {p: p.read_bytes() for p in paths.backups_dir.iterdir()}
    assert len(backups) == 5
    overlay = paths.overlay_file.read_bytes()

    editor.set_field(MODEL, "name", "Unsaved")
    _disk_full_after(monkeypatch, 1000)
    with pytest.raises(OSError, match="No space"):
        editor.save()
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in paths.backups_dir.iterdir()} == backups  # none pushed out
    assert paths.overlay_file.read_bytes() == overlay
    assert _temps(paths.data_dir) == []
    assert editor.dirty  # the edit waits for a save that can succeed
    editor.save()
    assert load_catalog(paths).models[MODEL].name == "Unsaved"


def test_truncated_backups_do_not_count_and_are_swept(paths: UserPaths, bundled: Catalog) -> None:
    editor = OverlayEditor.open(paths, bundled)
    for n in range(6):
        editor.set_field(MODEL, "name", f"Name {n}")
        editor.save()
    good = sorted(paths.backups_dir.iterdir())
    # What an older version left when its copies were killed: newer names, cut-short contents.
    whole = paths.overlay_file.read_bytes()
    for n in range(40):
        (paths.backups_dir / f"catalog-overlay.29990101T0000{n:02d}000000Z.json").write_bytes(
            whole[: len(whole) * n // 41])
    editor.set_field(MODEL, "name", "Latest")
    editor.save()
    kept = sorted(paths.backups_dir.iterdir())
    assert len(kept) == 5
    assert good[-4:] == kept[:4]  # the newest good ones survive; the truncated ones are gone
    assert all(backups.looks_complete(p) for p in kept)


def test_a_really_full_disk_keeps_the_overlay_and_leaves_no_truncated_backup(
        small_disk: Path, bundled: Catalog) -> None:
    paths = UserPaths(config_dir=small_disk / "config", data_dir=small_disk / "data",
                      cache_dir=small_disk / "cache")
    editor = OverlayEditor.open(paths, bundled)
    editor.set_field(MODEL, "name", "Saved")
    editor.save()
    overlay = paths.overlay_file.read_bytes()
    filler = fill_disk(small_disk)
    for n in range(5):
        editor.set_field(MODEL, "name", f"Unsaved {n}")
        with pytest.raises(OSError, match="No space left") as info:
            editor.save()
        assert info.value.errno == errno.ENOSPC
    assert paths.overlay_file.read_bytes() == overlay
    assert not paths.backups_dir.exists() or list(paths.backups_dir.iterdir()) == []
    assert _temps(small_disk) == []
    filler.unlink()
    editor.save()
    assert load_catalog(paths).models[MODEL].name == "Unsaved 4"
