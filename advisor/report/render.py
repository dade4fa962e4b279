"""Rendering a recommendation: JSON (the CLI contract), Markdown, CSV and self-contained HTML.

Catalog text is user-editable and importable, so every string is escaped for its format: HTML goes
through an autoescaping jinja2 template; Markdown escapes its control characters; CSV cells that a
spreadsheet would run as a formula are prefixed with an apostrophe (OWASP CSV-injection advice).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import jinja2

from advisor import APP_NAME, bundled
from advisor.errors import AdvisorError
from advisor.recommend.constraints import FACTOR_LABELS
from advisor.recommend.result import Recommendation, RecommendationResult
from advisor.report.break_even_chart import break_even_svg
from advisor.report.chart import chart_caption, quality_cost_svg
from advisor.report.labels import license_label, money, ranking_cells
from advisor.storage.atomic import atomic_write_text

PAPER_SIZES = ("a4", "letter")

class ReportError(AdvisorError):
    """The report cannot be written as asked (unknown format, unwritable place)."""


class PdfWriter(Protocol):
    """Lays report HTML out on pages and writes the PDF atomically; returns the page count.

    Drawing a PDF needs Qt, which the report layer must not import: the caller that has Qt (the
    window, or the command line when asked for a PDF) passes `advisor.ui.pdf.write_pdf` in.
    """

    def __call__(self, html: str, path: Path, *, chart_svg: str | None = ..., chart_marker: str = ...,
                 extra_charts: Sequence[tuple[str, str]] = ..., paper: str = ..., title: str = ...,
                 footer: str = ..., progress: Callable[[float, str], None] | None = ...) -> int: ...


def render_json(result: RecommendationResult) -> str:
    """Exactly the `advisor recommend --format json` object."""
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def md(text: object) -> str:
    """Markdown-escaped text on one line (no raw HTML, links or table breaks from data)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def render_markdown(result: RecommendationResult) -> str:
    """A report that renders well on GitHub and GitLab."""
    c = result.constraints
    out = [f"# {APP_NAME} recommendation", "",
           f"Generated {result.generated_at:%Y-%m-%d %H:%M} UTC with {APP_NAME} {md(result.app_version)}; "
           f"catalog {md(result.catalog_version)} (facts as of {md(result.catalog_as_of)}).", ""]
    top = result.top
    if top:
        out += ["## Recommendation", "", f"**{md(top.name)}** — {md(top.deployment.summary())}, "
                f"score {top.score:.1f}/100.", ""]
        out += [f"- {md(line)}" for line in top.explanation] + [""]
    langs = ", ".join(n.code + ("" if n.required else " (nice)") for n in c.languages)
    out += ["## Your constraints", "",
            f"- Hardware: {md(c.hardware.describe() if c.hardware else 'none (hosted APIs only)')}",
            f"- Deployment: {md(c.deployment.value)}; data must stay local: "
            f"{'yes' if c.data_must_stay_local else 'no'}",
            f"- Budget: {md('none' if c.budget_usd_month is None else f'${c.budget_usd_month:,.2f}/month')}; "
            f"volume {c.tokens_per_month:,} tokens/month, output share {c.output_share:.0%}",
            f"- Licence policy: {md(c.license_policy.value)}; tasks: "
            f"{md(', '.join(f'{t.value} x{w:g}' for t, w in c.tasks.items()))}",
            f"- Languages: {md(langs or 'any')}; "
            f"minimum context {c.min_context_tokens:,} tokens", ""]
    out += ["## Ranking", "",
            "| # | Model | Score | Runs as | Memory | Tokens/s | Per month | Licence | Confidence |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in result.shown():
        cells = ranking_cells(r)  # the window's ranking table shows the same cells
        out.append(f"| {r.rank} | {md(r.name)} | {r.score:.1f} | {md(cells.runs)} | {md(cells.memory)} | "
                   f"{md(cells.speed)} | {md(cells.cost)} | {md(cells.licence)} | {md(cells.confidence)} |")
    out.append("")
    out += _markdown_front(result)
    if result.break_even is not None:
        be = result.break_even
        out += ["## Self-hosting or an API: break-even", "", md(be.note), "",
                "| Tokens/month | Self-hosted | API |", "|---|---|---|"]
        out += [f"| {p.tokens_per_month:,} | ${p.local_usd:,.2f} | ${p.api_usd:,.2f} |"
                for p in be.curve[::3]]
        out.append("")
    if result.counterfactuals:
        out += ["## What would change the pick", ""]
        out += [f"- {md(cf.change)} → {md(cf.new_top_name)}" for cf in result.counterfactuals] + [""]
    if result.excluded:
        out += ["## Excluded models", "", "| Model | Why |", "|---|---|"]
        out += [f"| {md(e.name)} | {md('; '.join(e.reasons))} |" for e in result.excluded] + [""]
    out += ["## Each model, explained", ""]
    for rec in result.shown():
        out += _markdown_model(rec)
    out += ["## Assumptions", ""] + [f"- {md(a)}" for a in result.assumptions] + [""]
    out += ["## Sources", "", f"Catalog {md(result.catalog_version)}, facts checked as of "
            f"{md(result.catalog_as_of)}. Every fact carries its source and the date it was read; the "
            "sources behind each ranked model are listed under it above.", ""]
    out += [f"- {md(w)}" for w in result.warnings]
    return "\n".join(out)


def _markdown_front(result: RecommendationResult) -> list[str]:
    """The quality-versus-cost picture as a table: Markdown cannot carry the SVG chart."""
    ids = set(result.pareto_front)
    front = sorted((r for r in result.recommendations
                    if r.model_id in ids and r.quality is not None and r.deployment.cost_known),
                   key=lambda r: r.deployment.monthly_cost_usd)
    if not front:
        return []
    out = ["## Quality versus monthly cost", "",
           "The Pareto front: no other model that meets your constraints is both better and cheaper.", "",
           "| Model | Quality | Per month | Runs as |", "|---|---|---|---|"]
    out += [f"| {md(r.name)}{' (pick)' if r.rank == 1 else ''} | {r.quality:.0f} | "
            f"{md(money(r.deployment.monthly_cost_usd))} | {md(r.deployment.summary())} |" for r in front]
    return [*out, ""]


def _markdown_model(rec: Recommendation) -> list[str]:
    d = rec.deployment
    out = [f"### {rec.rank}. {md(rec.name)} ({md(rec.vendor)})", "",
           f"{md(d.summary())} · {md(d.cost_text(money))}/month · "
           f"{md(license_label(rec.license_class))} ({md(rec.license_name)}) · score {rec.score:.1f}/100 · "
           f"confidence {md(rec.confidence.label())}", ""]
    out += [f"- {md(line)}" for line in rec.explanation]
    out += [f"- **Before you choose it:** {md(w)}" for w in rec.warnings]
    out += ["", "| Factor | Value | Weight | Points |", "|---|---:|---:|---:|"]
    for factor, label in FACTOR_LABELS.items():
        weight = rec.weights.get(factor, 0.0)
        if weight > 0:
            out.append(f"| {label} | {rec.factor_values.get(factor, 0.0):.2f} | {weight:.0%} | "
                       f"{rec.score_breakdown.get(factor, 0.0):.1f} |")
    out += [f"| **Score** | | | **{rec.score:.1f}** |", ""]
    notes = list(d.cost_notes) + [f"Alternatively {a.summary()}: {a.cost_text(money)}/month"
                                  for a in rec.alternatives[:3]]
    if notes:
        out += ["How it would run:", ""] + [f"- {md(n)}" for n in notes] + [""]
    if rec.sources:
        out += ["Sources:", ""] + [f"- {md(src)}" for src in rec.sources] + [""]
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Neutralise text a spreadsheet would execute; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(result: RecommendationResult) -> str:
    """One row per model: the ranked ones, then the excluded ones with their reasons."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["rank", "model_id", "name", "score", "mode", "quantization", "provider",
                     "memory_gb", "decode_tokens_per_s", "monthly_cost_usd", "license", "license_class",
                     "confidence", "excluded_because", "answer_tokens_per_s"])
    for r in result.recommendations:
        d = r.deployment
        writer.writerow([csv_cell(v) for v in (
            r.rank, r.model_id, r.name, round(r.score, 1), d.mode, d.quantization or "", d.provider or "",
            "" if d.memory_gb is None else round(d.memory_gb, 2),
            "" if d.decode_tokens_per_s is None else round(d.decode_tokens_per_s, 1),
            round(d.monthly_cost_usd, 2) if d.cost_known else "", r.license_id, r.license_class,
            r.confidence.level, "",
            "" if d.answer_tokens_per_s is None else round(d.answer_tokens_per_s, 1))])
    for e in result.excluded:
        writer.writerow([csv_cell(v) for v in ("", e.model_id, e.name, "", "", "", "", "", "", "", "", "", "",
                                               "; ".join(e.reasons), "")])
    return buf.getvalue()


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                              loader=jinja2.FunctionLoader(lambda name: bundled.read_text("report", name)))


def _front_names(result: RecommendationResult) -> list[str]:
    names = {r.model_id: r for r in result.recommendations}
    front = [names[m] for m in result.pareto_front if m in names]
    return [r.name for r in sorted(front, key=lambda r: r.deployment.monthly_cost_usd)]


def _render(result: RecommendationResult, *, pdf: bool, chart_marker: str = "") -> str:
    template = _environment().get_template("report.html")
    css = bundled.read_text("report", "report_pdf.css" if pdf else "report.css")
    # The SVG is built by chart.py with every catalog string XML-escaped; the template marks it safe.
    chart = "" if pdf else quality_cost_svg(result)
    be_chart = "" if pdf or result.break_even is None else break_even_svg(
        result.break_even, result.constraints.tokens_per_month)
    return template.render(r=result, app=APP_NAME, css=css, pdf=pdf, chart=chart, chart_marker=chart_marker,
                           break_even_chart=be_chart, break_even_marker=BREAK_EVEN_MARKER if pdf else "",
                           chart_caption=chart_caption(result), front_names=_front_names(result),
                           factor_labels=FACTOR_LABELS, money=money, license_label=license_label,
                           ranking_cells=ranking_cells)


def render_html(result: RecommendationResult) -> str:
    """One self-contained HTML file: inline CSS and SVG chart, no scripts, no network."""
    return _render(result, pdf=False)


CHART_MARKER = "@@quality-cost-chart@@"
BREAK_EVEN_MARKER = "@@break-even-chart@@"


def render_pdf_html(result: RecommendationResult) -> str:
    """The same report for Qt's rich-text engine: a CSS subset it understands, and a marker paragraph
    where the PDF writer draws the chart as vectors."""
    return _render(result, pdf=True, chart_marker=CHART_MARKER)


def _write_pdf(result: RecommendationResult, path: Path, paper: str,
               progress: Callable[[float, str], None], pdf_writer: PdfWriter | None) -> None:
    if pdf_writer is None:
        raise ReportError("a PDF report needs a PDF writer (the window's, advisor.ui.pdf.write_pdf); "
                          "export HTML and print it, or pass pdf_writer")
    title = f"{APP_NAME} recommendation"
    if result.top:
        title += f": {result.top.name}"
    try:
        extra = () if result.break_even is None else (
            (BREAK_EVEN_MARKER, break_even_svg(result.break_even, result.constraints.tokens_per_month)),)
        pdf_writer(render_pdf_html(result), path, chart_svg=quality_cost_svg(result),
                   chart_marker=CHART_MARKER, extra_charts=extra, paper=paper, title=title,
                   footer=f"{APP_NAME} recommendation, {result.generated_at:%Y-%m-%d}", progress=progress)
    except OSError as exc:  # the writer's own error (advisor.ui.pdf.PdfError) is an OSError
        raise ReportError(str(exc)) from exc


RENDERERS: dict[str, Callable[[RecommendationResult], str]] = {
    "json": render_json, "markdown": render_markdown, "csv": render_csv, "html": render_html,
}
EXTENSIONS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".csv": "csv",
              ".html": "html", ".htm": "html", ".pdf": "pdf"}


def report_format(path: Path, fmt: str | None = None) -> str:
    """The format a report to `path` is written in: `fmt`, else the one the file's extension names."""
    chosen = fmt or EXTENSIONS.get(path.suffix.lower())
    if chosen is None:
        raise ReportError(f"cannot tell the report format from '{path.name}'; "
                          "use .html, .pdf, .md, .json or .csv")
    return chosen


def export_report(result: RecommendationResult, path: Path, fmt: str | None = None,
                  progress: Callable[[float, str], None] | None = None, paper: str = "a4",
                  pdf_writer: PdfWriter | None = None) -> None:
    """Write the report; the format comes from `fmt` or the file's extension. A PDF needs
    `pdf_writer` (see PdfWriter); without one, asking for a PDF is a ReportError."""
    report = progress or (lambda _f, _m: None)
    chosen = report_format(path, fmt)
    if paper not in PAPER_SIZES:
        raise ReportError(f"unknown paper size '{paper}'; use a4 or letter")
    if not path.parent.is_dir():
        raise ReportError(f"cannot write {path}: the folder {path.parent} does not exist")
    if chosen == "pdf":
        _write_pdf(result, path, paper, report, pdf_writer)
        return
    report(0.1, "Rendering")
    text = RENDERERS[chosen](result)
    report(0.8, "Writing")
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror}") from exc
    report(1.0, "Done")
