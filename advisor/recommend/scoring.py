"""Factor values (each 0-1) and the weighted score with its breakdown.

Each factor measures one thing, once: quality (evidence for the weighted tasks), cost (monthly cost
against the budget), speed (generation speed against need), fit (memory headroom), context (headroom
over the required context), language (support level), licence (openness), maturity (how established).
The score is sum(weight share x value) x 100, and the breakdown is exactly those summands.
The functions take numpy arrays (the ranking scores every model at once) and plain floats alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from advisor.arrays import Bools, Floats, Ints
from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import LicenseClass, Model
from advisor.recommend.constraints import Constraints, Factor, Profile
from advisor.recommend.quality import QualityTable, percentile
from advisor.recommend.result import Confidence

F = TypeVar("F", float, Floats)
B = TypeVar("B", bool, Bools)

if TYPE_CHECKING:
    from advisor.recommend.result import DeploymentPlan

RISK_AVERSION: dict[Profile, float] = {
    Profile.QUALITY: 0.5, Profile.BALANCED: 1.0, Profile.CHEAPEST: 1.0, Profile.FASTEST: 1.0,
    Profile.OPEN: 1.0,
}
"""How much quality uncertainty costs, per profile: quality is scored at the estimate minus this many
posterior SDs (ability units), a one-sided lower bound: about the posterior's 31st percentile for the
quality profile, which takes a chance on a promising but thinly measured model, and its 16th for the
others, which want it proven. A model without any result keeps only its prior, which is wide."""
INTERVAL_Z = 1.645
"""The quality interval is the central 90 % of the posterior (+-1.645 SD)."""
UNMEASURED_SPEED = 0.5
"""Speed value when the speed is not known (an API whose output speed is not published): neutral."""
UNKNOWN_LANGUAGE = 0.3
"""Language value of a language the catalog does not document for a model: uncertain, so below a
claimed (0.6) or official (0.9) entry, but not the 0 of a documented "not supported"."""
UNKNOWN_COST = 0.5
"""Cost factor for a plan whose running cost could not be computed: not free, not judged either
(the value a plan costing exactly the budget gets); the plan's confidence note says why."""
DEFAULT_SPEED_TARGET = 20.0
"""Tokens/s that counts as fully interactive when the user states no minimum (faster than reading)."""
MIN_RESULTS_FOR_HIGH = 2
"""One benchmark result is thin evidence: confidence is at most medium until there are two."""
HIGH_SD = 0.25
"""Posterior SD (ability units, catalog SD = 1) at or below which confidence can be high."""
COST_REFERENCE_USD = 50.0
"""Monthly cost at which the cost value is 0.5 when the user gives no budget, at small volumes (see
`cost_reference`)."""

FACTORS = tuple(Factor)

LICENSE_VALUE = {
    LicenseClass.PERMISSIVE: 1.0,
    LicenseClass.OPEN_WEIGHTS_WITH_CONDITIONS: 0.6,
    LicenseClass.RESEARCH_ONLY: 0.3,
    LicenseClass.PROPRIETARY: 0.0,
}


@dataclass(frozen=True)
class QualityAssessment:
    """Quality value (risk-adjusted, what the score uses), the estimate and its interval, and how
    much evidence stands behind it."""

    value: float
    display: float | None  # 0-100 point estimate; None only for a model the fit never saw
    confidence: Confidence
    notes: tuple[str, ...]
    interval: tuple[float, float] | None = None  # 0-100, the central 90 % of the posterior


def quality_value(mean_ability: F, sd: F, risk: float) -> F:
    """Quality 0-1: the catalog share below the estimate lowered by `risk` posterior SDs."""
    return percentile(mean_ability - risk * sd)


def quality_interval(mean_ability: float, sd: float) -> tuple[float, float]:
    """The 90 % interval of the quality as 0-100 shares of the catalog."""
    return (100.0 * percentile(mean_ability - INTERVAL_Z * sd),
            100.0 * percentile(mean_ability + INTERVAL_Z * sd))


def confidence_level(share: float, results: int, sd: float) -> Literal["high", "medium", "low"]:
    """high: direct evidence for 3/4 of the weighted tasks, two results or more and a narrow
    posterior; medium: direct evidence for at least 40 % of them; low: the estimate rests mostly on
    other tasks and the prior."""
    if share >= 0.75 and results >= MIN_RESULTS_FOR_HIGH and sd <= HIGH_SD:
        return "high"
    if results >= 1 and share >= 0.4:
        return "medium"
    return "low"


