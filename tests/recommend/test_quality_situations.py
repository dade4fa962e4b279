"""Regression tests from the situations where thin evidence used to sink good models (issue 17).

They run on a small catalog built here, shaped like the bundled one at the time: open families report
8-12 results from their own cards, closed frontier models 0-2 (some from an independent leaderboard),
and an older open line is measured on easy benchmarks only. So they do not move when the bundled
catalog grows, and they fail on the old rule that pulled a task without evidence towards 0.2.
"""

from __future__ import annotations

from datetime import date
from statistics import NormalDist

import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import (
    Architecture,
    CatalogMeta,
    License,
    LicenseClass,
    Model,
    Offering,
    Sourced,
    TaskEvidence,
)
from advisor.catalog.store import Catalog
from advisor.recommend.constraints import Constraints, Deployment, Factor, Profile
from advisor.recommend.engine import recommend

TODAY = date(2026, 12, 3)
AS_OF = date(2026, 11, 1)


def _ev(scores: dict[str, float], independent: bool = False) -> tuple[TaskEvidence, ...]:
    return tuple(TaskEvidence(benchmark=b, score=v, source="fixture", as_of=AS_OF, independent=independent)
                 for b, v in scores.items())


def _offer(price_in: float, price_out: float) -> tuple[Offering, ...]:
    return (Offering(provider="host", price_input_usd_per_mtok=price_in, price_output_usd_per_mtok=price_out,
                     source="fixture", as_of=AS_OF),)


def _open(mid: str, family: str, released: date, params_b: float, price_out: float,
          scores: dict[str, float], independent: dict[str, float] | None = None) -> Model:
    arch = Architecture(total_params_b=params_b, layers=64, hidden_size=8192, attention_heads=64, kv_heads=8,
                        head_dim=128, source="fixture", as_of=AS_OF)
    return Model(id=mid, name=mid.split("/")[1], family=family, vendor=mid.split("/", maxsplit=1)[0],
                 release_date=released, open_weights=True, hf_repo=f"{mid}-hf", license="open",
                 architecture=arch, context_window_tokens=131072,
                 evidence=_ev(scores) + _ev(independent or {}, independent=True),
                 offerings=_offer(price_out / 4, price_out), facts=Sourced(source="fixture", as_of=AS_OF))


def _closed(mid: str, family: str, released: date, price_in: float, price_out: float,
            scores: dict[str, float] | None = None, independent: dict[str, float] | None = None) -> Model:
    return Model(id=mid, name=mid.split("/")[1], family=family, vendor=mid.split("/", maxsplit=1)[0],
                 release_date=released, open_weights=False, license="closed", context_window_tokens=400000,
                 capabilities={"reasoning": True},  # type: ignore[arg-type]
                 evidence=_ev(scores or {}) + _ev(independent or {}, independent=True),
                 offerings=_offer(price_in, price_out), facts=Sourced(source="fixture", as_of=AS_OF))


def _card(gpqa: float, mmlu_pro: float, lcb: float, ifeval: float, hle: float, mmmlu: float,
          swe: float, tau2: float, aime: float, bfcl: float) -> dict[str, float]:
    return {"GPQA Diamond": gpqa, "MMLU-Pro": mmlu_pro, "LiveCodeBench": lcb, "IFEval": ifeval,
            "Humanity's Last Exam": hle, "MMMLU": mmmlu, "SWE-bench Verified": swe, "tau2-bench": tau2,
            "AIME 2025": aime, "BFCL": bfcl}


