"""Explanations say what separates close models, and confidence needs more than one result."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import Model, Sourced, TaskEvidence
from advisor.catalog.store import load_bundled
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend
from advisor.recommend.plan_notes import thinking_sentence
from advisor.recommend.quality import fit_quality
from advisor.recommend.result import DeploymentPlan, Thinking
from advisor.recommend.scoring import assess_quality

D = date(2026, 1, 1)


def test_a_tie_is_called_level_and_the_tie_break_is_named() -> None:
    cat = load_bundled()
    original = cat.models["openai/gpt-4.1"]
    twin = original.model_copy(update={"id": "openai/gpt-4.1-twin", "name": "GPT-4.1 twin"})
    catalog = replace(cat, models={original.id: original, twin.id: twin})
    result = recommend(catalog, Constraints(deployment=Deployment.API), today=D)
    first, second = result.recommendations[:2]
    assert round(first.score, 6) == round(second.score, 6)
    assert "level with GPT-4.1 twin" in first.explanation[0]
    assert "order of their ids" in first.explanation[0]
    assert "level with GPT-4.1" in second.explanation[0]
    assert "points ahead" not in first.explanation[0]


def _model(mid: str, scores: dict[str, float]) -> Model:
    evidence = tuple(TaskEvidence(benchmark=b, score=v, source="test", as_of=D) for b, v in scores.items())
    return Model(id=f"t/{mid}", name=mid, family="t", vendor="t", open_weights=False, license="x",
                 evidence=evidence, facts=Sourced(source="test", as_of=D))


def test_one_benchmark_result_is_at_most_medium_confidence() -> None:
    # Confidence also needs a narrow posterior, so the catalog has enough models to calibrate on and
    # its results agree with each other (two results that contradict the rest do not make it high).
    models = [_model("one", {"LiveCodeBench": 40.0}),
              _model("two", {"LiveCodeBench": 50.0, "SWE-bench Verified": 50.0}),
              _model("three", {"LiveCodeBench": 30.0, "SWE-bench Verified": 27.0}),
              *(_model(f"peer-{i}", {"LiveCodeBench": 20.0 + 12 * i, "SWE-bench Verified": 15.0 + 14 * i})
                for i in range(5))]
    table = fit_quality(models)
    c = Constraints(tasks={Task.CODING: 1.0})
    assert assess_quality(models[0], table, c).confidence.level == "medium"
    assert assess_quality(models[1], table, c).confidence.level == "high"


def test_the_other_thinking_mode_of_a_plan_with_unknown_running_cost_says_unknown_not_zero() -> None:
    def plan(thinking: Thinking, known: bool) -> DeploymentPlan:
        return DeploymentPlan(mode="local", monthly_cost_usd=0.0, cost_known=known, quantization="Q5_K_M",
                              thinking=thinking, hybrid_thinking=True, decode_tokens_per_s=20.0)

    for known, words in ((False, "running cost unknown"), (True, "$0.00/month")):
        sentence = thinking_sentence(plan("off", known), (plan("on", known),), Constraints())
        assert sentence is not None
        assert f"With thinking on locally at Q5_K_M: {words}, about 20 tokens/s." in sentence
