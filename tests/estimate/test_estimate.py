"""The estimator against published facts and physics."""

from __future__ import annotations

from datetime import date

import pytest

from advisor.catalog.schema import Architecture, Model, Offering, Sourced
from advisor.catalog.store import load_bundled
from advisor.estimate import (
    EstimateError,
    Usage,
    api_monthly_cost,
    best_quant,
    estimate,
    footprint,
)
from advisor.hardware.profile import Accelerator, HardwareProfile

D = date(2026, 1, 1)
GIB = 1.073741824
CAT = load_bundled()


def gpu(mem: float, bw: float = 1000, count: int = 1, ram: float | None = None) -> HardwareProfile:
    return HardwareProfile(gpu=Accelerator(name="GPU", memory_gb=mem, bandwidth_gbs=bw, count=count),
                           ram_gb=ram, ram_bandwidth_gbs=60 if ram else None)


def model(**arch: object) -> Model:
    return Model(id="t/m", name="m", family="t", vendor="t", open_weights=True, hf_repo="t/m",
                 license="MIT", architecture=Architecture.model_validate({**arch, "source": "t", "as_of": D}),
                 facts=Sourced(source="t", as_of=D))


LLAMA8_NO_FILES = CAT.models["meta-llama/llama-3.1-8b-instruct"].model_copy(update={"artifacts": ()})


@pytest.mark.parametrize(("quant", "gib"), [("Q4_K_M", 4.58), ("Q5_K_M", 5.33), ("Q6_K", 6.14),
                                            ("Q8_0", 7.95), ("F16", 14.96), ("IQ4_XS", 4.17),
                                            ("Q2_K", 2.95)])
def test_tensor_mix_matches_llama_cpp_file_sizes(quant: str, gib: float) -> None:
    # llama.cpp tools/quantize/README.md sizes for Llama-3.1-8B, predicted without the file sizes.
    est = estimate(LLAMA8_NO_FILES, gpu(80), quant=quant)
    assert est.weights_gb == pytest.approx(gib * GIB, rel=0.05)
    assert not est.weights_from_artifact


def test_artifact_file_size_wins() -> None:
    m = CAT.models["meta-llama/llama-3.1-8b-instruct"]
    est = estimate(m, gpu(24), quant="Q4_K_M")
    assert est.weights_from_artifact
    assert est.weights_gb == pytest.approx(4.58 * GIB, abs=0.01)


def test_kv_cache_formula_matches_llama_cpp() -> None:
    # 48 layers x 4 KV heads x 128 x 2 (K, V) x 2 bytes = 96 KiB per token (validation data).
    fp = footprint(CAT.models["qwen/qwen3-30b-a3b"])
    assert fp.kv_bytes(36864, 2.0) == pytest.approx(3456 * 1024 * 1024)


def test_mla_cache_is_the_latent_only() -> None:
    # 61 layers x (512 + 64) x 1.0625 bytes (q8_0) x 32768 = 1166.62 MiB (validation data).
    fp = footprint(CAT.models["deepseek/deepseek-v3"])
    assert fp.kv_bytes(32768, 8.5 / 8) / 1024**2 == pytest.approx(1166.62, rel=0.001)


def test_sliding_window_and_linear_attention_shrink_the_cache() -> None:
    full = footprint(model(total_params_b=27, layers=60, kv_heads=16, head_dim=256))
    gemma_like = footprint(model(total_params_b=27, layers=60, kv_heads=16, head_dim=256,
                                 full_attention_layers=10, sliding_window_layers=50,
                                 sliding_window_tokens=1024))
    hybrid = footprint(model(total_params_b=27, layers=64, kv_heads=4, head_dim=256,
                             full_attention_layers=16, linear_attention_layers=48,
                             linear_value_heads=48, linear_key_head_dim=128, linear_value_head_dim=128))
    dense64 = footprint(model(total_params_b=27, layers=64, kv_heads=4, head_dim=256))
    ctx = 131072
    assert gemma_like.kv_bytes(ctx, 2) < full.kv_bytes(ctx, 2) / 4
    assert hybrid.kv_bytes(ctx, 2) < dense64.kv_bytes(ctx, 2) / 3
    assert gemma_like.kv_bytes(512, 2) == pytest.approx(full.kv_bytes(512, 2))


def test_moe_memory_counts_all_experts_speed_counts_active() -> None:
    dense = model(total_params_b=30, layers=48, kv_heads=4, head_dim=128, hidden_size=2048)
    moe = model(total_params_b=30, active_params_b=3, layers=48, kv_heads=4, head_dim=128,
                hidden_size=2048, experts_total=128, experts_per_token=8)
    hw = gpu(48, bw=1000)
    a, b = estimate(dense, hw, quant="Q4_K_M"), estimate(moe, hw, quant="Q4_K_M")
    assert a.weights_gb == pytest.approx(b.weights_gb)
    assert a.decode_tokens_per_s is not None
    assert b.decode_tokens_per_s is not None
    # A tenth of the bytes per token, but the same 48 layers of fixed per-node cost plus routing
    # kernels, and experts read at a lower efficiency: faster, but well short of 10x.
    assert 3 * a.decode_tokens_per_s.expected < b.decode_tokens_per_s.expected
    assert b.decode_tokens_per_s.expected < 8 * a.decode_tokens_per_s.expected


def test_32b_on_24gb_fits_at_8k_but_not_at_128k_without_offload() -> None:
    m = CAT.models["qwen/qwen2.5-32b-instruct"]
    assert estimate(m, gpu(24), quant="Q4_K_M", context=8192).placement == "gpu"
    assert estimate(m, gpu(24), quant="Q4_K_M", context=131072).placement == "does_not_fit"
    offload = estimate(m, gpu(24, ram=64), quant="Q4_K_M", context=131072)
    assert offload.placement == "gpu+cpu"
    assert 0 < offload.gpu_layers < offload.total_layers


