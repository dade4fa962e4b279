"""A running cost that cannot be computed is unknown, not free (a regression: offloaded models whose
speed was unknown showed '$0.00/month', scored as free and sat on the Pareto front)."""

from __future__ import annotations

import csv
import io

from advisor.catalog.store import load_bundled
from advisor.hardware.profile import Accelerator, HardwareProfile
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend
from advisor.recommend.scoring import UNKNOWN_COST
from advisor.report import render_csv, render_markdown


def test_unknown_electricity_is_unknown_everywhere() -> None:
    # One 24 GB GPU, 64 GB of RAM whose bandwidth is not given: offloaded plans have no speed.
    hardware = HardwareProfile(name="RTX 4090", gpu=Accelerator(name="RTX 4090", memory_gb=24,
                                                                     bandwidth_gbs=1008),
                               ram_gb=64, power_watts=450)
    result = recommend(load_bundled(), Constraints(hardware=hardware, deployment=Deployment.LOCAL, top_n=100))
    unknown = [r for r in result.recommendations if not r.deployment.cost_known]
    known = [r for r in result.recommendations if r.deployment.cost_known]
    assert unknown, "some offloaded plan has no speed estimate"
    assert known
    for rec in unknown:
        assert rec.deployment.placement == "gpu+cpu"
        assert rec.deployment.decode_tokens_per_s is None
        assert rec.factor_values[next(f for f in rec.factor_values if f.value == "cost")] == UNKNOWN_COST
        assert rec.model_id not in result.pareto_front
        assert any("running cost is unknown" in line for line in rec.explanation)
        notes = rec.deployment.cost_notes
        assert any(n.startswith("electricity unknown: the generation speed") for n in notes)
    payload = {r["model_id"]: r for r in result.to_json()["recommendations"]}
    shown = {r.model_id for r in result.shown()}
    unknown = [r for r in unknown if r.model_id in shown]  # the reports hold the shown ones
    assert unknown, "no plan with an unknown cost among those shown"
    for rec in unknown:
        assert payload[rec.model_id]["deployment"]["monthly_cost_usd"] is None
        assert payload[rec.model_id]["deployment"]["cost_known"] is False
    for rec in known:
        assert rec.deployment.monthly_cost_usd > 0  # 450 W for the hours the volume takes
    markdown = render_markdown(result)
    assert "| unknown |" in markdown
    table = list(csv.DictReader(io.StringIO(render_csv(result))))
    by_id = {row["model_id"]: row for row in table}
    for rec in unknown:
        assert by_id[rec.model_id]["mode"] == "local"
        assert by_id[rec.model_id]["monthly_cost_usd"] == ""  # unknown, not 0
