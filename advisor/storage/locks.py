"""An exclusive lock between running copies of the program, around a read-merge-write of a user file."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path


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
