"""Download artifacts (issue #20 item 1) on the real catalog: the named models carry a concrete,
sized, sourced GGUF, and the recommender picks a known quantizer's file for them."""

from __future__ import annotations

import pytest

from advisor.catalog.quant import normalise
from advisor.catalog.schema import ArtifactFormat
from advisor.catalog.store import Catalog, load_bundled
from advisor.recommend.actions import pick_artifact

CAT: Catalog = load_bundled()

# Models whose artifacts were read from Hugging Face file pages or quant comparisons (2026-12-03).
COVERED = {
    "qwen/qwen3.6-27b": "UD-Q4_K_XL",
    "qwen/qwen3.5-27b": "Q4_K_M",
    "qwen/qwen3-coder-30b-a3b-instruct": "Q4_K_M",
    "meta-llama/llama-3.3-70b-instruct": "Q4_K_M",
    "deepseek/deepseek-r1-distill-qwen-32b": "Q4_K_M",
    "google/gemma-2-27b-it": "Q4_K_M",
}


@pytest.mark.parametrize("model_id", sorted(COVERED))
def test_named_models_have_a_sized_sourced_gguf(model_id: str) -> None:
    model = CAT.models[model_id]
    ggufs = [a for a in model.artifacts if a.format is ArtifactFormat.GGUF]
    assert ggufs, model_id
    for art in ggufs:
        assert art.file_size_gb is not None, (model_id, art.quantization)
        assert art.repo, (model_id, art.quantization)
        assert art.source
        assert art.as_of.isoformat() >= "2026-11-25"
        normalise(art.quantization)  # a name the estimator knows, or KeyError


@pytest.mark.parametrize(("model_id", "quant"), sorted(COVERED.items()))
def test_the_plan_picks_a_file_from_a_known_repository(model_id: str, quant: str) -> None:
    art = pick_artifact(CAT.models[model_id], quant, "llama.cpp")
    assert art is not None
    assert art.repo is not None
    assert art.repo.split("/")[0] in {"unsloth", "bartowski", "prithivMLmods"}
    assert art.file_size_gb is not None


def test_sizes_grow_with_bits_within_a_repository() -> None:
    """A quick consistency check on what was transcribed: within one repository a larger
    quantization is a larger file."""
    order = ("Q2_K", "Q3_K_S", "Q3_K_M", "UD-Q3_K_XL", "IQ4_XS", "Q4_K_S", "Q4_K_M", "UD-Q4_K_XL",
             "Q5_K_M", "Q6_K", "Q8_0")
    for model_id in COVERED:
        by_repo: dict[str, list[tuple[int, float]]] = {}
        for art in CAT.models[model_id].artifacts:
            if art.repo and art.file_size_gb and art.quantization in order:
                by_repo.setdefault(art.repo, []).append((order.index(art.quantization), art.file_size_gb))
        for repo, sizes in by_repo.items():
            ranked = [size for _, size in sorted(sizes)]
            assert ranked == sorted(ranked), (model_id, repo, sizes)


def test_artifact_coverage_of_open_models() -> None:
    """How many open-weight models name a sized GGUF file in a repository (13 before this batch,
    19 after it)."""
    sized = [m.id for m in CAT.models.values() if m.open_weights and any(
        a.format is ArtifactFormat.GGUF and a.file_size_gb and a.repo for a in m.artifacts)]
    assert len(sized) >= 19, sized
