"""`catalog export` writes the format its suffix names, and what it writes imports back unchanged."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from advisor.cli import main


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_export_then_import_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            suffix: str) -> None:
    path = tmp_path / f"catalog{suffix}"
    assert main(["catalog", "export", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text) if suffix == ".json" else tomllib.loads(text)  # the format it names
    assert len(doc["models"]) > 250
    capsys.readouterr()
    assert main(["catalog", "import", str(path), "--dry-run"]) == 0
    report = capsys.readouterr().out
    assert "0 to add, 0 to change" in report
    assert f"{len(doc['models'])} unchanged" in report


def test_an_unknown_suffix_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "export", str(tmp_path / "catalog.yaml")]) == 1
    assert "name the file .json, .toml or .csv" in capsys.readouterr().err
    assert not (tmp_path / "catalog.yaml").exists()
