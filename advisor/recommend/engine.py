"""Constraints in, an explained ranking out: the one core the CLI, the GUI and the reports call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial

import numpy as np

from advisor import __version__
from advisor.catalog.store import Catalog, no_gc
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.counterfactual import find_counterfactuals
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.explain import assumptions_for, build_recommendations
from advisor.recommend.hybrid import merge_pairs, pair_recommendation
from advisor.recommend.quality import percentile, weight_vector, weighted_ability
from advisor.recommend.ranked import first_of_kind, price_dates
from advisor.recommend.ranking import Ranking, rank, rank_settings
from advisor.recommend.result import BreakEven, Exclusion, RecommendationResult
from advisor.recommend.scoring import task_weights
from advisor.recommend.tco import LocalCostModel, Pair, break_even, make_pair, part_constraints

Progress = Callable[[float, str], None]


def pareto_front(ranking: Ranking) -> list[str]:
    """Ids of the ranked models no other beats on both quality (higher) and monthly cost (lower):
    each model's shown quality (`QualityAssessment.display`) against its best plan's cost, read from
    the ranking's arrays, so the front does not build a plan for every ranked model."""
    ev = ranking.evaluation
    first = ev.best[ev.order]
    rows = ev.idx[ev.order]
    keep = ev.options.cost_known[first] & ev.cols.quality.known[rows]  # unfitted: no shown quality
    weights, _ = task_weights(ev.c)
    mean, _sd = weighted_ability(ev.cols.quality.mean[rows[keep]], ev.cols.quality.cov[rows[keep]],
                                 weight_vector(weights))
    shown = 100.0 * percentile(mean)
    ids = [ev.cols.models[i].id for i in rows[keep].tolist()]
    pts = sorted(zip(ev.options.cost[first[keep]].tolist(), (-shown).tolist(), ids, strict=True))
    front: list[str] = []
    best_q = -1.0
    for _cost, neg_q, mid in pts:
        if -neg_q > best_q + 1e-9:
            front.append(mid)
            best_q = -neg_q
    return front


def recommend(catalog: Catalog, constraints: Constraints, *, settings: PlanSettings | None = None,
              progress: Progress | None = None, with_counterfactuals: bool = True,
              today: date | None = None, explain_top: int | None = None) -> RecommendationResult:
    """Rank the catalog under the constraints and explain the result: every ranked model, or the
    first `explain_top` (a caller that shows only those; the count of all stays in the result)."""
    # Explaining thousands of models builds ~10^5 small objects, none of them cyclic garbage;
    # meanwhile the cyclic collector would walk the whole heap, catalog included, again and again.
    with no_gc(freeze=False):
        return _recommend(catalog, constraints, settings=settings, progress=progress,
                          with_counterfactuals=with_counterfactuals, today=today, explain_top=explain_top)


def _recommend(catalog: Catalog, constraints: Constraints, *, settings: PlanSettings | None,
               progress: Progress | None, with_counterfactuals: bool, today: date | None,
               explain_top: int | None = None) -> RecommendationResult:
    settings = rank_settings(catalog, constraints, settings or PlanSettings())
    report = progress or (lambda _f, _m: None)
    report(0.0, "Ranking models")
    ranking = rank(catalog, constraints, settings, today=today)
    report(0.5, "Explaining the ranking")
    recs = build_recommendations(ranking.scored, catalog, constraints, explain_top)
    pairs = hybrid_pairs(catalog, constraints, settings, ranking, today)
    ranked = len(ranking.scored) + len(pairs)
    if pairs:
        recs = merge_pairs(recs, [pair_recommendation(p, catalog, constraints) for p in pairs])
        if explain_top is not None:
            recs = recs[:explain_top]
    excluded = [Exclusion(model_id=r.model.id, name=r.model.name,
                          reasons=tuple(f.reason for f in r.failures),
                          constraints=tuple(dict.fromkeys(f.key for f in r.failures)))
                for r in ranking.rejected]
    excluded += [Exclusion(model_id=m.id, name=m.name, reasons=("hidden by you in the catalog",),
                           constraints=("hidden",)) for m in ranking.hidden]
    counterfactuals = []
    if with_counterfactuals:
        report(0.7, "Looking for what would change the pick")
        counterfactuals = find_counterfactuals(catalog, constraints, ranking, settings, today)
    warnings: list[str] = []
    if not recs:
        warnings.append("No model satisfies every constraint; see the exclusions and what would "
                        "change the answer.")
    report(1.0, "Done")
    return RecommendationResult(
        generated_at=datetime.now(UTC),
        app_version=__version__,
        catalog_version=catalog.meta.version,
        catalog_as_of=catalog.meta.as_of.isoformat(),
        catalog_models=len(catalog.models),
        constraints=constraints,
        recommendations=tuple(recs),
        ranked_count=ranked if explain_top is not None else None,
        excluded=tuple(excluded),
        counterfactuals=tuple(counterfactuals),
        pareto_front=tuple(pareto_front(ranking)),
        assumptions=tuple(assumptions_for(constraints, settings, ranking.scored,
                                          price_dates(ranking.evaluation),
                                          ranking.evaluation.cost_reference)),
        warnings=tuple(warnings + list(catalog.warnings)),
        break_even=_break_even(catalog, constraints, ranking, today),
    )


