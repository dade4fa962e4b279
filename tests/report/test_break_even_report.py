"""The break-even view in every report format: the sentence, the numbers and (HTML) the chart."""

from __future__ import annotations

import json

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import load_bundled
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints, Profile
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.report import render_html, render_json, render_markdown
from advisor.report.break_even_chart import break_even_svg

CATALOG = load_bundled()


def _result() -> RecommendationResult:
    hw = profile_from_preset(CATALOG.hardware["rtx-4090"]).model_copy(
        update={"price_usd": 1599.0, "idle_power_watts": 20.0})
    c = Constraints(hardware=hw, tokens_per_month=20_000_000, tasks={Task.CODING: 1.0},
                    profile=Profile.QUALITY, electricity_usd_kwh=0.30, amortize_months=36)
    return recommend(CATALOG, c, with_counterfactuals=False)


def test_every_format_carries_the_break_even() -> None:
    result = _result()
    be = result.break_even
    assert be is not None
    html = render_html(result)
    assert "Self-hosting or an API: break-even" in html
    assert html.count("<svg") == 2  # the quality-cost chart and the break-even chart
    assert "break-even " in html  # the crossing is marked on the chart
    assert be.note.split(" is cheaper")[0].replace("&", "&amp;") in html
    md = render_markdown(result)
    assert "## Self-hosting or an API: break-even" in md
    assert json.loads(render_json(result))["break_even"]["tokens_per_month"] == be.tokens_per_month


def test_the_chart_escapes_catalog_text() -> None:
    be = _result().break_even
    assert be is not None
    svg = break_even_svg(be.model_copy(update={"local_name": "<script>x</script> & co"}), 20_000_000)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
