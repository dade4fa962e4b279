"""Shared fixtures: every test gets its own ADVISOR_HOME, so no test touches the real home."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.storage.paths import ENV_HOME, UserPaths, user_paths


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


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, for writes that really run out of space. Mounting needs root and a system that
    permits it (CI containers often do not): where it is refused the test is skipped, and the
    injected-ENOSPC tests cover the same code."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs",
                           str(mount_point)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"tmpfs not permitted here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def fill_disk(folder: Path) -> Path:
    """Fill the file system under `folder` to the last byte; returns the filler (delete it to free)."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:  # unbuffered: nothing left to flush at close
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler
