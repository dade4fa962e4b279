"""Lifecycle in the ranking: retired offerings are never ranked, deprecated ones carry their date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import Model, Offering, OfferingStatus
from advisor.catalog.store import load_bundled
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend

CAT = load_bundled()
TODAY = date(2026, 12, 3)


def _offering(model: Model, provider: str, model_id: str | None) -> Offering:
    return next(o for o in model.offerings if o.provider == provider and o.provider_model_id == model_id)


@pytest.mark.parametrize("tasks", [{Task.CHAT: 1.0}, {Task.CODING: 1.0}, {Task.REASONING: 1.0}])
@pytest.mark.parametrize("budget", [None, 20.0])
def test_no_retired_offering_appears_in_any_ranking(tasks: dict[Task, float], budget: float | None) -> None:
    assert any(o.status is OfferingStatus.RETIRED for m in CAT.models.values() for o in m.offerings)
    result = recommend(CAT, Constraints(deployment=Deployment.API, tasks=tasks, budget_usd_month=budget,
                                        tokens_per_month=10_000_000, top_n=1000), today=TODAY)
    assert result.recommendations
    for rec in result.recommendations:
        model = CAT.models[rec.model_id]
        assert not model.retired
        plan = rec.deployment
        offering = _offering(model, plan.provider or "", plan.provider_model_id)
        assert offering.status is not OfferingStatus.RETIRED, (rec.model_id, plan.provider)
    shown = {r.model_id for r in result.recommendations} | {e.model_id for e in result.excluded}
    assert not any(CAT.models[mid].retired for mid in shown)


def test_a_deprecated_offering_is_ranked_with_its_shutdown_date() -> None:
    base = next(m for m in CAT.models.values() if not m.open_weights and m.offerings
                and all(o.status is OfferingStatus.ACTIVE for o in m.offerings))
    gone = base.offerings[0].model_copy(update={"status": OfferingStatus.DEPRECATED,
                                                "shutdown_date": date(2027, 1, 14)})
    model = base.model_copy(update={"offerings": (gone,)})
    cat = replace(CAT, models={model.id: model})
    result = recommend(cat, Constraints(deployment=Deployment.API), today=TODAY)
    (rec,) = result.recommendations
    assert rec.deployment.offering_status == "deprecated"
    assert any("Deprecated" in w and "2027-01-14" in w for w in rec.warnings), rec.warnings


def test_a_closed_model_whose_offerings_are_all_retired_is_left_out() -> None:
    base = next(m for m in CAT.models.values() if not m.open_weights and m.offerings)
    dead = tuple(o.model_copy(update={"status": OfferingStatus.RETIRED}) for o in base.offerings)
    model = base.model_copy(update={"offerings": dead})
    assert model.retired
    result = recommend(replace(CAT, models={model.id: model}), Constraints(deployment=Deployment.API),
                       today=TODAY)
    assert (result.recommendations, result.excluded) == ((), ())


def test_an_open_model_with_only_retired_offerings_says_why_it_has_no_api() -> None:
    base = next(m for m in CAT.models.values() if m.open_weights and m.offerings)
    dead = tuple(o.model_copy(update={"status": OfferingStatus.RETIRED, "shutdown_date": date(2026, 6, 1)})
                 for o in base.offerings)
    model = base.model_copy(update={"offerings": dead})
    assert not model.retired  # the weights are still there to run
    result = recommend(replace(CAT, models={model.id: model}), Constraints(deployment=Deployment.API),
                       today=TODAY)
    (excluded,) = result.excluded
    assert any("every hosted offering is retired" in r and "2026-06-01" in r for r in excluded.reasons)
