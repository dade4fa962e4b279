"""On Apple silicon a model with an MLX repository in the catalog is also planned under mlx-lm, and
the score weighs that plan against the GGUF ones; elsewhere, and without such a repository, it is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from advisor.catalog.schema import ArtifactFormat, Model
from advisor.catalog.store import load_bundled
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.actions import local_actions
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend
from advisor.recommend.explain import how_it_runs
from advisor.recommend.result import DeploymentPlan

CAT = load_bundled()
TODAY = date(2026, 12, 4)
MODEL = "qwen/qwen3.5-122b-a10b"


def _plans(preset: str, model: Model | None = None) -> list[DeploymentPlan]:
    """The pick and the alternatives of MODEL alone on a preset."""
    hw = profile_from_preset(CAT.hardware[preset])
    only = model or CAT.models[MODEL]
    catalog = replace(CAT, models={only.id: only})
    result = recommend(catalog, Constraints(hardware=hw, deployment=Deployment.LOCAL), today=TODAY)
    rec = result.recommendations[0]
    return [rec.deployment, *rec.alternatives]


def test_apple_gets_the_mlx_conversions_the_catalog_names() -> None:
    published = {a.quantization for a in CAT.models[MODEL].artifacts if a.format is ArtifactFormat.MLX}
    assert published
    mlx = [p for p in _plans("apple-m3-ultra-512gb") if p.runtime == "mlx"]
    assert {p.quantization for p in mlx} == published
    gguf = [p for p in _plans("apple-m3-ultra-512gb") if p.runtime == "llama.cpp"]
    # Same chip, same bytes: MLX's smaller graph overhead makes it the faster of the two 8-bit plans.
    by_quant = {p.quantization: p for p in gguf}
    eight = next(p for p in mlx if p.quantization == "MLX-8bit")
    assert eight.decode_tokens_per_s > by_quant["Q8_0"].decode_tokens_per_s  # type: ignore[operator]


def test_no_mlx_plan_off_apple_or_without_a_repository() -> None:
    assert all(p.runtime != "mlx" for p in _plans("ryzen-ai-max-395-128gb"))  # unified memory, not Apple
    assert all(p.runtime != "mlx" for p in _plans("dgx-spark"))
    model = CAT.models[MODEL]
    bare = model.model_copy(update={"artifacts": tuple(a for a in model.artifacts
                                                        if a.format is not ArtifactFormat.MLX)})
    assert all(p.runtime != "mlx" for p in _plans("apple-m3-ultra-512gb", bare))


def test_an_mlx_plan_says_what_to_download_and_how_to_run_it() -> None:
    hw = profile_from_preset(CAT.hardware["apple-m3-ultra-512gb"])
    plan = next(p for p in _plans("apple-m3-ultra-512gb") if p.quantization == "MLX-4bit")
    actions = local_actions(plan, CAT.models[MODEL], hw)
    assert actions["artifact"]["repo"] == "mlx-community/Qwen3.5-122B-A10B-4bit"
    assert actions["run_commands"]["mlx"].startswith(f"mlx_lm.server --model {actions['artifact']['repo']}\n")
    assert actions["run_commands"]["llama_cpp"] is None
    assert "under MLX (mlx-lm)" in how_it_runs(plan)
