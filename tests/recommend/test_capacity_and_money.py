"""Serving a volume and a team, the cost of ownership, break-even and hybrid plans, through the
recommender (issue: capacity and money)."""

from __future__ import annotations

import dataclasses
import itertools
import math
from datetime import date

import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import RentalPrice
from advisor.catalog.store import load_bundled
from advisor.estimate import RunOptions, estimate
from advisor.estimate.electricity import price_for
from advisor.hardware.profile import HardwareProfile, profile_from_preset
from advisor.recommend.actions import add_actions
from advisor.recommend.constraints import Constraints, Deployment, LicensePolicy, Profile
from advisor.recommend.engine import recommend

CATALOG = load_bundled()
RTX_4090 = profile_from_preset(CATALOG.hardware["rtx-4090"])
TWO_A100 = profile_from_preset(CATALOG.hardware["a100-80gb-sxm"], gpu_count=2)


def test_two_billion_tokens_on_one_4090_is_flagged_with_the_machines_it_needs() -> None:
    c = Constraints(hardware=RTX_4090, deployment=Deployment.LOCAL, tokens_per_month=2_000_000_000,
                    tasks={Task.CHAT: 1.0}, top_n=1000)
    result = recommend(CATALOG, c, with_counterfactuals=False)
    for rec in result.recommendations:  # what is ranked serves the volume on the one machine
        dep = rec.deployment
        assert dep.capacity_ok
        assert dep.machines_needed == 1
        assert dep.busy_hours_per_month is not None
        assert dep.busy_hours_per_month <= 730 + 1e-6
    short = [e for e in result.excluded if any("--max-machines" in r for r in e.reasons)]
    assert short, "models too slow for the volume are excluded with the numbers"
    reason = next(r for r in short[0].reasons if "--max-machines" in r)
    assert "needs" in reason
    assert "machines" in reason
    assert "730 h you allow" in reason
    # Allowing more machines sizes the plans instead.
    bigger = recommend(CATALOG, c.model_copy(update={"max_machines": 20}), with_counterfactuals=False)
    sized = [r for r in bigger.recommendations if (r.deployment.machines_needed or 1) > 1]
    assert sized
    dep = sized[0].deployment
    assert dep.machines_needed is not None
    assert dep.busy_hours_per_month is not None
    assert (dep.machines_needed - 1) * 730 < dep.busy_hours_per_month <= dep.machines_needed * 730
    needed = f"{dep.machines_needed} machines"
    assert any(w.startswith("Capacity:") and needed in w for w in sized[0].warnings)
    assert len(bigger.recommendations) > len(result.recommendations)


def test_a_team_of_20_on_two_a100s_gets_a_plan_sized_for_20_long_contexts() -> None:
    c = Constraints(hardware=TWO_A100, deployment=Deployment.LOCAL, concurrency=20, min_context_tokens=65536,
                    tokens_per_month=300_000_000, tasks={Task.CODING: 1.0})
    result = recommend(CATALOG, c, with_counterfactuals=False)
    top = result.top
    assert top is not None
    dep = top.deployment
    assert dep.concurrency == 20
    model = CATALOG.models[top.model_id]
    assert dep.quantization is not None
    # A team on datacenter GPUs is planned under vLLM, on its own ladder (BF16, FP8, AWQ).
    assert dep.runtime == "vllm"
    assert dep.quantization in ("BF16", "FP8", "AWQ-4bit")
    vllm = RunOptions(backend="vllm")
    est = estimate(model, TWO_A100, quant=dep.quantization, context=65536, concurrency=20, options=vllm)
    # The KV cache is the estimator's for 20 sequences of 64k, and the aggregate speed is its batch speed.
    assert dep.kv_cache_gb == pytest.approx(est.kv_cache_gb, rel=1e-3)
    single = estimate(model, TWO_A100, quant=dep.quantization, context=65536, concurrency=1, options=vllm)
    assert dep.kv_cache_gb == pytest.approx(20 * single.kv_cache_gb, rel=1e-3)
    assert est.aggregate_tokens_per_s is not None
    assert dep.aggregate_tokens_per_s == pytest.approx(est.aggregate_tokens_per_s.expected, rel=1e-3)
    assert dep.aggregate_tokens_per_s > dep.decode_tokens_per_s  # type: ignore[operator]
    assert any("20 streams share the machine" in w for w in top.warnings)
    js = result.to_json()["recommendations"][0]["deployment"]
    for key in ("aggregate_tokens_per_s", "busy_hours_per_month", "capacity_ok", "machines_needed",
                "cost_breakdown"):
        assert key in js
    assert set(js["cost_breakdown"]) == {"electricity", "hardware", "rent"}


