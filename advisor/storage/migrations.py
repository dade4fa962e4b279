"""Migrations for user-owned files: each step turns version N into N+1.

A file older than the version its reader expects is upgraded in memory on load (the original stays on
disk until the next save, which keeps a backup); a newer file is refused with a message, never guessed
at. The steps themselves live beside the file kind they upgrade (scenarios: recommend/constraints.py);
this module only registers and runs them, and raises `MigrationError` (each reader re-raises it as its
own kind of error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.storage.problems import MigrationError, Problem

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# MIGRATIONS[(kind, n)] upgrades a `kind` file from version n to n + 1.
MIGRATIONS: dict[tuple[str, int], Migration] = {}


def register(kind: str, from_version: int) -> Callable[[Migration], Migration]:
    """Decorator registering a migration step for one file kind."""

    def _register(func: Migration) -> Migration:
        MIGRATIONS[(kind, from_version)] = func
        return func

    return _register


def migrate(raw: object, file: str, kind: str, target: int) -> dict[str, Any]:
    """Check a file's kind and version and upgrade it to `target`."""
    if not isinstance(raw, dict):
        raise MigrationError([Problem(file, None, None, "must be a JSON object")])
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise MigrationError([Problem(file, None, "schema_version",
                                    "is required (a whole number, 1 or more)")])
    if raw.get("kind", kind) != kind:
        raise MigrationError([Problem(file, None, "kind", f"must be '{kind}'")])
    if version > target:
        raise MigrationError([Problem(file, None, "schema_version",
                                    f"is {version}, newer than this program understands "
                                    f"({target}); update Model Advisor")])
    data = dict(raw)
    while version < target:
        step = MIGRATIONS.get((kind, version))
        if step is None:
            raise MigrationError([Problem(file, None, "schema_version",
                                        f"version {version} cannot be upgraded")])
        data = step(data)
        version += 1
        data["schema_version"] = version
    data.setdefault("kind", kind)
    return data
