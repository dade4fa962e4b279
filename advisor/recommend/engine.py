"""Constraints in, an explained ranking out: the one core the CLI, the GUI and the reports call."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from advisor import __version__
from advisor.catalog.schema import Model
from advisor.catalog.store import Catalog
from advisor.estimate import Usage
from advisor.recommend.constraints import Constraints, Factor
from advisor.recommend.deploy import Plan, PlanOutcome, PlanSettings, plan_api, plan_local_options, usage_of
from advisor.recommend.explain import assumptions_for, build_recommendations
from advisor.recommend.filters import Failure, language_value, model_failures
from advisor.recommend.quality import QualityTable, fit_quality
from advisor.recommend.result import Exclusion, RecommendationResult
from advisor.recommend.scoring import (
    UNKNOWN_COST,
    QualityAssessment,
    assess_quality,
    combine,
    context_value,
    cost_value,
    fit_value,
    license_value,
    maturity_value,
    quantization_factor,
    speed_value,
)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Scored:
    """A model that passed every hard constraint, in its best deployment."""

    model: Model
    score: float
    points: dict[Factor, float]
    values: dict[Factor, float]
    shares: dict[Factor, float]
    quality: QualityAssessment
    plan: Plan
    alternatives: tuple[Plan, ...]
    language_notes: tuple[str, ...]

    def sort_key(self) -> tuple[float, float, float, str]:
        """Higher score first; ties by quality, then lower cost, then id (deterministic)."""
        return (-round(self.score, 6), -self.quality.value, self.plan.monthly_cost_usd, self.model.id)


@dataclass(frozen=True)
class Rejected:
    """A model that failed a hard constraint, with every failure."""

    model: Model
    failures: tuple[Failure, ...]
    best_plan: Plan | None  # the closest deployment (for counterfactuals)


@dataclass(frozen=True)
class Ranking:
    """The ranked and rejected models for one set of constraints (no explanations yet)."""

    scored: list[Scored]
    rejected: list[Rejected]
    hidden: list[Model]


_QUALITY_CACHE: dict[int, tuple[dict[str, Model], QualityTable]] = {}
_WEIGHTS_CACHE: dict[int, tuple[Constraints, dict[Factor, float]]] = {}


def _weights_of(c: Constraints) -> dict[Factor, float]:
    """The constraints' factor weights, computed once per constraints object."""
    cached = _WEIGHTS_CACHE.get(id(c))
    if cached is not None and cached[0] is c:
        return cached[1]
    weights = c.factor_weights()
    _WEIGHTS_CACHE.clear()
    _WEIGHTS_CACHE[id(c)] = (c, weights)
    return weights


def quality_table(catalog: Catalog) -> QualityTable:
    """Abilities fitted over the catalog, cached for as long as the catalog's model dict lives."""
    key = id(catalog.models)
    cached = _QUALITY_CACHE.get(key)
    if cached is not None and cached[0] is catalog.models:
        return cached[1]
    table = fit_quality(catalog.models.values())
    _QUALITY_CACHE.clear()
    _QUALITY_CACHE[key] = (catalog.models, table)
    return table


def _evaluate(model: Model, catalog: Catalog, c: Constraints, *, table: QualityTable,
              settings: PlanSettings, today: date, usage: Usage) -> Scored | Rejected:
    lic = catalog.license_of(model)
    failures = model_failures(model, lic, c)
    outcomes: list[PlanOutcome] = []
    if c.local_allowed:
        outcomes.extend(plan_local_options(model, c, settings, usage))
    elif c.deployment.value == "local" or c.data_must_stay_local:
        reason = ("no local hardware described" if c.hardware is None or c.hardware.api_only
                  else "local deployment is not allowed")
        outcomes.append(PlanOutcome(None, (Failure("deployment", reason),)))
    if c.api_allowed:
        outcomes.extend(plan_api(model, off, c, usage) for off in model.offerings)
        if not model.offerings and not c.local_allowed:
            outcomes.append(PlanOutcome(None, (Failure("deployment", "no hosted API serves it "
                                                                     "in the catalog"),)))
    ok = [o for o in outcomes if o.plan is not None and not o.failures]
    if failures or not ok:
        return _rejected(model, failures, outcomes)
    quality = assess_quality(model, table, c)
    lang, lang_notes = language_value(model, c)
    base = {
        Factor.QUALITY: quality.value,
        Factor.LANGUAGE: lang,
        Factor.LICENSE: license_value(lic),
        Factor.MATURITY: maturity_value(model, today),
    }
    weights = _weights_of(c)
    options: list[tuple[float, dict[Factor, float], dict[Factor, float], dict[Factor, float],
                        PlanOutcome]] = []
    for outcome in ok:
        plan = outcome.plan
        assert plan is not None
        values = dict(base)
        q_factor, _ = quantization_factor(plan)
        values[Factor.QUALITY] = base[Factor.QUALITY] * q_factor
        values[Factor.COST] = cost_value(plan.monthly_cost_usd, c) if plan.cost_known else UNKNOWN_COST
        values[Factor.SPEED] = speed_value(plan, c)
        values[Factor.FIT] = fit_value(plan)
        ctx = model.context_window_tokens if plan.mode == "local" else plan.context_tokens
        values[Factor.CONTEXT] = context_value(ctx or model.context_window_tokens, c)
        score, points, shares = combine(values, weights)
        options.append((score, points, values, shares, outcome))
    options.sort(key=lambda o: (-o[0], o[4].plan.monthly_cost_usd if o[4].plan else 0.0,
                                o[4].plan.provider or "" if o[4].plan else ""))
    score, points, values, shares, best = options[0]
    assert best.plan is not None
    return Scored(model=model, score=score, points=points, values=values, shares=shares,
                  quality=quality, plan=best.plan,
                  alternatives=tuple(o[4].plan for o in options[1:] if o[4].plan is not None),
                  language_notes=tuple(lang_notes))


