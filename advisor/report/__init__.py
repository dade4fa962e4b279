"""Rendering a recommendation to HTML, Markdown, JSON and CSV (PDF through advisor.ui.pdf)."""

from advisor.report.render import (
    ReportError,
    csv_cell,
    export_report,
    render_csv,
    render_html,
    render_json,
    render_markdown,
)

__all__ = ["ReportError", "csv_cell", "export_report", "render_csv", "render_html", "render_json",
           "render_markdown"]
