"""The bundled catalog: the models people weigh, every fact sourced, enough to estimate memory."""

from __future__ import annotations

from advisor.catalog.schema import Model, Sourced
from advisor.catalog.store import load_bundled
from advisor.catalog.validate import check_catalog
from advisor.estimate import footprint

CAT = load_bundled()

# Every model the project promises (issue 3). Open-weight ids are shared with the other catalog files.
REQUIRED = [
    # Qwen
    "qwen/qwen3.5-397b-a17b", "qwen/qwen3.5-122b-a10b", "qwen/qwen3.5-35b-a3b", "qwen/qwen3.5-27b",
    "qwen/qwen3.5-9b", "qwen/qwen3.6-27b", "qwen/qwen3.6-35b-a3b", "qwen/qwen3-235b-a22b",
    "qwen/qwen3-235b-a22b-instruct-2507", "qwen/qwen3-235b-a22b-thinking-2507",
    "qwen/qwen3-coder-480b-a35b-instruct", "qwen/qwen3-8b", "qwen/qwen3-14b", "qwen/qwen3-32b",
    "qwen/qwen3-30b-a3b", "qwen/qwen2.5-7b-instruct", "qwen/qwen2.5-14b-instruct",
    "qwen/qwen2.5-32b-instruct",
    "qwen/qwen2.5-72b-instruct", "qwen/qwen2.5-coder-7b-instruct", "qwen/qwen2.5-coder-32b-instruct",
    # hosted Qwen
    "qwen/qwen3.5-plus", "qwen/qwen3.5-flash", "qwen/qwen3.6-max-preview", "qwen/qwen3.6-flash",
    "qwen/qwen-mt",
    # DeepSeek, Kimi, GLM
    "deepseek/deepseek-v3", "deepseek/deepseek-r1", "deepseek/deepseek-r1-distill-qwen-14b",
    "deepseek/deepseek-r1-distill-qwen-32b", "deepseek/deepseek-r1-distill-llama-70b",
    "moonshotai/kimi-k2-instruct", "zhipuai/glm-4.5", "zhipuai/glm-4.5-air",
    # Gemma
    "google/gemma-4-31b-it", "google/gemma-4-26b-a4b-it", "google/gemma-4-e4b-it", "google/gemma-4-e2b-it",
    "google/gemma-3-4b-it", "google/gemma-3-12b-it", "google/gemma-3-27b-it", "google/gemma-2-9b-it",
    "google/gemma-2-27b-it",
    # Llama
    "meta-llama/llama-2-7b-chat", "meta-llama/llama-3.1-8b-instruct", "meta-llama/llama-3.1-70b-instruct",
    "meta-llama/llama-3.1-405b-instruct", "meta-llama/llama-3.2-1b-instruct",
    "meta-llama/llama-3.2-3b-instruct",
    "meta-llama/llama-3.3-70b-instruct", "meta-llama/llama-4-scout-17b-16e-instruct",
    "meta-llama/llama-4-maverick-17b-128e-instruct",
    # Mistral, Microsoft, OpenAI open weights
    "mistralai/mistral-7b-instruct-v0.3", "mistralai/mixtral-8x7b-instruct-v0.1",
    "mistralai/mistral-small-3.1-24b-instruct", "mistralai/mistral-large", "mistralai/devstral-small",
    "microsoft/phi-4", "openai/gpt-oss-20b", "openai/gpt-oss-120b",
    # hosted OpenAI, Anthropic (current Opus / Sonnet / Haiku as of the 2026-07-02 snapshot), Google
    "openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-5-nano", "openai/gpt-4.1", "openai/gpt-4.1-mini",
    "openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-opus-4.8", "anthropic/claude-sonnet-5",
    "anthropic/claude-haiku-4.5", "anthropic/claude-3.5-sonnet", "google/gemini-3.1-pro",
    "google/gemini-3.5-flash",
]

# Sanity bounds for per-1M-token prices (USD): a per-token or per-1K price slipped in would fall outside.
MAX_PRICE_PER_MTOK = 1000.0
MIN_PRICE_PER_MTOK = 0.001


