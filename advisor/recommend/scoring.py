"""Factor values (each 0-1) and the weighted score with its breakdown.

Each factor measures one thing, once: quality (evidence for the weighted tasks), cost (monthly cost
against the budget), speed (generation speed against need), fit (memory headroom), context (headroom
over the required context), language (support level), licence (openness), maturity (how established).
The score is sum(weight share x value) x 100, and the breakdown is exactly those summands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from advisor.catalog.schema import License, LicenseClass, Model
from advisor.recommend.constraints import Constraints, Factor
from advisor.recommend.quality import QualityTable, percentile
from advisor.recommend.result import Confidence

if TYPE_CHECKING:
    from advisor.recommend.deploy import Plan

NO_EVIDENCE_QUALITY = 0.2
"""Quality value for a model with no benchmark evidence at all: unproven is scored low, not average."""
UNMEASURED_SPEED = 0.5
UNKNOWN_COST = 0.5
"""Cost factor for a plan whose running cost could not be computed: not free, not judged either
(the value a plan costing exactly the budget gets); the plan's confidence note says why."""
"""Speed value for hosted APIs: the catalog has no throughput figures for providers (neutral)."""
DEFAULT_SPEED_TARGET = 20.0
"""Tokens/s that counts as fully interactive when the user states no minimum (faster than reading)."""
COST_REFERENCE_USD = 50.0
"""Monthly cost at which the cost value is 0.5 when the user gives no budget."""

FACTORS = tuple(Factor)

LICENSE_VALUE = {
    LicenseClass.PERMISSIVE: 1.0,
    LicenseClass.OPEN_WEIGHTS_WITH_CONDITIONS: 0.6,
    LicenseClass.RESEARCH_ONLY: 0.3,
    LicenseClass.PROPRIETARY: 0.0,
}


@dataclass(frozen=True)
class QualityAssessment:
    """Quality value and how much evidence stands behind it."""

    value: float
    display: float | None  # 0-100, None when there is no evidence at all
    confidence: Confidence
    notes: tuple[str, ...]


def assess_quality(model: Model, table: QualityTable, c: Constraints) -> QualityAssessment:
    """Weighted task quality; tasks without direct evidence fall back to general ability with a
    lower confidence, and a model without any evidence is scored low (unproven)."""
    weights = {t: w for t, w in c.tasks.items() if w > 0} or dict.fromkeys(c.tasks, 1.0)
    total_w = sum(weights.values()) or 1.0
    ability = 0.0
    direct_w = 0.0
    notes: list[str] = []
    for task, w in sorted(weights.items()):
        found = table.task_ability(model.id, task)
        if found is None:
            break
        ability += w * found.ability
        if found.direct_evidence:
            direct_w += w
        else:
            notes.append(f"no {task.value} benchmarks; estimated from other benchmarks and model size")
    else:
        share = direct_w / total_w
        if table.evidence_count.get(model.id, 0) == 0:
            value = percentile(ability / total_w) * 0.5 + NO_EVIDENCE_QUALITY * 0.5
            return QualityAssessment(
                value, None,
                Confidence(level="low", value=0.0,
                           note="no benchmark evidence in the catalog; judged by model size only"),
                ("no benchmark evidence: quality judged from model size alone",))
        level: Literal["high", "medium", "low"] = (
            "high" if share >= 0.75 else "medium" if share >= 0.4 else "low")
        n = table.evidence_count.get(model.id, 0)
        value = percentile(ability / total_w)
        # Without direct evidence the value is pulled half-way towards "unproven".
        value = value * (0.5 + 0.5 * share) + NO_EVIDENCE_QUALITY * (0.5 - 0.5 * share)
        return QualityAssessment(
            value, value * 100,
            Confidence(level=level, value=round(share, 2),
                       note=f"{n} benchmark result(s); direct evidence for {share:.0%} of the "
                            "weighted tasks"),
            tuple(notes))
    return QualityAssessment(
        NO_EVIDENCE_QUALITY, None,
        Confidence(level="low", value=0.0, note="no benchmark evidence in the catalog"),
        ("no benchmark evidence: quality unproven, scored low",))