def _catalog() -> Catalog:
    y25, y26 = date(2025, 8, 7), date(2026, 2, 20)
    models = [
        # An open family measured on its own cards (10 results each), the strongest near the top of
        # those tables, but well behind the frontier on the independent leaderboards they share.
        _open("oq/oq-400b", "oq-3", y26, 400, 3.0, _card(88, 87, 83, 92, 28, 88, 76, 86, 91, 72),
              {"Aider Polyglot": 60, "SWE-bench Pro": 38, "Terminal-Bench": 52}),
        _open("oq/oq-120b", "oq-3", y26, 120, 2.4, _card(86, 86, 79, 93, 25, 86, 72, 79, 88, 72),
              {"Aider Polyglot": 52, "SWE-bench Pro": 33}),
        _open("oq/oq-27b", "oq-3", y26, 27, 1.2, _card(85, 85, 80, 95, 24, 85, 72, 79, 86, 68),
              {"Aider Polyglot": 45, "Terminal-Bench": 45}),
        _open("oq/oq-9b", "oq-3", y26, 9, 0.3, _card(81, 82, 65, 91, 18, 81, 60, 70, 75, 66)),
        # A closed lab: the flagship has two independent results, its mini and nano their vendor table.
        _closed("lab/g-5", "g-5", y25, 1.25, 10.0, independent={"Aider Polyglot": 88, "SWE-bench Pro": 48}),
        _closed("lab/g-5-mini", "g-5", y25, 0.25, 2.0,
                {"GPQA Diamond": 82, "AIME 2025": 91, "Humanity's Last Exam": 17, "SWE-bench Verified": 71,
                 "MMMU": 82}, {"Aider Polyglot": 72}),
        _closed("lab/g-5-nano", "g-5", y25, 0.05, 0.4,
                {"GPQA Diamond": 71, "AIME 2025": 85, "Humanity's Last Exam": 9, "SWE-bench Verified": 55,
                 "MMMU": 76}, {"Aider Polyglot": 48}),
        _closed("lab/o-3", "o-series", date(2025, 4, 16), 2.0, 8.0, {"GPQA Diamond": 83, "MMLU": 93},
                {"Aider Polyglot": 81, "SWE-bench Pro": 42}),
        # Another lab's newest flagship and its mid tier: two and one results, on an independent
        # leaderboard the others share.
        _closed("ant/opus-9", "opus", date(2026, 5, 28), 5.0, 25.0,
                independent={"SWE-bench Pro": 69, "Terminal-Bench": 75}),
        _closed("ant/sonnet-9", "sonnet", date(2026, 2, 17), 3.0, 15.0, independent={"Terminal-Bench": 63}),
        _closed("ant/haiku-9", "haiku", date(2025, 10, 15), 1.0, 5.0, independent={"SWE-bench Pro": 40}),
        _closed("gg/pro-3", "pro", date(2026, 2, 19), 2.0, 12.0,
                independent={"SWE-bench Pro": 46, "Terminal-Bench": 68}),
        # An older open line: a 70B measured on easy benchmarks, and its successor of the same size and
        # line, which its vendor's table reports beside it on the same benchmarks, plus two results from
        # an independent index the other models above do not share.
        _open("ml/ml-3.1-8b", "ml-3.1", date(2024, 7, 23), 8, 0.1,
              {"MMLU-Pro": 48, "GPQA Diamond": 32, "HumanEval": 73, "MATH": 52, "IFEval": 80, "MGSM": 69}),
        _open("ml/ml-3.1-70b", "ml-3.1", date(2024, 7, 23), 70, 0.8,
              {"MMLU-Pro": 66, "GPQA Diamond": 48, "HumanEval": 80, "MATH": 68, "IFEval": 87.5, "MGSM": 87}),
        _open("ml/ml-3.1-405b", "ml-3.1", date(2024, 7, 23), 405, 3.0,
              {"MMLU-Pro": 73, "GPQA Diamond": 49, "HumanEval": 89, "MATH": 74, "IFEval": 88.6, "MGSM": 92}),
        _open("ml/ml-3.3-70b", "ml-3.3", date(2024, 12, 6), 70, 0.8,
              {"MMLU-Pro": 69, "GPQA Diamond": 50.5, "HumanEval": 88, "MATH": 77, "IFEval": 92, "MGSM": 91},
              {"SciCode": 26}),
        _open("oq/oq-2.5-72b", "oq-2.5", date(2024, 9, 19), 72, 1.2,
              {"MMLU-Pro": 71, "GPQA Diamond": 49, "HumanEval": 87, "MATH": 83, "IFEval": 84},
              {"SciCode": 30}),
        _open("oq/oq-2.5-7b", "oq-2.5", date(2024, 9, 19), 7, 0.3,
              {"MMLU-Pro": 56, "GPQA Diamond": 36, "HumanEval": 85, "MATH": 75, "IFEval": 71},
              {"SciCode": 18}),
    ]
    licenses = {
        "open": License(id="open", name="Open", license_class=LicenseClass.PERMISSIVE, commercial_use=True,
                        source="fixture", as_of=AS_OF),
        "closed": License(id="closed", name="Closed", license_class=LicenseClass.PROPRIETARY,
                          commercial_use=True, source="fixture", as_of=AS_OF),
    }
    return Catalog(meta=CatalogMeta(version="fixture", as_of=AS_OF), models={m.id: m for m in models},
                   licenses=licenses, hardware={})


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _catalog()


def _rank(catalog: Catalog, **kw: object) -> list[str]:
    result = recommend(catalog, Constraints(top_n=100, **kw), today=TODAY,  # type: ignore[arg-type]
                       with_counterfactuals=False)
    return [r.model_id for r in result.recommendations]


