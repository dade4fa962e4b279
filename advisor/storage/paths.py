"""Where the user's files live.

Every user-owned file (config, data, cache) is placed through this module. `ADVISOR_HOME`, when set,
relocates all of them under one folder (tests and portable installs use it); otherwise platformdirs
gives the platform's conventional folders. Nothing is created at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "ADVISOR_HOME"
_APP = "model-advisor"


@dataclass(frozen=True)
class UserPaths:
    """The three folders a user owns; created on first write, not on lookup."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def overlay_file(self) -> Path:
        """The user's catalog overlay: additions, overrides and hidden ids."""
        return self.data_dir / "catalog-overlay.json"

    @property
    def backups_dir(self) -> Path:
        """Rotating backups of the overlay and scenarios."""
        return self.data_dir / "backups"

    @property
    def quarantine_dir(self) -> Path:
        """Where unreadable user files are moved aside, with a timestamp."""
        return self.data_dir / "quarantine"

    @property
    def scenarios_dir(self) -> Path:
        """Default folder for saved scenarios (constraint sets)."""
        return self.data_dir / "scenarios"

    @property
    def calibrations_file(self) -> Path:
        """Speeds measured on this machine (`advisor measure`)."""
        return self.data_dir / "calibrations.json"

    @property
    def quality_cache_file(self) -> Path:
        """The fitted quality table of the last catalog ranked (rebuilt whenever its inputs change)."""
        return self.cache_dir / "quality-table.npz"

    @property
    def catalog_cache_file(self) -> Path:
        """The validated bundled catalog (rebuilt whenever the bundled files or the program change)."""
        return self.cache_dir / "bundled-catalog.pickle"

    @property
    def settings_file(self) -> Path:
        """Application settings (recent files, window state)."""
        return self.config_dir / "settings.json"


def user_paths(environ: dict[str, str] | None = None) -> UserPaths:
    """Resolve the user's folders, honouring ADVISOR_HOME."""
    env = os.environ if environ is None else environ
    home = env.get(ENV_HOME, "").strip()
    if home:
        base = Path(home).expanduser()
        return UserPaths(config_dir=base / "config", data_dir=base / "data", cache_dir=base / "cache")
    return UserPaths(
        config_dir=Path(platformdirs.user_config_dir(_APP, appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir(_APP, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(_APP, appauthor=False)),
    )
