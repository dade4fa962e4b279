"""The catalog's hosted offerings: one provider's API for a model, with its prices, lifecycle and
data terms (`schema.py` re-exports them). Prices are USD per 1,000,000 tokens."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, field_validator

from advisor.catalog.sources import MAX_PRICE_USD_PER_MTOK, MAX_TOKENS, Frozen, Sourced


class PriceTier(Frozen):
    """Prices that apply when a request's prompt exceeds a size."""

    above_input_tokens: int = Field(gt=0, le=MAX_TOKENS, description="Tier applies above this prompt size.")
    price_input_usd_per_mtok: float = Field(ge=0, le=MAX_PRICE_USD_PER_MTOK,
                                            description="Input price in this tier.")
    price_output_usd_per_mtok: float = Field(ge=0, le=MAX_PRICE_USD_PER_MTOK,
                                             description="Output price in this tier.")


class OfferingStatus(StrEnum):
    """Where an offering is in its provider's lifecycle."""

    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


class Offering(Sourced):
    """A hosted API that serves a model, with its prices and terms."""

    provider: str = Field(
        min_length=1, max_length=80, description="Provider slug (openai, anthropic, together...)."
    )
    provider_model_id: str | None = Field(
        default=None, max_length=200, description="The model's name in the provider's API."
    )
    price_input_usd_per_mtok: float = Field(
        ge=0, le=MAX_PRICE_USD_PER_MTOK, description="Price per 1M input (prompt) tokens in USD."
    )
    price_output_usd_per_mtok: float = Field(
        ge=0, le=MAX_PRICE_USD_PER_MTOK,
        description="Price per 1M output tokens in USD (reasoning tokens bill as output)."
    )
    price_cached_input_usd_per_mtok: float | None = Field(
        default=None, ge=0, le=MAX_PRICE_USD_PER_MTOK,
        description="Price per 1M cached input tokens in USD, if offered."
    )
    context_tiers: tuple[PriceTier, ...] = Field(
        default=(), description="Higher prices for long prompts, if the provider has them."
    )
    context_window_tokens: int | None = Field(
        default=None, gt=0, le=MAX_TOKENS, description="Context the provider serves (may differ from native)."
    )
    max_output_tokens: int | None = Field(
        default=None, gt=0, le=MAX_TOKENS, description="Longest answer the provider returns."
    )
    regions: tuple[str, ...] = Field(
        default=(),
        description="Where requests are processed (ISO country codes or 'EU', 'US', 'global').",
    )
    trains_on_data: bool | None = Field(
        default=None, description="Whether the provider may train on API data by default."
    )
    retention_days: int | None = Field(
        default=None, ge=0, description="How long API inputs/outputs are retained (0 = none)."
    )
    data_policy: str | None = Field(
        default=None, max_length=1000, description="The provider's data terms in plain words."
    )
    commercial_use: bool | None = Field(
        default=None,
        description="Whether the provider's terms allow commercial use of this API (None = not "
        "stated in the catalog). For hosted use these terms apply, not the weights licence.",
    )
    status: OfferingStatus = Field(
        default=OfferingStatus.ACTIVE,
        description="active; deprecated (still served, shutdown announced or pending); retired "
        "(no longer served: never ranked).",
    )
    shutdown_date: date | None = Field(
        default=None, description="Date the provider stops (or stopped) serving it, if announced."
    )
    lifecycle_source: str | None = Field(
        default=None, max_length=2000, description="Where status and shutdown date were read."
    )
    price_batch_input_usd_per_mtok: float | None = Field(
        default=None, ge=0, le=MAX_PRICE_USD_PER_MTOK,
        description="Batch-API price per 1M input tokens in USD, if offered."
    )
    price_batch_output_usd_per_mtok: float | None = Field(
        default=None, ge=0, le=MAX_PRICE_USD_PER_MTOK,
        description="Batch-API price per 1M output tokens in USD, if offered."
    )
    trial_only: bool = Field(
        default=False,
        description="A free trial or prototyping tier, not a service to deploy on (NVIDIA's API catalog "
        "at build.nvidia.com: free credits for a limited number of requests; its $0 is no price). Never "
        "ranked; the model's other offerings are.",
    )
    output_tokens_per_s: float | None = Field(
        default=None, gt=0, le=100_000,
        description="Typical published output speed of this offering (tokens/s), if measured.",
    )
    speed_source: str | None = Field(
        default=None, max_length=2000, description="Where output_tokens_per_s was read, and when."
    )

    @property
    def servable(self) -> bool:
        """Served, and as a service to build on: not retired, not a free trial."""
        return self.status is not OfferingStatus.RETIRED and not self.trial_only

    @field_validator("regions")
    @classmethod
    def _regions_upper(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v if v == "global" else v.upper() for v in value)


__all__ = ["Offering", "OfferingStatus", "PriceTier"]
