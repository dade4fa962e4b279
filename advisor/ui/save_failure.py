"""What the window says when saving the catalog fails (#23): what happened in plain words, that
nothing was lost (and where the recovery file is, when the save wrote one), and what to do.

A failed save never changes the catalog file (`advisor/storage/atomic.py` writes a temporary file and
renames it only when every byte is on disk) and never drops the window's changes: they stay in the
editor, unsaved. A save that finds the file on disk unusable also writes them to a recovery file
beside it (`advisor.catalog.editing.SaveStoppedError`).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from advisor.catalog.editing import SaveStoppedError
from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import OverlayReadError, OverlayTooBigError
from advisor.storage.paths import ENV_HOME, UserPaths

LOCK_WAIT_S = 10  # advisor.storage.locks.file_lock's default wait, in seconds
_FULL = {errno.ENOSPC, errno.EDQUOT}
_REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS}


@dataclass(frozen=True)
class SaveFailure:
    """A failed save, in words: what happened, what was kept, what to do."""

    what: str
    kept: str
    todo: str
    recovery_file: Path | None = None

    def text(self) -> str:
        """The whole message, one paragraph each."""
        return f"{self.what}\n\n{self.kept}\n\n{self.todo}"


def _kept_here(paths: UserPaths) -> str:
    return (f"Nothing was lost: your catalog file ({paths.overlay_file}) is exactly as it was before "
            "this save, and your changes are still here in this window, unsaved. Keep the window open "
            "until they are saved: closing it without saving would discard them.")


def describe_save_failure(exc: BaseException, paths: UserPaths) -> SaveFailure:
    """Word a failed `OverlayEditor.save()` for the person who pressed Save."""
    if isinstance(exc, SaveStoppedError):
        return _stopped(exc, paths)
    if isinstance(exc, OverlayTooBigError):
        detail = str(exc.problems[0].message).split(";")[0] if exc.problems else "is too big"
        return SaveFailure(
            f"Your catalog was not saved: it {detail}.", _kept_here(paths),
            "Undo the import that added the most models (Ctrl+Z), or delete models you added, "
            "then save again.")
    if isinstance(exc, TimeoutError):
        return SaveFailure(
            "Another Model Advisor window, or an 'advisor catalog' command, is saving your catalog "
            f"right now: it held the save lock for more than {LOCK_WAIT_S} seconds, so this window "
            "did not write.", _kept_here(paths),
            "Let the other save finish (or close the other window), then save again (Ctrl+S). If no "
            "other Model Advisor is running, restart this one and save again.")
    if isinstance(exc, OSError):
        return _os_failure(exc, paths)
    if isinstance(exc, CatalogError):
        return SaveFailure(f"Your catalog was not saved: {exc}", _kept_here(paths),
                           "Correct what the message names, then save again.")
    return SaveFailure(f"Your catalog was not saved: an unexpected error ({type(exc).__name__}: {exc}).",
                       _kept_here(paths), "Try saving again; if it keeps failing, please report it.")


def _os_failure(exc: OSError, paths: UserPaths) -> SaveFailure:
    folder = paths.overlay_file.parent
    if exc.errno in _FULL:
        return SaveFailure(
            f"The disk that holds {folder} is full (or your disk quota is used up), so the catalog "
            "could not be written.", _kept_here(paths),
            "Free some space on that disk, then save again (Ctrl+S). Meanwhile, 'Save a copy…' "
            "writes your changes to a file on another disk.")
    if isinstance(exc, PermissionError) or exc.errno in _REFUSED:
        return SaveFailure(
            f"Model Advisor is not allowed to write in {folder} ({exc.strerror or exc}).",
            _kept_here(paths),
            "Make that folder (and the files in it) writable for your user, then save again; or set "
            f"{ENV_HOME} to a folder you own and restart. Meanwhile, 'Save a copy…' writes your "
            "changes to a file elsewhere.")
    return SaveFailure(
        f"The catalog could not be written to {folder}: {exc.strerror or exc}.", _kept_here(paths),
        "Check that the disk is connected and working, then save again. Meanwhile, 'Save a copy…' "
        "writes your changes to a file elsewhere.")


def _stopped(exc: SaveStoppedError, paths: UserPaths) -> SaveFailure:
    cause = exc.__cause__
    kind = cause.kind if isinstance(cause, OverlayReadError) else "unreadable"
    reason = cause.reason if isinstance(cause, OverlayReadError) else str(exc)
    file = paths.overlay_file
    what = {
        "newer": f"Your catalog file {file} was saved by a newer version of Model Advisor since this "
                 "window opened it, and this version cannot read it.",
        "damaged": f"Your catalog file {file} was damaged since this window opened it ({reason}).",
        "unreadable": f"Your catalog file {file} cannot be read any more ({reason}).",
    }[kind] + " So that nothing in it is overwritten, nothing was saved, and the file was left as it is."
    if exc.recovery_file is not None:
        kept = (f"Nothing was lost: your changes are still here in this window, unsaved, and a copy "
                f"of your whole catalog overlay was written to {exc.recovery_file}. Import… (or "
                f"'advisor catalog import {exc.recovery_file}') takes them back.")
    else:
        kept = ("Nothing was lost: your changes are still here in this window, unsaved. A recovery "
                "copy could not be written beside the catalog file either: use 'Save a copy…' to "
                "write one elsewhere, and keep this window open.")
    todo = {
        "newer": "Update Model Advisor to the version that wrote the file, then save again (or import "
                 "the recovery file there).",
        "damaged": f"Move the damaged file aside (or put back a copy from {paths.backups_dir}), then "
                   "save again.",
        "unreadable": "Make the file readable again (check its permissions and the disk), then save "
                      "again.",
    }[kind]
    return SaveFailure(what, kept, todo, exc.recovery_file)


__all__ = ["SaveFailure", "describe_save_failure"]
