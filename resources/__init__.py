"""Bundled data: read only through advisor.bundled."""
