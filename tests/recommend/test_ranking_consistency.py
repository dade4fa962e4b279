"""The array ranking and the objects made from it agree: every score is its breakdown, every factor
value follows from the deployment shown, the order is the documented one, and every exclusion has a
reason. Random constraint sets, as in the hard-constraint property test."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import load_bundled
from advisor.estimate.batch import OS_RESERVE_GB
from advisor.estimate.memory import footprint
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints, Deployment, Factor
from advisor.recommend.engine import recommend
from advisor.recommend.ranked import Scored
from advisor.recommend.ranking import quality_table, rank
from advisor.recommend.result import DeploymentPlan
from advisor.recommend.scoring import (
    UNKNOWN_COST,
    assess_quality,
    context_value,
    cost_value,
    fit_value,
    quantization_factor,
    speed_value,
)
from tests.recommend.test_hard_constraints_property import CATALOG, constraints

TODAY = date(2026, 11, 25)


def pool_gb(plan: DeploymentPlan, c: Constraints) -> float:
    """The memory a plan's headroom is measured against: the GPU's, and for a plan that spills to
    system RAM the free RAM too (the RAM less what the OS keeps)."""
    gpu = plan.available_gb or 0.0
    if plan.placement != "gpu+cpu" or c.hardware is None:
        return gpu
    return gpu + max(0.0, c.hardware.cpu_memory_gb - OS_RESERVE_GB)


def expected_values(s: Scored, c: Constraints, reference: float) -> dict[Factor, float]:
    """The deployment-dependent factor values, recomputed from the plan shown."""
    plan = s.plan
    local = plan.self_hosted  # owned or rented machines
    ctx = s.model.context_window_tokens if local else plan.context_tokens
    memory = plan.memory_gb if local and plan.memory_gb is not None else math.nan
    speed = (plan.answer_tokens_per_s or plan.decode_tokens_per_s if local
             else plan.answer_tokens_per_s or plan.api_tokens_per_s)
    speed = math.nan if speed is None else speed
    return {
        Factor.QUALITY: s.quality.value * quantization_factor(plan)[0],
        Factor.COST: (float(cost_value(plan.monthly_cost_usd, reference)) if plan.cost_known else
                      float(cost_value(plan.cost_bound_usd, reference)) if plan.cost_bound_usd is not None
                      else UNKNOWN_COST),
        Factor.SPEED: float(speed_value(np.array([speed]), c)[0]),
        Factor.FIT: float(fit_value(np.array([memory]), np.array([pool_gb(plan, c)]),
                                    np.array([plan.placement == "gpu+cpu"]))[0]),
        Factor.CONTEXT: float(context_value(np.array([ctx or s.model.context_window_tokens or 0]), c)[0]),
    }


@pytest.mark.slow  # a property test over 40 generated constraint sets
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(constraints())
def test_ranked_objects_match_the_arrays(c: Constraints) -> None:
    ranking = rank(CATALOG, c, today=TODAY)
    table = quality_table(CATALOG)
    seen = [s.model.id for s in ranking.scored] + [r.model.id for r in ranking.rejected]
    assert sorted(seen + [m.id for m in ranking.hidden + ranking.retired]) == sorted(CATALOG.models)
    assert all(m.retired for m in ranking.retired)
    assert not any(s.model.retired for s in ranking.scored)
    keys = [s.sort_key() for s in ranking.scored]
    assert keys == sorted(keys)
    for s in ranking.scored:
        assert math.isclose(s.score, sum(s.points.values()), abs_tol=1e-9)
        assert s.quality.value == assess_quality(s.model, table, c).value
        for factor, value in expected_values(s, c, ranking.evaluation.cost_reference).items():
            assert math.isclose(s.values[factor], value, rel_tol=1e-9, abs_tol=1e-12), (s.model.id, factor)
        for factor, share in s.shares.items():
            assert math.isclose(s.points[factor], share * s.values[factor] * 100, abs_tol=1e-9)
        for alt in s.alternatives:
            assert alt is not s.plan
    for r in ranking.rejected:
        assert r.failures, f"{r.model.id} was excluded without a reason"


def test_empty_pools_rank_to_nothing_without_errors() -> None:
    from dataclasses import replace  # noqa: PLC0415

    from advisor.recommend.engine import recommend  # noqa: PLC0415

    c = Constraints()
    assert not rank(CATALOG, c, today=TODAY, models=[]).scored
    all_hidden = recommend(replace(CATALOG, hidden=frozenset(CATALOG.models)), c, today=TODAY)
    assert not all_hidden.recommendations
    # Retired closed models are in the catalog browser only: neither ranked nor listed as excluded.
    live = [m for m in CATALOG.models.values() if not m.retired]
    assert len(all_hidden.excluded) == len(live) < len(CATALOG.models)
    assert all(e.reasons == ("hidden by you in the catalog",) for e in all_hidden.excluded)
    empty = recommend(replace(CATALOG, models={}), c, today=TODAY)
    assert (empty.recommendations, empty.excluded) == ((), ())


@pytest.mark.parametrize("sensitive", [0.0, 0.4])
def test_explaining_only_the_top_gives_the_same_top_and_counts_all(sensitive: float) -> None:
    catalog = load_bundled()
    c = Constraints(hardware=profile_from_preset(catalog.hardware["rtx-4090"]), tasks={Task.CODING: 1.0},
                    tokens_per_month=50_000_000, sensitive_share=sensitive)
    full = recommend(catalog, c)
    short = recommend(catalog, c, explain_top=5)
    assert len(short.recommendations) == 5
    assert short.ranked == full.ranked == len(full.recommendations)
    head = [r.model_dump() for r in full.recommendations[:5]]
    assert [r.model_dump() for r in short.recommendations] == head
    assert short.pareto_front == full.pareto_front
    assert short.counterfactuals == full.counterfactuals


def test_a_q8_0_kv_cache_halves_the_cache_of_local_plans() -> None:
    catalog = load_bundled()
    base = Constraints(hardware=profile_from_preset(catalog.hardware["rtx-4090"]),
                       deployment=Deployment.LOCAL, min_context_tokens=32768, tasks={Task.CODING: 1.0})
    f16 = {r.model_id: r for r in recommend(catalog, base).recommendations}
    q8 = {r.model_id: r for r in recommend(catalog, base.model_copy(update={"kv_cache_type": "q8_0"}))
          .recommendations}
    same = [m for m in f16 if m in q8 and f16[m].deployment.quantization == q8[m].deployment.quantization
            and f16[m].deployment.kv_cache_gb]
    assert same
    for m in same:
        # q8_0 stores 34 bytes per 32 elements where f16 stores 64; a linear-attention layer's fp32
        # state is not quantized.
        state = footprint(catalog.models[m]).kv_bytes(0, 2.0) / 1e9
        kv16, kv8 = f16[m].deployment.kv_cache_gb or 0.0, q8[m].deployment.kv_cache_gb or 0.0
        assert kv8 == pytest.approx(state + (kv16 - state) * 34 / 64, rel=1e-6)