def _facts(model: Model) -> list[Sourced]:
    groups: list[Sourced] = [model.facts, *model.languages, *model.evidence, *model.artifacts,
                             *model.offerings]
    if model.architecture is not None:
        groups.append(model.architecture)
    return groups


def test_catalog_size() -> None:
    assert len(CAT.models) >= 80
    assert len(CAT.hardware) >= 40


def test_every_required_model_is_present() -> None:
    assert [mid for mid in REQUIRED if mid not in CAT.models] == []


def test_cross_checks_pass() -> None:
    assert check_catalog(CAT, "bundled") == []


def test_every_fact_has_a_source_and_a_date() -> None:
    missing = [(m.id, type(f).__name__) for m in CAT.models.values() for f in _facts(m)
               if not f.source.strip() or f.as_of.year < 2000]
    assert missing == []
    assert all(h.source.strip() for h in CAT.hardware.values())


def test_every_model_has_a_licence_that_exists() -> None:
    assert [m.id for m in CAT.models.values() if m.license not in CAT.licenses] == []


def test_open_weight_models_have_enough_architecture_to_estimate_memory() -> None:
    gaps: list[str] = []
    for m in CAT.models.values():
        if not m.open_weights:
            continue
        a = m.architecture
        if a is None:
            gaps.append(f"{m.id}: no architecture")
            continue
        # What the estimator needs (advisor/estimate/memory.py): hidden size only sharpens the
        # embedding/attention split, and head_dim may be derived from hidden / heads.
        needed: dict[str, object] = {"total_params_b": a.total_params_b, "layers": a.layers}
        if a.is_mla:
            needed["qk_rope_head_dim"] = a.qk_rope_head_dim
        else:
            derivable = a.hidden_size is not None and a.attention_heads is not None
            needed |= {"kv_heads": a.kv_heads,
                       "head_dim": a.head_dim if a.head_dim is not None or not derivable else 0}
        if a.is_moe:
            needed |= {"experts_per_token": a.experts_per_token, "active_params_b": a.active_params_b}
        if a.sliding_window_layers:
            needed["sliding_window_tokens"] = a.sliding_window_tokens
        gaps.extend(f"{m.id}: {name}" for name, value in needed.items() if value is None)
    assert gaps == []
    for m in CAT.models.values():
        if m.open_weights:
            assert footprint(m).kv_bytes(8192, 2.0) > 0, m.id


def test_closed_models_are_priced_per_million_tokens_with_limits() -> None:
    for m in CAT.models.values():
        if m.open_weights:
            continue
        assert m.architecture is None, m.id  # undisclosed: nothing to estimate locally
        assert m.offerings, m.id
        assert m.capabilities.reasoning is not None, m.id
        assert m.context_window_tokens, m.id
        for o in m.offerings:
            assert o.context_window_tokens or m.context_window_tokens, (m.id, o.provider)


def test_prices_are_plausible_per_million_tokens() -> None:
    bad: list[tuple[str, str, float]] = []
    for m in CAT.models.values():
        for o in m.offerings:
            prices = [o.price_input_usd_per_mtok, o.price_output_usd_per_mtok]
            if o.price_cached_input_usd_per_mtok is not None:
                prices.append(o.price_cached_input_usd_per_mtok)
            for tier in o.context_tiers:
                prices += [tier.price_input_usd_per_mtok, tier.price_output_usd_per_mtok]
            bad += [(m.id, o.provider, p) for p in prices
                    if p != 0 and not MIN_PRICE_PER_MTOK <= p <= MAX_PRICE_PER_MTOK]
    assert bad == []


def test_price_tiers_rise_with_prompt_size() -> None:
    for m in CAT.models.values():
        for o in m.offerings:
            sizes = [t.above_input_tokens for t in o.context_tiers]
            assert sizes == sorted(sizes), (m.id, o.provider)
            assert all(t.price_input_usd_per_mtok >= o.price_input_usd_per_mtok for t in o.context_tiers)


def test_translation_model_lists_its_languages() -> None:
    mt = CAT.models["qwen/qwen-mt"]
    assert mt.name == "Qwen3-MT"
    assert {"zh", "en", "ja", "ko", "ar"} <= {lang.code for lang in mt.languages}