def cost_value(monthly_usd: float, c: Constraints) -> float:
    """1 when free, falling with cost: half at the budget (or $50 without one)."""
    ref = c.budget_usd_month if c.budget_usd_month else COST_REFERENCE_USD
    return 1.0 / (1.0 + max(0.0, monthly_usd) / max(ref, 0.01))


def speed_value(plan: Plan, c: Constraints) -> float:
    """Expected tokens/s against the need (saturating); APIs are neutral (not measured)."""
    if plan.mode == "api" or plan.decode_tokens_per_s is None:
        return UNMEASURED_SPEED
    target = max(c.min_tokens_per_s or 0.0, DEFAULT_SPEED_TARGET)
    value: float = min(1.0, plan.decode_tokens_per_s / target) ** 0.7
    return value


def fit_value(plan: Plan) -> float:
    """Memory headroom: 1 with a tenth or more free (room for longer prompts and other programs),
    less as it gets tight, halved when layers spill to system RAM."""
    if plan.mode == "api" or not plan.memory_gb or not plan.available_gb:
        return 1.0
    headroom = 1.0 - plan.memory_gb / plan.available_gb
    value = min(1.0, max(0.0, headroom) * 10.0)
    return value * (0.5 if plan.placement == "gpu+cpu" else 1.0)


def context_value(context_tokens: int | None, c: Constraints) -> float:
    """0.5 at exactly the required context, 1 at 8x or more; unknown context counts 0.3."""
    if not context_tokens:
        return 0.3
    ratio = context_tokens / c.min_context_tokens
    return max(0.0, min(1.0, 0.5 + math.log2(max(ratio, 1e-9)) / 6.0))


def license_value(lic: License | None) -> float:
    """Openness of the licence class."""
    return LICENSE_VALUE[lic.license_class] if lic else 0.0


def maturity_value(model: Model, today: date) -> float:
    """How established: months since release, hosts serving it, published artifacts."""
    age_days = (today - model.release_date).days if model.release_date else 0
    age = min(1.0, max(0.0, age_days) / 180.0)
    providers = len({o.provider for o in model.offerings})
    hosts = min(1.0, providers / 3.0)
    artifacts = 1.0 if model.artifacts else 0.0
    if not model.open_weights:
        return 0.6 * age + 0.4 * hosts
    return 0.4 * age + 0.3 * hosts + 0.3 * artifacts


def combine(values: dict[Factor, float], weights: dict[Factor, float]) -> tuple[float, dict[Factor, float],
                                                                              dict[Factor, float]]:
    """Score 0-100, the points per factor, and the normalised weights."""
    total = sum(w for w in weights.values() if w > 0) or 1.0
    points: dict[Factor, float] = {}
    shares: dict[Factor, float] = {}
    score = 0.0
    for f in FACTORS:
        w = weights.get(f, 0.0)
        share = w / total if w > 0 else 0.0
        shares[f] = share
        pts = share * values[f] * 100.0
        points[f] = pts
        score += pts
    return score, points, shares


def quantization_factor(plan: Plan) -> tuple[float, str | None]:
    """Multiplier on quality for running a quantized copy: 1 - perplexity increase (llama.cpp's
    table, capped at 60 %), and a note when it matters."""
    if plan.mode != "local" or not plan.quantization:
        return 1.0, None
    from advisor.estimate.quant import quality_loss  # noqa: PLC0415

    loss, sourced = quality_loss(plan.quantization)
    loss = min(0.6, max(0.0, loss))
    if loss < 0.01:
        return 1.0, None
    how = "llama.cpp perplexity table" if sourced else "interpolated by bits from llama.cpp's table"
    return 1.0 - loss, (f"{plan.quantization} raises perplexity about {loss:.0%} ({how}); quality is "
                        "discounted by that much")