def _rejected(model: Model, failures: list[Failure], outcomes: list[PlanOutcome]) -> Rejected:
    all_failures = list(failures)
    best_plan: Plan | None = None
    # Report the failures of each kind of deployment once: local, and the cheapest API.
    local = [o for o in outcomes if o.plan is not None and o.plan.mode == "local"]
    apis = sorted((o for o in outcomes if o.plan is not None and o.plan.mode == "api"),
                  key=lambda o: o.plan.monthly_cost_usd if o.plan else 0.0)
    seen: set[str] = {f.reason for f in all_failures}
    for outcome in [*local, *apis[:1], *(o for o in outcomes if o.plan is None)]:
        for f in outcome.failures:
            if f.reason not in seen:
                all_failures.append(f)
                seen.add(f.reason)
        if best_plan is None and outcome.plan is not None:
            best_plan = outcome.plan
    return Rejected(model, tuple(all_failures), best_plan)


def rank(catalog: Catalog, c: Constraints, settings: PlanSettings | None = None,
         *, today: date | None = None, models: Iterable[Model] | None = None) -> Ranking:
    """Filter and score every visible model (or `models`), best first."""
    settings = settings or PlanSettings()
    today = today or datetime.now(UTC).date()
    table = quality_table(catalog)
    scored: list[Scored] = []
    rejected: list[Rejected] = []
    hidden: list[Model] = []
    pool = catalog.models.values() if models is None else models
    usage = usage_of(c)
    for model in pool:
        if model.id in catalog.hidden:
            hidden.append(model)
            continue
        out = _evaluate(model, catalog, c, table=table, settings=settings, today=today, usage=usage)
        if isinstance(out, Scored):
            scored.append(out)
        else:
            rejected.append(out)
    scored.sort(key=Scored.sort_key)
    rejected.sort(key=lambda r: r.model.id)
    return Ranking(scored, rejected, hidden)


def pareto_front(scored: list[Scored]) -> list[str]:
    """Ids of models no other model beats on both quality (higher) and monthly cost (lower)."""
    pts = sorted((s.plan.monthly_cost_usd, -(s.quality.display or 0.0), s.model.id)
                  for s in scored if s.quality.display is not None and s.plan.cost_known)
    front: list[str] = []
    best_q = -1.0
    for _cost, neg_q, mid in pts:
        if -neg_q > best_q + 1e-9:
            front.append(mid)
            best_q = -neg_q
    return front


def recommend(catalog: Catalog, constraints: Constraints, *, settings: PlanSettings | None = None,
              progress: Progress | None = None, with_counterfactuals: bool = True,
              today: date | None = None) -> RecommendationResult:
    """Rank the catalog under the constraints and explain the result."""
    from advisor.recommend.counterfactual import find_counterfactuals  # noqa: PLC0415

    settings = settings or PlanSettings()
    report = progress or (lambda _f, _m: None)
    report(0.0, "Ranking models")
    ranking = rank(catalog, constraints, settings, today=today)
    report(0.5, "Explaining the ranking")
    recs = build_recommendations(ranking.scored, catalog, constraints, settings)
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
        excluded=tuple(excluded),
        counterfactuals=tuple(counterfactuals),
        pareto_front=tuple(pareto_front(ranking.scored)),
        assumptions=tuple(assumptions_for(constraints, settings, ranking.scored)),
        warnings=tuple(warnings + list(catalog.warnings)),
    )


__all__ = ["Ranking", "Rejected", "Scored", "pareto_front", "quality_table", "rank", "recommend"]
