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
    return recommend(cat, Constraints(top_n=1000))  # every model shown: the copies' rank is not the point


def test_json_report_carries_the_ranking_and_the_catalog_text_verbatim(
        hostile_result: RecommendationResult) -> None:
    text = render_json(hostile_result)
    assert text.endswith("}\n")
    data = json.loads(text)
    assert set(data) == {"catalog", "app_version", "generated_at", "constraints", "recommendations",
                         "excluded", "counterfactuals", "pareto_front", "assumptions", "warnings",
                         "break_even"}
    shown = hostile_result.shown()
    assert [r["model_id"] for r in data["recommendations"]] == [r.model_id for r in shown]
    assert [r["rank"] for r in data["recommendations"]] == list(range(1, len(shown) + 1))
    assert data["catalog"]["models"] == hostile_result.catalog_models
    assert Constraints.model_validate(data["constraints"]) == hostile_result.constraints
    # JSON needs no escaping of markup or formulas: a reader gets the names exactly as catalogued.
    names = {r["model_id"]: r["name"] for r in data["recommendations"]}
    hostile = {f"evil/model-{i}": name for i, name in enumerate(HOSTILE)}
    assert hostile.keys() <= names.keys()
    assert all(names[mid] == name for mid, name in hostile.items())


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
        assert row.replace("\\|", "").count("|") == 10  # 9 columns, as the window shows them
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


def test_svg_chart_is_well_formed_and_inert(hostile_result: RecommendationResult) -> None:
    from xml.etree import ElementTree as ET  # noqa: PLC0415

    from advisor.report.chart import chart_points, quality_cost_svg  # noqa: PLC0415

    svg = quality_cost_svg(hostile_result)
    root = ET.fromstring(svg)  # noqa: S314  (our own output, parsed to prove it is well-formed)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    marks = root.findall(f"{ns}circle") + root.findall(f"{ns}rect")
    plotted = chart_points(hostile_result)
    # every plotted model is one mark with a tooltip naming it (the plot area and legend add 4)
    titles = [t.text or "" for m in marks for t in m.findall(f"{ns}title")]
    assert len(titles) == len(plotted)
    assert any(t.startswith("<script>alert(1)</script>") for t in titles)  # the text, not markup
    assert "<script" not in svg
    assert root.findall(f"{ns}polyline"), "the Pareto front is drawn"
    assert not [e for e in root.iter() if e.tag in {f"{ns}script", f"{ns}a", f"{ns}foreignObject"}]


def test_html_report_carries_chart_and_every_shown_model(hostile_result: RecommendationResult) -> None:
    html = render_html(hostile_result)
    assert html.count("<svg ") == 1
    shown = hostile_result.shown()
    assert html.count('<div class="model">') == len(shown)
    assert html.count('<table class="breakdown"') == len(shown)
    for rec in shown[:3]:
        assert f"{rec.score:.1f}" in html
    assert "Quality versus monthly cost" in html
    assert "What would change the pick" in html or not hostile_result.counterfactuals


def test_markdown_explains_every_shown_model(hostile_result: RecommendationResult) -> None:
    text = render_markdown(hostile_result)
    shown = hostile_result.shown()
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert len(headings) == len(shown)
    assert text.count("| **Score** |") == len(shown)
    assert "## Quality versus monthly cost" in text


def test_pdf_without_a_writer_is_a_clear_error(tmp_path: Path, hostile_result: RecommendationResult) -> None:
    with pytest.raises(ReportError, match="needs a PDF writer"):
        export_report(hostile_result, tmp_path / "report.pdf")
    assert not list(tmp_path.iterdir())


def test_pdf_goes_through_the_writer_the_caller_passes(tmp_path: Path,
                                                       hostile_result: RecommendationResult) -> None:
    calls: list[tuple[str, Path, dict[str, object]]] = []

    def writer(html: str, path: Path, **kwargs: object) -> int:
        calls.append((html, path, kwargs))
        return 3

    export_report(hostile_result, tmp_path / "r.pdf", paper="letter", pdf_writer=writer)
    [(html, path, kwargs)] = calls
    assert path == tmp_path / "r.pdf"
    assert kwargs["paper"] == "letter"
    assert str(kwargs["chart_marker"]) in html  # the writer is told where to draw the chart
    assert "<svg" in str(kwargs["chart_svg"])

    def failing(html: str, path: Path, **kwargs: object) -> int:
        raise OSError(f"cannot write {path}: disk full")  # what advisor.ui.pdf.PdfError is

    with pytest.raises(ReportError, match="disk full"):
        export_report(hostile_result, tmp_path / "r.pdf", pdf_writer=failing)


def test_export_into_a_missing_folder_is_a_clear_error(tmp_path: Path,
                                                      hostile_result: RecommendationResult) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        export_report(hostile_result, tmp_path / "nope" / "report.html")
    with pytest.raises(ReportError, match="paper"):
        export_report(hostile_result, tmp_path / "report.pdf", paper="a3", pdf_writer=lambda *_a, **_k: 1)
