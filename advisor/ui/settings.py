"""The window's own state: recent scenarios, the last one open, geometry. Kept in settings.json.

A settings file that cannot be read is never fatal: the window starts with defaults and the bad file
is moved aside like any other unreadable user file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from advisor.catalog.errors import CatalogError
from advisor.catalog.schema import Frozen
from advisor.catalog.store import dump_json, read_json_file
from advisor.storage.atomic import atomic_write_text
from advisor.storage.backups import quarantine
from advisor.storage.paths import UserPaths
from advisor.storage.problems import Problem

MAX_RECENT = 8
MAX_PATH_CHARS = 4096
"""Longest path kept in the recent list (PATH_MAX on Linux, in bytes; longer is no real file)."""


class WindowSettings(Frozen):
    """What the window remembers between runs."""

    recent_scenarios: tuple[str, ...] = Field(default=(), description="Recently used scenario files.")
    last_scenario: str | None = Field(default=None, description="Scenario open when the app closed.")
    geometry_b64: str | None = Field(default=None, description="Saved window geometry (Qt, base64).")
    state_b64: str | None = Field(default=None, description="Saved splitter/dock state (base64).")

    @field_validator("recent_scenarios", mode="before")
    @classmethod
    def _trim_recent(cls, value: object) -> object:
        """Keep the first MAX_RECENT usable entries before validating: a file with 300,000 entries
        (#23) otherwise took minutes to validate and to put in the menu."""
        if not isinstance(value, list | tuple):
            return value
        kept: list[str] = []
        for entry in value:
            if isinstance(entry, str) and 0 < len(entry) <= MAX_PATH_CHARS and entry not in kept:
                kept.append(entry)
                if len(kept) == MAX_RECENT:
                    break
        return tuple(kept)

    def with_recent(self, path: Path) -> WindowSettings:
        """This settings object with `path` first among the recent files."""
        entry = str(path)
        recent = (entry, *(p for p in self.recent_scenarios if p != entry))[:MAX_RECENT]
        return self.model_copy(update={"recent_scenarios": recent, "last_scenario": entry})


def load_settings(paths: UserPaths) -> tuple[WindowSettings, str | None]:
    """The saved settings (defaults when absent) and a warning when the file was unreadable."""
    file = paths.settings_file
    if not file.exists():
        return WindowSettings(), None
    try:
        raw = read_json_file(file)
        if not isinstance(raw, dict):
            raise CatalogError([Problem(str(file), None, None, "must be a JSON object")])
        return WindowSettings.model_validate(raw), None
    except (CatalogError, ValueError) as exc:
        try:
            moved = quarantine(file, paths.quarantine_dir)
        except OSError:
            return WindowSettings(), f"Window settings in {file} could not be read ({exc}); using defaults."
        return WindowSettings(), f"Window settings could not be read; moved to {moved}, using defaults."


def save_settings(settings: WindowSettings, paths: UserPaths) -> None:
    """Write the settings atomically (errors propagate as OSError)."""
    atomic_write_text(paths.settings_file, dump_json(settings.model_dump(mode="json")))
