"""What the recommender returns: a ranked, explained list, the exclusions and what would flip it.

These types are the one contract shared by the CLI's JSON, the GUI and every report format. The ranking
makes its `DeploymentPlan`s straight from its arrays (ranked.py), for the models an answer holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from advisor.catalog.schema import Frozen, Model
from advisor.hardware.profile import HardwareProfile
from advisor.recommend.constraints import Constraints, Factor

Thinking = Literal["on", "off", "always"]
"""A plan's thinking mode (see DeploymentPlan.thinking)."""
OfferingStatusName = Literal["active", "deprecated", "retired"]
"""An API offering's lifecycle status, as the catalog's OfferingStatus values."""


class DeploymentPlan(Frozen):
    """How a model would be used: on the user's hardware, or through one provider's API."""

    mode: Literal["local", "rented", "api", "hybrid"] = Field(
        description="Run on your hardware, on rented GPUs, call a hosted API, or a hybrid pair "
        "(a local or rented part for the sensitive share, an API for the rest).")
    quantization: str | None = Field(default=None, description="Local: weight quantization.")
    placement: str | None = Field(
        default=None, description="Local: gpu, gpu+cpu (partial offload) or cpu."
    )
    provider: str | None = Field(default=None, description="API: the provider used.")
    memory_gb: float | None = Field(default=None, description="Local: memory needed in GB.")
    available_gb: float | None = Field(
        default=None, description="Local: memory available on the user's hardware in GB."
    )
    weights_gb: float | None = Field(default=None, description="Local: weights in GB.")
    kv_cache_gb: float | None = Field(default=None, description="Local: KV cache in GB.")
    overhead_gb: float | None = Field(default=None, description="Local: runtime overhead in GB.")
    runtime: str | None = Field(
        default=None, description="Local: the runtime the plan is sized for: llama.cpp, or vllm for several "
        "streams on NVIDIA/AMD datacenter GPUs (tensor parallel, continuous batching).")
    gpu_layers: int | None = Field(default=None, description="Local: layers on the GPU.")
    total_layers: int | None = Field(default=None, description="Local: layers in the model.")
    decode_tokens_per_s: float | None = Field(
        default=None, description="Local: expected generation speed."
    )
    decode_low: float | None = Field(default=None, description="Local: pessimistic speed.")
    decode_high: float | None = Field(default=None, description="Local: optimistic speed.")
    answer_tokens_per_s: float | None = Field(
        default=None,
        description="A thinking plan: expected speed of the answer once its thinking tokens "
        "are counted (decode speed / (1 + thinking tokens per answer token)); what the speed score uses.",
    )
    time_to_first_token_s: float | None = Field(
        default=None, description="Local: prompt processing time for a typical prompt."
    )
    thinking: Thinking | None = Field(
        default=None,
        description="Thinking mode of this plan: on or off for a hybrid model (the tasks decide), "
        "always for a model that always thinks, off for one without a thinking mode.",
    )
    hybrid_thinking: bool = Field(
        default=False, description="The model switches thinking per request (both modes are planned).")
    api_tokens_per_s: float | None = Field(
        default=None, description="API: the offering's published output speed (None = not published)."
    )
    speed_note: str | None = Field(
        default=None,
        description="Local/rented: how its speed was corrected by this machine's measured speed, if it was.",
    )
    below_usable_floor: bool = Field(
        default=False,
        description="Its answer speed is below the usability floor, so it ranks after usable plans.",
    )
    terms_unstated: bool = Field(
        default=False,
        description="API: the provider's terms leave a rule you set (region, no training, commercial use) "
        "unstated, so it ranks after plans documented to meet your rules.",
    )
    batch_priced: bool = Field(default=False, description="API: billed at the provider's batch price.")
    offering_position: int | None = Field(
        default=None, description="API: the offering's index among the model's offerings.")
    monthly_cost_usd: float = Field(description="Monthly cost for the stated volume.")
    cost_notes: tuple[str, ...] = Field(default=(), description="How the cost was computed.")
    cost_known: bool = Field(
        default=True,
        description="False when part of the cost could not be computed (a local plan whose "
        "electricity is unknown); monthly_cost_usd is then only what could be counted.",
    )
    cost_bound_usd: float | None = Field(
        default=None,
        description="A local plan whose power draw is unknown: the most it could cost a month, with the "
        "machine drawing as much as the largest catalog preset of its device class; the score uses it.",
    )
    price_input_usd_per_mtok: float | None = Field(default=None, description="API input price.")
    price_output_usd_per_mtok: float | None = Field(default=None, description="API output price.")
    prices_as_of: str | None = Field(default=None, description="API: date the prices were read.")
    context_tokens: int | None = Field(default=None, description="Context served/estimated at.")
    provider_model_id: str | None = Field(default=None, description="API: the model's id there.")
    offering_status: OfferingStatusName | None = Field(
        default=None, description="API: the offering's lifecycle status."
    )
    shutdown_date: str | None = Field(
        default=None, description="API: the announced shutdown date (ISO), if any."
    )
    aggregate_tokens_per_s: float | None = Field(
        default=None, description="Local/rented: generation speed of all streams together.")
    prefill_tokens_per_s: float | None = Field(
        default=None, description="Local/rented: prompt tokens per second (None = unknown).")
    concurrency: int = Field(default=1, ge=1, description="Local/rented: simultaneous streams served.")
    busy_hours_per_month: float | None = Field(
        default=None, description="Local/rented: machine-hours a month the volume keeps it busy.")
    capacity_ok: bool = Field(
        default=True, description="Local/rented: the machines allowed serve the volume in the hours allowed.")
    machines_needed: int | None = Field(
        default=None, description="Local/rented: machines of this hardware the volume needs.")
    cost_breakdown: dict[str, float | None] | None = Field(
        default=None, description="Local/rented: {electricity, hardware, rent} in USD/month "
        "(electricity None when unknown).")
    share: float | None = Field(default=None, description="Hybrid part: its share of the tokens.")
    parts: tuple[DeploymentPlan, ...] = Field(
        default=(), description="Hybrid: the local or rented part and the API part, each with its share.")
    rationale: str = Field(default="", description="Hybrid: why the tokens split this way.")
    model_id: str | None = Field(default=None, description="Hybrid part: the model it runs.")
    source: tuple[Model, HardwareProfile] | None = Field(
        default=None, exclude=True, repr=False,
        description="Local/rented: the model and hardware its estimator assumptions are about (not in "
        "any output; the break-even re-costs the plan on that hardware).")

    @property
    def self_hosted(self) -> bool:
        """Runs on machines the user controls: their own (local) or rented GPUs."""
        return self.mode in ("local", "rented")

    def cost_text(self, money: Callable[[float], str]) -> str:
        """The monthly cost for people: formatted by `money`, or 'unknown' with the reason."""
        return money(self.monthly_cost_usd) if self.cost_known else "unknown"

    @property
    def tokens_per_s(self) -> float | None:
        """Generation speed to show: the local estimate, or the API's published output speed."""
        if self.mode == "hybrid" and self.parts:
            return self.parts[0].tokens_per_s
        return self.api_tokens_per_s if self.mode == "api" else self.decode_tokens_per_s

    def summary(self) -> str:
        """One short line: how it runs (a hybrid model's thinking mode when it is on)."""
        thinking = ", thinking on" if self.thinking == "on" else ""
        if self.mode == "hybrid":
            return " + ".join(f"{p.summary()} ({(p.share or 0) * 100:.0f} %)" for p in self.parts)
        if self.mode == "api":
            return f"API via {self.provider}{thinking}"
        place = {"gpu": "on GPU", "gpu+cpu": "GPU + CPU offload", "cpu": "on CPU"}.get(
            self.placement or "", self.placement or "")
        machines = f", {self.machines_needed} machines" if (self.machines_needed or 1) > 1 else ""
        return f"{self.mode} {self.quantization} {place}".strip() + machines + thinking


