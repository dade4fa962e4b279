"""Quality from evidence: benchmarks are equated across populations, every estimate has an interval,
missing evidence is uncertainty (a wide interval), not weakness and not average."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import Model, Offering, Sourced, TaskEvidence
from advisor.recommend import quality
from advisor.recommend.constraints import Constraints, Profile
from advisor.recommend.quality import fit_quality, percentile
from advisor.recommend.scoring import RISK_AVERSION, assess_quality

D = date(2026, 1, 1)
NAMES = {"he": "HumanEval", "lcb": "LiveCodeBench", "swe": "SWE-bench Verified",
         "mmlu": "MMLU-Pro", "gpqa": "GPQA Diamond", "aider": "Aider Polyglot"}


def m(mid: str, **scores: float) -> Model:
    evidence = tuple(TaskEvidence(benchmark=NAMES[k], score=v, source="test", as_of=D)
                     for k, v in scores.items())
    return Model(id=f"t/{mid}", name=mid, family="t", vendor="t", open_weights=False, license="x",
                 evidence=evidence, facts=Sourced(source="test", as_of=D))


MODELS = [
    # Small/older models report HumanEval (easy) and a bit of LiveCodeBench.
    m("small-coder", he=88, lcb=18, mmlu=40),
    m("small-chat", he=60, lcb=10, mmlu=45),
    m("mid-coder", he=92, lcb=31, mmlu=55, swe=30),
    # Frontier models report SWE-bench and LiveCodeBench, not HumanEval.
    m("frontier-a", lcb=70, swe=75, mmlu=85, gpqa=85),
    m("frontier-b", lcb=60, swe=65, mmlu=80, gpqa=78),
    m("mid-api", lcb=40, swe=45, mmlu=70, gpqa=60),
    m("no-evidence"),
]


def _ability(table: object, mid: str, task: Task) -> float:
    found = table.task_ability(mid, task)  # type: ignore[attr-defined]
    assert found is not None
    return float(found.ability)


def test_saturated_benchmark_does_not_crown_a_small_model() -> None:
    table = fit_quality(MODELS)
    coding = {mid: _ability(table, f"t/{mid}", Task.CODING)
              for mid in ("frontier-a", "frontier-b", "mid-coder", "small-coder", "small-chat")}
    assert coding["frontier-a"] > coding["mid-coder"] > coding["small-coder"]
    assert coding["frontier-b"] > coding["small-coder"]
    assert coding["small-coder"] > coding["small-chat"]


def test_missing_task_evidence_falls_back_with_lower_confidence_and_a_wider_interval() -> None:
    table = fit_quality(MODELS)
    c = Constraints(tasks={Task.REASONING: 1.0})
    direct = assess_quality(MODELS[3], table, c)  # frontier-a has GPQA
    indirect = assess_quality(MODELS[0], table, c)  # small-coder has no reasoning benchmark
    assert direct.confidence.level == "high"
    assert indirect.confidence.level == "low"
    assert direct.value > indirect.value
    assert direct.interval is not None
    assert indirect.interval is not None
    own = table.task_ability("t/small-coder", Task.CODING)
    inferred = table.task_ability("t/small-coder", Task.REASONING)
    assert own is not None
    assert inferred is not None
    assert inferred.sd > own.sd


def test_no_evidence_is_a_wide_estimate_scored_low_under_the_balanced_profile() -> None:
    table = fit_quality(MODELS)
    result = assess_quality(MODELS[-1], table, Constraints(tasks={Task.CODING: 1.0}))
    measured = assess_quality(MODELS[2], table, Constraints(tasks={Task.CODING: 1.0}))
    assert result.confidence.level == "low"
    assert result.value < 0.5  # unproven is not average
    assert result.interval is not None
    assert measured.interval is not None
    assert result.interval[1] - result.interval[0] > 2 * (measured.interval[1] - measured.interval[0])
    assert result.display is not None
    assert result.interval[0] <= result.display <= result.interval[1]


def test_the_quality_profile_charges_less_for_uncertainty_than_the_balanced_one() -> None:
    assert RISK_AVERSION[Profile.QUALITY] < RISK_AVERSION[Profile.BALANCED]
    table = fit_quality(MODELS)
    thin, rich = MODELS[-1], MODELS[3]
    for profile in Profile:
        c = Constraints(tasks={Task.CODING: 1.0}, profile=profile)
        a = assess_quality(rich, table, c)
        assert a.display is not None
        # The score's value is the estimate less the profile's allowance: never above the estimate.
        assert a.value <= a.display / 100 + 1e-12
    q = Constraints(tasks={Task.CODING: 1.0}, profile=Profile.QUALITY)
    b = Constraints(tasks={Task.CODING: 1.0}, profile=Profile.BALANCED)
    cut_q = assess_quality(thin, table, q).value
    cut_b = assess_quality(thin, table, b).value
    assert cut_q > cut_b


def test_interval_is_the_posterior_and_contains_the_estimate() -> None:
    table = fit_quality(MODELS)
    for model in MODELS:
        a = assess_quality(model, table, Constraints(tasks={Task.CODING: 1.0, Task.KNOWLEDGE: 1.0}))
        assert a.interval is not None
        assert a.display is not None
        low, high = a.interval
        assert 0.0 <= low <= a.display <= high <= 100.0
        assert a.confidence.interval_low == low
        assert a.confidence.interval_high == high
        mean_sd = table.weighted(model.id, {Task.CODING: 1.0, Task.KNOWLEDGE: 1.0})
        assert mean_sd is not None
        assert abs(a.display - 100 * percentile(mean_sd[0])) < 1e-9


def test_an_independent_result_replaces_the_vendors_own_figure() -> None:
    def with_aider(vendor: float | None, independent: float | None) -> float:
        ev = []
        if vendor is not None:
            ev.append(TaskEvidence(benchmark="Aider Polyglot", score=vendor, source="vendor", as_of=D))
        if independent is not None:
            ev.append(TaskEvidence(benchmark="Aider Polyglot", score=independent, source="leaderboard",
                                   as_of=date(2025, 1, 1), independent=True))
        target = m("target", lcb=50).model_copy(update={"evidence": (*m("target", lcb=50).evidence, *ev)})
        others = [m(f"o{i}", lcb=20 + 10 * i, aider=15 + 12 * i) for i in range(5)]
        table = fit_quality([*others, target])
        return _ability(table, "t/target", Task.CODING)

    both = with_aider(95.0, 40.0)
    assert abs(both - with_aider(None, 40.0)) < 1e-9
    assert both < with_aider(95.0, None)


def _closed(mid: str, family: str, released: date, out_price: float, **scores: float) -> Model:
    base = m(mid, **scores)
    offering = Offering(provider="lab", price_input_usd_per_mtok=out_price / 8,
                        price_output_usd_per_mtok=out_price, source="test", as_of=D)
    return base.model_copy(update={"family": family, "vendor": "lab", "id": f"lab/{mid}",
                                   "release_date": released, "offerings": (offering,)})


def test_a_flagship_without_results_is_inferred_from_its_lineup_and_generation() -> None:
    """A vendor's flagship with no results sits above its measured mini and nano when the catalog's
    other lineups show price tiers and generations carrying ability; its interval is wide."""
    old, new = date(2024, 6, 1), date(2025, 8, 1)
    models = [
        _closed("g4", "g-4", old, 10.0, lcb=40, gpqa=55, mmlu=72, swe=35),
        _closed("g4-mini", "g-4", old, 2.0, lcb=30, gpqa=45, mmlu=63, swe=24),
        _closed("g4-nano", "g-4", old, 0.4, lcb=18, gpqa=35, mmlu=52, swe=12),
        _closed("g5", "g-5", new, 10.0),
        _closed("g5-mini", "g-5", new, 2.0, lcb=62, gpqa=78, mmlu=84, swe=65),
        _closed("g5-nano", "g-5", new, 0.4, lcb=48, gpqa=66, mmlu=76, swe=50),
        *(m(f"open-{i}", lcb=15 + 9 * i, gpqa=30 + 9 * i, mmlu=45 + 7 * i) for i in range(5)),
    ]
    table = fit_quality(models)
    c = Constraints(tasks={Task.REASONING: 1.0}, profile=Profile.QUALITY)
    flagship = assess_quality(models[3], table, c)
    nano = assess_quality(models[5], table, c)
    mini = assess_quality(models[4], table, c)
    assert flagship.display is not None
    assert nano.display is not None
    assert mini.display is not None
    assert flagship.display > mini.display > nano.display
    assert flagship.interval is not None
    assert mini.interval is not None
    assert flagship.interval[1] - flagship.interval[0] > mini.interval[1] - mini.interval[0]
    assert flagship.confidence.level == "low"
    # No longer "pulled towards 0.2": a thinly measured flagship keeps its inferred standing.
    assert flagship.value > 0.5
    assert np.isfinite(table.prior.var).all()


def _bundled_models() -> list[Model]:
    from advisor.catalog.store import load_bundled  # noqa: PLC0415

    return list(load_bundled().models.values())


def test_the_fit_on_the_bundled_catalog_has_converged(monkeypatch: pytest.MonkeyPatch) -> None:
    """One more round of the alternating fit barely moves anything: the estimate is a fixed point,
    not the phase of an oscillation (item noises used to alternate between their floor and ten
    times it, and with them every interval)."""
    models = _bundled_models()
    before = fit_quality(models)
    monkeypatch.setattr(quality, "_ROUNDS", quality._ROUNDS + 1)
    after = fit_quality(models)
    moved = np.abs(before.mean - after.mean)
    sd_before = np.sqrt(np.diagonal(before.cov, axis1=1, axis2=2))
    sd_after = np.sqrt(np.diagonal(after.cov, axis1=1, axis2=2))
    assert np.percentile(moved, 95) < 0.1
    assert np.percentile(np.abs(sd_before - sd_after), 95) < 0.05


def test_results_keep_the_bundled_catalogs_coding_intervals_tight() -> None:
    """A few narrow leaderboards of frontier models (a ten-point band on Terminal-Bench, three models
    on SWE-bench Verified) must not make their benchmarks look like pure noise and every interval
    wide: the models with coding results are pinned to within a fifth of a catalog SD or so."""
    table = fit_quality(_bundled_models())
    k = list(Task).index(Task.CODING)
    sd = np.sqrt(table.cov[:, k, k])
    assert float(np.median(sd[table.direct[:, k] > 0])) < 0.3
