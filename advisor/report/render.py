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
from collections.abc import Callable
from pathlib import Path

import jinja2

from advisor import APP_NAME, bundled
from advisor.files import atomic_write_text
from advisor.recommend.result import RecommendationResult


class ReportError(ValueError):
    """The report cannot be written as asked (unknown format, unwritable place)."""


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
    out += ["## Ranking", "", "| # | Model | Score | Runs as | Memory | Tokens/s | Per month | Licence |",
            "|---|---|---|---|---|---|---|---|"]
    for r in result.shown():
        d = r.deployment
        mem = f"{d.memory_gb:.1f} / {d.available_gb:.0f} GB" if d.memory_gb and d.available_gb else ""
        tps = f"{d.decode_tokens_per_s:.0f}" if d.decode_tokens_per_s else ""
        out.append(f"| {r.rank} | {md(r.name)} | {r.score:.1f} | {md(d.summary())} | {mem} | {tps} | "
                   f"${d.monthly_cost_usd:,.2f} | {md(r.license_class)} |")
    out.append("")
    if result.counterfactuals:
        out += ["## What would change the pick", ""]
        out += [f"- {md(cf.change)} → {md(cf.new_top_name)}" for cf in result.counterfactuals] + [""]
    if result.excluded:
        out += ["## Excluded models", "", "| Model | Why |", "|---|---|"]
        out += [f"| {md(e.name)} | {md('; '.join(e.reasons))} |" for e in result.excluded] + [""]
    out += ["## Assumptions", ""] + [f"- {md(a)}" for a in result.assumptions] + [""]
    if top:
        out += ["## Sources", ""] + [f"- {md(s)}" for s in top.sources] + [""]
    return "\n".join(out)


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
                     "confidence", "excluded_because"])
    for r in result.recommendations:
        d = r.deployment
        writer.writerow([csv_cell(v) for v in (
            r.rank, r.model_id, r.name, round(r.score, 1), d.mode, d.quantization or "", d.provider or "",
            "" if d.memory_gb is None else round(d.memory_gb, 2),
            "" if d.decode_tokens_per_s is None else round(d.decode_tokens_per_s, 1),
            round(d.monthly_cost_usd, 2), r.license_id, r.license_class, r.confidence.level, "")])
    for e in result.excluded:
        writer.writerow([csv_cell(v) for v in ("", e.model_id, e.name, "", "", "", "", "", "", "", "", "", "",
                                               "; ".join(e.reasons))])
    return buf.getvalue()


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                              loader=jinja2.FunctionLoader(lambda name: bundled.read_text("report", name)))


def render_html(result: RecommendationResult) -> str:
    """One self-contained HTML file: inline CSS, no scripts, no network."""
    template = _environment().get_template("report.html")
    return template.render(r=result, app=APP_NAME, css=bundled.read_text("report", "report.css"))


RENDERERS: dict[str, Callable[[RecommendationResult], str]] = {
    "json": render_json, "markdown": render_markdown, "csv": render_csv, "html": render_html,
}
EXTENSIONS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".csv": "csv",
              ".html": "html", ".htm": "html", ".pdf": "pdf"}


def export_report(result: RecommendationResult, path: Path, fmt: str | None = None,
                  progress: Callable[[float, str], None] | None = None) -> None:
    """Write the report; the format comes from `fmt` or the file's extension."""
    report = progress or (lambda _f, _m: None)
    chosen = fmt or EXTENSIONS.get(path.suffix.lower())
    if chosen is None:
        raise ReportError(f"cannot tell the report format from '{path.name}'; use .html, .md, .json or .csv")
    if chosen == "pdf":
        raise ReportError("PDF reports are not available in this version; export HTML and print it to PDF")
    report(0.1, "Rendering")
    text = RENDERERS[chosen](result)
    report(0.8, "Writing")
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror}") from exc
    report(1.0, "Done")
