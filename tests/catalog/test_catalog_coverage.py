"""What the bundled catalog of December 2026 must cover (issue #16's figures), on the real catalog."""

from __future__ import annotations

from datetime import date

import pytest

from advisor.catalog.schema import Model, OfferingStatus
from advisor.catalog.store import Catalog, load_bundled
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend

CAT: Catalog = load_bundled()
TODAY = date(2026, 12, 3)
# A vendor's own API, by the id prefix of its models (the provider slugs are models.dev's).
FIRST_PARTY = {
    "openai": {"openai"}, "anthropic": {"anthropic"}, "google": {"google"}, "xai": {"xai"},
    "mistralai": {"mistral"}, "deepseek": {"deepseek"}, "qwen": {"alibaba", "alibaba-cn"},
    "moonshotai": {"moonshotai", "moonshotai-cn"}, "zhipuai": {"zai", "zhipuai"}, "zai": {"zai"},
    "minimax": {"minimax", "minimax-cn"}, "cohere": {"cohere"}, "amazon": {"amazon-bedrock"},
}


def _full_architecture(model: Model) -> bool:
    a = model.architecture
    if a is None:
        return False
    attention = a.kv_heads is not None or a.kv_lora_rank is not None
    head = a.head_dim is not None or a.kv_lora_rank is not None
    moe = a.experts_total is None or a.experts_per_token is not None
    return (None not in (a.total_params_b, a.layers, a.hidden_size, a.attention_heads)
            and attention and head and moe)


def test_breadth() -> None:
    assert len(CAT.models) >= 250
    assert sum(m.open_weights and _full_architecture(m) for m in CAT.models.values()) >= 120


@pytest.mark.parametrize("family_prefix", ["gpt-5", "claude", "gemini-3", "qwen3", "deepseek-v3", "kimi-k2",
                                           "glm-4", "minimax-m2", "mistral", "llama", "gemma"])
def test_every_flagship_family_is_there_in_several_sizes(family_prefix: str) -> None:
    members = [m for m in CAT.models.values()
               if m.family.lower().startswith(family_prefix) or m.id.split("/")[1].startswith(family_prefix)]
    assert len(members) >= 2, family_prefix


def test_first_party_prices_are_from_this_quarter() -> None:
    """Every live first-party offering that model-prices' first-party timelines cover is priced from
    them (snapshot of 2026-10-26). Alibaba's mainland endpoints (alibaba-cn) are in none of this
    quarter's pinned feeds: their prices stay those of the models.dev data of 2026-08-18."""
    offers = [o for m in CAT.models.values() for o in m.offerings
              if o.provider in FIRST_PARTY.get(m.vendor_slug, set())
              and o.status is not OfferingStatus.RETIRED]
    assert len(offers) >= 100
    covered = [o for o in offers if o.provider != "alibaba-cn"]
    stale = [(o.provider, o.provider_model_id) for o in covered if o.as_of < date(2026, 10, 1)]
    assert len(stale) <= 0.05 * len(covered), stale


@pytest.mark.parametrize(("regions", "no_training"), [(("US",), False), (("EU",), True)])
def test_regional_rules_leave_a_real_choice(regions: tuple[str, ...], no_training: bool) -> None:
    result = recommend(CAT, Constraints(deployment=Deployment.API, allowed_regions=regions,
                                        no_training_on_data=no_training, top_n=1000), today=TODAY)
    assert len(result.recommendations) >= 10, [e.reasons[:1] for e in result.excluded[:5]]


def test_frontier_vendors_list_their_languages_with_sources() -> None:
    """Anthropic (multilingual-support page) and Google (Gemini language list) publish lists for all
    their hosted models; OpenAI publishes per-language results for some models only: each of the
    others says where we looked, and its languages stay unknown (not unsupported)."""
    for model in CAT.models.values():
        if model.open_weights or model.retired or model.vendor_slug not in ("openai", "anthropic", "google"):
            continue
        assert all(lang.source for lang in model.languages)
        if model.vendor_slug in ("anthropic", "google"):
            assert len(model.languages) >= 10, model.id
        else:
            assert len(model.languages) >= 10 or (not model.languages and model.languages_note), model.id


def test_every_model_says_whether_its_languages_are_known() -> None:
    for model in CAT.models.values():
        assert model.languages or model.languages_note, model.id


def test_superseded_by_points_forward_in_time() -> None:
    for model in CAT.models.values():
        if model.superseded_by is None:
            continue
        newer = CAT.models[model.superseded_by]
        if model.release_date and newer.release_date:
            assert newer.release_date >= model.release_date, (model.id, newer.id)
