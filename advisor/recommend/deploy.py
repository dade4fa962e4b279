"""Planning how a model would be used: on the user's hardware, or through each API offering.

Each plan carries the deployment-dependent hard constraints it fails (memory, speed, budget, regions,
data terms), so a model is excluded only when none of its deployments survives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.catalog.schema import Model, Offering
from advisor.estimate import (
    CostSettings,
    EstimateError,
    EstimateSettings,
    Sized,
    Usage,
    api_monthly_cost,
    best_size,
    finish,
    self_host_monthly_cost,
    size,
)
from advisor.estimate.quant import normalise
from advisor.recommend.constraints import Constraints
from advisor.recommend.filters import Failure
from advisor.recommend.result import DeploymentPlan


@dataclass(frozen=True)
class PlanSettings:
    """Estimator and cost defaults used for every plan (visible in the result's assumptions)."""

    estimate: EstimateSettings = field(default_factory=EstimateSettings)
    cost: CostSettings = field(default_factory=CostSettings)


@dataclass(slots=True)
class Plan:
    """A deployment in plain values (the ranking builds thousands); `to_model` makes the result."""

    mode: str
    monthly_cost_usd: float
    quantization: str | None = None
    placement: str | None = None
    provider: str | None = None
    memory_gb: float | None = None
    available_gb: float | None = None
    weights_gb: float | None = None
    kv_cache_gb: float | None = None
    overhead_gb: float | None = None
    gpu_layers: int | None = None
    total_layers: int | None = None
    decode_tokens_per_s: float | None = None
    decode_low: float | None = None
    decode_high: float | None = None
    time_to_first_token_s: float | None = None
    cost_notes: tuple[str, ...] = ()
    cost_known: bool = True
    price_input_usd_per_mtok: float | None = None
    price_output_usd_per_mtok: float | None = None
    prices_as_of: str | None = None
    context_tokens: int | None = None
    sized: Sized | None = None  # local: the estimate behind it, finished on demand

    def to_model(self, settings: EstimateSettings | None = None) -> DeploymentPlan:
        """The validated result type (with time to first token when it can be known)."""
        ttft = self.time_to_first_token_s
        if self.sized is not None and ttft is None:
            ttft = finish(self.sized, settings).time_to_first_token_s
        return DeploymentPlan(
            mode="local" if self.mode == "local" else "api", quantization=self.quantization,
            placement=self.placement, provider=self.provider, memory_gb=self.memory_gb,
            available_gb=self.available_gb, weights_gb=self.weights_gb, kv_cache_gb=self.kv_cache_gb,
            overhead_gb=self.overhead_gb, gpu_layers=self.gpu_layers, total_layers=self.total_layers,
            decode_tokens_per_s=self.decode_tokens_per_s, decode_low=self.decode_low,
            decode_high=self.decode_high, time_to_first_token_s=ttft,
            monthly_cost_usd=self.monthly_cost_usd, cost_notes=self.cost_notes,
            cost_known=self.cost_known,
            price_input_usd_per_mtok=self.price_input_usd_per_mtok,
            price_output_usd_per_mtok=self.price_output_usd_per_mtok,
            prices_as_of=self.prices_as_of, context_tokens=self.context_tokens)

    def assumptions(self, settings: EstimateSettings | None = None) -> tuple[str, ...]:
        """The estimator's assumptions for a local plan."""
        return finish(self.sized, settings).assumptions if self.sized is not None else ()


@dataclass(frozen=True)
class PlanOutcome:
    """A deployment and the hard constraints it fails (empty = acceptable)."""

    plan: Plan | None
    failures: tuple[Failure, ...]


def usage_of(c: Constraints) -> Usage:
    """The monthly usage the constraints describe."""
    if c.reasoning_overhead is None:
        return Usage(tokens_per_month=c.tokens_per_month, output_share=c.output_share)
    return Usage(tokens_per_month=c.tokens_per_month, output_share=c.output_share,
                 reasoning_overhead=c.reasoning_overhead)


ALTERNATIVE_QUANTS = ("Q5_K_M", "Q4_K_M")
"""Besides the highest-quality quantization that fits, these are scored too, so the ranking can
trade a little quality for speed (the score, not the estimator, makes that call)."""


def plan_local_options(model: Model, c: Constraints, settings: PlanSettings,
                       usage: Usage) -> list[PlanOutcome]:
    """The best-quality local plan, plus faster common quantizations that also fit on the GPU."""
    first = plan_local(model, c, settings, usage)
    if first.plan is None or first.plan.placement != "gpu":
        return [first]
    options = [first]
    for quant in ALTERNATIVE_QUANTS:
        if quant == first.plan.quantization:
            continue
        alt = plan_local(model, c, settings, usage, quant=quant)
        if alt.plan is not None and alt.plan.placement == "gpu":
            options.append(alt)
    return options


def plan_local(model: Model, c: Constraints, settings: PlanSettings, usage: Usage,
               quant: str | None = None) -> PlanOutcome:
    """A local deployment at the required context: the best quantization that fits, or `quant`."""
    if c.hardware is None or c.hardware.api_only:
        return PlanOutcome(None, (Failure("deployment", "no local hardware described"),))
    if not model.open_weights:
        return PlanOutcome(None, (Failure("deployment", "weights are not published, so it cannot "
                                                        "run on your hardware"),))
    native = model.context_window_tokens
    if native is not None and native < c.min_context_tokens:
        return PlanOutcome(None, (Failure("context", f"runs locally with at most {native:,} tokens "
                                                     f"of context; you need {c.min_context_tokens:,}"),))
    try:
        if quant is None:
            est = best_size(model, c.hardware, c.min_context_tokens, settings=settings.estimate)
        else:
            est = size(model, c.hardware, normalise(quant), c.min_context_tokens,
                       settings=settings.estimate)
    except EstimateError as exc:
        return PlanOutcome(None, (Failure("architecture", f"cannot estimate memory: {exc}"),))
    failures: list[Failure] = []
    gb = 1e9
    if est.placement == "does_not_fit":
        failures.append(Failure(
            "memory",
            f"needs {est.total_gb:.1f} GB at {est.quantization} with "
            f"{_tokens(c.min_context_tokens)} context; you have {est.available_gb:.1f} GB"))
    decode = est.decode
    expected = decode[1] if decode else None
    if c.min_tokens_per_s and expected is not None and expected < c.min_tokens_per_s:
        failures.append(Failure(
            "speed", f"about {expected:.1f} tokens/s at {est.quantization} "
                     f"({est.placement}); you need {c.min_tokens_per_s:g}"))
    cost = self_host_monthly_cost(c.hardware, est, usage, settings.cost)
    plan = Plan(
        mode="local",
        quantization=est.quantization,
        placement=est.placement,
        memory_gb=est.total_gb,
        available_gb=est.available_gb,
        weights_gb=est.weights / gb,
        kv_cache_gb=est.kv / gb,
        overhead_gb=est.fit.overhead / gb,
        gpu_layers=est.fit.gpu_layers,
        total_layers=est.layers,
        decode_tokens_per_s=expected,
        decode_low=decode[0] if decode else None,
        decode_high=decode[2] if decode else None,
        monthly_cost_usd=cost.monthly_usd,
        cost_notes=tuple(cost.notes),
        cost_known=cost.complete,
        context_tokens=c.min_context_tokens,
        sized=est,
    )
    return PlanOutcome(plan, tuple(failures))


def plan_api(model: Model, offering: Offering, c: Constraints, usage: Usage) -> PlanOutcome:
    """One hosted offering, with its monthly cost and the data/budget rules it fails."""
    failures: list[Failure] = []
    if c.data_must_stay_local:
        failures.append(Failure("data", "your data must stay on your hardware; this is a hosted "
                                        "API"))
    if c.allowed_regions:
        allowed = set(c.allowed_regions)
        if not offering.regions:
            failures.append(Failure("region", f"{offering.provider} does not state where data "
                                              "is processed"))
        elif not allowed & set(offering.regions):
            failures.append(Failure("region", f"{offering.provider} processes data in "
                                              f"{', '.join(offering.regions)}, not in "
                                              f"{', '.join(sorted(allowed))}"))
    if c.no_training_on_data and offering.trains_on_data is not False:
        state = ("may train on API data" if offering.trains_on_data
                 else "does not state whether it trains on API data")
        failures.append(Failure("training", f"{offering.provider} {state}"))
    ctx = offering.context_window_tokens or model.context_window_tokens
    if ctx and ctx < c.min_context_tokens:
        failures.append(Failure("context", f"{offering.provider} serves {ctx:,} tokens of "
                                           f"context; you need {c.min_context_tokens:,}"))
    reasoning = bool(model.capabilities.reasoning)
    cost = api_monthly_cost(offering, usage, reasoning=reasoning)
    if c.budget_usd_month is not None and cost.monthly_usd > c.budget_usd_month + 1e-9:
        failures.append(Failure("budget", f"costs about ${cost.monthly_usd:,.2f}/month via "
                                          f"{offering.provider} for "
                                          f"{_tokens(c.tokens_per_month)} tokens; your budget is "
                                          f"${c.budget_usd_month:,.2f}"))
    plan = Plan(
        mode="api",
        provider=offering.provider,
        monthly_cost_usd=cost.monthly_usd,
        cost_notes=tuple(cost.notes),
        price_input_usd_per_mtok=offering.price_input_usd_per_mtok,
        price_output_usd_per_mtok=offering.price_output_usd_per_mtok,
        prices_as_of=offering.as_of.isoformat(),
        context_tokens=ctx,
    )
    return PlanOutcome(plan, tuple(failures))


def _tokens(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1024 == 0:
        return f"{n // 1024}k"
    if n >= 1000:
        return f"{n / 1000:g}k"
    return str(n)
