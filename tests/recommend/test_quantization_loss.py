"""One quantization clamp: the array ranking and a single plan's note discount quality alike."""

from __future__ import annotations

import pytest

from advisor.catalog.quant import quality_loss
from advisor.recommend.columns import QUANT_NAMES, QUANT_QUALITY
from advisor.recommend.result import DeploymentPlan
from advisor.recommend.scoring import quantization_factor, quantization_loss


@pytest.mark.parametrize("name", QUANT_NAMES)
def test_the_array_and_the_plan_discount_alike(name: str) -> None:
    plan = DeploymentPlan(mode="local", monthly_cost_usd=0.0, quantization=name)
    factor, note = quantization_factor(plan)
    assert factor == QUANT_QUALITY[QUANT_NAMES.index(name)]
    raw = quality_loss(name)[0]
    if raw < 0.01:  # below a 1 % perplexity rise: no discount and nothing to say
        assert (factor, note) == (1.0, None)
    else:
        assert factor == pytest.approx(1.0 - min(0.6, raw))
        assert note is not None
        assert name in note


def test_the_loss_is_capped_and_an_api_plan_is_not_discounted() -> None:
    losses = [quantization_loss(q)[0] for q in QUANT_NAMES]
    assert all(loss == 0.0 or 0.01 <= loss <= 0.6 for loss in losses)
    assert max(losses) > 0.0  # some quantization is discounted (Q2_K loses quality)
    api_plan = DeploymentPlan(mode="api", monthly_cost_usd=1.0, quantization="Q2_K")
    assert quantization_factor(api_plan) == (1.0, None)