def _break_even(catalog: Catalog, c: Constraints, ranking: Ranking, today: date | None) -> BreakEven | None:
    """The pick against the best plan of the other kind: from the ranking when it holds both, else
    from a ranking of the other kind alone (a local-only user still asks what an API would cost)."""
    settings = ranking.evaluation.settings
    found = break_even(ranking.scored, c, settings, partial(first_of_kind, ranking.evaluation))
    if found is not None or not ranking.scored or c.data_must_stay_local or c.tokens_per_month <= 0:
        return found
    pick = ranking.scored[0]
    if pick.plan.self_hosted:
        other = rank(catalog, c.model_copy(update={"deployment": Deployment.API, "sensitive_share": 0.0}),
                     settings, today=today).scored
    elif c.hardware is not None and not c.hardware.api_only:
        local = c.model_copy(update={"deployment": Deployment.LOCAL})
        other = rank(catalog, local, settings, today=today).scored
    else:
        return None
    return break_even([pick, *other[:1]], c, settings) if other else None


def hybrid_pairs(catalog: Catalog, c: Constraints, settings: PlanSettings, ranking: Ranking,
                 today: date | None) -> list[Pair]:
    """Hybrid plans: the sensitive share on your hardware and the rest via the best API; and, when
    the best local model cannot serve the whole volume on the machines allowed, local first with
    the overflow to an API."""
    pairs: list[Pair] = []
    if c.hybrid_wanted:
        share = c.sensitive_share
        local = rank(catalog, part_constraints(c, share, True), settings, today=today).scored
        api = rank(catalog, part_constraints(c, share, False), settings, today=today).scored
        if local and api:
            pair = make_pair(local[0], api[0], share, "sensitive", c, ranking.evaluation.cost_reference)
            if pair is not None:
                pairs.append(pair)
    if c.api_allowed and c.local_allowed and c.tokens_per_month > 0:
        pair = _overflow_pair(catalog, c, settings, ranking, today)
        if pair is not None:
            pairs.append(pair)
    return pairs


def _overflow_pair(catalog: Catalog, c: Constraints, settings: PlanSettings, ranking: Ranking,
                   today: date | None) -> Pair | None:
    """The best-quality model whose local plan fails only on capacity, serving what the allowed
    machines can, paired with the best API for the rest."""
    ev = ranking.evaluation
    if not ev.local:
        return None
    best = ev.local[0]
    short = best.present & best.fail_capacity & ~best.fail_memory & ~best.fail_licence & ev.model_ok
    rows = np.flatnonzero(short)
    if not len(rows):
        return None
    at = int(rows[np.argmax(ev.quality[rows])])
    if ranking.scored and ev.quality[at] <= ranking.scored[0].quality.value:
        return None  # the pick is at least as good: no reason to split
    model = ev.cols.models[int(ev.idx[at])]
    serve = best.serve
    busy = float(np.asarray(serve.busy_hours)[at])
    if not busy > 0:
        return None
    share = min(1.0, c.max_machines * c.hours_per_month / busy)
    if share < 0.05 or share >= 1.0:
        return None
    local = rank(catalog, part_constraints(c, share * 0.999, True), settings, today=today,
                 models=[model]).scored
    if local:  # the part's own plan (its quantization may differ) sets what the machines serve
        one = LocalCostModel(local[0].plan, part_constraints(c, share, True), settings).capacity()
        refined = min(1.0, 0.999 * c.max_machines * one / c.tokens_per_month) if one else share
        if abs(refined - share) > 0.01 * share:
            again = rank(catalog, part_constraints(c, refined, True), settings, today=today,
                         models=[model]).scored
            if again:
                local, share = again, refined
    if share >= 1.0:
        return None
    api = rank(catalog, part_constraints(c, share, False), settings, today=today).scored
    if not local or not api:
        return None
    return make_pair(local[0], api[0], share, "overflow", c, ev.cost_reference)


__all__ = ["pareto_front", "recommend"]
