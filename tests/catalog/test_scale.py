"""Bounded scale: an import or refresh that would add more than 5,000 models asks first (the CLI
needs --yes and otherwise refuses with the count, changing nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.catalog.importing import MAX_UNASKED_ADDITIONS
from advisor.catalog.overlay import read_overlay
from advisor.catalog.store import Catalog, dump_json, load_bundled, to_document
from advisor.cli import main
from advisor.storage.paths import user_paths


def _document(tmp_path: Path, count: int) -> Path:
    base = load_bundled()
    source = base.models["openai/gpt-4o-mini"]
    models = {f"bulk/model-{n:05d}": source.model_copy(update={"id": f"bulk/model-{n:05d}",
                                                               "name": f"Bulk {n}"})
              for n in range(count)}
    file = tmp_path / f"bulk-{count}.json"
    file.write_text(dump_json(to_document(Catalog(meta=base.meta, models=models,
                                                  licenses=base.licenses, hardware={}))),
                    encoding="utf-8")
    return file


def test_the_default_limit_is_five_thousand() -> None:
    assert MAX_UNASKED_ADDITIONS == 5_000


def test_more_than_the_limit_is_refused_with_the_count_unless_confirmed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = _document(tmp_path, MAX_UNASKED_ADDITIONS + 1)
    assert main(["catalog", "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert "would add 5,001 models" in err
    assert "--yes" in err
    assert not user_paths().overlay_file.exists()  # nothing was changed
    # A dry run shows the plan without asking; picking a few needs no confirmation.
    assert main(["catalog", "import", str(file), "--dry-run"]) == 0
    assert main(["catalog", "import", str(file), "--accept", "bulk/model-00007"]) == 0
    assert set(read_overlay(user_paths().overlay_file).models) == {"bulk/model-00007"}


def test_confirmed_imports_are_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("advisor.catalog.importing.MAX_UNASKED_ADDITIONS", 10)  # a quicker save
    file = _document(tmp_path, 11)
    assert main(["catalog", "import", str(file)]) == 1
    assert "would add 11 models, more than the 10" in capsys.readouterr().err
    assert main(["catalog", "import", str(file), "--yes"]) == 0
    assert len(read_overlay(user_paths().overlay_file).models) == 11
    assert main(["catalog", "import", str(_document(tmp_path, 10))]) == 0  # at the limit: no question