def assess_quality(model: Model, table: QualityTable, c: Constraints) -> QualityAssessment:
    """Weighted task quality as an estimate with an interval; tasks without direct evidence are
    inferred from the model's other results and its prior, with a wider interval."""
    weights, total_w = task_weights(c)
    est = table.weighted(model.id, weights)
    risk = RISK_AVERSION[c.profile]
    if est is None:
        return QualityAssessment(
            float(quality_value(0.0, 1.0, risk)), None,
            Confidence(level="low", value=0.0, note="not in the quality fit"),
            ("not in the quality fit: quality unknown, scored as an unmeasured model",))
    mean, sd = est
    notes: list[str] = []
    direct_w = 0.0
    for task, w in weights.items():
        found = table.task_ability(model.id, task)
        if found is not None and found.direct_evidence:
            direct_w += w
        else:
            notes.append(f"no {task.value} benchmarks; estimated from its other results and what "
                         "the catalog knows of it")
    share = direct_w / total_w
    i = table.index[model.id]
    n = int(table.evidence[i])
    low, high = quality_interval(mean, sd)
    level = confidence_level(share, n, sd)
    value = float(quality_value(mean, sd, risk))
    span = f"90 % interval {low:.0f}-{high:.0f}"
    if n == 0:
        basis = table.prior.basis[i]
        return QualityAssessment(
            value, 100.0 * percentile(mean),
            Confidence(level="low", value=0.0, note=f"no benchmark results; estimated from {basis} "
                                                     f"({span})", interval_low=low, interval_high=high),
            (f"no benchmark results: quality estimated from {basis}, {span}",), (low, high))
    independent = int(table.independent[i])
    from_where = f", {independent} from independent leaderboards" if independent else ""
    return QualityAssessment(
        value, 100.0 * percentile(mean),
        Confidence(level=level, value=round(share, 2),
                   note=f"{n} benchmark result(s){from_where}; direct evidence for {share:.0%} of the "
                        f"weighted tasks; {span}", interval_low=low, interval_high=high),
        tuple(notes), (low, high))


def task_weights(c: Constraints) -> tuple[dict[Task, float], float]:
    """The weighted tasks in a fixed order (every task counts 1 when all weights are 0), and the
    total weight (summed in the order given, as the scores always have been)."""
    weights = {t: w for t, w in c.tasks.items() if w > 0} or dict.fromkeys(c.tasks, 1.0)
    return dict(sorted(weights.items())), sum(weights.values()) or 1.0


def cost_reference(c: Constraints, price_in: Floats, price_out: Floats) -> float:
    """The monthly cost at which the cost value is 0.5: the budget; without one, what the volume costs
    at the median price of the catalog's hosted offerings, and never less than COST_REFERENCE_USD.

    A fixed reference saturates at large volumes: at 2B tokens a month every hosted plan costs far
    more than $50, so $20,000 and $65,000 a month both score about 0 and the price difference no
    longer counts, exactly where it matters most. Judged against the going price of the volume, a
    plan three times dearer than another still scores visibly lower at any volume."""
    if c.budget_usd_month:
        return float(c.budget_usd_month)
    blend = price_in * (1.0 - c.output_share) + price_out * c.output_share
    priced = blend[np.isfinite(blend) & (blend > 0)]
    typical = float(np.median(priced)) * c.tokens_per_month / 1e6 if len(priced) else 0.0
    return max(COST_REFERENCE_USD, typical)


def cost_value(monthly_usd: F, reference_usd: float) -> F:
    """1 when free, falling with cost: half at the reference (`cost_reference`)."""
    return 1.0 / (1.0 + np.maximum(0.0, monthly_usd) / max(reference_usd, 0.01))  # type: ignore[no-any-return]


def speed_value(tokens_per_s: F, c: Constraints) -> F:
    """Expected tokens/s against the need (saturating); NaN (APIs: not measured; or unknown) is
    neutral."""
    target = max(c.min_tokens_per_s or 0.0, DEFAULT_SPEED_TARGET)
    with np.errstate(invalid="ignore"):
        value = np.minimum(1.0, tokens_per_s / target) ** 0.7
    return np.where(np.isnan(tokens_per_s), UNMEASURED_SPEED, value)  # type: ignore[return-value]


