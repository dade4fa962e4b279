"""From a ranked plan to action: the file to download, the command that runs it, whether it is
already on disk (local plans) and a minimal request (API plans).

`add_actions` fills these into the recommendation JSON (the contract of issue #20); the pieces are
pure functions of the plan, the catalog and what `advisor.hardware.installed` found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.catalog.quant import normalise
from advisor.recommend.commands import LocalRun, request_example, run_commands, vllm_command

if TYPE_CHECKING:
    from advisor.catalog.schema import Artifact, Model
    from advisor.catalog.store import Catalog
    from advisor.estimate.calibration import Calibration
    from advisor.hardware.installed import Found
    from advisor.hardware.profile import HardwareProfile
    from advisor.recommend.result import DeploymentPlan, RecommendationResult

QUANTIZERS = ("ggml-org", "bartowski", "unsloth")
"""Well-known GGUF publishers, in the order preferred after the model's own organisation."""

FORMAT_OF_RUNTIME = {"mlx": "mlx", "vllm": None, "llama.cpp": "gguf"}
"""Artifact format a runtime loads (vLLM loads the model's own repository, or an AWQ/FP8 one)."""


def _canonical(name: str) -> str | None:
    try:
        return normalise(name)
    except KeyError:
        return None


def _repo_rank(model: Model, artifact: Artifact) -> tuple[int, int]:
    """Official organisation first, then ggml-org, bartowski, unsloth, then anyone; a known file
    before a repository alone."""
    owner = (artifact.repo or "").split("/", 1)[0].lower()
    official = (model.hf_repo or "").split("/", 1)[0].lower()
    order = 0 if owner and owner == official else (
        1 + QUANTIZERS.index(owner) if owner in QUANTIZERS else len(QUANTIZERS) + 1)
    return order, 0 if artifact.file else 1


def matching_artifacts(model: Model, quantization: str, runtime: str) -> list[Artifact]:
    """The model's artifacts at the plan's quantization in the format its runtime loads, best first."""
    fmt = FORMAT_OF_RUNTIME.get(runtime, "gguf")
    quant = _canonical(quantization) or quantization
    found = [a for a in model.artifacts if (fmt is None or a.format.value == fmt)
             and (_canonical(a.quantization) or a.quantization) == quant]
    return sorted(found, key=lambda a: _repo_rank(model, a))


def pick_artifact(model: Model, quantization: str, runtime: str) -> Artifact | None:
    """The best artifact for the plan (with the Ollama tag of any same-quantization artifact folded
    in), or None when the catalog knows none at that quantization."""
    found = matching_artifacts(model, quantization, runtime)
    if not found:
        return None
    best = found[0]
    tag = best.ollama_tag or next((a.ollama_tag for a in found if a.ollama_tag), None)
    return best if tag == best.ollama_tag else best.model_copy(update={"ollama_tag": tag})


def artifact_json(model: Model, artifact: Artifact | None, quantization: str,
                  runtime: str) -> dict[str, Any] | None:
    """{format, repo, file, ollama_tag, size_gb, source}, sources of every artifact used joined."""
    if artifact is None:
        return None
    sources = dict.fromkeys(f"{a.source} (read {a.as_of.isoformat()})"
                            for a in matching_artifacts(model, quantization, runtime)
                            if a is artifact or a.repo == artifact.repo
                            or a.ollama_tag == artifact.ollama_tag)
    return {"format": artifact.format.value, "repo": artifact.repo, "file": artifact.file,
            "ollama_tag": artifact.ollama_tag, "size_gb": artifact.file_size_gb,
            "source": "; ".join(sources) or artifact.source}


def _own_repository(model: Model, quantization: str, runtime: str) -> dict[str, Any] | None:
    """vLLM at BF16 or FP8 loads the model's own repository (FP8 quantized on load); its size is the
    plan's weights, not a file the catalog knows, so it stays null."""
    if runtime != "vllm" or quantization not in ("BF16", "FP8") or not model.hf_repo:
        return None
    return {"format": "safetensors", "repo": model.hf_repo, "file": None, "ollama_tag": None, "size_gb": None,
            "source": f"https://huggingface.co/{model.hf_repo} (the model's own repository, as the catalog "
                      "records it)" + ("; FP8 is quantized on load (vllm serve --quantization fp8)"
                                       if quantization == "FP8" else "")}


def where_to_look(model: Model, quantization: str) -> str:
    """Why there is no artifact, and which repository to look in when one is known."""
    repos = list(dict.fromkeys(a.repo for a in sorted(model.artifacts, key=lambda a: _repo_rank(model, a))
                               if a.repo and a.format.value == "gguf"))
    if repos:
        return (f"No {quantization} file of this model is in the catalog; look in {', '.join(repos)} "
                "(the repositories the catalog knows for it).")
    if model.hf_repo:
        return (f"No {quantization} file of this model is in the catalog; its weights are in "
                f"{model.hf_repo}: look for a GGUF conversion of it.")
    return f"No {quantization} file of this model is in the catalog."