def test_break_even_is_where_the_two_costs_meet() -> None:
    # A bought 4090 written off over 36 months with some idle power (profile figures for the test),
    # against the frontier API a quality-first coder picks.
    hw = RTX_4090.model_copy(update={"price_usd": 1599.0, "idle_power_watts": 20.0})
    c = Constraints(hardware=hw, tokens_per_month=20_000_000, tasks={Task.CODING: 1.0},
                    profile=Profile.QUALITY,
                    electricity_usd_kwh=0.30, amortize_months=36)
    result = recommend(CATALOG, c, with_counterfactuals=False)
    be = result.break_even
    assert be is not None
    assert result.recommendations[0].model_id in {be.local_model_id, be.api_model_id}
    js = result.to_json()["break_even"]
    assert set(js) >= {"local_plan", "api_plan", "tokens_per_month"}
    # The fixed part is the write-off plus a month of idle power: 1599/36 + 730 h x 20 W x $0.30/kWh.
    assert be.local_fixed_usd == pytest.approx(1599 / 36 + 730 * 20 / 1000 * 0.30)
    pts = be.curve
    assert all(b.tokens_per_month > a.tokens_per_month for a, b in itertools.pairwise(pts))
    for p in pts:
        assert p.api_usd == pytest.approx(be.api_usd_per_mtok * p.tokens_per_month / 1e6, rel=1e-6)
    assert be.tokens_per_month, "a frontier API bill overtakes a written-off 4090 at some volume"
    t = be.tokens_per_month
    local_at = be.local_fixed_usd + be.local_usd_per_mtok * t / 1e6
    assert local_at == pytest.approx(be.api_usd_per_mtok * t / 1e6, rel=1e-3)
    below = [p for p in pts if p.tokens_per_month < 0.8 * t]
    above = [p for p in pts if 1.2 * t < p.tokens_per_month]
    assert all(p.api_usd < p.local_usd for p in below)
    assert any(p.local_usd < p.api_usd for p in above)
    assert "cheaper" in be.note
    assert "above" in be.note


def test_the_api_stays_cheaper_when_its_price_is_below_the_electricity() -> None:
    c = Constraints(hardware=RTX_4090, tokens_per_month=20_000_000, tasks={Task.CHAT: 1.0},
                    electricity_usd_kwh=0.30)
    be = recommend(CATALOG, c, with_counterfactuals=False).break_even
    assert be is not None
    if be.api_usd_per_mtok <= be.local_usd_per_mtok:
        assert be.tokens_per_month is None
        assert "API is cheaper at every volume" in be.note
    else:
        assert be.tokens_per_month is not None


def test_a_sensitive_share_gives_a_hybrid_pair_with_a_split_bill() -> None:
    c = Constraints(hardware=RTX_4090, tokens_per_month=50_000_000, sensitive_share=0.3,
                    tasks={Task.CHAT: 1.0},
                    top_n=1000)
    result = recommend(CATALOG, c, with_counterfactuals=False)
    singles = [r for r in result.recommendations if r.deployment.mode != "hybrid"]
    assert all(r.deployment.self_hosted for r in singles), "no sensitive token may go to an API alone"
    pairs = [r for r in result.recommendations if r.deployment.mode == "hybrid"]
    assert len(pairs) == 1
    dep = pairs[0].deployment
    local, api = dep.parts
    assert local.self_hosted
    assert api.mode == "api"
    assert local.share == pytest.approx(0.3)
    assert api.share == pytest.approx(0.7)
    assert dep.monthly_cost_usd == pytest.approx(local.monthly_cost_usd + api.monthly_cost_usd)
    js = next(r for r in result.to_json()["recommendations"] if r["deployment"]["mode"] == "hybrid")
    assert [p["share"] for p in js["deployment"]["parts"]] == [0.3, 0.7]
    assert any("Split bill" in line for line in pairs[0].explanation)
    ranks = [r.rank for r in result.recommendations]
    assert ranks == list(range(1, len(ranks) + 1))


