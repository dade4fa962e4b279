"""Rotating backups of a user file, and moving an unreadable one aside (quarantine).

A backup is an atomic copy (atomic.py), so a killed or failed copy never carries a backup's name;
older backups are pruned only after the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from advisor.storage.atomic import atomic_copy


def rotate_backup(path: Path, backups_dir: Path, keep: int = 5) -> Path | None:
    """Copy `path` (if it exists) into `backups_dir` with a timestamp; keep the newest `keep`.

    The copy is atomic (a killed or failed copy leaves no backup, only a temporary file that is
    swept later), and older backups are removed only after it is complete. A copy that fails
    (a full disk) raises, so the save that wanted it stops before touching `path`."""
    if not path.exists():
        return None
    backups_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{path.stem}.{stamp}{path.suffix}"
    atomic_copy(path, target)
    _prune_backups(backups_dir.glob(f"{path.stem}.*{path.suffix}"), keep)
    return target


def _prune_backups(candidates: Iterable[Path], keep: int) -> None:
    """Keep the newest `keep` complete backups; drop older ones and incomplete ones (truncated
    copies an older version of the program left when a copy was killed)."""
    complete: list[Path] = []
    for backup in sorted(candidates):
        if backup.is_file() and looks_complete(backup):
            complete.append(backup)
        else:
            with contextlib.suppress(OSError):
                backup.unlink()
    for old in complete[:-keep] if keep > 0 else complete:
        with contextlib.suppress(OSError):
            old.unlink()


def looks_complete(file: Path) -> bool:
    """Whether a backup holds a whole file. Every file we back up is a JSON object, which ends in
    `}`; a copy cut short almost never does, and checking the last bytes costs nothing, where
    parsing five 100 MB backups on every save would cost seconds."""
    if file.suffix != ".json":
        return True
    try:
        with file.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 64))
            return handle.read().rstrip().endswith(b"}")
    except OSError:
        return False


def quarantine(path: Path, quarantine_dir: Path) -> Path:
    """Move an unreadable user file aside with a timestamp and return where it went."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = quarantine_dir / f"{path.name}.{stamp}.bad"
    n = 1
    while target.exists():
        target = quarantine_dir / f"{path.name}.{stamp}-{n}.bad"
        n += 1
    shutil.move(str(path), target)
    return target
