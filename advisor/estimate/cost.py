"""Monthly cost: hosted API bills, and electricity (or write-off) for running on your own hardware."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from advisor.catalog.schema import Offering
from advisor.estimate.core import Sized
from advisor.estimate.result import Estimate
from advisor.hardware.profile import HardwareProfile

EIA_RESIDENTIAL_USD_PER_KWH = 0.1545
"""U.S. average residential electricity price, January 2024: 15.45 cents/kWh (EIA Electricity
Monthly Update, https://www.eia.gov/electricity/monthly/update/end-use.php)."""


class Usage(BaseModel):
    """How many tokens a month, and how they split."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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

    model_config = ConfigDict(frozen=True, extra="forbid")

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
    complete: bool = True  # False when part of the cost (electricity) could not be computed


def api_monthly_cost(offering: Offering, usage: Usage, reasoning: bool = False) -> Cost:
    """Input and output tokens at the offering's prices; thinking tokens bill as output."""
    out = usage.tokens_per_month * usage.output_share
    inp = usage.tokens_per_month - out
    thinking = out * usage.reasoning_overhead if reasoning else 0.0
    cached = inp * usage.cached_input_share if offering.price_cached_input_usd_per_mtok is not None else 0.0
    cost = ((inp - cached) * offering.price_input_usd_per_mtok
            + cached * (offering.price_cached_input_usd_per_mtok or 0.0)
            + (out + thinking) * offering.price_output_usd_per_mtok) / 1e6
    notes = [f"{inp / 1e6:,.1f}M input x ${offering.price_input_usd_per_mtok:g}/M + "
             f"{(out + thinking) / 1e6:,.1f}M output x ${offering.price_output_usd_per_mtok:g}/M"]
    if thinking:
        notes.append(f"includes {thinking / 1e6:,.1f}M thinking tokens "
                     f"({usage.reasoning_overhead:g}x the answer tokens)")
    if offering.context_tiers:
        notes.append("long prompts above "
                     f"{offering.context_tiers[0].above_input_tokens:,} tokens cost more (not included)")
    return Cost(cost, notes)


def self_host_monthly_cost(hardware: HardwareProfile, est: Estimate | Sized, usage: Usage,
                           settings: CostSettings) -> Cost:
    """Electricity for the hours the volume keeps the machine busy generating (+ write-off if
    asked). Prompt processing is much faster than generation and is not counted."""
    notes: list[str] = []
    total = 0.0
    complete = True
    if isinstance(est, Estimate):
        speed = est.decode_tokens_per_s.expected if est.decode_tokens_per_s else 0.0
    else:
        speed = est.decode[1] if est.decode else 0.0
    if hardware.power_watts and speed > 0:
        out = usage.tokens_per_month * usage.output_share
        hours = out / speed / 3600
        kwh = hours * hardware.power_watts / 1000
        total += kwh * settings.power_price_usd_per_kwh
        notes.append(f"{hours:,.0f} h busy x {hardware.power_watts:g} W = {kwh:,.0f} kWh x "
                     f"${settings.power_price_usd_per_kwh:g}/kWh")
    else:
        complete = False
        notes.append("electricity unknown: " + ("the hardware's power draw is not known" if
                                               not hardware.power_watts else
                                               "the generation speed could not be estimated"))
    if settings.count_hardware_purchase and hardware.price_usd:
        monthly = hardware.price_usd / settings.amortization_months
        total += monthly
        notes.append(f"hardware ${hardware.price_usd:,.0f} over {settings.amortization_months} months")
    return Cost(total, notes, complete)