def test_renting_costs_the_rent_of_the_cheapest_price_in_an_allowed_region() -> None:
    preset = CATALOG.hardware["a100-80gb-sxm"]
    # Test fixtures, not catalog facts: two made-up prices in two countries.
    fixture = tuple(RentalPrice(provider=p, region=r, country=cc, usd_per_gpu_hour=usd, source="test fixture",
                                as_of=date(2026, 12, 3)) for p, r, cc, usd in
                    (("cheap-us", "us-east", "US", 1.5), ("eu-host", "eu-central", "DE", 2.5)))
    rented = preset.model_copy(update={"rental": fixture})
    catalog = dataclasses.replace(CATALOG, hardware={**CATALOG.hardware, preset.id: rented})
    hw = profile_from_preset(catalog.hardware[preset.id], gpu_count=2)
    c = Constraints(hardware=hw, deployment=Deployment.RENTED, hours_per_month=100, allowed_regions=("EU",),
                    tokens_per_month=20_000_000)
    result = recommend(catalog, c, with_counterfactuals=False)
    top = result.top
    assert top is not None
    assert top.deployment.mode == "rented"
    dep = top.deployment
    assert dep.machines_needed == 1
    assert dep.cost_breakdown == {"electricity": 0.0, "hardware": 0.0, "rent": pytest.approx(100 * 2 * 2.5)}
    assert any("eu-host" in n for n in dep.cost_notes)
    assert any(line.startswith("Runs on rented GPUs") and "in rent" in line for line in top.explanation)
    assert any(a.startswith("Rented GPUs: eu-host") for a in result.assumptions)
    # Without a price in the allowed region, renting is impossible and says why.
    none = recommend(catalog, c.model_copy(update={"allowed_regions": ("JP",)}), with_counterfactuals=False)
    assert not none.recommendations
    assert any("no rental price" in r for e in none.excluded for r in e.reasons)
    assert math.isclose(dep.monthly_cost_usd, 500.0)


def test_a_regions_sourced_electricity_price_is_used_and_named() -> None:
    base = Constraints(hardware=RTX_4090, deployment=Deployment.LOCAL, tokens_per_month=50_000_000)
    us = recommend(CATALOG, base, with_counterfactuals=False)
    de = recommend(CATALOG, base.model_copy(update={"electricity_region": "DE"}), with_counterfactuals=False)
    assert us.top is not None
    assert de.top is not None
    same = next(r for r in de.recommendations if r.model_id == us.top.model_id)
    # A dearer kWh may tip the score to another quantization (fewer busy hours), so compare the cost
    # of one busy hour: load power x the region's price, whatever the plan.
    ratio = price_for("DE").usd_per_kwh / price_for("US").usd_per_kwh
    us_hours, de_hours = us.top.deployment.busy_hours_per_month, same.deployment.busy_hours_per_month
    assert us_hours
    assert de_hours
    assert same.deployment.monthly_cost_usd / de_hours == pytest.approx(
        us.top.deployment.monthly_cost_usd / us_hours * ratio)
    assert any("average in DE" in a and "eurostat" in a.lower() for a in de.assumptions)
    with pytest.raises(ValueError, match="no sourced electricity price"):
        Constraints(electricity_region="JP")


def test_local_first_with_the_overflow_to_an_api() -> None:
    c = Constraints(hardware=RTX_4090, tokens_per_month=1_000_000_000, tasks={Task.CODING: 1.0}, top_n=1000)
    result = recommend(CATALOG, c, with_counterfactuals=False)
    overflow = [r for r in result.recommendations if r.deployment.mode == "hybrid"
                and "overflow" in r.explanation[0]]
    assert overflow, "a better local model that cannot serve it all is paired with an API"
    local, api = overflow[0].deployment.parts
    assert local.share is not None
    assert 0.05 <= local.share < 1
    # The local part is what one machine serves: busy for (almost) all of its allowed hours.
    assert local.busy_hours_per_month is not None
    assert 0.95 * 730 <= local.busy_hours_per_month <= 730
    assert local.machines_needed == 1
    assert api.mode == "api"
    # The same model alone fails on capacity.
    excluded = {e.model_id: e for e in result.excluded}
    alone = next((r for r in result.recommendations if r.model_id == local.model_id
                  and r.deployment.mode != "hybrid"), None)
    assert local.model_id in excluded or (alone is not None and not alone.deployment.self_hosted)


