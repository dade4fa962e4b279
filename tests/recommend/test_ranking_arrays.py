"""What the result reads from the ranking's arrays (the Pareto front, the price dates, the break-even's
other plan) is what the Scored objects say, so the answer does not depend on which was read."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import Catalog, load_bundled
from advisor.hardware.profile import HardwareProfile, profile_from_preset
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import pareto_front
from advisor.recommend.ranked import Scored, first_of_kind, price_dates
from advisor.recommend.ranking import Ranking, rank


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_bundled()


def _cases(catalog: Catalog) -> dict[str, Constraints]:
    gpu = profile_from_preset(catalog.hardware["rtx-4090"])
    # A Mac at a volume where a model's best plan is an API while a local plan of it ranks earlier
    # (the distinction first_of_kind's any_plan draws; at 5M tokens on an M4 Max, before unknown
    # electricity was bounded, the unknown running cost made it).
    unified = profile_from_preset(catalog.hardware["apple-m3-max-128gb"])
    bare = HardwareProfile.model_validate(
        {"gpu": {"name": "24 GB GPU", "memory_gb": 24, "bandwidth_gbs": 1008}})
    return {
        "api": Constraints(deployment=Deployment.API),
        "4090, both": Constraints(hardware=gpu, tasks={Task.CODING: 1.0}),
        "4090, local": Constraints(hardware=gpu, deployment=Deployment.LOCAL),
        "unified, both": Constraints(hardware=unified, tokens_per_month=500_000_000),
        "bare GPU, both": Constraints(hardware=bare, tokens_per_month=50_000_000),
    }


def _front_of(scored: Sequence[Scored]) -> list[str]:
    """The front by its definition, from the objects (not the engine's sweep): a model with a shown
    quality and a known cost is on it unless another one costs no more and shows at least its
    quality (ties going to the cheaper, then the better, then the lower id); cheapest first."""
    pts = [(s.plan.monthly_cost_usd, -(s.quality.display or 0.0), s.model.id)
           for s in scored if s.quality.display is not None and s.plan.cost_known]

    def dominated(p: tuple[float, float, str]) -> bool:
        return any(o < p and -o[1] >= -p[1] - 1e-9 for o in pts if o[0] <= p[0])

    return [mid for *_, mid in sorted(p for p in pts if not dominated(p))]


def _first_of_kind(scored: Sequence[Scored], self_hosted: bool, any_plan: bool) -> int | None:
    for at in range(1, len(scored)):
        plans = (scored[at].plan, *scored[at].alternatives) if any_plan else (scored[at].plan,)
        if any(p.self_hosted == self_hosted for p in plans):
            return at
    return None


@pytest.fixture(scope="module")
def rankings(catalog: Catalog) -> dict[str, Ranking]:
    return {name: rank(catalog, c) for name, c in _cases(catalog).items()}


@pytest.mark.parametrize("name", ["api", "4090, both", "4090, local", "unified, both", "bare GPU, both"])
def test_the_arrays_say_what_the_objects_say(rankings: dict[str, Ranking], name: str) -> None:
    ranking = rankings[name]
    scored = list(ranking.scored)
    assert len(scored) > 10
    assert pareto_front(ranking) == _front_of(scored)
    assert price_dates(ranking.evaluation) == {s.plan.prices_as_of for s in scored if s.plan.prices_as_of}
    for self_hosted in (True, False):
        for any_plan in (True, False):
            assert (first_of_kind(ranking.evaluation, self_hosted, any_plan)
                    == _first_of_kind(scored, self_hosted, any_plan)), (self_hosted, any_plan)


def test_the_cases_reach_what_the_arrays_tell_apart(rankings: dict[str, Ranking]) -> None:
    """Each branch is exercised: plans of both kinds, a kind found only among alternatives, local
    plans whose cost is unknown, and a front that is more than one model."""
    both = list(rankings["4090, both"].scored)
    assert {s.plan.self_hosted for s in both} == {True, False}
    local = list(rankings["4090, local"].scored)
    assert first_of_kind(rankings["4090, local"].evaluation, False, True) is None
    assert all(s.plan.self_hosted for s in local)
    ev = rankings["unified, both"].evaluation
    # open models whose best plan is an API one, and which could run locally, rank above the first
    # model whose best plan is local
    assert first_of_kind(ev, True, True) < first_of_kind(ev, True, False)  # type: ignore[operator]
    assert any(not s.plan.cost_known for r in rankings.values() for s in r.scored)
    assert all(len(pareto_front(r)) > 1 for name, r in rankings.items() if name != "4090, local")
