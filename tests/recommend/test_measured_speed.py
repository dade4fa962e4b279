"""The ranking uses this machine's measured speed (advisor measure): a measured model by its own
ratio, every other model by the median of what was measured here, each saying so; other machines
and the ranking without calibrations keep the estimator's figures."""

from __future__ import annotations

import datetime as dt

import pytest

from advisor.catalog.store import load_bundled
from advisor.estimate import estimate
from advisor.estimate.calibration import Calibration, profile_key
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult

CATALOG = load_bundled()
RTX_4090 = profile_from_preset(CATALOG.hardware["rtx-4090"])
C = Constraints(hardware=RTX_4090, deployment=Deployment.LOCAL, top_n=500)


def _cal(model_id: str, quant: str, factor: float, hw_key: str | None = None) -> Calibration:
    """A measurement `factor` x the estimator's own speed for the model on the RTX 4090."""
    est = estimate(CATALOG.models[model_id], RTX_4090, quant=quant).decode_tokens_per_s
    assert est is not None
    return Calibration(model=model_id, model_id=model_id, quantization=quant,
                       tokens_per_s=est.expected * factor,
                       hardware_profile=hw_key or profile_key(RTX_4090), date=dt.date(2026, 12, 1),
                       server="ollama", url="http://127.0.0.1:11434")


def _speeds(result: RecommendationResult) -> dict[tuple[str, str | None], float]:
    """Every local plan's speed, the alternatives' too (a slower plan may lose to another quantization)."""
    return {(r.model_id, p.quantization): p.decode_tokens_per_s for r in result.recommendations
            for p in (r.deployment, *r.alternatives) if p.decode_tokens_per_s and p.mode == "local"}


def test_a_measured_model_gets_its_own_ratio_and_the_rest_the_median() -> None:
    plain = recommend(CATALOG, C, with_counterfactuals=False)
    top = plain.recommendations[0]
    own = (top.model_id, top.deployment.quantization)
    assert own[1] is not None
    second, third = [r for r in plain.recommendations if r.model_id != own[0]][:2]
    cals = (_cal(own[0], own[1], 0.5), _cal(second.model_id, second.deployment.quantization or "", 0.7),
            _cal(third.model_id, third.deployment.quantization or "", 0.9))
    measured = recommend(CATALOG, C, settings=PlanSettings(calibrations=cals), with_counterfactuals=False)
    before, after = _speeds(plain), _speeds(measured)
    assert after[own] == pytest.approx(before[own] * 0.5, rel=1e-6)
    mine = next(r for r in measured.recommendations if r.model_id == own[0])
    plan = next(p for p in (mine.deployment, *mine.alternatives) if p.quantization == own[1])
    assert plan.speed_note is not None
    assert "measured at" in plan.speed_note
    assert "Speed corrected by x" in " ".join(mine.explanation)
    # Models not measured: the median of the three ratios (0.7).
    rest = [k for k in after if k in before and k[0] not in {c.model_id for c in cals}]
    assert rest
    for k in rest:
        assert after[k] == pytest.approx(before[k] * 0.7, rel=1e-6), k


def test_calibrations_of_another_machine_change_nothing() -> None:
    plain = recommend(CATALOG, C, with_counterfactuals=False)
    top = plain.recommendations[0]
    cal = _cal(top.model_id, top.deployment.quantization or "", 0.5, hw_key="Apple M4 Max [000000000000]")
    measured = recommend(CATALOG, C, settings=PlanSettings(calibrations=(cal,)), with_counterfactuals=False)
    assert _speeds(measured) == _speeds(plain)
    assert all(r.deployment.speed_note is None for r in measured.recommendations)
