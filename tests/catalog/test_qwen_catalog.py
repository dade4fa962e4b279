"""The Qwen part of the bundled catalog: facts corrected against their sources stay corrected."""

from __future__ import annotations

from datetime import date

import pytest

from advisor.catalog.schema import Model, SupportLevel
from advisor.catalog.store import load_bundled

CAT = load_bundled()
QWEN = {mid: m for mid, m in CAT.models.items() if mid.startswith("qwen/")}

# Open-weight Qwen models the catalog promises, each with the architecture the estimator needs.
OPEN = [
    "qwen/qwen3-0.6b", "qwen/qwen3-1.7b", "qwen/qwen3-4b", "qwen/qwen3-4b-instruct-2507",
    "qwen/qwen3-4b-thinking-2507", "qwen/qwen3-30b-a3b-instruct-2507", "qwen/qwen3-30b-a3b-thinking-2507",
    "qwen/qwen3-coder-30b-a3b-instruct", "qwen/qwen3-coder-next", "qwen/qwen3-next-80b-a3b-instruct",
    "qwen/qwen3-next-80b-a3b-thinking", "qwen/qwen3.5-0.8b", "qwen/qwen3.5-4b", "qwen/qwq-32b",
    "qwen/qwen3.8-27b",
]
API = ["qwen/qwen3.6-plus", "qwen/qwen3.7-plus", "qwen/qwen3.7-max", "qwen/qwen3.8-max", "qwen/qwen3.7-flash",
       "qwen/qwen-max", "qwen/qwen-plus", "qwen/qwen-flash", "qwen/qwen3-coder-plus",
       "qwen/qwen3-coder-flash"]


def _alibaba(model: Model, provider: str = "alibaba") -> list[str]:
    return [o.provider_model_id or "" for o in model.offerings if o.provider == provider]


def test_qwen3_235b_uses_its_native_window_not_the_yarn_one() -> None:
    # Card and Qwen3 docs: 32,768 natively, 131,072 only with YaRN (the catalog used 131,072 before).
    assert QWEN["qwen/qwen3-235b-a22b"].context_window_tokens == 32_768
    for mid in ("qwen/qwen3-235b-a22b-instruct-2507", "qwen/qwen3-235b-a22b-thinking-2507"):
        assert QWEN[mid].context_window_tokens == 262_144  # the 2507 cards: 262,144 natively


def test_release_dates_follow_the_qwen35_readme() -> None:
    # QwenLM/Qwen3.5 README News: 397B on 02-16 (was 02-15), middle sizes on 02-24, small ones on 03-02.
    assert QWEN["qwen/qwen3.5-397b-a17b"].release_date == date(2026, 2, 16)
    for mid in ("qwen/qwen3.5-122b-a10b", "qwen/qwen3.5-35b-a3b", "qwen/qwen3.5-27b"):
        assert QWEN[mid].release_date == date(2026, 2, 24), mid
    for mid in ("qwen/qwen3.5-9b", "qwen/qwen3.5-4b", "qwen/qwen3.5-0.8b"):
        assert QWEN[mid].release_date == date(2026, 3, 2), mid


def test_qwen3_32b_on_alibaba_has_the_vendor_page_price() -> None:
    (offer,) = [o for o in QWEN["qwen/qwen3-32b"].offerings if o.provider == "alibaba"]
    assert offer.provider_model_id == "qwen3-32b"  # the model-prices key, so its dated rate is found
    # was $0.70/$2.80 (models.dev's older record)
    assert (offer.price_input_usd_per_mtok, offer.price_output_usd_per_mtok) == (0.16, 0.64)


def test_no_qwen_fact_cites_a_search_index_id() -> None:
    bad = []
    for m in QWEN.values():
        facts = [m.facts, *m.languages, *m.evidence, *m.offerings, *m.artifacts]
        if m.architecture is not None:
            facts.append(m.architecture)
        bad += [(m.id, f.source[:60]) for f in facts
                if "file id" in f.source or "not named by the index" in f.source
                or "index does not name" in f.source]
    assert bad == []


