"""Rendering a recommendation to HTML, Markdown, JSON and CSV; PDF through a writer the caller passes."""

from advisor.report.render import (
    PdfWriter,
    ReportError,
    csv_cell,
    export_report,
    render_csv,
    render_html,
    render_json,
    render_markdown,
    report_format,
)

__all__ = ["PdfWriter", "ReportError", "csv_cell", "export_report", "render_csv", "render_html",
           "render_json", "render_markdown", "report_format"]
