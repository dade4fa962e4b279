"""The quality-versus-cost Pareto front on the bundled catalog."""

from __future__ import annotations

from advisor.catalog.store import load_bundled
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend


def test_no_model_on_the_front_is_dominated() -> None:
    result = recommend(load_bundled(), Constraints(deployment=Deployment.API, top_n=500))
    by_id = {r.model_id: r for r in result.recommendations}
    front = [by_id[mid] for mid in result.pareto_front]
    assert front
    for f in front:
        for other in result.recommendations:
            if other.quality is None or f.quality is None:
                continue
            dominated = (other.quality > f.quality
                         and other.deployment.monthly_cost_usd < f.deployment.monthly_cost_usd)
            assert not dominated, (f.name, other.name)
    costs = [f.deployment.monthly_cost_usd for f in front]
    assert costs == sorted(costs)
