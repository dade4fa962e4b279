"""Shared fixtures: every test gets its own ADVISOR_HOME, so no test touches the real home."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.paths import ENV_HOME, UserPaths, user_paths


@pytest.fixture(autouse=True)
def advisor_home(tmp_path_factory: pytest.TempPathFactory,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every user file of the program at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("advisor-home")
    monkeypatch.setenv(ENV_HOME, str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    # Model stores `advisor installed` reads: empty stand-ins, never the real ones.
    monkeypatch.setenv("OLLAMA_MODELS", str(home / "ollama-models"))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hf-hub"))
    monkeypatch.setattr("advisor.hardware.installed.lmstudio_roots", lambda: [home / "lmstudio-models"])
    return home


@pytest.fixture
def paths(advisor_home: Path) -> UserPaths:
    """The user paths inside the test's ADVISOR_HOME."""
    return user_paths()
