"""Reading a user's file with a size cap: the one implementation every reader uses.

Catalog documents, the overlay, imports, refresh inputs, scenarios and window settings all come
through `read_capped`, so each gets the same cap, the same worded problems and the same refusal of a
file name the OS cannot take (a NUL byte). The file is opened once and read at most one byte past the
cap, so a file that grows between the size check and the read cannot slip past it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from advisor.storage.problems import Problem, ProblemError

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest user file read, in bytes (256 MiB: ~16,000 models with room to spare); writers refuse
to write more (read it as `reading.MAX_FILE_BYTES`, so one patched value moves reader and writers)."""

ReadReason = Literal["missing", "too_big", "unreadable", "bad_name"]


class FileReadError(ProblemError):
    """A file could not be read. `reason` says how: `missing` (no such file), `too_big` (over the cap:
    its content is unusable), `unreadable` (the system refused: permissions, a disk error) or
    `bad_name` (a name the OS cannot take, such as one with a NUL byte)."""

    def __init__(self, problem: Problem, *, reason: ReadReason) -> None:
        super().__init__([problem])
        self.reason: ReadReason = reason


def read_capped(path: Path, name: str | None = None, limit: int | None = None) -> bytes:
    """The bytes of `path`, or `FileReadError` naming the file (as `name`, default the path) and what
    is wrong. `limit` defaults to MAX_FILE_BYTES, looked up at call time."""
    label = str(path) if name is None else name
    cap = MAX_FILE_BYTES if limit is None else limit
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > cap else handle.read(cap + 1)
    except FileNotFoundError as exc:
        raise FileReadError(Problem(label, None, None, f"cannot be read: {exc.strerror}"),
                            reason="missing") from exc
    except OSError as exc:
        raise FileReadError(Problem(label, None, None, f"cannot be read: {exc.strerror}"),
                            reason="unreadable") from exc
    except ValueError as exc:  # a path with a NUL byte, say
        raise FileReadError(Problem(repr(label)[1:-1], None, None, f"is not a usable file name ({exc})"),
                            reason="bad_name") from exc
    if size > cap or len(data) > cap:
        shown = max(size, len(data))
        raise FileReadError(Problem(label, None, None, f"is {shown / 1e6:.0f} MB; the limit is "
                                    f"{cap / 1e6:.0f} MB"), reason="too_big")
    return data


__all__ = ["MAX_FILE_BYTES", "FileReadError", "ReadReason", "read_capped"]