class Confidence(Frozen):
    """How much evidence stands behind the quality figure."""

    level: Literal["high", "medium", "low"] = Field(description="Coarse confidence.")
    value: float = Field(ge=0, le=1, description="Share of the weighted tasks with evidence.")
    note: str = Field(description="What the confidence rests on.")
    interval_low: float | None = Field(
        default=None, ge=0, le=100, description="Low end of the quality's 90 % interval (0-100)."
    )
    interval_high: float | None = Field(
        default=None, ge=0, le=100, description="High end of the quality's 90 % interval (0-100)."
    )

    def label(self) -> str:
        """The level with the quality interval, for tables: 'medium (72-88)'."""
        if self.interval_low is None or self.interval_high is None:
            return self.level
        return f"{self.level} ({self.interval_low:.0f}\u2013{self.interval_high:.0f})"


class Recommendation(Frozen):
    """One ranked model with its score, how it runs and why it ranks there."""

    rank: int = Field(ge=1, description="Position in the ranking (1 = the pick).")
    model_id: str = Field(description="Catalog id.")
    name: str = Field(description="Display name.")
    vendor: str = Field(description="Who made it.")
    open_weights: bool = Field(description="Whether the weights are downloadable.")
    score: float = Field(ge=0, le=100, description="Total score 0-100 = sum of the breakdown.")
    score_breakdown: dict[Factor, float] = Field(
        description="Points each factor contributed (weight share x factor value x 100)."
    )
    factor_values: dict[Factor, float] = Field(description="Each factor's value 0-1.")
    weights: dict[Factor, float] = Field(description="The factor weights used (sum to 1).")
    quality: float | None = Field(
        default=None,
        description="Task quality 0-100: the estimate (share of the catalog below it), from benchmark "
        "evidence and, where that is thin, from what the catalog knows of the model.",
    )
    quality_interval: tuple[float, float] | None = Field(
        default=None, description="The quality's 90 % interval [low, high], 0-100."
    )
    deployment: DeploymentPlan = Field(description="The model's best deployment.")
    alternatives: tuple[DeploymentPlan, ...] = Field(
        default=(), description="Other ways to run it (other providers, local vs API)."
    )
    license_id: str = Field(description="Licence id.")
    license_name: str = Field(description="Licence name.")
    license_class: str = Field(description="Licence class.")
    confidence: Confidence = Field(description="Evidence behind the quality figure.")
    explanation: tuple[str, ...] = Field(description="Why it ranks here, in sentences.")
    warnings: tuple[str, ...] = Field(default=(), description="Things to know before choosing.")
    sources: tuple[str, ...] = Field(default=(), description="Sources with dates behind the facts.")


