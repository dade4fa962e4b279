"""Reports: structure, one JSON contract, hostile strings inert in every format."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from advisor.catalog.store import Catalog, load_bundled
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.report import ReportError, export_report, render_csv, render_html, render_json, render_markdown

HOSTILE = ['<script>alert(1)</script>', '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0",
           "@SUM(1)", "| pipes | [x](javascript:alert(1))"]


@pytest.fixture(scope="module")
def hostile_result() -> RecommendationResult:
    base = load_bundled()
    models = dict(base.models)
    for i, name in enumerate(HOSTILE):
        src = models["openai/gpt-4o-mini"]
        m = src.model_copy(update={"id": f"evil/model-{i}", "name": name})
        models[m.id] = m
    cat = Catalog(meta=base.meta, models=models, licenses=base.licenses, hardware=base.hardware)
    return recommend(cat, Constraints(top_n=200))


def test_json_is_the_cli_contract(hostile_result: RecommendationResult) -> None:
    assert json.loads(render_json(hostile_result)) == json.loads(json.dumps(hostile_result.to_json()))


def test_html_is_self_contained_and_inert(hostile_result: RecommendationResult) -> None:
    html = render_html(hostile_result)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html

    urls: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
            urls.extend(v or "" for k, v in attrs if k in {"src", "href"})

    Links().feed(html)
    assert urls == []
    for heading in ("Your constraints", "Ranking", "Assumptions", "Excluded models"):
        assert heading in html


def test_markdown_tables_keep_their_columns(hostile_result: RecommendationResult) -> None:
    text = render_markdown(hostile_result)
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    ranking = [r for r in rows if r.count(" | ") >= 7]
    assert ranking
    for row in ranking:
        assert row.replace("\\|", "").count("|") == 9
    assert "<script>" not in text
    assert "](javascript" not in text


def test_csv_neutralises_formulas(hostile_result: RecommendationResult) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(hostile_result))))
    names = [r[2] for r in rows[1:]]
    for cell in names:
        assert not cell.startswith(("=", "+", "@", "-"))
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names


def test_export_picks_format_from_extension(tmp_path: Path, hostile_result: RecommendationResult) -> None:
    for ext in (".html", ".md", ".json", ".csv"):
        path = tmp_path / f"report{ext}"
        export_report(hostile_result, path)
        assert path.stat().st_size > 100
    with pytest.raises(ReportError):
        export_report(hostile_result, tmp_path / "report.docx")
