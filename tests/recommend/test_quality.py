"""Quality from evidence: benchmarks are equated across populations, missing evidence is not average."""

from __future__ import annotations

from datetime import date

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import Model, Sourced, TaskEvidence
from advisor.recommend.constraints import Constraints
from advisor.recommend.quality import fit_quality
from advisor.recommend.scoring import NO_EVIDENCE_QUALITY, assess_quality

D = date(2026, 1, 1)


def m(mid: str, **scores: float) -> Model:
    names = {"he": "HumanEval", "lcb": "LiveCodeBench", "swe": "SWE-bench Verified",
             "mmlu": "MMLU-Pro", "gpqa": "GPQA Diamond"}
    evidence = tuple(TaskEvidence(benchmark=names[k], score=v, source="test", as_of=D)
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


def test_saturated_benchmark_does_not_crown_a_small_model() -> None:
    table = fit_quality(MODELS)
    coding = {mid: a.ability for mid, a in table.tasks[Task.CODING].items()}
    assert coding["t/frontier-a"] > coding["t/mid-coder"] > coding["t/small-coder"]
    assert coding["t/frontier-b"] > coding["t/small-coder"]
    assert coding["t/small-coder"] > coding["t/small-chat"]


def test_missing_task_evidence_falls_back_with_lower_confidence() -> None:
    table = fit_quality(MODELS)
    c = Constraints(tasks={Task.REASONING: 1.0})
    direct = assess_quality(MODELS[3], table, c)  # frontier-a has GPQA
    indirect = assess_quality(MODELS[0], table, c)  # small-coder has no reasoning benchmark
    assert direct.confidence.level == "high"
    assert indirect.confidence.level == "low"
    assert direct.value > indirect.value


def test_no_evidence_is_scored_low_not_average() -> None:
    table = fit_quality(MODELS)
    result = assess_quality(MODELS[-1], table, Constraints(tasks={Task.CODING: 1.0}))
    assert result.display is None
    assert result.value == NO_EVIDENCE_QUALITY < 0.5
    assert result.confidence.level == "low"
