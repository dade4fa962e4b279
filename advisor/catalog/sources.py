"""The base of every catalog type: frozen, unknown keys refused, facts with a source and a date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base of every catalog type: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


SourceText = Annotated[
    str,
    Field(min_length=1, max_length=2000, description="URL or document the fact was read from."),
]


class Sourced(Frozen):
    """A fact or group of facts with its provenance."""

    source: SourceText
    as_of: date = Field(description="Date the fact was read from its source (ISO 8601).")
