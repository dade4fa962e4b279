"""The one place that reads files bundled with the program (catalog, templates, icons).

Everything goes through `importlib.resources`, so the same code works from a checkout, an installed
wheel and a PyInstaller bundle: no `__file__` arithmetic, no frozen-app special cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable

_PACKAGE = "advisor.resources"


def root() -> Traversable:
    """The root of the bundled resources."""
    return resources.files(_PACKAGE)


def path(*parts: str) -> Traversable:
    """A bundled file or folder, by its parts below the resources root."""
    node = root()
    for part in parts:
        node = node / part
    return node


def read_bytes(*parts: str) -> bytes:
    """The bytes of a bundled file."""
    return path(*parts).read_bytes()


def read_text(*parts: str) -> str:
    """The UTF-8 text of a bundled file."""
    return path(*parts).read_text(encoding="utf-8")


def walk_files(*parts: str, suffix: str = "") -> Iterator[tuple[str, Traversable]]:
    """Every file below a bundled folder whose name ends with `suffix`, with its relative name,
    in a stable (sorted) order."""

    def _walk(node: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                yield from _walk(child, rel + "/")
            elif child.name.endswith(suffix):
                yield rel, child

    start = path(*parts)
    if start.is_dir():
        yield from _walk(start, "/".join(parts) + "/" if parts else "")
