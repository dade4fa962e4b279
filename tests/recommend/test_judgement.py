"""Regressions from the expert review (issue 17), each rebuilt on a small catalog made in the test:
unknown is not "no" (languages, regions, training, terms), whose terms apply, thinking modes,
the real bill (cache, batch), the usability floor and published API speeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import SupportLevel
from advisor.catalog.store import load_bundled
from advisor.hardware.profile import Accelerator, HardwareProfile
from advisor.recommend.constraints import Constraints, Deployment, Factor, LanguageNeed
from advisor.recommend.engine import recommend
from advisor.recommend.result import Recommendation, RecommendationResult
from advisor.recommend.scoring import (
    COST_REFERENCE_USD,
    UNKNOWN_COST,
    UNKNOWN_LANGUAGE,
    UNMEASURED_SPEED,
    cost_reference,
)
from tests.recommend.judgement_fixtures import (
    ALWAYS,
    HYBRID,
    TODAY,
    catalog,
    dense,
    evidence,
    gguf,
    lang,
    model,
    offering,
)

API = Deployment.API


def run(cat: object, **fields: object) -> RecommendationResult:
    return recommend(cat, Constraints(**fields), today=TODAY, with_counterfactuals=False)  # type: ignore[arg-type]


def rec_of(result: RecommendationResult, mid: str) -> Recommendation:
    return next(r for r in result.recommendations if r.model_id == mid)


def reasons_of(result: RecommendationResult, mid: str) -> tuple[str, ...]:
    return next(e.reasons for e in result.excluded if e.model_id == mid)


def assert_sums(result: RecommendationResult) -> None:
    for rec in result.recommendations:
        assert math.isclose(sum(rec.score_breakdown.values()), rec.score, abs_tol=1e-6)


# -- 2. languages -----------------------------------------------------------------------------------

GPT5 = model("openai/gpt-5", capabilities=ALWAYS, evidence=evidence(gpqa=85, mmlu_pro=86),
             offerings=(offering("openai", "gpt-5", 1.25, 10),))
LISTED = model("acme/listed", evidence=evidence(gpqa=60, mmlu_pro=70),
               languages=(lang("en"), lang("hi"), lang("ja", SupportLevel.UNSUPPORTED)),
               offerings=(offering("acme", "listed", 1, 2),))


def test_english_is_never_excluded_for_a_model_without_a_language_list() -> None:
    cat = catalog(GPT5, LISTED)
    for documented_only in (False, True):
        result = run(cat, deployment=API, languages=(LanguageNeed(code="en"),),
                     documented_only=documented_only)
        assert {r.model_id for r in result.recommendations} == {GPT5.id, LISTED.id}
        gpt = rec_of(result, GPT5.id)
        assert gpt.factor_values[Factor.LANGUAGE] == pytest.approx(0.9)  # assumed, as official
        assert any("English: not listed; assumed" in line for line in gpt.explanation)


def test_unknown_language_is_a_stated_penalty_and_only_a_documented_no_excludes() -> None:
    cat = catalog(GPT5, LISTED)
    hindi = run(cat, deployment=API, languages=(LanguageNeed(code="hi"),))
    gpt = rec_of(hindi, GPT5.id)
    assert gpt.factor_values[Factor.LANGUAGE] == pytest.approx(UNKNOWN_LANGUAGE)
    assert rec_of(hindi, LISTED.id).factor_values[Factor.LANGUAGE] == pytest.approx(0.9)
    assert any(w.startswith("Hindi support not documented") for w in gpt.warnings)
    assert_sums(hindi)
    japanese = run(cat, deployment=API, languages=(LanguageNeed(code="ja"),))
    assert [r.model_id for r in japanese.recommendations] == [GPT5.id]
    assert reasons_of(japanese, LISTED.id) == ("Japanese is documented as not supported",)
    strict = run(cat, deployment=API, languages=(LanguageNeed(code="hi"),), documented_only=True)
    assert [r.model_id for r in strict.recommendations] == [LISTED.id]
    assert any("Hindi support not documented" in r for r in reasons_of(strict, GPT5.id))


@pytest.mark.xfail(strict=True, reason="known defect (closing note, issue 17): the quality model shares one "
                   "task-deviation variance across tasks, so strong translation results lift a translation "
                   "model's inferred reasoning too; a per-task deviation variance would fix it")
def test_a_translation_model_ranks_on_translation_evidence() -> None:
    mt = model("qwen/qwen-mt-plus", evidence=evidence(wmt=62, flores=60),
               offerings=(offering("alibaba", "qwen-mt-plus", 0.5, 1.5),))
    general = model("acme/general", evidence=evidence(gpqa=70, mmlu_pro=75, ifeval=85, wmt=48, flores=45),
                    offerings=(offering("acme", "general", 0.5, 1.5),))
    other = model("acme/other", evidence=evidence(gpqa=72, mmlu_pro=78, ifeval=86, wmt=50),
                  offerings=(offering("acme", "other", 0.5, 1.5),))
    # A population for the benchmark scales (the quality model calibrates each benchmark across the
    # catalog): general models with reasoning results only, spread in ability.
    peers = [model(f"acme/peer-{i}",
                   evidence=evidence(gpqa=40 + 6 * i, mmlu_pro=55 + 4 * i, ifeval=70 + 3 * i),
                   offerings=(offering("acme", f"peer-{i}", 0.5, 1.5),)) for i in range(5)]
    cat = catalog(mt, general, other, *peers)
    translation = run(cat, deployment=API, tasks={Task.TRANSLATION: 1.0})
    assert translation.recommendations[0].model_id == mt.id
    chat = run(cat, deployment=API, tasks={Task.CHAT: 1.0, Task.REASONING: 1.0})
    assert chat.recommendations[0].model_id != mt.id


def test_a_model_built_only_for_translation_is_not_ranked_for_other_tasks() -> None:
    # The catalog says what its card says: Qwen-MT is a translation model (built_for). Asked for
    # translation it competes; asked for chat and reasoning it is excluded, with the reason.
    mt = model("qwen/qwen-mt-plus", evidence=evidence(wmt=62, flores=60), built_for=(Task.TRANSLATION,),
               offerings=(offering("alibaba", "qwen-mt-plus", 0.5, 1.5),))
    general = model("acme/general", evidence=evidence(gpqa=70, mmlu_pro=75, ifeval=85, wmt=48, flores=45),
                    offerings=(offering("acme", "general", 0.5, 1.5),))
    cat = catalog(mt, general)
    translation = run(cat, deployment=API, tasks={Task.TRANSLATION: 1.0})
    assert translation.recommendations[0].model_id == mt.id
    chat = run(cat, deployment=API, tasks={Task.CHAT: 1.0, Task.REASONING: 1.0})
    assert [r.model_id for r in chat.recommendations] == [general.id]
    reasons = next(e.reasons for e in chat.excluded if e.model_id == mt.id)
    assert any("built only for translation" in r and "chat" in r and "reasoning" in r for r in reasons)
    # Translation plus chat: it cannot serve the chat part either.
    both = run(cat, deployment=API, tasks={Task.TRANSLATION: 1.0, Task.CHAT: 0.5})
    assert mt.id not in [r.model_id for r in both.recommendations]


def test_the_bundled_qwen_mt_is_built_for_translation_only() -> None:
    assert load_bundled().models["qwen/qwen-mt"].built_for == (Task.TRANSLATION,)


# -- 3. terms --------------------------------------------------------------------------------------

LARGE_ARCH = dense(123, 88, 12288, 96, 8)


def mistral_large(commercial: bool | None) -> object:
    return model("mistralai/mistral-large", open_weights=True, license="mistral-research",
                 hf_repo="mistralai/Mistral-Large-Instruct-2411", architecture=LARGE_ARCH,
                 evidence=evidence(mmlu_pro=70, gpqa=50),
                 offerings=(offering("mistral", "mistral-large-2411", 2, 6, commercial_use=commercial),))


def test_commercial_use_through_mistrals_api_follows_mistrals_terms_not_the_weights_licence() -> None:
    big = HardwareProfile(name="8 x 80 GB", gpu=Accelerator(name="H100", memory_gb=80, bandwidth_gbs=3350,
                                                              count=8), ram_gb=512)
    cat = catalog(mistral_large(True))  # type: ignore[arg-type]
    result = run(cat, hardware=big, commercial_use_required=True)
    rec = rec_of(result, "mistralai/mistral-large")
    assert rec.deployment.mode == "api"
    assert rec.deployment.provider == "mistral"
    assert any(line.startswith("Terms: hosted, so mistral's API terms apply (commercial use allowed")
               and "Mistral Research License) governs only self-hosting" in line for line in rec.explanation)
    assert all(a.mode == "api" for a in rec.alternatives)  # self-hosting it commercially is not allowed
    assert not any(w.startswith("Licence conditions") for w in rec.warnings)
    assert any(w.startswith("If you self-host it instead, the weights licence applies") for w in rec.warnings)
    local_only = run(cat, hardware=big, commercial_use_required=True, deployment=Deployment.LOCAL)
    assert not local_only.recommendations
    assert any("weights licence, and licence Mistral Research License does not allow commercial use" in r
               for r in reasons_of(local_only, "mistralai/mistral-large"))
    research = run(cat, hardware=big, deployment=Deployment.LOCAL)
    assert any(line.startswith("Terms: self-hosted, so the weights licence Mistral Research License applies")
               for line in rec_of(research, "mistralai/mistral-large").explanation)


def test_unstated_commercial_terms_are_kept_with_a_warning_or_excluded_when_documented_only() -> None:
    cat = catalog(mistral_large(None))  # type: ignore[arg-type]
    kept = rec_of(run(cat, deployment=API, commercial_use_required=True), "mistralai/mistral-large")
    assert any("does not record whether its terms allow commercial use" in w for w in kept.warnings)
    strict = run(cat, deployment=API, commercial_use_required=True, documented_only=True)
    assert not strict.recommendations
    refused = catalog(mistral_large(False))  # type: ignore[arg-type]
    assert not run(refused, deployment=API, commercial_use_required=True).recommendations


# -- 4. thinking modes -----------------------------------------------------------------------------

HAIKU = model("anthropic/claude-haiku-4.5", capabilities=HYBRID, evidence=evidence(gpqa=70, ifeval=88),
              offerings=(offering("anthropic", "claude-haiku-4-5", 1, 5,
                                  price_cached_input_usd_per_mtok=0.1),))
SUPPORT = {"tokens_per_month": 200_000_000, "output_share": 0.3, "deployment": API}


def test_customer_service_on_haiku_is_billed_without_thinking() -> None:
    result = run(catalog(HAIKU), tasks={Task.CHAT: 1.0}, **SUPPORT)
    rec = rec_of(result, HAIKU.id)
    assert rec.deployment.thinking == "off"
    assert rec.deployment.monthly_cost_usd == pytest.approx(440.0)  # was $740: billed as thinking
    other = [a for a in rec.alternatives if a.thinking == "on"]
    assert [a.monthly_cost_usd for a in other] == [pytest.approx(740.0)]
    assert any(line.startswith("Thinking off: a hybrid model, and your tasks (chat) weight no reasoning, "
                               "so it answers directly")
               and "With thinking on via anthropic: $740.00/month" in line for line in rec.explanation)
    payload = result.to_json()["recommendations"][0]["deployment"]
    assert payload["thinking"] == "off"


def test_reasoning_work_turns_thinking_on_and_the_overhead_still_applies() -> None:
    on = rec_of(run(catalog(HAIKU), tasks={Task.REASONING: 1.0}, **SUPPORT), HAIKU.id)
    assert on.deployment.thinking == "on"
    assert on.deployment.monthly_cost_usd == pytest.approx(740.0)
    assert [a.thinking for a in on.alternatives] == ["off"]
    half = rec_of(run(catalog(HAIKU), tasks={Task.REASONING: 1.0}, reasoning_overhead=0.5, **SUPPORT),
                  HAIKU.id)
    assert half.deployment.monthly_cost_usd == pytest.approx(140 + 60 * 1.5 * 5)
    always = rec_of(run(catalog(GPT5), tasks={Task.CHAT: 1.0}, **SUPPORT), GPT5.id)
    assert always.deployment.thinking == "always"
    assert not always.alternatives


def test_a_budget_the_thinking_mode_breaks_falls_back_to_the_other_mode() -> None:
    rec = rec_of(run(catalog(HAIKU), tasks={Task.REASONING: 1.0}, budget_usd_month=500, **SUPPORT), HAIKU.id)
    assert rec.deployment.thinking == "off"
    assert rec.deployment.monthly_cost_usd == pytest.approx(440.0)
    assert any("the other mode fails a constraint" in line for line in rec.explanation)


# -- 5. the bill -----------------------------------------------------------------------------------

SONNET = model("anthropic/claude-sonnet-4.5", capabilities=HYBRID, evidence=evidence(swe=77, tau2=80),
               offerings=(offering("anthropic", "claude-sonnet-4-5", 3, 15,
                                   price_cached_input_usd_per_mtok=0.3, price_batch_input_usd_per_mtok=1.5,
                                   price_batch_output_usd_per_mtok=7.5),))
AGENTIC = {"tokens_per_month": 70_000_000, "output_share": 0.1, "deployment": API, "budget_usd_month": 200.0,
           "tasks": {Task.CODING: 1.0, Task.AGENTIC: 1.0}}


def test_a_200_dollar_agentic_coding_budget_keeps_sonnet_when_input_is_cached() -> None:
    uncached = run(catalog(SONNET), **AGENTIC)
    assert not uncached.recommendations  # 63M input at $3 + 7M output at $15 = $294
    cached = run(catalog(SONNET), cached_input_share=0.9, **AGENTIC)
    rec = rec_of(cached, SONNET.id)
    assert rec.deployment.monthly_cost_usd == pytest.approx(6.3 * 3 + 56.7 * 0.3 + 7 * 15)  # $140.91
    assert rec.deployment.cost_notes[0] == ("6.3M input x $3/M + 56.7M cached input x $0.3/M + "
                                            "7.0M output x $15/M")


def test_batch_uses_the_batch_price_where_the_provider_has_one() -> None:
    plain = offering("acme", "plain", 3, 15)
    other = model("acme/plain", evidence=evidence(swe=60), offerings=(plain,))
    result = run(catalog(SONNET, other), batch=True, **{**AGENTIC, "budget_usd_month": None})
    sonnet = rec_of(result, SONNET.id)
    assert sonnet.deployment.batch_priced
    assert sonnet.deployment.monthly_cost_usd == pytest.approx(63 * 1.5 + 7 * 7.5)
    assert "batch prices" in sonnet.deployment.cost_notes[1]
    acme = rec_of(result, "acme/plain")
    assert not acme.deployment.batch_priced
    assert acme.deployment.monthly_cost_usd == pytest.approx(63 * 3 + 7 * 15)
    assert any("has no batch price in the catalog" in n for n in acme.deployment.cost_notes)


# -- 6. the usability floor ------------------------------------------------------------------------

BIG = model("acme/dense-27b", open_weights=True, license="Apache-2.0", hf_repo="acme/dense-27b",
            architecture=dense(27, 62, 5376, 32, 16), artifacts=gguf("Q8_0"),
            evidence=evidence(gpqa=65, mmlu_pro=75, ifeval=88), context_window_tokens=131_072)
SMALL = model("acme/dense-8b", open_weights=True, license="Apache-2.0", hf_repo="acme/dense-8b",
              architecture=dense(8, 36, 4096, 32, 8), artifacts=gguf("Q4_K_M"),
              evidence=evidence(gpqa=40, mmlu_pro=55, ifeval=75), context_window_tokens=131_072)
LAPTOP = HardwareProfile(name="8 GB GPU + 32 GB RAM",
                         gpu=Accelerator(name="8 GB GPU", memory_gb=8, bandwidth_gbs=272),
                         ram_gb=32, ram_bandwidth_gbs=51.2)


def test_an_offloaded_27b_at_a_few_tokens_per_second_ranks_after_usable_plans() -> None:
    cat = catalog(BIG, SMALL)
    no_floor = run(cat, hardware=LAPTOP, deployment=Deployment.LOCAL, min_usable_tokens_per_s=0)
    assert [r.model_id for r in no_floor.recommendations] == [BIG.id, SMALL.id]  # the failure
    slow = rec_of(no_floor, BIG.id).deployment
    assert slow.placement == "gpu+cpu"
    assert slow.decode_tokens_per_s is not None
    assert slow.decode_tokens_per_s < 5
    result = run(cat, hardware=LAPTOP, deployment=Deployment.LOCAL)
    assert [r.model_id for r in result.recommendations] == [SMALL.id, BIG.id]
    big = rec_of(result, BIG.id)
    assert big.deployment.below_usable_floor
    assert big.score > rec_of(result, SMALL.id).score  # the score is untouched; only the order moves
    assert any(line.startswith("Ranked after every usable plan: answers arrive at about") and
               "below the default usability floor of 5 tokens/s" in line for line in big.explanation)
    assert big.explanation[0].endswith("although it scores higher: it is below the usability floor.")
    assert "scores higher" in rec_of(result, SMALL.id).explanation[0]
    assert not any(line.startswith("Thinking") for line in big.explanation)  # no thinking mode
    assert_sums(result)
    batch_work = run(cat, hardware=LAPTOP, deployment=Deployment.LOCAL, tasks={Task.TRANSLATION: 1.0})
    assert not any(r.deployment.below_usable_floor for r in batch_work.recommendations)


# -- 7. API speed ----------------------------------------------------------------------------------

def test_published_api_speed_is_scored_and_filtered_and_unknown_stays_neutral() -> None:
    fast = model("acme/fast", evidence=evidence(gpqa=60), offerings=(
        offering("acme", "fast", 1, 2, output_tokens_per_s=200, speed_source=SRC_SPEED),))
    slow = model("acme/slow", evidence=evidence(gpqa=60), offerings=(
        offering("acme", "slow", 1, 2, output_tokens_per_s=12, speed_source=SRC_SPEED),))
    unknown = model("acme/unknown", evidence=evidence(gpqa=60),
                    offerings=(offering("acme", "unknown", 1, 2),))
    cat = catalog(fast, slow, unknown)
    result = run(cat, deployment=API)
    assert rec_of(result, fast.id).factor_values[Factor.SPEED] == pytest.approx(1.0)
    assert rec_of(result, slow.id).factor_values[Factor.SPEED] == pytest.approx((12 / 20) ** 0.7)
    neutral = rec_of(result, unknown.id)
    assert neutral.factor_values[Factor.SPEED] == UNMEASURED_SPEED
    assert any("publishes no output speed" in line for line in neutral.explanation)
    payload = {r["model_id"]: r["deployment"] for r in result.to_json()["recommendations"]}
    assert payload[fast.id]["api_tokens_per_s"] == 200
    assert payload[unknown.id]["api_tokens_per_s"] is None
    minimum = run(cat, deployment=API, min_tokens_per_s=50)
    assert {r.model_id for r in minimum.recommendations} == {fast.id, unknown.id}
    assert reasons_of(minimum, slow.id) == ("acme (slow) publishes about 12 output tokens/s; you need 50",)


SRC_SPEED = "test fixture speed"


# -- 8. blank is not no ----------------------------------------------------------------------------

def test_region_and_training_rules_fail_only_on_stated_terms_and_quote_their_offering() -> None:
    two = model("acme/two", evidence=evidence(gpqa=60), offerings=(
        offering("stated", "two-us", 1, 2, regions=("US",), trains_on_data=True),
        offering("blank", "two-blank", 2, 3)))
    cat = catalog(two)
    region = rec_of(run(cat, deployment=API, allowed_regions=("EU",)), two.id)
    assert region.deployment.provider == "blank"
    assert any(w.startswith("blank (two-blank) does not state where data is processed")
               for w in region.warnings)
    training = rec_of(run(cat, deployment=API, no_training_on_data=True), two.id)
    assert training.deployment.provider == "blank"
    assert any(w.startswith("blank (two-blank) does not state whether it trains") for w in training.warnings)
    strict = run(cat, deployment=API, allowed_regions=("EU",), no_training_on_data=True, documented_only=True)
    assert not strict.recommendations
    reasons = reasons_of(strict, two.id)
    assert "stated (two-us) processes data in US, not in EU" in reasons
    assert "stated (two-us) may train on API data by its terms" in reasons
    assert ("blank (two-blank) does not state where data is processed (you asked for documented terms only)"
            in reasons)
    assert ("blank (two-blank) does not state whether it trains on API data (you asked for documented "
            "terms only)") in reasons
    for reason in reasons:  # each sentence is about one offering, and names it
        assert ("two-us" in reason) != ("two-blank" in reason)


def test_what_would_flip_it_names_the_usability_floor() -> None:
    result = recommend(catalog(BIG, SMALL), Constraints(hardware=LAPTOP, deployment=Deployment.LOCAL),
                       today=TODAY)
    flips = {c.change: c.new_top for c in result.counterfactuals}
    assert flips.get("accept answers slower than 5 tokens/s (no usability floor)") == BIG.id


def test_a_plan_documented_to_meet_a_stated_rule_ranks_before_an_unstated_one_that_scores_higher() -> None:
    strong = model("acme/strong", evidence=evidence(gpqa=85, mmlu_pro=86),
                   offerings=(offering("blank", "strong", 1, 2),
                              offering("eu-host", "strong-eu", 3, 6, regions=("EU",))))
    weak = model("acme/weak", evidence=evidence(gpqa=50, mmlu_pro=55),
                 offerings=(offering("eu-only", "weak-eu", 1, 2, regions=("EU",)),))
    loose = model("acme/loose", evidence=evidence(gpqa=88, mmlu_pro=88),
                  offerings=(offering("blank", "loose", 1, 2),))
    cat = catalog(strong, weak, loose)
    free = run(cat, deployment=API)
    assert free.recommendations[0].model_id == loose.id
    eu = run(cat, deployment=API, allowed_regions=("EU",))
    ranked = [r.model_id for r in eu.recommendations]
    # Per model the documented offering wins although it costs more; across models the plans
    # documented to meet the rule come first, the unstated one last with its reason.
    assert rec_of(eu, strong.id).deployment.provider == "eu-host"
    assert ranked == [strong.id, weak.id, loose.id]
    last = rec_of(eu, loose.id)
    assert last.deployment.terms_unstated
    assert not rec_of(eu, weak.id).deployment.terms_unstated
    assert last.score > rec_of(eu, weak.id).score
    assert any("its provider's terms leave one of your rules unstated" in line for line in last.explanation)


def test_a_free_trial_endpoint_is_never_a_plan_and_says_so_when_it_is_all_there_is() -> None:
    trial = model("acme/trial", evidence=evidence(gpqa=80, mmlu_pro=80),
                  offerings=(offering("nvidia", "acme/trial", 0, 0, trial_only=True),))
    both = model("acme/both", evidence=evidence(gpqa=70, mmlu_pro=70),
                 offerings=(offering("nvidia", "acme/both", 0, 0, trial_only=True),
                            offering("paid", "both", 0.2, 0.6)))
    result = run(catalog(trial, both), deployment=API, tokens_per_month=100_000_000)
    assert [r.model_id for r in result.recommendations] == [both.id]
    assert rec_of(result, both.id).deployment.provider == "paid"
    assert reasons_of(result, trial.id) == (
        "only a free trial serves it (nvidia (acme/trial)): prototyping credits, not a service to deploy on",)


def test_the_bundled_nvidia_api_catalog_endpoints_at_no_price_are_trials_and_priced_ones_are_not() -> None:
    cat = load_bundled()
    nvidia = [o for m in cat.models.values() for o in m.offerings if o.provider == "nvidia"]
    free = [o for o in nvidia if o.price_input_usd_per_mtok == 0 and o.price_output_usd_per_mtok == 0]
    assert free
    assert all(o.trial_only for o in free)
    assert all(not o.trial_only for o in nvidia if o not in free)
    assert all("GenerativeAIExamples" in o.source for o in free)


# -- price at large volumes ---------------------------------------------------------------------------

def test_a_price_difference_still_counts_at_a_large_volume_without_a_budget() -> None:
    """Two models with the same evidence, one three times dearer. With a fixed $50 reference the cost
    value of both fell to about 0 at 2B tokens a month, so the dearer one lost nothing for its price;
    judged against the going price of the volume the gap stays as wide as at 20M tokens."""
    cheap = model("acme/cheap", evidence=evidence(gpqa=70, mmlu_pro=75),
                  offerings=(offering("acme", "cheap", 1, 2),))
    dear = model("acme/dear", evidence=evidence(gpqa=70, mmlu_pro=75),
                 offerings=(offering("acme", "dear", 3, 6),))
    cat = catalog(cheap, dear)

    def cost_gap(tokens: int) -> float:
        result = run(cat, deployment=API, tokens_per_month=tokens)
        assert [r.model_id for r in result.recommendations] == [cheap.id, dear.id]
        values = {r.model_id: r.factor_values[Factor.COST] for r in result.recommendations}
        return values[cheap.id] - values[dear.id]

    small, large = cost_gap(20_000_000), cost_gap(2_000_000_000)
    assert small > 0.2
    assert large >= 0.5 * small


def test_the_cost_reference_is_the_budget_else_the_volume_at_the_median_price() -> None:
    p_in, p_out = np.array([1.0, 3.0, 10.0, np.nan]), np.array([2.0, 6.0, 30.0, np.nan])
    # blends at 25 % output: 1.25, 3.75, 15.0 $/M tokens (NaN unpriced left out): median 3.75
    big = Constraints(tokens_per_month=2_000_000_000, output_share=0.25)
    assert cost_reference(big, p_in, p_out) == pytest.approx(3.75 * 2000)
    assert cost_reference(big.model_copy(update={"budget_usd_month": 900.0}), p_in, p_out) == 900.0
    small = Constraints(tokens_per_month=1_000_000, output_share=0.25)
    assert cost_reference(small, p_in, p_out) == COST_REFERENCE_USD


def test_a_plan_that_spills_to_ram_is_judged_on_the_room_it_leaves_there() -> None:
    """8 GB GPU and 32 GB RAM (a gaming laptop), coding: Qwen3.6-35B-A3B's experts go to RAM. Q8_0
    (38.4 GB) fills the GPU and the RAM but for 3 GB where Q5_K_M leaves 15 GB for the user's other
    programs and reads fewer bytes a token; the fit factor compares a spilled plan with the GPU's
    memory and the free RAM together (it was 0 for every spilled plan, so the score took Q8_0)."""
    from advisor.estimate.batch import OS_RESERVE_GB  # noqa: PLC0415
    from advisor.recommend.scoring import fit_value  # noqa: PLC0415

    gib = 2**30 / 1e9
    laptop = HardwareProfile(gpu=Accelerator(name="RTX 4060 Laptop", memory_gb=8 * gib, bandwidth_gbs=272),
                             ram_gb=32 * gib, ram_bandwidth_gbs=89.6)
    result = recommend(load_bundled(), Constraints(hardware=laptop, deployment=Deployment.LOCAL,
                                                   tasks={Task.CODING: 1.0}),
                       today=TODAY, with_counterfactuals=False)
    plan = rec_of(result, "qwen/qwen3.6-35b-a3b").deployment
    assert plan.placement == "gpu+cpu"
    assert plan.memory_gb is not None
    pool = 8 * gib + 32 * gib - OS_RESERVE_GB
    assert plan.memory_gb <= 0.9 * pool  # a tenth of the pool or more left free
    fit = rec_of(result, "qwen/qwen3.6-35b-a3b").score_breakdown[Factor.FIT]
    share = fit_value(np.array([plan.memory_gb]), np.array([pool]), np.array([True]))[0]
    assert share == pytest.approx(0.5)
    assert fit > 0


def test_a_gpu_typed_in_by_its_numbers_is_costed_at_most_at_the_largest_draw_of_its_kind() -> None:
    """An RTX 4090 typed in as 24 GB and 1008 GB/s has no power draw, so its local plans' electricity
    is unknown; it was scored as if it cost the whole reference (0.5), and every local plan ranked
    below the APIs, where the preset (450 W) ranks local plans first. The score now takes the most
    the electricity could cost: the largest draw among the catalog's presets of its device class."""
    from advisor.estimate.physics import device_class  # noqa: PLC0415
    from advisor.hardware.profile import profile_from_preset  # noqa: PLC0415
    cat = load_bundled()
    gib = 2**30 / 1e9
    typed = HardwareProfile(gpu=Accelerator(name="Custom GPU", memory_gb=24 * gib, bandwidth_gbs=1008))
    coding = {Task.CODING: 1.0}
    result = recommend(cat, Constraints(hardware=typed, tasks=coding), today=TODAY,
                       with_counterfactuals=False)
    preset = recommend(cat, Constraints(hardware=profile_from_preset(cat.hardware["rtx-4090"]), tasks=coding),
                       today=TODAY, with_counterfactuals=False)
    assert result.recommendations[0].deployment.self_hosted  # a local plan first, as with the preset
    assert result.recommendations[0].model_id == preset.recommendations[0].model_id
    top = result.recommendations[0]
    plan = top.deployment
    assert not plan.cost_known
    assert plan.cost_bound_usd is not None
    most = max(p.power_watts or 0.0 for p in cat.hardware.values()
               if device_class(profile_from_preset(p)) == "consumer")
    busy = plan.busy_hours_per_month
    assert busy is not None
    assert plan.cost_bound_usd == pytest.approx(busy * most / 1000 * 0.1545, rel=0.02)  # U.S. average price
    known = preset.recommendations[0].deployment
    assert known.cost_known
    assert known.monthly_cost_usd < plan.cost_bound_usd  # 450 W against the bound
    # the balanced profile gives cost 15 % of the score: above the neutral value's points
    assert top.score_breakdown[Factor.COST] > 15 * UNKNOWN_COST
    assert any(f"{most:g} W" in line for line in top.explanation)
