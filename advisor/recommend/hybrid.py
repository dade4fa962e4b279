"""Hybrid pairs as recommendations: one row for a self-hosted part and an API part, ranked by its
score among the single plans."""

from __future__ import annotations

from advisor.catalog.store import Catalog
from advisor.recommend.constraints import Constraints
from advisor.recommend.explain import build_recommendations
from advisor.recommend.result import Confidence, Recommendation
from advisor.recommend.tco import Pair, part_constraints

_LEVELS = ("low", "medium", "high")


def pair_recommendation(pair: Pair, catalog: Catalog, c: Constraints) -> Recommendation:
    """The pair as one recommendation: both parts explained, the split bill, the weaker confidence."""
    local_c = part_constraints(c, pair.share, True)
    api_c = part_constraints(c, pair.share, False)
    local = build_recommendations([pair.local], catalog, local_c)[0]
    api = build_recommendations([pair.api], catalog, api_c)[0]
    conf = min((local.confidence, api.confidence), key=lambda x: _LEVELS.index(x.level))
    quality = None
    if local.quality is not None and api.quality is not None:
        quality = pair.share * local.quality + (1 - pair.share) * api.quality
    plan = pair.plan
    kind = "sensitive share" if pair.reason == "sensitive" else "local first, API for overflow"
    lines = [f"Hybrid plan ({kind}): {plan.rationale}",
             f"Split bill: ${pair.local.plan.monthly_cost_usd:,.2f}/month self-hosted + "
             f"${pair.api.plan.monthly_cost_usd:,.2f}/month API = ${plan.monthly_cost_usd:,.2f}/month.",
             *(f"Self-hosted part: {line}" for line in local.explanation[2:4]),
             *(f"API part: {line}" for line in api.explanation[2:4])]
    warnings = tuple(dict.fromkeys([*(f"Self-hosted part: {w}" for w in local.warnings),
                                    *(f"API part: {w}" for w in api.warnings)]))
    return Recommendation(
        rank=1, model_id=local.model_id, name=f"{local.name} + {api.name}",
        vendor=f"{local.vendor} + {api.vendor}", open_weights=local.open_weights,
        score=min(100.0, max(0.0, pair.score)), score_breakdown=pair.points, factor_values=pair.values,
        weights=local.weights, quality=quality, quality_interval=None, deployment=plan,
        alternatives=(), license_id=local.license_id, license_name=local.license_name,
        license_class=local.license_class,
        confidence=Confidence(level=conf.level, value=conf.value,
                              note=f"self-hosted part: {local.confidence.note}; "
                                   f"API part: {api.confidence.note}"),
        explanation=tuple(lines), warnings=warnings,
        sources=tuple(dict.fromkeys([*local.sources, *api.sources])))


def merge_pairs(singles: list[Recommendation], pairs: list[Recommendation]) -> list[Recommendation]:
    """Single plans and pairs in one list, ordered as the singles are (usable plans first, then
    documented terms, then score; a tie keeps the single first), ranks renumbered."""
    def key(item: tuple[Recommendation, int]) -> tuple[bool, bool, float, int]:
        rec, is_pair = item
        plan = rec.deployment
        return (plan.below_usable_floor, plan.terms_unstated, -round(rec.score, 6), is_pair)

    merged = sorted([*((r, 0) for r in singles), *((p, 1) for p in pairs)], key=key)
    return [r.model_copy(update={"rank": i}) for i, (r, _) in enumerate(merged, start=1)]


__all__ = ["merge_pairs", "pair_recommendation"]