@pytest.mark.parametrize(("mid", "thinking", "reasoning"), [
    ("qwen/qwen3-8b", "hybrid", True), ("qwen/qwen3-32b", "hybrid", True),
    ("qwen/qwen3-235b-a22b", "hybrid", True), ("qwen/qwen3-0.6b", "hybrid", True),
    ("qwen/qwen3.5-9b", "hybrid", True), ("qwen/qwen3.5-27b", "hybrid", True),
    ("qwen/qwen3.6-35b-a3b", "hybrid", True), ("qwen/qwen3-235b-a22b-thinking-2507", "always", True),
    ("qwen/qwen3-30b-a3b-thinking-2507", "always", True), ("qwen/qwen3-4b-thinking-2507", "always", True),
    ("qwen/qwen3-235b-a22b-instruct-2507", "none", False),
    ("qwen/qwen3-30b-a3b-instruct-2507", "none", False),
    ("qwen/qwen3-4b-instruct-2507", "none", False), ("qwen/qwen3-next-80b-a3b-instruct", "none", False),
    ("qwen/qwen3-next-80b-a3b-thinking", "always", True), ("qwen/qwq-32b", "always", True),
])
def test_thinking_mode_matches_the_family_cards(mid: str, thinking: str, reasoning: bool) -> None:
    caps = QWEN[mid].capabilities
    assert (caps.thinking, caps.reasoning) == (thinking, reasoning)


def test_qwen_mt_lists_the_92_languages_of_its_documentation() -> None:
    mt = QWEN["qwen/qwen-mt"]
    codes = {lang.code for lang in mt.languages}
    assert len(codes) >= 70  # 92 names, 75 with an ISO 639-1 code (before: 11)
    assert {"af", "eu", "ka", "sw", "uz", "km", "cy", "oc", "zh", "ar"} <= codes
    assert {lang.level for lang in mt.languages} == {SupportLevel.OFFICIAL}
    assert {"qwen-mt-plus", "qwen-mt-flash", "qwen-mt-lite", "qwen-mt-turbo"} <= set(_alibaba(mt))


def test_qwen3_lists_the_blog_languages_as_official() -> None:
    for mid in ("qwen/qwen3-8b", "qwen/qwen3-235b-a22b", "qwen/qwen3-0.6b"):
        langs = QWEN[mid].languages
        assert len(langs) >= 80, mid  # 119 languages and dialects, 87 with an ISO 639-1 code
        assert {lang.level for lang in langs} == {SupportLevel.OFFICIAL}, mid
        assert {"ceb", "yue"}.isdisjoint(lang.code for lang in langs)  # codes stay ISO 639-1


def test_every_qwen_model_names_languages_or_says_why_not() -> None:
    assert [m.id for m in QWEN.values() if not m.languages and not m.languages_note] == []


def test_new_open_models_have_architecture_from_their_configs() -> None:
    missing = [mid for mid in OPEN if mid not in QWEN]
    assert missing == []
    for mid in OPEN:
        a = QWEN[mid].architecture
        assert a is not None, mid
        assert all((a.layers, a.kv_heads, a.head_dim, a.total_params_b)), mid
        assert "github" in a.source or "huggingface.co" in a.source, mid


def test_qwen3_next_is_a_hybrid_linear_attention_moe() -> None:
    for mid in ("qwen/qwen3-next-80b-a3b-instruct", "qwen/qwen3-coder-next"):
        a = QWEN[mid].architecture
        assert a is not None
        assert (a.layers, a.full_attention_layers, a.linear_attention_layers) == (48, 12, 36)
        assert (a.experts_total, a.experts_per_token, a.shared_experts) == (512, 10, 1)


def test_hosted_qwen_lines_are_in_the_catalog_with_limits() -> None:
    for mid in API:
        m = QWEN[mid]
        assert not m.open_weights, mid
        assert m.context_window_tokens, mid
        assert m.capabilities.reasoning is not None, mid
        assert _alibaba(m), mid


def test_alibaba_offerings_state_their_region() -> None:
    for m in QWEN.values():
        for o in m.offerings:
            if o.provider == "alibaba":
                assert o.regions == ("SG",), (m.id, o.provider_model_id)
                assert o.data_policy, (m.id, o.provider_model_id)
            if o.provider == "alibaba-cn":
                assert o.regions == ("CN",), (m.id, o.provider_model_id)
                assert o.data_policy, (m.id, o.provider_model_id)


def test_successors_are_newer_models_of_the_catalog() -> None:
    chains = {mid: m.superseded_by for mid, m in QWEN.items() if m.superseded_by}
    assert chains["qwen/qwen2.5-7b-instruct"] == "qwen/qwen3-8b"
    assert chains["qwen/qwen3.7-max"] == "qwen/qwen3.8-max"
    for old, new in chains.items():
        a, b = QWEN[old].release_date, QWEN[new].release_date
        assert a is None or b is None or a <= b, (old, new)