def local_actions(plan: DeploymentPlan, model: Model, hardware: HardwareProfile, concurrency: int = 1,
                  found: list[Found] | None = None, calibrations: list[Calibration] | None = None,
                  models: dict[str, Model] | None = None, kv_cache: str = "f16") -> dict[str, Any]:
    """artifact, run_commands and installed for one local plan (re-sized as the ranking sized it)."""
    from advisor.estimate import RunOptions, finish, size  # noqa: PLC0415

    quant = plan.quantization or ""
    context = plan.context_tokens or 8192
    options = RunOptions(backend=plan.runtime) if plan.runtime in ("vllm", "mlx") else None
    est = finish(size(model, hardware, quant, context, kv_cache=kv_cache, concurrency=concurrency,
                      options=options))
    run = LocalRun.of(est, hardware)
    artifact = pick_artifact(model, quant, est.runtime)
    mine = [f for f in found or () if f.model_id == model.id]
    # On disk for this plan: the runtime's format (a GGUF for llama.cpp, an MLX folder for mlx-lm,
    # safetensors for vLLM) at the plan's quantization, or at an unknown one.
    fmt = {"mlx": "mlx", "vllm": "safetensors"}.get(est.runtime, "gguf")
    on_disk = [f for f in mine if f.format == fmt and f.quantization in (None, quant)]
    path = next((str(f.path) for f in on_disk if f.format == "gguf" and f.path.is_file()), None)
    out: dict[str, Any] = {
        "artifact": artifact_json(model, artifact, quant, est.runtime) or _own_repository(model, quant,
                                                                                           est.runtime),
        "run_commands": run_commands(run, model, artifact, path),
        "installed": bool(on_disk),
        # What is on disk in any quantization (the plan may pick another one than the user has).
        "installed_quantizations": sorted({f.quantization or "unknown" for f in mine}),
    }
    if artifact is None and out["artifact"] is None:
        out["artifact_note"] = where_to_look(model, quant)
    team = vllm_alternative(model, hardware, context, concurrency) if est.runtime != "vllm" else None
    if team is not None:
        out["run_commands"]["vllm"] = team.pop("command")
        out["vllm_plan"] = team
    if plan.speed_note and plan.decode_tokens_per_s is not None:  # the ranking already corrected it
        out["calibrated_tokens_per_s"] = round(plan.decode_tokens_per_s, 1)
        out["calibration_note"] = plan.speed_note
    elif calibrations and plan.decode_tokens_per_s is not None:
        from advisor.estimate.calibration import ratio_for  # noqa: PLC0415

        found_ratio = ratio_for(model.id, quant, hardware, calibrations, models or {model.id: model})
        if found_ratio is not None:
            ratio, note = found_ratio
            out["calibrated_tokens_per_s"] = round(plan.decode_tokens_per_s * ratio, 1)
            out["calibration_note"] = note
    return out


def vllm_alternative(model: Model, hardware: HardwareProfile, context: int,
                     concurrency: int) -> dict[str, Any] | None:
    """For several streams on NVIDIA/AMD datacenter GPUs, the vLLM way to serve the same model (its
    own quantization ladder, tensor parallel, batched sampling), with its estimate; None elsewhere
    or when it does not fit."""
    from advisor.estimate import EstimateError, RunOptions, estimate  # noqa: PLC0415
    from advisor.recommend.serving import team_backend  # noqa: PLC0415

    if team_backend(hardware, concurrency) is None:
        return None
    try:
        est = estimate(model, hardware, context=context, concurrency=concurrency,
                       options=RunOptions(backend="vllm"))
    except EstimateError:
        return None
    if not est.fits or est.decode_tokens_per_s is None:
        return None
    command = vllm_command(LocalRun.of(est, hardware), model, pick_artifact(model, est.quantization, "vllm"))
    if command is None:
        return None
    agg = est.aggregate_tokens_per_s
    return {"command": command, "quantization": est.quantization, "memory_gb": round(est.total_gb, 2),
            "decode_tokens_per_s": round(est.decode_tokens_per_s.expected, 1),
            "aggregate_tokens_per_s": round(agg.expected, 1) if agg else None,
            "note": "vLLM batches sampling on the GPU and splits every layer across the GPUs; "
                    "the ranking's figures are llama.cpp's"}


def api_actions(plan: DeploymentPlan) -> dict[str, Any]:
    """request_example for one API plan."""
    return {"request_example": request_example(plan.provider or "", plan.provider_model_id)}


def add_actions(data: dict[str, Any], result: RecommendationResult, catalog: Catalog,
                found: list[Found] | None = None,
                calibrations: list[Calibration] | None = None) -> dict[str, Any]:
    """Fill artifact / run_commands / installed (local) or request_example (API) into each shown
    recommendation's deployment in `data` (the dict `result.to_json()` made); with this machine's
    calibrations, also calibrated_tokens_per_s and the note that says where it comes from."""
    hardware = result.constraints.hardware
    concurrency = result.constraints.concurrency

    def fill(dep: dict[str, Any], plan: DeploymentPlan, model: Model) -> None:
        if plan.self_hosted and hardware is not None:  # owned or rented machines run the same files
            dep.update(local_actions(plan, model, hardware, concurrency, found, calibrations, catalog.models,
                                     result.constraints.kv_cache_type))
        elif plan.mode == "api":
            dep.update(api_actions(plan))

    for rec, item in zip(result.shown(), data.get("recommendations", []), strict=False):
        dep = item.get("deployment")
        model = catalog.models.get(rec.model_id)
        if not isinstance(dep, dict) or model is None:
            continue
        plan = rec.deployment
        if plan.mode == "hybrid":  # each part runs its own model
            for part, part_dep in zip(plan.parts, dep.get("parts", []), strict=False):
                part_model = catalog.models.get(part.model_id or "")
                if part_model is not None and isinstance(part_dep, dict):
                    fill(part_dep, part, part_model)
        else:
            fill(dep, plan, model)
    return data
