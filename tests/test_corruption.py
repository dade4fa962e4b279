"""Damaged user files never stop the program: truncated, zero-byte, wrong-version, wrong-encoding and
unreadable overlays, scenarios and settings are refused in words; a damaged overlay is moved aside
(a newer version's or an unreadable one is left alone, see tests/catalog/test_saves.py) and the
bundled catalog used; scenarios are refused without touching the file."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import Overlay, load_catalog, write_overlay
from advisor.catalog.store import load_bundled
from advisor.cli import main
from advisor.recommend.scenario import Scenario, load_scenario, save_scenario
from advisor.storage.paths import UserPaths


def _valid_overlay(paths: UserPaths) -> bytes:
    base = load_bundled()
    model = base.models["openai/gpt-4o-mini"].model_copy(update={"name": "Edited"})
    write_overlay(Overlay(models={model.id: model}, hidden=frozenset({"qwen/qwen3-8b"})), paths)
    return paths.overlay_file.read_bytes()


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda good: good[: len(good) // 2],
    "zero-byte": lambda _good: b"",
    "wrong-version": lambda good: re.sub(rb'"schema_version": \d+', b'"schema_version": 99', good),
    "wrong-encoding": lambda good: good.decode("utf-8").encode("utf-16"),
    "binary": lambda _good: bytes(range(256)) * 4,
}
WORDS = {"truncated": "not valid JSON", "zero-byte": "not valid JSON", "wrong-version": "newer than this",
         "wrong-encoding": "not UTF-8", "binary": "not UTF-8"}


@pytest.fixture
def paths(tmp_path: Path) -> UserPaths:
    return UserPaths(config_dir=tmp_path / "config", data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")


@pytest.mark.parametrize("damage", sorted(set(DAMAGE) - {"wrong-version"}))  # newer: test_saves.py
def test_damaged_overlay_is_moved_aside_and_the_bundled_catalog_used(paths: UserPaths, damage: str) -> None:
    bad = DAMAGE[damage](_valid_overlay(paths))
    paths.overlay_file.write_bytes(bad)
    catalog = load_catalog(paths)
    assert catalog.models["openai/gpt-4o-mini"].name == "GPT-4o mini"  # bundled
    assert len(catalog.warnings) == 1
    assert WORDS[damage] in catalog.warnings[0]
    moved = list(paths.quarantine_dir.iterdir())
    assert [m.read_bytes() for m in moved] == [bad]  # kept, byte for byte, for the user to inspect
    assert str(moved[0]) in catalog.warnings[0]
    assert not paths.overlay_file.exists()


def test_unreadable_overlay_is_reported_and_the_program_runs(paths: UserPaths,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # A folder where the file should be cannot be read by anyone (root included), like a file
    # without read permission.
    paths.overlay_file.mkdir(parents=True)
    catalog = load_catalog(paths)
    assert "cannot be read" in catalog.warnings[0]
    assert paths.overlay_file.is_dir()  # an error from the system, not damage: left where it is
    assert len(catalog.models) == len(load_bundled().models)
    monkeypatch.setenv("ADVISOR_HOME", str(paths.config_dir.parent))
    assert main(["recommend", "--format", "json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["recommendations"]


def test_editor_on_a_damaged_overlay_starts_clean_and_saves(paths: UserPaths) -> None:
    paths.overlay_file.parent.mkdir(parents=True)
    paths.overlay_file.write_bytes(b"\x00\x01\x02")
    editor = OverlayEditor.open(paths)
    assert "moved to" in editor.warnings[0]
    editor.hide("qwen/qwen3-8b")
    editor.save()
    assert "qwen/qwen3-8b" in load_catalog(paths).hidden


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_scenario_is_refused_in_words_and_left_alone(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "team.json"
    save_scenario(Scenario(name="team"), path)
    bad = DAMAGE[damage](path.read_bytes())
    path.write_bytes(bad)
    with pytest.raises(CatalogError) as info:
        load_scenario(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == bad


def test_scenario_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot be read"):
        load_scenario(tmp_path)
