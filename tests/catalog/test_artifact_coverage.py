"""Download artifacts (issue #20 item 1) on the real catalog: the named models carry a concrete,
sized, sourced GGUF, and the recommender picks a known quantizer's file for them."""

from __future__ import annotations

import re

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
        assert art.repo or art.ollama_tag, (model_id, art.quantization)  # where to get it
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


OLLAMA_QUANT = re.compile(r"(?:^|-)(q[2-8]_[0-9a-z_]+|fp16|bf16)$", re.IGNORECASE)


def test_an_ollama_tag_names_the_quantization_it_is_filed_under() -> None:
    """An Ollama library tag that spells its quantization (qwen3:8b-q4_K_M, glm-4.7-flash:bf16) is
    filed under that quantization, with a size: a check on what was transcribed from the tag pages."""
    tagged = [(m.id, a, a.ollama_tag) for m in CAT.models.values() for a in m.artifacts if a.ollama_tag]
    assert len({mid for mid, _, _ in tagged}) >= 100
    for model_id, art, full in tagged:
        name, _, tag = full.partition(":")
        assert name, (model_id, full)
        assert tag, (model_id, full)
        spelled = OLLAMA_QUANT.search(tag)
        if spelled is None:
            continue  # a size tag (gpt-oss:20b): its quantization comes from the source text
        assert normalise(spelled.group(1)) == normalise(art.quantization), (model_id, full)
        assert art.file_size_gb, (model_id, full)
        assert art.format is ArtifactFormat.GGUF


@pytest.mark.parametrize(("model_id", "quant", "tag"), [
    ("qwen/qwen3.5-27b", "Q4_K_M", "qwen3.5:27b-q4_K_M"),
    ("meta-llama/llama-3.3-70b-instruct", "Q4_K_M", "llama3.3:70b-instruct-q4_K_M"),
    ("qwen/qwen3-8b", "Q8_0", "qwen3:8b-q8_0"),
])
def test_the_plan_gets_the_hub_file_and_the_matching_ollama_tag(model_id: str, quant: str, tag: str) -> None:
    """The Ollama tag of the same quantization is folded into the chosen Hugging Face file, so a plan
    has both a file to download and a tag to `ollama run`."""
    art = pick_artifact(CAT.models[model_id], quant, "llama.cpp")
    assert art is not None
    assert art.repo is not None
    assert art.ollama_tag == tag


def test_an_ollama_blob_size_is_shown_but_does_not_size_the_estimate() -> None:
    """Ollama's blob of a multimodal model carries its vision encoder, so the estimate takes a
    repository file's size (gemma-3-4b-it Q4_K_M: bartowski's file, not gemma3's 3.3 GB blob) and,
    with only an Ollama blob known, computes the size from the architecture."""
    from advisor.estimate.memory import GB, artifact_bytes  # noqa: PLC0415

    gemma = CAT.models["google/gemma-3-4b-it"]
    blob = next(a for a in gemma.artifacts if a.ollama_tag == "gemma3:4b-it-q4_K_M")
    hub = next(a for a in gemma.artifacts if a.repo and a.quantization == "Q4_K_M" and a.file_size_gb)
    assert blob.file_size_gb is not None
    assert hub.file_size_gb is not None
    assert blob.file_size_gb > hub.file_size_gb
    assert artifact_bytes(gemma, "Q4_K_M") == pytest.approx(hub.file_size_gb * GB)
    only_blob = CAT.models["qwen/qwen3.6-35b-a3b"]
    assert any(a.ollama_tag and a.quantization == "Q4_K_M" for a in only_blob.artifacts)
    assert artifact_bytes(only_blob, "Q4_K_M") is None


def test_apple_plans_get_an_mlx_community_repository() -> None:
    """MLX repositories (mlx-community 4-bit and 8-bit) for the MLX runtime: the plan picks one of
    that quantization, and within a model the 8-bit repository is the larger."""
    with_mlx = [m for m in CAT.models.values() if any(a.format is ArtifactFormat.MLX for a in m.artifacts)]
    assert len(with_mlx) >= 30
    for model in with_mlx:
        sizes: dict[str, float] = {}
        for art in model.artifacts:
            if art.format is not ArtifactFormat.MLX:
                continue
            assert art.repo is not None
            assert art.repo.startswith("mlx-community/"), (model.id, art.repo)
            picked = pick_artifact(model, art.quantization, "mlx")
            assert picked is not None
            assert picked.format is ArtifactFormat.MLX
            if art.file_size_gb:
                sizes[normalise(art.quantization)] = art.file_size_gb
        if len(sizes) == 2:
            assert sizes["MLX-8bit"] > sizes["MLX-4bit"], (model.id, sizes)
