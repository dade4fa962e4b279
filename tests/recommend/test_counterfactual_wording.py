"""Budget counterfactuals only ever raise the budget (a regression: 'budget +$-50/month')."""

from __future__ import annotations

import re

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import load_bundled
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend


def test_budget_changes_are_raises() -> None:
    cat = load_bundled()
    hw = profile_from_preset(cat.hardware["rtx-4090"]).model_copy(update={"ram_gb": 64.0})
    for budget in (0.0, 5.0, 50.0):
        c = Constraints(hardware=hw, budget_usd_month=budget, tokens_per_month=20_000_000,
                        tasks={Task.CODING: 3.0, Task.REASONING: 1.0})
        for cf in recommend(cat, c).counterfactuals:
            if cf.kind == "budget":
                match = re.match(r"budget \+\$([\d,]+)/month \(to \$([\d,]+)\)", cf.change)
                assert match, cf.change
                assert float(match.group(2).replace(",", "")) > budget
