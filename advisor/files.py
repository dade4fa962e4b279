"""Crash-safe file writes shared by every user-owned file.

A write goes to a temporary file in the same folder (`mkstemp`: a random name opened with O_EXCL,
mode 0600), is fsynced, then replaces the target with `os.replace` (atomic on POSIX and Windows), and
the folder is fsynced so the rename itself is durable. A crash at any instant leaves either the old
file or the new one, never a torn one; a failed write (a full disk) raises and leaves the old file.
Backups are made the same way, so only complete copies ever carry a backup's name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically; the file is readable by the user only (0600)."""
    with _atomic_target(path) as fd:
        _write_all(fd, data)


COPY_CHUNK_BYTES = 1 << 20  # 1 MiB: a large overlay is copied without holding it in memory


def atomic_copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` atomically (0600); raises `OSError` unless every byte arrived."""
    with source.open("rb") as src, _atomic_target(target) as fd:
        expected = os.fstat(src.fileno()).st_size
        copied = 0
        while chunk := src.read(COPY_CHUNK_BYTES):
            _write_all(fd, chunk)
            copied += len(chunk)
        if copied != expected:  # the source changed size while we read it: not a faithful copy
            raise OSError(errno.EIO, f"{source} changed while it was copied")


@contextlib.contextmanager
def _atomic_target(path: Path) -> Iterator[int]:
    """A descriptor on a fresh temporary file beside `path` (mkstemp: O_EXCL, a random name, mode
    0600, so no planted file or symlink is ever opened); on a clean exit it is fsynced and renamed
    over `path`; on any error, including one from fsync or close, it is removed and `path` stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        try:
            yield fd
            os.fsync(fd)  # a full disk or an I/O error can surface only here
        finally:
            os.close(fd)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    _sweep_stale_temps(path)


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise; a write that makes no progress is a full disk."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


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
