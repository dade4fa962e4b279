"""A new open-weight catalog entry from a Hugging Face `config.json` (the team's fine-tune, say).

The architecture is read field by field from the config (standard `transformers` names; a nested
`text_config` is used for multimodal wrappers). Parameters are counted from the safetensors index's
`total_size` when one is given (bytes / bytes per parameter of `torch_dtype`), otherwise from the
architecture for the standard decoder layout: embeddings (+ output head unless tied) + per layer the
q/k/v/o projections and a gated MLP, or routed + shared experts for a mixture of experts. A layout
the count does not understand (MLA, linear attention) leaves the count unknown rather than guessing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.catalog.errors import CatalogError, problems_from_validation
from advisor.catalog.schema import Model, is_valid_model_id
from advisor.storage.problems import Problem

_MODEL = TypeAdapter(Model)
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float8_e4m3fn": 1, "fp8": 1}


def _int(cfg: dict[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = cfg.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def count_params(cfg: dict[str, Any]) -> tuple[float | None, float | None]:
    """(total, active) parameters in billions from the architecture; (None, None) if not countable."""
    types = cfg.get("layer_types")
    unusual = isinstance(types, list) and any(t not in ("full_attention", "sliding_attention")
                                              for t in types)
    if cfg.get("kv_lora_rank") or cfg.get("linear_num_value_heads") or unusual:
        return None, None
    hidden, layers, vocab = _int(cfg, "hidden_size"), _int(cfg, "num_hidden_layers"), _int(cfg, "vocab_size")
    heads = _int(cfg, "num_attention_heads")
    if not (hidden and layers and vocab and heads):
        return None, None
    kv_heads = _int(cfg, "num_key_value_heads") or heads
    head_dim = _int(cfg, "head_dim") or hidden // heads
    attention = hidden * heads * head_dim * 2 + hidden * kv_heads * head_dim * 2
    experts = _int(cfg, "num_experts", "num_local_experts", "n_routed_experts")
    if experts:
        inter = _int(cfg, "moe_intermediate_size", "intermediate_size")
        per_tok = _int(cfg, "num_experts_per_tok")
        if not (inter and per_tok):
            return None, None
        shared_inter = _int(cfg, "shared_expert_intermediate_size") or (
            (_int(cfg, "n_shared_experts") or 0) * inter)
        dense_layers = _int(cfg, "first_k_dense_replace") or 0
        dense_mlp = 3 * hidden * (_int(cfg, "intermediate_size") or 0)
        moe_total = experts * 3 * hidden * inter + 3 * hidden * shared_inter + hidden * experts
        moe_active = per_tok * 3 * hidden * inter + 3 * hidden * shared_inter + hidden * experts
        dense_part = dense_layers * (attention + dense_mlp)
        total_layers = dense_part + (layers - dense_layers) * (attention + moe_total)
        active_layers = dense_part + (layers - dense_layers) * (attention + moe_active)
    else:
        inter = _int(cfg, "intermediate_size")
        if not inter:
            return None, None
        total_layers = active_layers = layers * (attention + 3 * hidden * inter)
    embed = vocab * hidden * (1 if cfg.get("tie_word_embeddings") else 2)
    return (total_layers + embed) / 1e9, (active_layers + embed) / 1e9


def _architecture(config: dict[str, Any], cfg: dict[str, Any], safetensors_index: Any, source: str,
                  as_of: str) -> dict[str, Any]:
    arch: dict[str, Any] = {"source": source, "as_of": as_of}
    for key, ours in (("num_hidden_layers", "layers"), ("hidden_size", "hidden_size"),
                      ("num_attention_heads", "attention_heads"), ("num_key_value_heads", "kv_heads"),
                      ("head_dim", "head_dim"), ("vocab_size", "vocab_size"),
                      ("num_experts_per_tok", "experts_per_token")):
        if _int(cfg, key):
            arch[ours] = cfg[key]
    if "kv_heads" not in arch and "attention_heads" in arch:
        arch["kv_heads"] = arch["attention_heads"]
    if "head_dim" not in arch and arch.get("hidden_size") and arch.get("attention_heads"):
        arch["head_dim"] = arch["hidden_size"] // arch["attention_heads"]
    experts = _int(cfg, "num_experts", "num_local_experts", "n_routed_experts")
    if experts:
        arch["experts_total"] = experts
    if isinstance(cfg.get("tie_word_embeddings"), bool):
        arch["tied_embeddings"] = cfg["tie_word_embeddings"]
    dtype = config.get("torch_dtype") or cfg.get("torch_dtype") or config.get("dtype")
    if isinstance(dtype, str):
        arch["native_dtype"] = dtype
    window = _int(cfg, "sliding_window")
    types = cfg.get("layer_types")
    if window and isinstance(types, list) and cfg.get("use_sliding_window", True):
        arch["sliding_window_layers"] = sum(1 for t in types if t == "sliding_attention")
        arch["sliding_window_tokens"] = window
    notes = []
    meta = safetensors_index.get("metadata") if isinstance(safetensors_index, dict) else None
    size = meta.get("total_size") if isinstance(meta, dict) else None
    if isinstance(size, int) and size > 0 and isinstance(dtype, str) and dtype in DTYPE_BYTES:
        arch["hub_params_b"] = round(size / DTYPE_BYTES[dtype] / 1e9, 3)
        notes.append(f"parameters counted from the safetensors index: {size:,} bytes of {dtype}")
    total, active = count_params(cfg)
    if total:
        arch["total_params_b"] = round(total, 3)
        arch["active_params_b"] = round(active or total, 3)
        notes.append("parameters counted from the architecture in config.json")
    elif "hub_params_b" in arch:
        arch["total_params_b"] = arch["active_params_b"] = arch["hub_params_b"]
    if notes:
        arch["notes"] = notes
    return arch


def model_from_hf_config(config: Any, name: str, *, model_id: str | None, license_id: str | None,
                         safetensors_index: Any = None, today: date | None = None) -> Model:
    """The catalog entry for a model whose config.json this is."""
    if not isinstance(config, dict):
        raise CatalogError([Problem(name, None, None, "must be a JSON object")])
    if not model_id or not license_id:
        missing = " and ".join(f for f, v in (("--id", model_id), ("--license", license_id)) if not v)
        raise CatalogError([Problem(name, None, None,
                                    f"is a Hugging Face config: say which model it is with {missing} "
                                    "(e.g. --id ourteam/qwen3-8b-support --license Apache-2.0)")])
    if not is_valid_model_id(model_id):
        raise CatalogError([Problem(name, None, "id", "must be a lower-case 'vendor/name' id such as "
                                    "'ourteam/qwen3-8b-support'")])
    text_config = config.get("text_config")
    cfg: dict[str, Any] = text_config if isinstance(text_config, dict) else config
    as_of = (today or date.today()).isoformat()  # noqa: DTZ011 - a calendar date, local is right
    source = f"Hugging Face config.json imported from {name}"
    vendor, short = model_id.split("/", 1)
    data: dict[str, Any] = {
        "id": model_id, "name": short, "family": str(cfg.get("model_type") or short)[:80],
        "vendor": vendor, "open_weights": True, "license": license_id, "hf_repo": model_id,
        "architecture": _architecture(config, cfg, safetensors_index, source, as_of),
        "facts": {"source": source, "as_of": as_of},
    }
    context = _int(cfg, "max_position_embeddings")
    if context:
        data["context_window_tokens"] = context
    try:
        return _MODEL.validate_python(data)
    except ValidationError as exc:
        raise CatalogError(problems_from_validation(exc, name, f"model '{model_id}'")) from exc
