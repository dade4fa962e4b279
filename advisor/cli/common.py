"""What every command-line module shares: the user-error type, output, loading the user's catalog.

Kept free of heavy imports: `advisor --version` must not load pydantic or Qt.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from advisor.catalog.schema import Model
    from advisor.catalog.store import Catalog


class UserError(AdvisorError):
    """Something the user can fix; printed as one `advisor: error:` line, exit 1."""


def out(text: str, stream: TextIO | None = None) -> None:
    """Write one line (a newline is added if missing) to stdout or `stream`. Control and escape
    characters are shown as codes: catalog text cannot erase, move or recolour lines."""
    from advisor.text import terminal_safe  # noqa: PLC0415 - standard library only

    safe = terminal_safe(text)
    (stream or sys.stdout).write(safe if safe.endswith("\n") else safe + "\n")


def load_user_catalog() -> Catalog:
    """The bundled catalog with the user's overlay; its warnings go to stderr."""
    from advisor.catalog.overlay import load_catalog  # noqa: PLC0415 - keep start-up light
    from advisor.storage.paths import user_paths  # noqa: PLC0415

    catalog = load_catalog(user_paths())
    for warning in catalog.warnings:
        out(f"advisor: warning: {warning}", sys.stderr)
    return catalog


def unknown(value: object, fmt: str) -> str:
    """`fmt` applied to a value, or the word unknown."""
    return "unknown" if value is None else fmt.format(value)


def model_or_error(catalog: Catalog, model_id: str) -> Model:
    """The catalog's model with that id, or a UserError that suggests the nearest ids."""
    model = catalog.models.get(model_id)
    if model is None:
        from advisor.cli.options import unknown_id  # noqa: PLC0415

        raise UserError(unknown_id("model with id", model_id, catalog.models, "advisor catalog list"))
    return model
