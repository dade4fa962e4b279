"""Rendering a recommendation to HTML, Markdown, PDF, JSON and CSV."""