class Exclusion(Frozen):
    """A model ruled out by a hard constraint, with the binding numbers."""

    model_id: str = Field(description="Catalog id.")
    name: str = Field(description="Display name.")
    reasons: tuple[str, ...] = Field(description="Each failed constraint, in a sentence.")
    constraints: tuple[str, ...] = Field(
        default=(), description="Short keys of the failed constraints (memory, licence...)."
    )


class Counterfactual(Frozen):
    """The smallest change to the constraints that changes the top pick."""

    change: str = Field(description="The change, in words (budget +$40/month).")
    new_top: str = Field(description="Model id that would be the pick.")
    new_top_name: str = Field(description="Its display name.")
    kind: str = Field(description="budget, memory, licence, language, deployment, context...")


class BreakEvenPoint(Frozen):
    """Both monthly costs at one volume."""

    tokens_per_month: int = Field(description="Monthly volume (input + output) at the plan's mix.")
    local_usd: float = Field(description="Self-hosted plan's monthly cost in USD (machines as needed).")
    api_usd: float = Field(description="API plan's monthly bill in USD.")


class BreakEven(Frozen):
    """The pick against the best plan of the other kind (self-hosted vs API)."""

    local_model_id: str = Field(description="Model of the self-hosted plan.")
    local_name: str = Field(description="Its display name.")
    local_summary: str = Field(description="How it runs.")
    api_model_id: str = Field(description="Model of the API plan.")
    api_name: str = Field(description="Its display name.")
    api_summary: str = Field(description="Which offering.")
    tokens_per_month: int | None = Field(
        description="Volume above which self-hosting is cheaper; 0 = at every volume; None = never "
        "(the API stays cheaper at any volume).")
    local_fixed_usd: float = Field(description="Self-hosted cost of one machine at zero volume (idle, "
                                               "write-off, rent), USD/month.")
    local_usd_per_mtok: float = Field(description="Self-hosted cost per extra 1M tokens (electricity), USD.")
    api_usd_per_mtok: float = Field(description="API bill per 1M tokens at the plan's mix, USD.")
    note: str = Field(description="The answer in one sentence.")
    curve: tuple[BreakEvenPoint, ...] = Field(description="Both costs over a range of volumes.")

    def to_json(self) -> dict[str, Any]:
        """The JSON contract's `break_even` object."""
        return {
            "local_plan": {"model_id": self.local_model_id, "name": self.local_name,
                           "summary": self.local_summary, "fixed_usd_month": round(self.local_fixed_usd, 2),
                           "usd_per_mtok": round(self.local_usd_per_mtok, 4)},
            "api_plan": {"model_id": self.api_model_id, "name": self.api_name, "summary": self.api_summary,
                         "usd_per_mtok": round(self.api_usd_per_mtok, 4)},
            "tokens_per_month": self.tokens_per_month,
            "note": self.note,
            "curve": [{"tokens_per_month": p.tokens_per_month, "local_usd": round(p.local_usd, 2),
                       "api_usd": round(p.api_usd, 2)} for p in self.curve],
        }


