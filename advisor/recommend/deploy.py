"""How a model would be used: on the user's hardware, or through one API offering (`Plan`).

The ranking (`batch.py`) works out every deployment of every model in arrays; a `Plan` is one of
them in plain values, made for the models an answer shows or explains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from advisor.catalog.schema import Model
from advisor.estimate import CostSettings, EstimateSettings, finish, size
from advisor.hardware.profile import HardwareProfile
from advisor.recommend.result import DeploymentPlan

if TYPE_CHECKING:
    from advisor.recommend.serving import RentalChoice


@dataclass(frozen=True)
class PlanSettings:
    """Estimator and cost defaults used for every plan (visible in the result's assumptions)."""

    estimate: EstimateSettings = field(default_factory=EstimateSettings)
    cost: CostSettings = field(default_factory=CostSettings)
    rental: RentalChoice | None = None  # rented hardware: the price it is costed at (engine picks it)


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
    answer_tokens_per_s: float | None = None  # a thinking plan: speed net of thinking tokens
    thinking: str | None = None  # on / off / always
    hybrid_thinking: bool = False  # the model switches thinking per request (both modes are planned)
    api_tokens_per_s: float | None = None  # api: published output speed (None = not published)
    below_usable_floor: bool = False  # answer speed below the usability floor
    batch_priced: bool = False  # api: billed at the batch price
    offering_position: int | None = None  # api: index of the offering among the model's offerings
    time_to_first_token_s: float | None = None
    cost_notes: tuple[str, ...] = ()
    cost_known: bool = True
    price_input_usd_per_mtok: float | None = None
    price_output_usd_per_mtok: float | None = None
    prices_as_of: str | None = None
    context_tokens: int | None = None
    provider_model_id: str | None = None
    offering_status: str | None = None  # api: active / deprecated (retired ones are never planned)
    shutdown_date: str | None = None
    aggregate_tokens_per_s: float | None = None  # local/rented: all streams together
    prefill_tokens_per_s: float | None = None  # local/rented: prompt tokens/s (None = unknown)
    concurrency: int = 1
    busy_hours_per_month: float | None = None
    capacity_ok: bool = True
    machines_needed: int | None = None
    cost_breakdown: dict[str, float | None] | None = None  # local/rented: electricity, hardware, rent
    share: float | None = None  # a part of a hybrid plan: its share of the tokens
    parts: tuple[Plan, ...] = ()  # hybrid: the local (or rented) part and the API part
    rationale: str = ""  # hybrid: why the tokens split this way
    model_id: str | None = None  # hybrid parts: the model this part runs
    source: tuple[Model, HardwareProfile] | None = None  # local: what its assumptions are about

    @property
    def self_hosted(self) -> bool:
        """Runs on machines the user controls: their own (local) or rented GPUs."""
        return self.mode in ("local", "rented")

    def to_model(self) -> DeploymentPlan:
        """The validated result type."""
        ttft = self.time_to_first_token_s
        return DeploymentPlan(
            mode=self.mode if self.mode in ("local", "rented", "hybrid") else "api",  # type: ignore[arg-type]
            quantization=self.quantization,
            placement=self.placement, provider=self.provider, memory_gb=self.memory_gb,
            available_gb=self.available_gb, weights_gb=self.weights_gb, kv_cache_gb=self.kv_cache_gb,
            overhead_gb=self.overhead_gb, gpu_layers=self.gpu_layers, total_layers=self.total_layers,
            decode_tokens_per_s=self.decode_tokens_per_s, decode_low=self.decode_low,
            decode_high=self.decode_high, answer_tokens_per_s=self.answer_tokens_per_s,
            thinking=self.thinking,  # type: ignore[arg-type]
            api_tokens_per_s=self.api_tokens_per_s, below_usable_floor=self.below_usable_floor,
            batch_priced=self.batch_priced,
            time_to_first_token_s=ttft,
            monthly_cost_usd=self.monthly_cost_usd, cost_notes=self.cost_notes,
            cost_known=self.cost_known,
            price_input_usd_per_mtok=self.price_input_usd_per_mtok,
            price_output_usd_per_mtok=self.price_output_usd_per_mtok,
            prices_as_of=self.prices_as_of, context_tokens=self.context_tokens,
            provider_model_id=self.provider_model_id,
            offering_status=self.offering_status,  # type: ignore[arg-type]
            shutdown_date=self.shutdown_date,
            aggregate_tokens_per_s=self.aggregate_tokens_per_s, concurrency=self.concurrency,
            busy_hours_per_month=self.busy_hours_per_month, capacity_ok=self.capacity_ok,
            machines_needed=self.machines_needed, cost_breakdown=self.cost_breakdown, share=self.share,
            parts=tuple(p.to_model() for p in self.parts), rationale=self.rationale,
            model_id=self.model_id)

    def assumptions(self, settings: EstimateSettings | None = None) -> tuple[str, ...]:
        """The estimator's assumptions for a local plan (the single-model estimator states them)."""
        if self.source is None or self.quantization is None or self.context_tokens is None:
            return ()
        model, hardware = self.source
        sized = size(model, hardware, self.quantization, self.context_tokens, settings=settings)
        return finish(sized, settings).assumptions


ALTERNATIVE_QUANTS = ("Q5_K_M", "Q4_K_M")
"""Besides the highest-quality quantization that fits, these are scored too, so the ranking can
trade a little quality for speed (the score, not the estimator, makes that call)."""


def tokens_text(n: int) -> str:
    """A token count for people: 32k, 1M, 1.5k."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1024 == 0:
        return f"{n // 1024}k"
    if n >= 1000:
        return f"{n / 1000:g}k"
    return str(n)
