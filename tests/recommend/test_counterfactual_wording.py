"""Budget counterfactuals only ever raise the budget (a regression: 'budget +$-50/month'), say the raise
and the new budget consistently, and are true: at the new budget the named model is the pick."""

from __future__ import annotations

import re

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import load_bundled
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend


def test_budget_changes_are_raises_that_flip_the_pick() -> None:
    cat = load_bundled()
    hw = profile_from_preset(cat.hardware["rtx-4090"]).model_copy(update={"ram_gb": 64.0})
    seen = 0
    for budget in (0.0, 5.0, 50.0):
        c = Constraints(hardware=hw, budget_usd_month=budget, tokens_per_month=20_000_000,
                        tasks={Task.CODING: 3.0, Task.REASONING: 1.0})
        for cf in recommend(cat, c).counterfactuals:
            if cf.kind != "budget":
                continue
            seen += 1
            match = re.fullmatch(r"budget \+\$([\d,]+)/month \(to \$([\d,]+)\)", cf.change)
            assert match, cf.change
            raise_usd, new_usd = (float(g.replace(",", "")) for g in match.groups())
            assert raise_usd > 0
            assert new_usd > budget
            assert abs(budget + raise_usd - new_usd) <= 1  # both rounded to whole dollars
            flipped = recommend(cat, c.model_copy(update={"budget_usd_month": new_usd}),
                                with_counterfactuals=False)
            assert flipped.top is not None
            assert flipped.top.model_id == cf.new_top, cf.change
    assert seen >= 1  # the tight budgets do offer one (the test must not pass vacuously)