class RecommendationResult(Frozen):
    """The whole answer to one set of constraints."""

    generated_at: datetime = Field(description="When the ranking was made (UTC).")
    app_version: str = Field(description="Model Advisor version.")
    catalog_version: str = Field(description="Catalog release.")
    catalog_as_of: str = Field(description="Date the catalog's facts were checked.")
    catalog_models: int = Field(description="Models considered.")
    constraints: Constraints = Field(description="The constraints as given.")
    recommendations: tuple[Recommendation, ...] = Field(
        description="Ranked models, explained: all of them, or the first `explain_top` asked for.")
    ranked_count: int | None = Field(
        default=None, description="Models that met every constraint (None: all are in recommendations).")
    excluded: tuple[Exclusion, ...] = Field(description="Models ruled out, with reasons.")
    counterfactuals: tuple[Counterfactual, ...] = Field(description="What would flip the pick.")
    pareto_front: tuple[str, ...] = Field(
        description="Model ids on the quality-versus-monthly-cost Pareto front."
    )
    assumptions: tuple[str, ...] = Field(description="Defaults and assumptions used.")
    warnings: tuple[str, ...] = Field(default=(), description="Overall warnings.")
    break_even: BreakEven | None = Field(
        default=None, description="The pick against the best plan of the other kind (self-hosted vs API).")

    @property
    def ranked(self) -> int:
        """How many models met every constraint (explained or not)."""
        return self.ranked_count if self.ranked_count is not None else len(self.recommendations)

    @property
    def top(self) -> Recommendation | None:
        """The pick, if any model passed the filters."""
        return self.recommendations[0] if self.recommendations else None

    def shown(self) -> tuple[Recommendation, ...]:
        """The top N the user asked to see."""
        return self.recommendations[: self.constraints.top_n]

    def to_json(self) -> dict[str, Any]:
        """The CLI/report JSON contract."""
        return {
            "catalog": {"version": self.catalog_version, "as_of": self.catalog_as_of,
                        "models": self.catalog_models},
            "app_version": self.app_version,
            "generated_at": self.generated_at.isoformat(),
            "constraints": self.constraints.model_dump(mode="json"),
            "recommendations": [_rec_json(r) for r in self.shown()],
            "excluded": [{"model_id": e.model_id, "name": e.name, "reasons": list(e.reasons)}
                         for e in self.excluded],
            "counterfactuals": [{"change": c.change, "new_top": c.new_top,
                                 "new_top_name": c.new_top_name, "kind": c.kind}
                                for c in self.counterfactuals],
            "pareto_front": list(self.pareto_front),
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "break_even": None if self.break_even is None else self.break_even.to_json(),
        }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def deployment_json(dep: DeploymentPlan) -> dict[str, Any]:
    """One deployment in the JSON contract (a hybrid one with its parts)."""
    out: dict[str, Any] = {
        "mode": dep.mode,
        "quantization": dep.quantization,
        "provider": dep.provider,
        "placement": dep.placement,
        "memory_gb": _round(dep.memory_gb, 2),
        "decode_tokens_per_s": _round(dep.decode_tokens_per_s),
        "answer_tokens_per_s": _round(dep.answer_tokens_per_s),
        "api_tokens_per_s": _round(dep.api_tokens_per_s),
        "thinking": dep.thinking,
        "monthly_cost_usd": round(dep.monthly_cost_usd, 2) if dep.cost_known else None,
        "cost_known": dep.cost_known,
    }
    if dep.mode == "api":
        out["terms_unstated"] = dep.terms_unstated
    if dep.self_hosted:
        out.update({
            "runtime": dep.runtime,
            "cost_bound_usd": _round(dep.cost_bound_usd, 2),
            "weights_gb": _round(dep.weights_gb, 2),
            "kv_cache_gb": _round(dep.kv_cache_gb, 2),
            "concurrency": dep.concurrency,
            "aggregate_tokens_per_s": _round(dep.aggregate_tokens_per_s),
            "busy_hours_per_month": _round(dep.busy_hours_per_month),
            "capacity_ok": dep.capacity_ok,
            "machines_needed": dep.machines_needed,
            "cost_breakdown": dict(dep.cost_breakdown or {}),
        })
    if dep.share is not None:
        out["share"] = round(dep.share, 4)
    if dep.model_id is not None and dep.share is not None:
        out["model_id"] = dep.model_id
    if dep.mode == "hybrid":
        out["parts"] = [deployment_json(p) for p in dep.parts]
        out["rationale"] = dep.rationale
    return out


def _rec_json(rec: Recommendation) -> dict[str, Any]:
    return {
        "rank": rec.rank,
        "model_id": rec.model_id,
        "name": rec.name,
        "score": round(rec.score, 1),
        "score_breakdown": {f.value: round(rec.score_breakdown.get(f, 0.0), 2) for f in Factor},
        "quality": None if rec.quality is None else round(rec.quality, 1),
        "quality_interval": (None if rec.quality_interval is None
                             else [round(rec.quality_interval[0], 1), round(rec.quality_interval[1], 1)]),
        "confidence": rec.confidence.level,
        "deployment": deployment_json(rec.deployment),
        "license": {"id": rec.license_id, "class": rec.license_class},
        "explanation": list(rec.explanation),
        "warnings": list(rec.warnings),
    }