def test_two_gpus_hold_what_one_cannot() -> None:
    m = CAT.models["meta-llama/llama-3.3-70b-instruct"]
    assert estimate(m, gpu(24), quant="Q4_K_M").placement == "does_not_fit"
    assert estimate(m, gpu(24, count=2), quant="Q4_K_M").placement == "gpu"


def test_unified_memory_share_is_respected() -> None:
    mac = HardwareProfile(gpu=Accelerator(name="M", memory_gb=64, bandwidth_gbs=400), ram_gb=64,
                          unified_memory=True, usable_gpu_share=0.75)
    assert mac.gpu_memory_gb == 48
    est = estimate(CAT.models["meta-llama/llama-3.3-70b-instruct"], mac, quant="Q4_K_M")
    assert est.available_gb == pytest.approx(48)


def test_best_quant_prefers_quality_when_memory_allows() -> None:
    m = LLAMA8_NO_FILES
    assert best_quant(m, gpu(80)).quantization == "Q8_0"
    small = best_quant(m, gpu(6))
    assert small.placement == "gpu"
    assert small.quantization in {"Q4_K_M", "IQ4_XS", "Q3_K_M", "Q5_K_M"}


def test_missing_architecture_is_a_clear_error() -> None:
    api = CAT.models["openai/gpt-4o"]
    with pytest.raises(EstimateError, match="undisclosed"):
        estimate(api, gpu(24))


def test_api_cost_arithmetic() -> None:
    off = Offering(provider="p", price_input_usd_per_mtok=1.0, price_output_usd_per_mtok=4.0,
                   price_cached_input_usd_per_mtok=0.1, source="t", as_of=D)
    usage = Usage(tokens_per_month=20_000_000, output_share=0.25, reasoning_overhead=1.0)
    assert api_monthly_cost(off, usage).monthly_usd == pytest.approx(15 + 20)
    assert api_monthly_cost(off, usage, reasoning=True).monthly_usd == pytest.approx(15 + 40)
    cached = usage.model_copy(update={"cached_input_share": 0.5})
    assert api_monthly_cost(off, cached).monthly_usd == pytest.approx(7.5 + 0.75 + 20)


def test_reverse_planning_finds_hardware_that_runs_it_fast_enough() -> None:
    from advisor.estimate import memory_needed_gb, plan_hardware  # noqa: PLC0415

    m = CAT.models["meta-llama/llama-3.3-70b-instruct"]
    need = memory_needed_gb(m, "Q4_K_M", 8192)
    assert 40 < need < 50
    options = plan_hardware(m, "Q4_K_M", 8192, CAT.hardware.values(), min_tokens_per_s=15)
    assert options
    for opt in options:
        assert opt.estimate.placement in {"gpu", "cpu"}
        assert opt.estimate.decode_tokens_per_s is not None
        assert opt.estimate.decode_tokens_per_s.expected >= 15
        assert opt.preset.memory_gb * opt.gpu_count >= need * 0.9
    # A single 24 GB card cannot hold it; two can.
    by_id = {(o.preset.id, o.gpu_count) for o in options}
    assert ("rtx-4090", 1) not in by_id
    assert ("rtx-4090", 2) in by_id


def test_mxfp4_models_are_not_requantized_into_fictional_sizes() -> None:
    """gpt-oss keeps its MXFP4 experts in every GGUF, so no 2- or 3-bit size is offered for it."""
    from advisor.catalog.store import load_bundled  # noqa: PLC0415
    from advisor.estimate.core import candidate_quants  # noqa: PLC0415

    catalog = load_bundled()
    for mid in ("openai/gpt-oss-20b", "openai/gpt-oss-120b"):
        quants = candidate_quants(catalog.models[mid])
        assert quants[0] == "MXFP4"
        assert not [q for q in quants if q.startswith(("IQ", "Q2", "Q3"))]
    assert "IQ2_XXS" in candidate_quants(catalog.models["qwen/qwen3-8b"])


def test_estimates_never_come_from_a_freed_model_with_the_same_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caches were keyed on id(): a new model object that reused a freed one's address got the
    old model's constants (an edited catalog entry kept its old memory figures; a test flaked).
    Here every object gets the same id(), the worst case of address reuse."""
    from advisor.estimate import memory  # noqa: PLC0415

    def arch(params_b: float, kv_heads: int) -> dict[str, object]:
        return {"total_params_b": params_b, "layers": 64, "kv_heads": kv_heads, "head_dim": 256}

    # The right answers, each from its own object before any two objects can share an id().
    truth = {(p, kv): (footprint(m).kv_bytes(8192, 2), memory.model_weights_bytes(m, footprint(m), "Q4_K_M"))
             for p, kv in ((27, 8), (27, 2), (8, 2)) for m in [model(**arch(p, kv))]}
    monkeypatch.setattr(memory, "id", lambda _obj: 42, raising=False)
    # Interleaved, so each call could be served the previous object's cached figures.
    for p, kv in ((27, 8), (27, 2), (8, 2), (27, 2), (27, 8)):
        fresh = model(**arch(p, kv))
        kv_bytes, weights = truth[(p, kv)]
        assert footprint(fresh).kv_bytes(8192, 2) == kv_bytes
        assert memory.weights_bytes(fresh, "Q4_K_M") == weights
    assert truth[(27, 2)][0] == pytest.approx(truth[(27, 8)][0] / 4)  # the figures do differ
    assert truth[(8, 2)][1][0] < truth[(27, 2)][1][0]
