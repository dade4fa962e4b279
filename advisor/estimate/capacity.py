"""Serving a volume on owned or rented machines: busy hours, machines needed, and the monthly cost
of ownership (electricity at load and idle, write-off, rent), on floats or numpy arrays alike.

One function computes it for the ranking (arrays over every model) and for a single plan (floats),
so the cost a plan shows is the cost it was ranked on. Break-even against an API bill reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from advisor.estimate.cost import CostSettings, Usage, generated_per_answer_token
from advisor.hardware.profile import HardwareProfile

Num = Any  # a float, or a numpy array of them (the same code serves both)

DEFAULT_HOURS_PER_MONTH = 730.0
"""8,760 hours a year / 12: a machine that serves around the clock."""


@dataclass(frozen=True)
class Serving:
    """How the machines are used: simultaneous streams, the hours they may serve, how many there may
    be, and (rented) what one machine costs per hour."""

    concurrency: int = 1
    hours_per_month: float = DEFAULT_HOURS_PER_MONTH
    max_machines: int = 1
    rent_usd_per_hour: float | None = None  # one whole machine (all its GPUs); None = owned
    rent_label: str = ""  # provider, instance and region, for the notes

    @property
    def rented(self) -> bool:
        """Rented by the hour rather than owned."""
        return self.rent_usd_per_hour is not None


@dataclass(frozen=True)
class SelfHostCost:
    """A month of serving on owned or rented machines; each field a float or an array."""

    busy_hours: Num  # machine-hours of work (generation + prompt processing), all machines together
    generate_hours: Num
    prompt_hours: Num
    machines: Num  # machines needed to serve the volume in the allowed hours (>= 1)
    capacity_ok: Num  # machines needed <= the most allowed
    electricity: Num  # USD/month at load for the busy hours, at idle for the rest of the hours on
    hardware: Num  # USD/month write-off (0 unless asked for)
    rent: Num  # USD/month for the rented machines' hours (0 when owned)
    known: Num  # every part of the cost could be computed
    speed_known: Num  # the generation speed is known (else busy hours and machines are unknown)

    @property
    def total(self) -> Num:
        """The monthly cost in USD: electricity + write-off + rent."""
        return self.electricity + self.hardware + self.rent

    def row(self, i: int) -> SelfHostCost:
        """Row `i` of an array result as plain floats and bools (what one plan shows)."""
        def at(value: Any) -> Any:
            arr = np.asarray(value)
            return arr.item() if arr.ndim == 0 else arr[i].item()
        return SelfHostCost(*(at(getattr(self, f)) for f in self.__dataclass_fields__))


def self_host(aggregate_tokens_per_s: Num, prefill_tokens_per_s: Num, usage: Usage,
              hardware: HardwareProfile, settings: CostSettings, serving: Serving,
              reasoning: Num = False) -> SelfHostCost:
    """Busy hours, machines and cost for `usage` at an aggregate generation speed (all streams,
    thinking tokens generated too) and a prompt-processing speed (NaN = unknown: not counted).
    Prompt tokens served from a cache are processed too: llama.cpp reuses only a slot's own prefix."""
    agg = np.asarray(aggregate_tokens_per_s, dtype=np.float64)
    prefill = np.asarray(prefill_tokens_per_s, dtype=np.float64)
    out = usage.tokens_per_month * usage.output_share
    generated = out * generated_per_answer_token(usage, np.asarray(reasoning))
    speed_known = np.isfinite(agg) & (agg > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        generate_h = np.where(speed_known, generated / agg / 3600, np.nan)
        prompt_h = np.where(np.isfinite(prefill) & (prefill > 0),
                            (usage.tokens_per_month - out) / prefill / 3600, 0.0)
    busy = generate_h + prompt_h
    hours = serving.hours_per_month
    machines = np.where(speed_known, np.maximum(1.0, np.ceil(busy / hours - 1e-9)), 1.0)
    capacity_ok = ~speed_known | (machines <= serving.max_machines)
    on_hours = machines * hours
    price = settings.power_price_usd_per_kwh
    zeros = np.zeros_like(busy)
    if serving.rented:
        assert serving.rent_usd_per_hour is not None
        rent = on_hours * serving.rent_usd_per_hour
        electricity = hardware_cost = zeros
        known = speed_known
    else:
        rent = zeros
        load = hardware.power_watts
        idle = hardware.idle_power_watts or 0.0
        if load:
            busy_h = np.where(speed_known, np.minimum(busy, on_hours), 0.0)
            electricity = (busy_h * load + (on_hours - busy_h) * idle) / 1000 * price
        else:
            electricity = zeros
        price_known = bool(hardware.price_usd) or not settings.count_hardware_purchase
        known = speed_known & bool(load) & price_known
        write_off = (hardware.price_usd / settings.amortization_months
                     if settings.count_hardware_purchase and hardware.price_usd else 0.0)
        hardware_cost = machines * write_off
    return SelfHostCost(_unbox(busy), _unbox(generate_h), _unbox(prompt_h), _unbox(machines),
                        _unbox(capacity_ok), _unbox(electricity), _unbox(hardware_cost), _unbox(rent),
                        _unbox(known), _unbox(speed_known))


def _unbox(value: Any) -> Any:
    """A 0-d array back to a Python scalar (a plan's figures are floats and bools)."""
    arr = np.asarray(value)
    return arr.item() if arr.ndim == 0 else arr


def self_host_notes(cost: SelfHostCost, hardware: HardwareProfile, settings: CostSettings,
                    serving: Serving, usage: Usage, reasoning: bool = False) -> list[str]:
    """How one plan's cost and capacity are made up, in words (a plan's figures are floats)."""
    notes: list[str] = []
    hours = serving.hours_per_month
    machines = int(cost.machines)
    if not cost.speed_known:
        return ["electricity unknown: the generation speed could not be estimated (so are the busy hours "
                "and the machines needed)"]
    thinking = (f", answers plus {usage.reasoning_overhead:g}x as many thinking tokens"
                if reasoning and usage.reasoning_overhead else "")
    streams = f" at {serving.concurrency} streams" if serving.concurrency > 1 else ""
    prompt = (f" + {cost.prompt_hours:,.0f} h reading prompts" if cost.prompt_hours >= 0.5
              else "" if cost.prompt_hours > 0 else " (prompt processing not counted: speed unknown)")
    notes.append(f"{cost.busy_hours:,.0f} h busy a month ({cost.generate_hours:,.0f} h generating"
                 f"{streams}{thinking}{prompt}) of {hours:,.0f} h allowed per machine")
    if machines > 1:
        notes.append(f"needs {machines} machines to serve the volume in {hours:,.0f} h each"
                     + ("" if cost.capacity_ok else f"; you allow {serving.max_machines}"))
    if serving.rented:
        notes.append(f"rent {machines} x {hours:,.0f} h x ${serving.rent_usd_per_hour:,.2f}/h "
                     f"({serving.rent_label}) = ${cost.rent:,.0f}")
        return notes
    price = settings.power_price_usd_per_kwh
    if hardware.power_watts:
        idle = hardware.idle_power_watts
        on = machines * hours
        busy = min(cost.busy_hours, on)
        kwh = (busy * hardware.power_watts + (on - busy) * (idle or 0.0)) / 1000
        idle_part = (f" + {on - busy:,.0f} h idle x {idle:g} W" if idle else
                     " (idle power unknown: idle hours not counted)")
        notes.append(f"electricity {busy:,.0f} h x {hardware.power_watts:g} W{idle_part} = {kwh:,.0f} kWh "
                     f"x ${price:g}/kWh = ${cost.electricity:,.2f}")
    else:
        notes.append("electricity unknown: the hardware's power draw is not known")
    if settings.count_hardware_purchase:
        if hardware.price_usd:
            notes.append(f"hardware ${hardware.price_usd:,.0f}{f' x {machines}' if machines > 1 else ''} "
                         f"over {settings.amortization_months} months = ${cost.hardware:,.2f}")
        else:
            notes.append("hardware write-off unknown: the hardware's price is not known")
    return notes


def cost_breakdown(cost: SelfHostCost, rented: bool) -> dict[str, float | None]:
    """{electricity, hardware, rent} in USD/month; electricity None when it could not be computed
    (a rented machine's power is in its rent: 0)."""
    electricity = float(cost.electricity) if rented or cost.known else None
    return {"electricity": None if electricity is None else round(electricity, 2),
            "hardware": round(float(cost.hardware), 2), "rent": round(float(cost.rent), 2)}


__all__ = ["DEFAULT_HOURS_PER_MONTH", "SelfHostCost", "Serving", "cost_breakdown", "self_host",
           "self_host_notes"]
