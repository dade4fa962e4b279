"""Facts of the Gemma, Llama, Mistral, Phi and gpt-oss entries that were once wrong or missing.

Each value is the one read in the model's reference config or card (the source strings say which);
a regression to the old guesses (Gemma 4 26B-A4B head_dim from hidden/heads, Gemma 4 E2B with a
5:1 layer pattern, Gemma 4 citing the Gemma 3 card) fails here.
"""

from __future__ import annotations

import pytest

from advisor.catalog.schema import Model, Sourced
from advisor.catalog.store import load_bundled
from advisor.estimate import footprint

CAT = load_bundled()
FAMILY_VENDORS = ("google/gemma", "meta-llama/", "mistralai/", "microsoft/", "openai/gpt-oss")


def _ours() -> list[Model]:
    return [m for m in CAT.models.values() if m.id.startswith(FAMILY_VENDORS)]


def _sources(model: Model) -> list[str]:
    groups: list[Sourced] = [model.facts, *model.languages, *model.evidence, *model.artifacts,
                             *model.offerings]
    if model.architecture is not None:
        groups.append(model.architecture)
    return [g.source for g in groups]


def test_gemma4_26b_a4b_attention_shapes_come_from_the_reference_config() -> None:
    arch = CAT.models["google/gemma-4-26b-a4b-it"].architecture
    assert arch is not None
    # google-deepmind/gemma gemma4/_gemma4.py Gemma4_26B_A4B: head_dim 256, 2 global KV heads of 512.
    assert (arch.head_dim, arch.global_kv_heads, arch.global_head_dim) == (256, 2, 512)
    assert (arch.kv_heads, arch.sliding_window_layers, arch.full_attention_layers) == (8, 25, 5)
    fp = footprint(CAT.models["google/gemma-4-26b-a4b-it"])
    assert fp.sliding_kv_elems == 2 * 8 * 256
    assert fp.full_kv_elems == 2 * 2 * 512


def test_gemma4_e2b_has_the_4_to_1_layer_pattern() -> None:
    arch = CAT.models["google/gemma-4-e2b-it"].architecture
    assert arch is not None
    assert (arch.layers, arch.full_attention_layers, arch.sliding_window_layers) == (35, 7, 28)
    assert (arch.kv_heads, arch.head_dim, arch.global_head_dim) == (1, 256, 512)


def test_gemma4_languages_cite_the_gemma4_card() -> None:
    for mid in ("google/gemma-4-31b-it", "google/gemma-4-26b-a4b-it", "google/gemma-4-e4b-it",
                "google/gemma-4-e2b-it"):
        model = CAT.models[mid]
        assert model.languages, mid
        for lang in model.languages:
            assert "Gemma 4 model card" in lang.source, mid
            assert "35+" in lang.source, mid
            assert "gemma-3" not in lang.source, mid
        assert model.languages_note is not None


def test_no_citation_is_a_search_index_id() -> None:
    bad = [f"{m.id}: {s[:80]}" for m in _ours() for s in _sources(m)
           if "code-search id" in s or "search-index" in s or "index id" in s]
    assert bad == []


@pytest.mark.parametrize(("mid", "mode"), [
    ("mistralai/magistral-small-2506", "always"), ("mistralai/magistral-medium", "always"),
    ("microsoft/phi-4-reasoning", "always"), ("microsoft/phi-4-reasoning-plus", "always"),
    ("microsoft/phi-4-mini-reasoning", "always"), ("openai/gpt-oss-20b", "always"),
    ("openai/gpt-oss-120b", "always"), ("google/gemma-4-31b-it", "hybrid"),
    ("microsoft/phi-4-mini-instruct", "none"),
])
def test_thinking_mode_follows_the_card(mid: str, mode: str) -> None:
    caps = CAT.models[mid].capabilities
    assert caps.thinking == mode
    assert caps.reasoning is (mode != "none")


def test_superseded_chains_stay_inside_a_vendor_and_point_forward() -> None:
    for model in _ours():
        if model.superseded_by is None:
            continue
        newer = CAT.models[model.superseded_by]
        assert newer.vendor == model.vendor, model.id
        if model.release_date and newer.release_date:
            assert newer.release_date >= model.release_date, model.id


def test_first_party_mistral_offerings_state_mistrals_data_terms() -> None:
    seen = 0
    for model in CAT.models.values():
        for off in model.offerings:
            if off.provider != "mistral":
                continue
            seen += 1
            assert off.regions == ("EU",), model.id
            assert off.trains_on_data is False, model.id
            assert "help.mistral.ai" in off.source, model.id
    assert seen >= 10


def test_llama_31_big_sizes_have_hosted_offerings() -> None:
    for mid in ("meta-llama/llama-3.1-70b-instruct", "meta-llama/llama-3.1-405b-instruct"):
        assert CAT.models[mid].offerings, mid
