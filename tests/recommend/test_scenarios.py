"""Scenarios a knowledgeable engineer would judge, run on the bundled catalog.

Each test encodes what such an engineer would accept, not one exact answer: the catalog will change,
and the engine is judged on held-out scenarios, so the assertions describe the class of a good pick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import HardwareKind, HardwarePreset, Model
from advisor.catalog.store import Catalog, load_bundled
from advisor.hardware.profile import HardwareProfile, profile_from_preset
from advisor.recommend.constraints import (
    Constraints,
    Deployment,
    LanguageNeed,
    LicensePolicy,
    Profile,
)
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_bundled()


def preset(catalog: Catalog, *words: str, kind: HardwareKind | None = None) -> HardwarePreset:
    """The preset whose name contains every word (case-insensitive); the shortest name wins."""
    found = [h for h in catalog.hardware.values()
             if all(w.lower() in h.name.lower() for w in words) and (kind is None or h.kind is kind)]
    assert found, f"no hardware preset named like {words}"
    return min(found, key=lambda h: (len(h.name), h.id))


def hw(catalog: Catalog, *words: str, count: int = 1) -> HardwareProfile:
    return profile_from_preset(preset(catalog, *words), gpu_count=count)


def run(catalog: Catalog, **kw: object) -> RecommendationResult:
    return recommend(catalog, Constraints.model_validate(kw))


def model(catalog: Catalog, model_id: str) -> Model:
    return catalog.models[model_id]


def total_b(m: Model) -> float:
    assert m.architecture is not None
    assert m.architecture.total_params_b is not None
    return m.architecture.total_params_b


def test_24gb_gpu_coding_permissive_picks_a_30b_class_coder_not_a_7b(catalog: Catalog) -> None:
    result = run(catalog, hardware=hw(catalog, "4090"), deployment=Deployment.LOCAL,
                 license_policy=LicensePolicy.PERMISSIVE, tasks={Task.CODING: 1.0})
    top = result.top
    assert top is not None
    size = total_b(model(catalog, top.model_id))
    assert 20 <= size <= 40, f"{top.name} ({size}B) is not a ~30B-class model"
    assert top.deployment.mode == "local"
    assert top.deployment.placement == "gpu"
    assert top.deployment.quantization is not None
    assert top.deployment.quantization.upper().startswith(("Q4", "Q5", "IQ4", "Q6", "AWQ", "MXFP4"))
    assert top.license_class == "permissive"


def test_api_only_cheap_multilingual_chinese_english(catalog: Catalog) -> None:
    result = run(catalog, deployment=Deployment.API, budget_usd_month=50, tokens_per_month=20_000_000,
                 languages=[LanguageNeed(code="zh"), LanguageNeed(code="en")])
    top = result.top
    assert top is not None
    assert top.deployment.mode == "api"
    assert top.deployment.monthly_cost_usd <= 50
    codes = {lang.code for lang in model(catalog, top.model_id).languages}
    assert {"zh", "en"} <= codes
    # Strong: in the better half of what the budget allows.
    qualities = sorted(r.quality or 0 for r in result.recommendations)
    assert (top.quality or 0) >= qualities[len(qualities) // 2]


def test_data_local_on_16gb_laptop_gives_small_4bit_model_with_honest_speed(catalog: Catalog) -> None:
    laptop = preset(catalog, "M2", kind=HardwareKind.APPLE_SOC)
    profile = profile_from_preset(laptop).model_copy(update={"ram_gb": 16.0})
    result = run(catalog, hardware=profile, data_must_stay_local=True)
    top = result.top
    assert top is not None
    assert all(r.deployment.mode == "local" for r in result.recommendations)
    assert total_b(model(catalog, top.model_id)) <= 15
    dep = top.deployment
    assert dep.memory_gb is not None
    assert dep.available_gb is not None
    assert dep.memory_gb <= dep.available_gb
    assert dep.decode_low is not None
    assert dep.decode_high is not None
    assert dep.decode_low <= (dep.decode_tokens_per_s or 0) <= dep.decode_high


def test_two_h100_permissive_picks_a_large_moe(catalog: Catalog) -> None:
    result = run(catalog, hardware=hw(catalog, "H100", "SXM", count=2), deployment=Deployment.LOCAL,
                 license_policy=LicensePolicy.PERMISSIVE, tasks={Task.REASONING: 1, Task.CODING: 1})
    top = result.top
    assert top is not None
    # 160 GB holds the large MoE models: at least one is among the top 3 (a newer dense model with
    # as good an estimate may still win on speed and headroom).
    large = [r for r in result.recommendations[:10]
             if (a := model(catalog, r.model_id).architecture) is not None and a.is_moe
             and (a.total_params_b or 0) >= 100]
    assert any(r.rank <= 3 for r in large), [r.model_id for r in result.recommendations[:5]]
    # Thin evidence may win only when even its pessimistic quality holds: a top pick without high
    # confidence has a 90 % interval whose low end is not below that of the best-evidenced rival.
    if top.confidence.level != "high":
        rivals = [r for r in result.recommendations[1:10] if r.confidence.level == "high"]
        assert rivals
        assert top.confidence.interval_low is not None
        assert top.confidence.interval_low >= max(r.confidence.interval_low or 0 for r in rivals)


def test_zero_budget_no_gpu_gives_small_cpu_model_with_speed_warning(catalog: Catalog) -> None:
    cpu = preset(catalog, "DDR5", kind=HardwareKind.CPU)
    result = run(catalog, hardware=profile_from_preset(cpu), budget_usd_month=0)
    top = result.top
    assert top is not None
    assert top.deployment.mode == "local"
    assert top.deployment.placement == "cpu"
    assert total_b(model(catalog, top.model_id)) <= 35
    assert any("tokens/s" in w or "CPU" in w for w in top.warnings)


def test_required_language_filters_with_reason(catalog: Catalog) -> None:
    result = run(catalog, languages=[LanguageNeed(code="vi")], deployment=Deployment.ANY,
                 hardware=hw(catalog, "4090"))
    # Unknown support is not "no": kept, with the sentence saying so; documented-only excludes it.
    undocumented = [rec for rec in result.recommendations
                    if "vi" not in {lang.code for lang in model(catalog, rec.model_id).languages}]
    assert undocumented
    assert all(any("Vietnamese support not documented" in w for w in rec.warnings) for rec in undocumented)
    strict = run(catalog, languages=[LanguageNeed(code="vi")], deployment=Deployment.ANY,
                 hardware=hw(catalog, "4090"), documented_only=True)
    for rec in strict.recommendations:
        assert "vi" in {lang.code for lang in model(catalog, rec.model_id).languages}
    assert any("Vietnamese support not documented" in r for e in strict.excluded for r in e.reasons)


def test_deny_list_and_country_exclusion(catalog: Catalog) -> None:
    result = run(catalog, hardware=hw(catalog, "4090"), deny_licenses=["Apache-2.0"],
                 exclude_countries=["CN"])
    assert result.recommendations
    for rec in result.recommendations:
        assert rec.license_id != "Apache-2.0"
        assert model(catalog, rec.model_id).vendor_country != "CN"


def test_million_token_context_keeps_only_long_context_models(catalog: Catalog) -> None:
    result = run(catalog, min_context_tokens=1_000_000)
    assert result.recommendations
    for rec in result.recommendations:
        m = model(catalog, rec.model_id)
        best = max([m.context_window_tokens or 0] + [o.context_window_tokens or 0 for o in m.offerings])
        assert best >= 1_000_000


def test_data_local_without_hardware_explains_and_suggests_apis(catalog: Catalog) -> None:
    result = run(catalog, data_must_stay_local=True)
    assert not result.recommendations
    assert result.warnings
    assert any(cf.kind == "deployment" for cf in result.counterfactuals)


def test_tight_budget_counterfactual_names_the_extra_budget(catalog: Catalog) -> None:
    result = run(catalog, deployment=Deployment.API, budget_usd_month=5, tokens_per_month=50_000_000,
                 tasks={Task.REASONING: 1.0})
    budget_flips = [cf for cf in result.counterfactuals if cf.kind == "budget"]
    assert budget_flips
    assert budget_flips[0].change.startswith("budget +$")
    assert budget_flips[0].new_top != (result.top.model_id if result.top else None)


def test_quality_profile_prefers_stronger_and_cheapest_profile_cheaper(catalog: Catalog) -> None:
    quality = run(catalog, deployment=Deployment.API, profile=Profile.QUALITY)
    cheap = run(catalog, deployment=Deployment.API, profile=Profile.CHEAPEST)
    assert quality.top is not None
    assert cheap.top is not None
    assert (quality.top.quality or 0) >= (cheap.top.quality or 0)
    assert cheap.top.deployment.monthly_cost_usd <= quality.top.deployment.monthly_cost_usd


_DETERMINISM = (
    "import json\n"
    "from advisor.catalog.benchmarks import Task\n"
    "from tests.recommend.test_scenarios import answer, hw, load_bundled\n"
    "c = load_bundled()\n"
    "print(json.dumps(answer(c, hardware=hw(c, '3090'), tasks={Task.CHAT: 1.0})))\n"
)


def answer(catalog: Catalog, **kw: object) -> dict[str, object]:
    """The whole JSON answer but the time it was made."""
    data = run(catalog, **kw).to_json()
    data.pop("generated_at")
    return data


def test_ranking_is_deterministic_from_cold_caches(catalog: Catalog) -> None:
    """The same answer in a fresh process (nothing cached: catalog, columns, quality fit, footprints)
    under two string-hash seeds (set and dict orders differ) as in this warm one."""
    warm = json.loads(json.dumps(answer(catalog, hardware=hw(catalog, "3090"), tasks={Task.CHAT: 1.0})))
    root = Path(__file__).resolve().parents[2]
    for seed in ("1", "2"):
        proc = subprocess.run([sys.executable, "-c", _DETERMINISM], capture_output=True, text=True,
                              check=True, cwd=root, env={**os.environ, "PYTHONHASHSEED": seed})
        assert json.loads(proc.stdout) == warm, f"PYTHONHASHSEED={seed}"


def test_big_unified_memory_mac_runs_a_large_model_locally(catalog: Catalog) -> None:
    mac = preset(catalog, "M4 Max", kind=HardwareKind.APPLE_SOC)
    profile = profile_from_preset(mac).model_copy(update={"ram_gb": 128.0})
    result = run(catalog, hardware=profile, deployment=Deployment.LOCAL,
                 tasks={Task.CODING: 1, Task.REASONING: 1})
    top = result.top
    assert top is not None
    assert total_b(model(catalog, top.model_id)) >= 30
    assert top.deployment.placement == "gpu"


def test_two_3090s_fit_a_70b_at_4bit(catalog: Catalog) -> None:
    result = run(catalog, hardware=hw(catalog, "3090", count=2), deployment=Deployment.LOCAL,
                 top_n=200)
    by_id = {r.model_id: r for r in result.recommendations}
    llama = by_id.get("meta-llama/llama-3.3-70b-instruct")
    assert llama is not None, "Llama 3.3 70B should run on 2x24 GB"
    assert llama.deployment.placement == "gpu"


def test_breakdown_sums_to_score_and_every_model_is_accounted_for(catalog: Catalog) -> None:
    result = run(catalog, hardware=hw(catalog, "4090"))
    for rec in result.recommendations:
        assert abs(sum(rec.score_breakdown.values()) - rec.score) < 1e-6
    seen = {r.model_id for r in result.recommendations} | {e.model_id for e in result.excluded}
    assert seen == {mid for mid, m in catalog.models.items() if not m.retired}


def test_required_image_input_and_no_training(catalog: Catalog) -> None:
    result = run(catalog, deployment=Deployment.API, required_modalities=["image"],
                 no_training_on_data=True)
    for rec in result.recommendations:
        m = model(catalog, rec.model_id)
        assert "image" in m.input_modalities
        offering = next(o for o in m.offerings if o.provider == rec.deployment.provider
                        and o.provider_model_id == rec.deployment.provider_model_id)
        assert offering.trains_on_data is not True
        if offering.trains_on_data is None:
            assert any("does not state whether it trains" in w for w in rec.warnings)
    strict = run(catalog, deployment=Deployment.API, required_modalities=["image"],
                 no_training_on_data=True, documented_only=True)
    assert strict.recommendations
    for rec in strict.recommendations:
        m = model(catalog, rec.model_id)
        offering = next(o for o in m.offerings if o.provider == rec.deployment.provider
                        and o.provider_model_id == rec.deployment.provider_model_id)
        assert offering.trains_on_data is False


def test_min_speed_is_respected_locally(catalog: Catalog) -> None:
    result = run(catalog, hardware=hw(catalog, "4090"), deployment=Deployment.LOCAL,
                 min_tokens_per_s=50)
    assert result.recommendations
    for rec in result.recommendations:
        assert (rec.deployment.decode_tokens_per_s or 0) >= 50
    assert any("tokens/s" in r for e in result.excluded for r in e.reasons)


def test_memory_exclusion_states_the_binding_numbers(catalog: Catalog) -> None:
    result = run(catalog, hardware=hw(catalog, "3060"), deployment=Deployment.LOCAL)
    memory = [r for e in result.excluded for r in e.reasons if r.startswith("needs ")]
    assert memory
    assert all(" GB at " in r and "you have" in r for r in memory)
