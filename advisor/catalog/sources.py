"""The base of every catalog type: frozen, unknown keys refused, facts with a source and a date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base of every catalog type: immutable, unknown keys rejected, numbers finite (a NaN or an
    infinity in a user's file is an error naming the field, never a value the ranking computes on).
    Validators are built on first use (`defer_build`): the bundled catalog comes from the cache
    unvalidated, so a command that validates no catalog entry never pays for building them."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False,
                              defer_build=True)


SourceText = Annotated[
    str,
    Field(min_length=1, max_length=2000, description="URL or document the fact was read from."),
]


MAX_PRICE_USD_PER_MTOK = 10_000.0
"""Upper bound for a price per 1M tokens (the dearest APIs are near $600): above it, a typo."""
MAX_TOKENS = 100_000_000
"""Upper bound for a context or an answer in tokens (the longest windows are 10M)."""
MAX_PARAMS_B = 100_000.0
"""10^14 parameters, in billions; the smallest accepted is 10^6 (0.001 B)."""
MIN_PARAMS_B = 0.001
MAX_BANDWIDTH_GBS = 100_000.0
"""100 TB/s: an order of magnitude above any memory system sold (8 TB/s HBM3e)."""
MAX_MEMORY_GB = 100_000.0
"""100 TB of memory in one device or machine."""


class Sourced(Frozen):
    """A fact or group of facts with its provenance."""

    source: SourceText
    as_of: date = Field(description="Date the fact was read from its source (ISO 8601).")
