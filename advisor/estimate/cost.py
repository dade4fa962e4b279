"""Monthly cost of hosted API bills, and the cost settings of running on your own hardware
(`capacity.py` computes that cost, with the busy hours and machines it takes)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from advisor.catalog.schema import Offering
from advisor.estimate.electricity import DEFAULT as DEFAULT_ELECTRICITY

F = TypeVar("F", float, npt.NDArray[np.float64])
B = TypeVar("B", bool, npt.NDArray[np.bool_])

EIA_RESIDENTIAL_USD_PER_KWH = DEFAULT_ELECTRICITY.usd_per_kwh
"""U.S. average residential electricity price, January 2024: 15.45 cents/kWh (EIA Electricity
Monthly Update; `electricity.DEFAULT` holds it with its source, beside the other regions)."""


class Usage(BaseModel):
    """How many tokens a month, and how they split."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    tokens_per_month: int = Field(ge=0, description="Input + output tokens per month")
    output_share: float = Field(default=0.25, ge=0, le=1,
                                description="Share of tokens that are output (0.25 = 3:1)")
    reasoning_overhead: float = Field(
        default=1.0, ge=0,
        description="Thinking tokens per output token for reasoning models (billed as output)")
    cached_input_share: float = Field(default=0.0, ge=0, le=1,
                                      description="Share of input tokens served from a prompt cache")


class CostSettings(BaseModel):
    """Overridable cost defaults (shown in the assumptions of every result)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    power_price_usd_per_kwh: float = Field(
        default=EIA_RESIDENTIAL_USD_PER_KWH, ge=0,
        description="Electricity price in USD per kWh (default: U.S. residential average, EIA Jan 2024)")
    amortization_months: int = Field(
        default=36, ge=1, description="Months over which bought hardware is written off")
    count_hardware_purchase: bool = Field(
        default=False,
        description="Add the hardware price written off monthly (off: you already own it)")


@dataclass(frozen=True)
class Cost:
    """A monthly cost with the arithmetic behind it."""

    monthly_usd: float
    notes: list[str] = field(default_factory=list)


def api_bill_usd(usage: Usage, price_in: F, price_out: F, price_cached: F, reasoning: B) -> F:
    """Monthly bill in USD: input and output tokens at the prices (per 1M tokens), thinking tokens
    billed as output for reasoning models, cached input at the cached price (NaN = no such price).
    Takes plain floats or numpy arrays (the ranking prices every offering at once)."""
    out = usage.tokens_per_month * usage.output_share
    inp = usage.tokens_per_month - out
    thinking = np.where(reasoning, out * usage.reasoning_overhead, 0.0)
    no_cache_price = np.isnan(price_cached)
    cached = np.where(no_cache_price, 0.0, inp * usage.cached_input_share)
    return ((inp - cached) * price_in + cached * np.where(no_cache_price, 0.0, price_cached)  # type: ignore[no-any-return]
            + (out + thinking) * price_out) / 1e6


def offering_prices(offering: Offering, batch: bool = False) -> tuple[float, float, bool]:
    """Input and output price per 1M tokens, and whether they are the batch prices (asked for, and
    the provider publishes both)."""
    b_in, b_out = offering.price_batch_input_usd_per_mtok, offering.price_batch_output_usd_per_mtok
    if batch and b_in is not None and b_out is not None:
        return b_in, b_out, True
    return offering.price_input_usd_per_mtok, offering.price_output_usd_per_mtok, False


def api_monthly_cost(offering: Offering, usage: Usage, reasoning: bool = False, batch: bool = False) -> Cost:
    """Input and output tokens at the offering's prices; thinking tokens bill as output."""
    cached_price = offering.price_cached_input_usd_per_mtok
    price_in, price_out, _ = offering_prices(offering, batch)
    cost = float(api_bill_usd(usage, price_in, price_out,
                              math.nan if cached_price is None else cached_price, reasoning))
    return Cost(cost, api_cost_notes(offering, usage, reasoning, batch))


def api_cost_notes(offering: Offering, usage: Usage, reasoning: bool = False,
                   batch: bool = False) -> list[str]:
    """How an API bill is made up, in words."""
    out = usage.tokens_per_month * usage.output_share
    inp = usage.tokens_per_month - out
    thinking = out * usage.reasoning_overhead if reasoning else 0.0
    price_in, price_out, batch_priced = offering_prices(offering, batch)
    cached_price = offering.price_cached_input_usd_per_mtok
    cached = inp * usage.cached_input_share if cached_price is not None else 0.0
    cache_part = f" + {cached / 1e6:,.1f}M cached input x ${cached_price:g}/M" if cached else ""
    notes = [f"{(inp - cached) / 1e6:,.1f}M input x ${price_in:g}/M{cache_part} + "
             f"{(out + thinking) / 1e6:,.1f}M output x ${price_out:g}/M"]
    if batch_priced:
        notes.append("batch prices (answers within the provider's batch window, not live)")
    elif batch:
        notes.append(f"{offering.provider} has no batch price in the catalog: normal prices")
    if usage.cached_input_share and cached_price is None:
        notes.append(f"{offering.provider} has no cached-input price in the catalog: all input at the "
                     "normal price")
    if thinking:
        notes.append(f"includes {thinking / 1e6:,.1f}M thinking tokens "
                     f"({usage.reasoning_overhead:g}x the answer tokens)")
    if offering.context_tiers:
        notes.append("long prompts above "
                     f"{offering.context_tiers[0].above_input_tokens:,} tokens cost more (not included)")
    return notes


def generated_per_answer_token(usage: Usage, reasoning: bool | npt.NDArray[np.bool_]) -> Any:
    """Tokens a model generates per answer token: 1, plus the thinking tokens of a reasoning model
    (the same overhead its API bill counts). A float for a bool, an array for an array."""
    return 1.0 + usage.reasoning_overhead * (reasoning * 1.0)
