"""Catalog text cannot erase, move or recolour terminal lines, and cannot drop a chart: hostile names
through `catalog list/show`, `recommend`, the import and refresh previews, and the SVG charts."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.catalog.editing import OverlayEditor
from advisor.catalog.store import Catalog, dump_json, load_bundled, to_document
from advisor.cli import main
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.report.break_even_chart import break_even_svg
from advisor.report.chart import quality_cost_svg
from advisor.storage.paths import user_paths
from advisor.text import terminal_safe, xml_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Erase the line, go back to its start and up one line (hiding the lines above), recolour with a
# one-byte C1 CSI, backspace over text, ring the bell, and reverse what follows (bidi override).
HOSTILE = "Evil\x1b[2K\r\x1b[1A\x9b31m\x08\x08\x07\u202eresu\x00"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(st.text())
def test_terminal_safe_leaves_no_control_character(text: str) -> None:
    safe = terminal_safe(text)
    assert not UNSAFE.search(safe)
    assert safe.count("\n") == text.count("\n")  # lines are kept


@given(st.text())
def test_terminal_safe_json_still_parses_to_the_same_text(text: str) -> None:
    printed = terminal_safe(json.dumps({"name": text}, ensure_ascii=False))
    assert json.loads(printed) == {"name": text}


@given(st.text())
def test_xml_text_is_always_valid_xml_character_data(text: str) -> None:
    root = ET.fromstring(f'<svg><text a="{xml_text(text)}">{xml_text(text)}</text></svg>')  # noqa: S314
    assert root[0].text is None or "<" not in xml_text(root[0].text)


@given(st.text(alphabet=st.sampled_from("a&<>\"' ;#x")))
def test_xml_text_escapes_as_saxutils_does(text: str) -> None:
    from xml.sax.saxutils import escape  # noqa: PLC0415 - the reference, imported only here

    assert xml_text(text) == escape(text, {'"': "&quot;"})
    root = ET.fromstring(f'<t a="{xml_text(text)}">{xml_text(text)}</t>')  # noqa: S314
    assert root.text in (None, text)
    assert root.get("a") == text


def test_terminal_safe_shows_what_was_there() -> None:
    assert terminal_safe("a\x1b[2Kb\rc\u202ed") == "a\\u001b[2Kb\\u000dc\\u202ed"
    assert terminal_safe("tab\tand\nnewline") == "tab\tand\nnewline"


def _assert_inert(text: str) -> None:
    assert not UNSAFE.search(text), repr(UNSAFE.search(text))


@pytest.fixture
def hostile_home() -> tuple[str, str]:
    """The user's catalog with the top pick and one added model named HOSTILE; (top id, added id)."""
    base = load_bundled()
    top = recommend(base, Constraints()).top
    assert top is not None
    editor = OverlayEditor.open(user_paths(), base)
    editor.set_field(top.model_id, "name", HOSTILE)
    editor.duplicate("openai/gpt-4o-mini", "evil/copy", HOSTILE)
    editor.save()
    return top.model_id, "evil/copy"


@pytest.mark.parametrize("argv", [
    ["catalog", "list"],
    ["catalog", "list", "--format", "json"],
    ["catalog", "show", "evil/copy"],
    ["catalog", "show", "evil/copy", "--format", "json"],
    ["recommend"],
    ["recommend", "--format", "json"],
    ["recommend", "--format", "markdown"],
    ["catalog", "show", "evil/\x1b[2Jnope"],  # the error echoes what was typed
])
def test_cli_output_never_carries_raw_control_characters(hostile_home: tuple[str, str],
                                                         argv: list[str],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    main(argv)
    streams = capsys.readouterr()
    _assert_inert(streams.out + streams.err)
    if "json" in argv:
        json.loads(streams.out)  # still JSON, with the name intact


def test_the_name_still_shows_in_the_table(hostile_home: tuple[str, str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend"]) == 0
    assert terminal_safe(HOSTILE) in capsys.readouterr().out


def test_import_preview_cannot_erase_its_own_lines(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    base = load_bundled()
    model = base.models["openai/gpt-4o-mini"].model_copy(update={"id": "evil/import", "name": HOSTILE})
    cat = Catalog(meta=base.meta, models={model.id: model}, licenses=base.licenses, hardware={})
    file = tmp_path / "stranger.json"
    file.write_text(dump_json(to_document(cat)), encoding="utf-8")
    assert main(["catalog", "import", str(file), "--dry-run"]) == 0
    streams = capsys.readouterr()
    assert "evil/import" in streams.out
    _assert_inert(streams.out + streams.err)


def test_refresh_preview_cannot_erase_its_own_lines(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads((FIXTURES / "models-dev-api.json").read_text(encoding="utf-8"))
    doc["openai"]["models"]["o3-deep-research"]["name"] = HOSTILE
    file = tmp_path / "api.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["catalog", "refresh", "--from", str(file), "--dry-run"]) == 0
    streams = capsys.readouterr()
    assert "o3-deep-research" in streams.out
    _assert_inert(streams.out + streams.err)


def test_charts_with_control_characters_in_names_stay_valid_svg() -> None:
    base = load_bundled()
    models = dict(base.models)
    constraints = Constraints(tokens_per_month=50_000_000)
    top = recommend(base, constraints).top
    assert top is not None
    models[top.model_id] = models[top.model_id].model_copy(update={"name": HOSTILE})
    result = recommend(Catalog(meta=base.meta, models=models, licenses=base.licenses,
                               hardware=base.hardware), constraints)
    assert result.top is not None
    assert result.top.model_id == top.model_id
    svg = quality_cost_svg(result)
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    texts = "".join(root.itertext())
    assert "Evil" in texts  # the pick's label is there, its control characters replaced
    _assert_inert(texts)
    if result.break_even is not None:
        ET.fromstring(break_even_svg(result.break_even, 50_000_000))  # noqa: S314