@pytest.mark.parametrize("deployment", [Deployment.LOCAL, Deployment.API])
def test_break_even_compares_with_the_other_kind_even_when_only_one_is_ranked(deployment: Deployment) -> None:
    c = Constraints(hardware=RTX_4090, deployment=deployment, tokens_per_month=100_000_000)
    result = recommend(CATALOG, c, with_counterfactuals=False)
    be = result.break_even
    assert be is not None
    assert result.top is not None
    assert result.top.model_id == (be.local_model_id if deployment is Deployment.LOCAL else be.api_model_id)
    # The other side is what that kind's own ranking would pick.
    other = recommend(CATALOG, c.model_copy(update={
        "deployment": Deployment.API if deployment is Deployment.LOCAL else Deployment.LOCAL}),
        with_counterfactuals=False).top
    assert other is not None
    assert other.model_id == (be.api_model_id if deployment is Deployment.LOCAL else be.local_model_id)
    # Data that must stay local has no API side to compare with.
    private = c.model_copy(update={"deployment": Deployment.LOCAL, "data_must_stay_local": True})
    assert recommend(CATALOG, private, with_counterfactuals=False).break_even is None


def test_a_team_on_datacenter_gpus_runs_vllm_and_one_user_or_a_consumer_card_llama_cpp() -> None:
    eight_h100 = profile_from_preset(CATALOG.hardware["h100-sxm"], gpu_count=8)
    team = Constraints(hardware=eight_h100, deployment=Deployment.LOCAL, concurrency=200,
                       tokens_per_month=3_000_000_000, tasks={Task.CODING: 1.0}, top_n=40)
    result = recommend(CATALOG, team, with_counterfactuals=False)
    deps = [r.deployment for r in result.recommendations]
    assert {d.runtime for d in deps} == {"vllm"}
    assert all(d.quantization in ("BF16", "FP8", "AWQ-4bit") for d in deps)
    # A 397B MoE served to 200 people by tensor parallelism streams at a usable speed; the same
    # machine run as llama.cpp in turn over its GPUs gave about 2 tokens/s each.
    big = next(r for r in result.recommendations if r.model_id == "qwen/qwen3.5-397b-a17b")
    assert big.deployment.decode_tokens_per_s is not None
    assert big.deployment.decode_tokens_per_s > 10
    js = add_actions(result.to_json(), result, CATALOG)["recommendations"][0]["deployment"]
    assert js["runtime"] == "vllm"
    assert js["run_commands"]["vllm"].startswith("vllm serve ")
    assert "--tensor-parallel-size 8" in js["run_commands"]["vllm"]
    assert js["run_commands"]["llama_cpp"] is None
    for hw, streams in ((eight_h100, 1), (RTX_4090, 20)):
        alone = recommend(CATALOG, team.model_copy(update={"hardware": hw, "concurrency": streams}),
                          with_counterfactuals=False)
        assert {r.deployment.runtime for r in alone.recommendations} == {"llama.cpp"}


def test_a_pair_whose_local_part_is_too_slow_ranks_after_every_usable_plan() -> None:
    """A CPU-only box serving 99 % of a coding volume at ~1 token/s: the pair says it is below the
    usability floor, like the local plan alone would, and ranks after every usable plan (found by
    the hard-constraints property test: the pair used to sort by score alone). The volume is set so
    that the box's one-stream speed cannot serve it alone (10M tokens; 7.15M before the CPU estimate
    gained its thread barrier and per-core stream)."""
    box = HardwareProfile(name="Desktop CPU, dual-channel DDR4-3200 (128 GB)", gpu=None,
                          ram_gb=137.438953472, ram_bandwidth_gbs=51.2)
    c = Constraints(hardware=box, deployment=Deployment.ANY, allowed_regions=("US",),
                    tokens_per_month=10_000_000, output_share=0.5,
                    license_policy=LicensePolicy.PERMISSIVE, tasks={Task.CODING: 1.0}, top_n=1000)
    recs = recommend(CATALOG, c, with_counterfactuals=False).recommendations
    pairs = [r for r in recs if r.deployment.mode == "hybrid"]
    assert pairs
    for pair in pairs:
        slow_part = any(p.below_usable_floor for p in pair.deployment.parts)
        assert pair.deployment.below_usable_floor == slow_part
    flags = [r.deployment.below_usable_floor for r in recs]
    assert flags == sorted(flags), "every usable plan, single or pair, ranks before any slow one"
    assert any(p.deployment.below_usable_floor for p in pairs)