def fit_value(memory_gb: F, available_gb: F, offloaded: B) -> F:
    """Memory headroom: 1 with a tenth or more free (room for longer prompts and other programs),
    less as it gets tight, halved when layers spill to system RAM (whose plans are measured against
    the GPU's memory and the free RAM together). NaN memory (APIs) counts 1."""
    known = ~np.isnan(memory_gb) & (memory_gb != 0) & (available_gb != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        headroom = 1.0 - memory_gb / available_gb
    value = np.minimum(1.0, np.maximum(0.0, headroom) * 10.0)
    value = value * np.where(offloaded, 0.5, 1.0)
    return np.where(known, value, 1.0)  # type: ignore[return-value]


def context_value(context_tokens: Ints, c: Constraints) -> Floats:
    """0.5 at exactly the required context, 1 at 8x or more; unknown context (0) counts 0.3."""
    def one(tokens: int) -> float:
        if not tokens:
            return 0.3
        ratio = tokens / c.min_context_tokens
        return max(0.0, min(1.0, 0.5 + math.log2(max(ratio, 1e-9)) / 6.0))

    return per_distinct(context_tokens, one)


def maturity_value(release_ordinal: Floats, providers: Ints, artifacts: Bools, open_weights: Bools,
                   today: date) -> Floats:
    """How established: months since release, hosts serving it, published artifacts."""
    days = np.nan_to_num(today.toordinal() - release_ordinal, nan=0.0)
    age = np.minimum(1.0, np.maximum(0.0, days) / 180.0)
    hosts = np.minimum(1.0, providers / 3.0)
    art = np.where(artifacts, 1.0, 0.0)
    return np.where(open_weights, 0.4 * age + 0.3 * hosts + 0.3 * art,
                    0.6 * age + 0.4 * hosts)


def factor_shares(weights: dict[Factor, float]) -> dict[Factor, float]:
    """Each factor's share of the total positive weight."""
    total = sum(w for w in weights.values() if w > 0) or 1.0
    return {f: (weights.get(f, 0.0) / total if weights.get(f, 0.0) > 0 else 0.0) for f in FACTORS}


def combine(values: dict[Factor, Floats], shares: dict[Factor, float]) -> tuple[Floats, dict[Factor, Floats]]:
    """Score 0-100 and the points per factor (share x value x 100, summed in factor order)."""
    points = {f: shares[f] * values[f] * 100.0 for f in FACTORS}
    score = np.zeros_like(values[FACTORS[0]])
    for f in FACTORS:
        score = score + points[f]
    return score, points


def per_distinct(values: npt.NDArray[Any], fn: Callable[[Any], float]) -> Floats:
    """`fn` (a scalar function) applied to every element, computed once per distinct value."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return np.array([fn(v) for v in uniq.tolist()], dtype=np.float64)[inverse.reshape(-1)]


def quantization_loss(name: str) -> tuple[float, bool]:
    """The share of quality a quantized copy loses: its perplexity increase (llama.cpp's table, capped
    at 60 %; none below 1 %), and whether the figure is sourced rather than interpolated. The one
    clamp: the array ranking (columns.QUANT_QUALITY) and the plan's note both use it."""
    from advisor.catalog.quant import quality_loss  # noqa: PLC0415

    loss, sourced = quality_loss(name)
    loss = min(0.6, max(0.0, loss))
    return (0.0 if loss < 0.01 else loss), sourced


def quantization_factor(plan: DeploymentPlan) -> tuple[float, str | None]:
    """Multiplier on quality for running a quantized copy (1 - `quantization_loss`), and a note when
    it matters."""
    if not plan.self_hosted or not plan.quantization:
        return 1.0, None
    loss, sourced = quantization_loss(plan.quantization)
    if loss == 0.0:
        return 1.0, None
    how = "llama.cpp perplexity table" if sourced else "interpolated by bits from llama.cpp's table"
    return 1.0 - loss, (f"{plan.quantization} raises perplexity about {loss:.0%} ({how}); quality is "
                        "discounted by that much")