def test_frontier_reasoning_via_api_quality_profile_puts_the_frontier_on_top(catalog: Catalog) -> None:
    order = _rank(catalog, deployment=Deployment.API, tasks={Task.REASONING: 1.0}, profile=Profile.QUALITY)
    assert order[0] == "ant/opus-9", order  # newest flagship, two independent results at the top
    assert sum(not mid.startswith("oq/") for mid in order[:3]) >= 2, order[:3]
    # A flagship with two results is not ranked below its own mini and nano.
    assert order.index("lab/g-5") < order.index("lab/g-5-mini") < order.index("lab/g-5-nano")
    # Thinly measured frontier models are not sunk to the bottom half.
    for mid in ("ant/opus-9", "lab/g-5", "lab/o-3", "gg/pro-3"):
        assert order.index(mid) < len(order) // 2, (mid, order)


def test_thin_evidence_is_not_weakness_but_costs_more_in_the_balanced_profile(catalog: Catalog) -> None:
    quality = recommend(catalog, Constraints(deployment=Deployment.API, tasks={Task.REASONING: 1.0},
                                             profile=Profile.QUALITY, top_n=100), today=TODAY)
    balanced = recommend(catalog, Constraints(deployment=Deployment.API, tasks={Task.REASONING: 1.0},
                                              top_n=100), today=TODAY)
    thin = next(r for r in quality.recommendations if r.model_id == "ant/sonnet-9")
    rich = next(r for r in quality.recommendations if r.model_id == "oq/oq-400b")
    assert thin.quality_interval is not None
    assert rich.quality_interval is not None

    def width(interval: tuple[float, float]) -> float:  # on the ability scale, not in shares
        return float(NormalDist().inv_cdf(interval[1] / 100) - NormalDist().inv_cdf(interval[0] / 100))

    assert width(thin.quality_interval) > width(rich.quality_interval)
    # The allowance for uncertainty is larger under the balanced profile.
    by_id = {r.model_id: r for r in balanced.recommendations}
    drop_quality = thin.quality - 100 * thin.factor_values[Factor.QUALITY]  # type: ignore[operator]
    other = by_id["ant/sonnet-9"]
    drop_balanced = other.quality - 100 * other.factor_values[Factor.QUALITY]  # type: ignore[operator]
    assert drop_balanced > drop_quality > 0


def test_a_newer_model_of_the_same_line_ranks_above_its_predecessor(catalog: Catalog) -> None:
    for kw in ({"deployment": Deployment.API}, {"deployment": Deployment.API, "profile": Profile.QUALITY},
               {"deployment": Deployment.API, "tasks": {Task.CODING: 1.0}}):
        order = _rank(catalog, **kw)
        assert order.index("ml/ml-3.3-70b") < order.index("ml/ml-3.1-70b"), kw


def test_breakdown_sums_to_score_and_json_has_the_interval(catalog: Catalog) -> None:
    result = recommend(catalog, Constraints(deployment=Deployment.API, profile=Profile.QUALITY, top_n=100),
                       today=TODAY)
    for rec in result.recommendations:
        assert abs(sum(rec.score_breakdown.values()) - rec.score) < 1e-9
        assert rec.quality is not None
        assert rec.quality_interval is not None
        assert rec.quality_interval[0] <= rec.quality <= rec.quality_interval[1]
        assert rec.confidence.interval_low == rec.quality_interval[0]
    for row in result.to_json()["recommendations"]:
        low, high = row["quality_interval"]
        assert 0 <= low <= row["quality"] <= high <= 100


def test_bundled_catalog_ranks_llama_3_3_70b_above_llama_3_1_70b() -> None:
    """Meta's Llama 3.3 card reports it beside Llama 3.1 70B on the same benchmarks
    (curated/evidence/llama-3.3-card.toml); on one scale the newer model comes first."""
    from advisor.catalog.store import load_bundled  # noqa: PLC0415
    from advisor.hardware.profile import profile_from_preset  # noqa: PLC0415

    bundled = load_bundled()
    hw = profile_from_preset(bundled.hardware["rtx-4090"], gpu_count=2)
    for profile in (Profile.BALANCED, Profile.QUALITY):
        c = Constraints(hardware=hw, profile=profile, top_n=200)
        result = recommend(bundled, c, today=TODAY, with_counterfactuals=False)
        order = [r.model_id for r in result.recommendations]
        newer = order.index("meta-llama/llama-3.3-70b-instruct")
        assert newer < order.index("meta-llama/llama-3.1-70b-instruct"), profile
