"""Crash-safe file writes shared by every user-owned file.

A write goes to a temporary file in the same folder, is fsynced, then replaces the target with
`os.replace` (atomic on POSIX and Windows), and the folder is fsynced so the rename itself is durable.
A crash at any instant leaves either the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    _sweep_stale_temps(path)


STALE_TEMP_S = 600.0
"""A temporary file of ours older than this belongs to a save that was killed mid-write."""


def _sweep_stale_temps(path: Path) -> None:
    # Another process may be writing right now, so only old leftovers go.
    cutoff = time.time() - STALE_TEMP_S
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with UTF-8 `text` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_dir(folder: Path) -> None:
    # Directory fsync makes the rename durable on POSIX; Windows cannot open directories.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rotate_backup(path: Path, backups_dir: Path, keep: int = 5) -> Path | None:
    """Copy `path` (if it exists) into `backups_dir` with a timestamp; keep the newest `keep`."""
    if not path.exists():
        return None
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, target)
    olds = sorted(backups_dir.glob(f"{path.stem}.*{path.suffix}"))
    for old in olds[:-keep] if keep > 0 else olds:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


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


@contextlib.contextmanager
def file_lock(lock_path: Path, timeout_s: float = 10.0) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (another process blocks until it is released).

    Used around read-merge-write of the overlay so two running instances never interleave a save.
    POSIX uses flock, Windows msvcrt.locking; both are released by the OS if the process dies.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a+b")
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                _lock(handle.fileno())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{lock_path} is locked by another Model Advisor") from None
                time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(handle.fileno())
    finally:
        handle.close()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
