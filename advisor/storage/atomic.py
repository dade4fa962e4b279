"""Crash-safe writes shared by every user-owned file.

A write goes to a temporary file in the same folder (`mkstemp`: a random name opened with O_EXCL,
mode 0600), is fsynced, then replaces the target with `os.replace` (atomic on POSIX and Windows), and
the folder is fsynced so the rename itself is durable. A crash at any instant leaves either the old
file or the new one, never a torn one; a failed write (a full disk) raises and leaves the old file.
Backups (backups.py) are made the same way, so only complete copies ever carry a backup's name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Iterator
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
