"""Shared catalog fixtures: the bundled catalog (loaded once per module) and a throwaway user home."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.catalog.store import Catalog, load_bundled
from advisor.storage.paths import UserPaths


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_bundled()


@pytest.fixture
def paths(tmp_path: Path) -> UserPaths:
    return UserPaths(config_dir=tmp_path / "config", data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
