"""The estimator against hand-worked cases: the arithmetic is written out here, with the fitted
constants taken by name from physics.py (a refit changes the numbers, not the arithmetic)."""

from __future__ import annotations

from datetime import date

import pytest

from advisor.catalog.architecture import Architecture
from advisor.catalog.quant import MIXES, quality_loss
from advisor.catalog.schema import HardwareKind, HardwarePreset, Model, Sourced
from advisor.estimate import EstimateSettings, RunOptions, estimate
from advisor.estimate import physics as ph
from advisor.estimate.memory import footprint
from advisor.hardware.profile import Accelerator, HardwareProfile, profile_from_preset

D = date(2026, 1, 1)
GIB = 2**30


def model(**arch: object) -> Model:
    return Model(id="t/m", name="m", family="t", vendor="t", open_weights=True, hf_repo="t/m",
                 license="MIT", architecture=Architecture.model_validate({**arch, "source": "t", "as_of": D}),
                 facts=Sourced(source="t", as_of=D))


# 1.0B parameters, 10 layers, hidden 1024, 8 heads of 128 (no GQA), vocabulary 32,000, untied.
DENSE = model(total_params_b=1.0, layers=10, hidden_size=1024, attention_heads=8, kv_heads=8, head_dim=128,
              vocab_size=32000, tied_embeddings=False)
def fixed_s(layers: int, vocab: int, streams: int = 1) -> float:
    """Graph nodes x time per node on CUDA, plus sampling the logits of each stream."""
    nodes = layers * ph.KERNELS_PER_DENSE_LAYER * ph.KERNEL_US["cuda"] * 1e-6
    return nodes + streams * vocab * ph.SAMPLING_NS_PER_VOCAB * 1e-9


CARD = HardwareProfile(gpu=Accelerator(name="card", memory_gb=24, bandwidth_gbs=1000, backend="cuda",
                                       device_class="consumer"), ram_gb=64, ram_bandwidth_gbs=50)


def test_dense_decode_is_fixed_plus_memory_part() -> None:
    est = estimate(DENSE, CARD, quant="F16", context=1024)
    assert est.placement == "gpu"
    embed = 32000 * 1024  # one table in, one out
    assert est.weights_gb == pytest.approx(1.0e9 * 2 / 1e9)  # F16: 2 bytes per parameter
    read = (1.0e9 - embed) * 2  # the input table is read by lookup, one row per token
    kv = 10 * 2 * 8 * 128 * 512 * 2  # layers x K,V x heads x dim x half the context x f16
    fixed = fixed_s(10, 32000)
    memory = (read + kv) / (1000e9 * ph.BANDWIDTH_EFFICIENCY["consumer"])
    assert est.decode_tokens_per_s is not None
    assert est.decode_tokens_per_s.expected == pytest.approx(1 / (fixed + memory), rel=1e-9)
    lo, hi = ph.spread_of("dense/consumer")  # the range of its regime: dense on a consumer GPU
    assert est.decode_tokens_per_s.low == pytest.approx(lo / (fixed + memory), rel=1e-9)
    assert est.decode_tokens_per_s.high == pytest.approx(hi / (fixed + memory), rel=1e-9)


def test_the_fixed_part_caps_a_small_model_on_a_fast_card() -> None:
    # 10x the bandwidth does not give 10x the speed: the per-node time does not shrink.
    slow = estimate(DENSE, CARD, quant="Q4_0", context=1024).decode_tokens_per_s
    fast_card = CARD.model_copy(update={"gpu": CARD.gpu.model_copy(update={"bandwidth_gbs": 10000})})  # type: ignore[union-attr]
    fast = estimate(DENSE, fast_card, quant="Q4_0", context=1024).decode_tokens_per_s
    assert slow is not None
    assert fast is not None
    floor = fixed_s(10, 32000)
    assert fast.expected < 1 / floor
    assert fast.expected < 5 * slow.expected


def test_a_harness_that_samples_nothing_saves_the_host_sampling_time() -> None:
    # llama-server and Ollama sample every token on the host; llama-bench draws a random token and
    # samples nothing, so its figure lacks exactly vocabulary x the per-entry time.
    served = estimate(DENSE, CARD, quant="F16", context=1024).decode_tokens_per_s
    benched = estimate(DENSE, CARD, quant="F16", context=1024,
                       options=RunOptions(host_sampling=False)).decode_tokens_per_s
    assert served is not None
    assert benched is not None
    saved = 1 / served.expected - 1 / benched.expected
    assert saved == pytest.approx(32000 * ph.SAMPLING_NS_PER_VOCAB * 1e-9, rel=1e-9)


def test_vllm_and_mlx_sample_on_the_gpu_and_llama_cpp_on_the_host() -> None:
    assert ph.device(CARD).host_sampling
    assert not ph.device(CARD, "vllm").host_sampling
    assert not ph.device(CARD, "mlx").host_sampling
    assert ph.device(CARD, "vllm", host_sampling=True).host_sampling


# 30B total, 3B active, 128 routed experts, 8 per token: R = (30 - 3) / (1 - 8/128) = 28.8B routed.
MOE = model(total_params_b=30.0, active_params_b=3.0, layers=48, hidden_size=2048, attention_heads=32,
            kv_heads=4, head_dim=128, vocab_size=151936, experts_total=128, experts_per_token=8)


def test_moe_routed_parameters_from_total_and_active() -> None:
    fp = footprint(MOE)
    assert fp.routed_params == pytest.approx(27e9 / (1 - 8 / 128))
    assert fp.routed_params == pytest.approx(28.8e9)


def test_moe_experts_in_ram_when_only_the_dense_part_fits() -> None:
    # F16: 60 GB in all, 57.6 GB of routed experts, 2.4 GB dense (of which the 0.62 GB input
    # embedding stays in RAM anyway): a 24 GiB card holds the dense part, 128 GiB RAM the experts.
    hw = HardwareProfile(gpu=Accelerator(name="card", memory_gb=24 * GIB / 1e9, bandwidth_gbs=1000,
                                         backend="cuda", device_class="consumer"),
                         ram_gb=128 * GIB / 1e9, ram_bandwidth_gbs=80)
    est = estimate(MOE, hw, quant="F16", context=4096, options=RunOptions(experts_on_cpu=True))
    assert est.placement == "gpu+cpu"
    assert est.experts_on_cpu
    assert est.gpu_layers == 48
    assert est.decode_tokens_per_s is not None
    # Each token reads 8/128 of the 57.6 GB of experts from RAM at the CPU's efficiency.
    expert_time = 57.6e9 * 8 / 128 / (80e9 * ph.BANDWIDTH_EFFICIENCY["cpu"] * ph.CPU_EXPERT_EFFICIENCY)
    assert est.decode_tokens_per_s.expected < 1 / expert_time


def test_experts_the_gpu_has_room_for_stay_on_the_gpu() -> None:
    # Q8_0-ish sizes aside, the arithmetic: whatever GPU memory is left after the dense part, the KV
    # cache and the buffers holds whole layers' experts; the first N layers' go to RAM (--n-cpu-moe N).
    hw = HardwareProfile(gpu=Accelerator(name="card", memory_gb=40 * GIB / 1e9, bandwidth_gbs=1000,
                                         backend="cuda", device_class="consumer"),
                         ram_gb=128 * GIB / 1e9, ram_bandwidth_gbs=80)
    est = estimate(MOE, hw, quant="F16", context=4096)
    assert est.placement == "gpu+cpu"
    assert est.experts_on_cpu
    experts = 28.8e9 * 2  # routed experts at F16
    dense_on_card = est.weights_gb * 1e9 - experts - 151936 * 2048 * 2  # the input embedding stays home
    cap = hw.gpu_memory_gb * 1e9 * (1 - EstimateSettings().headroom_share)
    spare = cap - dense_on_card - (est.kv_cache_gb + est.overhead_gb) * 1e9
    kept = int(spare // (experts / 48))
    assert 0 < kept < 48
    assert est.cpu_moe_layers == 48 - kept
    assert f"--n-cpu-moe {48 - kept}" in " ".join(est.assumptions)
    # Keeping some experts on the GPU is faster than sending all of them to RAM.
    pinned = estimate(MOE, hw, quant="F16", context=4096, options=RunOptions(experts_on_cpu=True))
    assert pinned.cpu_moe_layers == 48
    assert est.decode_tokens_per_s is not None
    assert pinned.decode_tokens_per_s is not None
    assert est.decode_tokens_per_s.expected > pinned.decode_tokens_per_s.expected


# Qwen3.5-35B-A3B's shapes (its UD-Q4_K_XL load log, github.com/ROCm/legacy-rocm-build/issues/6027):
# hidden 2048, 40 layers (30 Gated DeltaNet, 10 attention), 256 routed experts of width 512 (8 per
# token) and one shared, vocabulary 248,320, untied. The total and active counts are built from the
# shapes, so the routed-expert split the estimator infers is exact.
H35, V35 = 2048, 248320
ROUTED35 = 40 * 256 * 3 * H35 * 512  # ffn_gate/up/down_exps
OTHER35 = (30 * (H35 * 8192 + 2 * H35 * 4096 + 2 * H35 * 32)  # attn_qkv, attn_gate, ssm_out, alpha/beta
           + 10 * (H35 * 8192 + 2 * H35 * 512 + 4096 * H35)  # gated attn_q, attn_k, attn_v, attn_output
           + 40 * (3 * H35 * 512 + H35 * 256))  # shared expert, router
MOE35 = model(total_params_b=(ROUTED35 + OTHER35 + 2 * V35 * H35) / 1e9,
              active_params_b=(ROUTED35 * 8 / 256 + OTHER35 + 2 * V35 * H35) / 1e9, layers=40,
              hidden_size=H35, kv_heads=2, head_dim=256, vocab_size=V35, tied_embeddings=False,
              full_attention_layers=10, linear_attention_layers=30, linear_value_heads=32,
              linear_key_head_dim=128, linear_value_head_dim=128, experts_total=256, experts_per_token=8,
              shared_experts=1)


def test_an_unsloth_dynamic_moe_follows_its_real_tensor_layout() -> None:
    # UD-Q4_K_XL as the load log types it: ffn_gate/up_exps Q4_K (4.5 bpw), ffn_down_exps Q5_K (5.5),
    # every other tensor Q8_0 (8.5) with the token embedding, output Q6_K (6.5625).
    fp = footprint(MOE35)
    assert fp.routed_params == pytest.approx(ROUTED35)
    bits = (ROUTED35 * (2 * 4.5 + 5.5) / 3 + OTHER35 * 8.5 + V35 * H35 * 8.5 + V35 * H35 * 6.5625)
    assert fp.weights_bytes(MIXES["UD-Q4_K_XL"]) == pytest.approx(bits / 8, rel=1e-9)
    assert fp.expert_bytes(MIXES["UD-Q4_K_XL"]) == pytest.approx(ROUTED35 * (2 * 4.5 + 5.5) / 3 / 8)
    # The real file: 20.70 GiB (print_info: file size); norms, conv and the one q8_0 expert tensor are
    # the rest.
    assert bits / 8 == pytest.approx(20.70 * GIB, rel=0.03)
    # A plain (not hybrid) MoE keeps its non-expert layer tensors at the attention type, Q6_K:
    # Qwen3-30B-A3B's UD-Q4_K_XL has them at q4_K-q6_K (github.com/ikawrakow/ik_llama.cpp/issues/398).
    plain = footprint(MOE)
    plain_bits = (plain.routed_params * (2 * 4.5 + 5.5) / 3 + (plain.layer_params - plain.routed_params)
                  * 6.5625 + plain.embed_in * 8.5 + plain.embed_out * 6.5625)
    assert plain.weights_bytes(MIXES["UD-Q4_K_XL"]) == pytest.approx(plain_bits / 8, rel=1e-9)
    # Larger than Q4_K_M here, whose non-expert tensors stay at Q4_K; its quality is still Q4_K_M's.
    assert fp.weights_bytes(MIXES["UD-Q4_K_XL"]) > fp.weights_bytes(MIXES["Q4_K_M"])
    assert quality_loss("UD-Q4_K_XL") == quality_loss("Q4_K_M")


# A Qwen3.6-27B-like dense hybrid: 64 layers (48 Gated DeltaNet of inner width 48 x 128, 16 attention
# with 24 query heads and 4 KV heads of 256), hidden 5120, vocabulary 248,320, untied.
HYBRID = model(total_params_b=27.0, layers=64, hidden_size=5120, attention_heads=24, kv_heads=4, head_dim=256,
               vocab_size=248320, tied_embeddings=False, full_attention_layers=16, linear_attention_layers=48,
               linear_value_heads=48, linear_key_head_dim=128, linear_value_head_dim=128)


def test_an_unsloth_dynamic_hybrid_keeps_its_mixing_tensors_higher() -> None:
    fp = footprint(HYBRID)
    embed = 248320 * 5120
    layers = 27.0e9 - 2 * embed
    ssm_out = 48 * 6144 * 5120  # the linear-attention output projections
    # Each Gated DeltaNet layer's values, gate and output (3 x hidden x inner) and each attention
    # layer's q, o (2 x 5120 x 24 x 256) and k, v (2 x 5120 x 4 x 256).
    mixer = 3 * ssm_out + 16 * (2 * 5120 * 24 * 256 + 2 * 5120 * 4 * 256)
    assert fp.mixer_params == pytest.approx(mixer)
    # UD-Q8_K_XL: the mixing tensors BF16 (16 bits), FFN, embedding and output Q8_0 (8.5).
    q8xl = (mixer * 16 + (layers - mixer) * 8.5 + 2 * embed * 8.5) / 8
    assert fp.weights_bytes(MIXES["UD-Q8_K_XL"]) == pytest.approx(q8xl, rel=1e-9)
    # UD-Q4_K_XL: ssm_out Q8_0, the other mixing tensors Q6_K, the FFN as Q4_K_M's (ffn_down Q6_K in
    # half the layers: 1/3 x 1/2 of the FFN), embedding Q4_K, output Q6_K.
    ffn = layers - mixer
    q4xl = (ssm_out * 8.5 + (mixer - ssm_out) * 6.5625 + ffn * (4.5 * (1 - 1 / 6) + 6.5625 / 6)
            + embed * 4.5 + embed * 6.5625) / 8
    assert fp.weights_bytes(MIXES["UD-Q4_K_XL"]) == pytest.approx(q4xl, rel=1e-9)


def test_a_gated_deltanet_layer_is_counted_at_its_real_shapes() -> None:
    # With its key heads known (Qwen3.6-27B: 16 QK and 48 V heads of 128), one Gated DeltaNet layer is
    # attn_qkv hidden x (16 x 128 q + 16 x 128 k + 48 x 128 v), attn_gate (z) hidden x 48 x 128,
    # ssm_beta and ssm_alpha hidden x 48 each, and ssm_out 48 x 128 x hidden.
    real = HYBRID.model_copy(update={"architecture": HYBRID.architecture.model_copy(  # type: ignore[union-attr]
        update={"linear_key_heads": 16})})
    fp = footprint(real)
    qkv, gate, beta_alpha, out = 5120 * (2048 + 2048 + 6144), 5120 * 6144, 2 * 5120 * 48, 6144 * 5120
    attention = 16 * (2 * 5120 * 24 * 256 + 2 * 5120 * 4 * 256)
    assert fp.mixer_params == pytest.approx(48 * (qkv + gate + beta_alpha + out) + attention, rel=1e-12)
    assert fp.ssm_out_params == pytest.approx(48 * out)
    # The q/k projections and the per-head scalars are a fifth more than the three value-width
    # projections alone; the total is unchanged (the FFN share shrinks by as much).
    assert fp.mixer_params > footprint(HYBRID).mixer_params + 48 * 5120 * 4096
    assert fp.layer_params == pytest.approx(footprint(HYBRID).layer_params)


def test_a_plain_dense_unsloth_dynamic_file_is_its_m_mix() -> None:
    # Only hybrids keep attention higher (unsloth's Qwen3.5 GGUF benchmarks); Qwen3-32B's
    # UD-Q4_K_XL is 4.888 BPW, Q4_K_M's size (github.com/ikawrakow/ik_llama.cpp/issues/503).
    fp = footprint(DENSE)
    assert fp.weights_bytes(MIXES["UD-Q4_K_XL"]) == pytest.approx(fp.weights_bytes(MIXES["Q4_K_M"]))


def test_a_box_size_is_gib() -> None:
    preset = HardwarePreset(id="card-16", name="Card (16 GB)", kind=HardwareKind.GPU, vendor="nvidia",
                            memory_gb=16, bandwidth_gbs=700, source="t", as_of=D)
    hw = profile_from_preset(preset)
    assert hw.gpu_memory_gb == pytest.approx(16 * GIB / 1e9)  # 17.18 GB
    assert hw.gpu_memory_gb == pytest.approx(17.179869184)


def test_the_input_embedding_stays_in_host_memory() -> None:
    # 16.06 GB of F16 weights, 1.05 GB of them the untied input table: a 16 GiB card holds the rest
    # with an 8k-token KV cache (1.07 GB), the compute buffer and the runtime reserve.
    llama8 = model(total_params_b=8.03, layers=32, hidden_size=4096, attention_heads=32, kv_heads=8,
                   head_dim=128, vocab_size=128256, tied_embeddings=False)
    card = HardwareProfile(gpu=Accelerator(name="card", memory_gb=16 * GIB / 1e9, bandwidth_gbs=716.8))
    est = estimate(llama8, card, quant="F16", context=8192)
    assert est.weights_gb == pytest.approx(16.06, abs=0.01)
    assert est.placement == "gpu"
    assert est.total_gb > est.available_gb  # the total counts the table held in RAM


def test_concurrency_reads_weights_once_and_every_kv_cache() -> None:
    n = 8
    one = estimate(DENSE, CARD, quant="F16", context=1024)
    many = estimate(DENSE, CARD, quant="F16", context=1024, concurrency=n)
    read = (1.0e9 - 32000 * 1024) * 2
    kv = 10 * 2 * 8 * 128 * 512 * 2
    fixed = fixed_s(10, 32000, streams=n)
    step = fixed + (read + n * kv) / (1000e9 * ph.BANDWIDTH_EFFICIENCY["consumer"])
    assert many.kv_cache_gb == pytest.approx(n * one.kv_cache_gb)
    assert many.decode_tokens_per_s is not None
    assert many.aggregate_tokens_per_s is not None
    assert many.decode_tokens_per_s.expected == pytest.approx(1 / step, rel=1e-9)
    assert many.aggregate_tokens_per_s.expected == pytest.approx(n / step, rel=1e-9)
    assert one.aggregate_tokens_per_s is None
    assert many.to_json()["aggregate_tokens_per_s"]["expected"] == pytest.approx(n / step, abs=0.1)


def test_raised_unified_limit_is_offered_and_named() -> None:
    # 24 GB of weights on a 32 GiB Mac whose GPU may wire 2/3 (22.9 GB) by default.
    mac = HardwareProfile(gpu=Accelerator(name="Apple M-chip", memory_gb=32 * GIB / 1e9, bandwidth_gbs=400,
                                          backend="metal", device_class="apple"),
                          ram_gb=32 * GIB / 1e9, unified_memory=True, usable_gpu_share=2 / 3)
    big = model(total_params_b=12.0, layers=40, hidden_size=5120, attention_heads=40, kv_heads=8,
                head_dim=128, vocab_size=32000, tied_embeddings=False)
    # By default the layers beyond the GPU's share run on the CPU from the rest of the pool (slower);
    # raising the wired limit puts them all on the GPU, and the estimate says how.
    est = estimate(big, mac, quant="F16", context=4096)
    assert est.placement == "gpu+cpu"
    assert 0 < est.gpu_layers < 40
    assert {"unified_gpu_share": 0.85} in est.fits_if
    raised = estimate(big, mac, quant="F16", context=4096, options=RunOptions(unified_gpu_share=0.85))
    assert raised.placement == "gpu"
    assert raised.fits_if == ()
    assert any("iogpu.wired_limit_mb" in a for a in raised.assumptions)
    assert est.decode_tokens_per_s is not None
    assert raised.decode_tokens_per_s is not None
    assert raised.decode_tokens_per_s.expected > est.decode_tokens_per_s.expected


def test_mxfp4_keeps_experts_in_mxfp4_and_the_rest_at_q8_0() -> None:
    # 20.9B total, 3.6B active, 32 experts, 4 per token: R = 17.3 / (1 - 1/8) = 19.771B routed.
    oss = model(total_params_b=20.9, active_params_b=3.6, layers=24, hidden_size=2880, attention_heads=64,
                kv_heads=8, head_dim=64, vocab_size=201088, tied_embeddings=False, experts_total=32,
                experts_per_token=4, native_dtype="mxfp4")
    routed = 17.3e9 / (1 - 4 / 32)
    rest = 20.9e9 - routed  # attention, router, embeddings: Q8_0 (34 bytes per 32 weights)
    expected = routed * 4.25 / 8 + rest * 8.5 / 8
    est = estimate(oss, CARD, quant="MXFP4", context=1024)
    assert est.weights_gb * 1e9 == pytest.approx(expected, rel=1e-9)


def test_unknown_backend_is_an_error() -> None:
    from advisor.estimate import EstimateError  # noqa: PLC0415

    with pytest.raises(EstimateError, match="backend"):
        estimate(DENSE, CARD, quant="F16", options=RunOptions(backend="opencl"))


def apple(name: str, box_gib: float, bandwidth: float) -> HardwareProfile:
    gpu = Accelerator(name=name, memory_gb=box_gib * GIB / 1e9, bandwidth_gbs=bandwidth)
    return HardwareProfile(gpu=gpu, ram_gb=box_gib * GIB / 1e9, unified_memory=True)


def test_a_small_mac_lends_the_gpu_two_thirds_and_a_large_one_three_quarters() -> None:
    # macOS recommendedMaxWorkingSetSize: 2/3 of RAM up to 36 GB, about 3/4 above.
    assert apple("Apple M3", 16, 100).gpu_memory_gb == pytest.approx(16 * GIB / 1e9 * 2 / 3)
    assert apple("Apple M3 Pro", 36, 150).gpu_memory_gb == pytest.approx(36 * GIB / 1e9 * 2 / 3)
    assert apple("Apple M3 Max", 48, 400).gpu_memory_gb == pytest.approx(48 * GIB / 1e9 * 0.75)
    # Not a Mac: the BIOS/GTT split keeps 3/4 whatever the size.
    apu = HardwareProfile(gpu=Accelerator(name="Ryzen AI 9 HX 370", memory_gb=32, bandwidth_gbs=120,
                                          backend="vulkan", device_class="igpu"),
                          ram_gb=32, unified_memory=True)
    assert apu.gpu_memory_gb == pytest.approx(32 * 0.75)
    # A user's own share always wins.
    own = apple("Apple M3", 16, 100).model_copy(update={"usable_gpu_share": 0.9})
    assert own.gpu_memory_gb == pytest.approx(16 * GIB / 1e9 * 0.9)


def test_an_f16_7b_model_does_not_fit_a_16_gb_mac_without_raising_the_limit() -> None:
    # 7B at F16 is ~14 GB; a 16 GB Mac wires 11.45 GB for the GPU by default.
    big = model(total_params_b=7.0, layers=32, hidden_size=4096, attention_heads=32, kv_heads=32,
                head_dim=128, vocab_size=32000, tied_embeddings=False)
    est = estimate(big, apple("Apple M3", 16, 100), quant="F16", context=1024)
    assert est.placement == "does_not_fit"
    assert any("unified_gpu_share" in change for change in est.fits_if)


def test_an_ultra_reaches_less_of_its_bandwidth_than_one_die() -> None:
    # Two dies over UltraFusion: the GPU reads ULTRA_FABRIC_SHARE of a single die's share.
    ultra = ph.device(apple("Apple M2 Ultra", 192, 800))
    one_die = ph.device(apple("Apple M2 Max", 96, 400))
    share = ph.BANDWIDTH_EFFICIENCY["apple"] * ph.ULTRA_FABRIC_SHARE
    assert ultra.gpu_bandwidth == pytest.approx(800e9 * share)
    assert one_die.gpu_bandwidth == pytest.approx(400e9 * ph.BANDWIDTH_EFFICIENCY["apple"])
    # A measured achievable bandwidth already includes the fabric and a stream's share of the
    # nominal figure: neither is charged again, only the matvec's share of a measured stream.
    measured = apple("Apple M2 Ultra", 192, 800)
    measured = measured.model_copy(update={"gpu": measured.gpu.model_copy(  # type: ignore[union-attr]
        update={"achievable_bandwidth_gbs": 650.0})})
    assert ph.device(measured).gpu_bandwidth == pytest.approx(650e9 * ph.MEASURED_STREAM_SHARE)


def test_several_streams_read_each_touched_expert_as_a_dense_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    # One token reads its experts as small matvecs (MOE_EXPERT_EFFICIENCY); from two streams on,
    # mul_mat_id groups the rows per expert, so that efficiency no longer applies.
    big = HardwareProfile(gpu=Accelerator(name="card", memory_gb=200, bandwidth_gbs=1000, backend="cuda",
                                          device_class="consumer"))

    def speeds() -> tuple[float, float]:
        one = estimate(MOE, big, quant="Q8_0", context=1024).decode_tokens_per_s
        two = estimate(MOE, big, quant="Q8_0", context=1024, concurrency=2).aggregate_tokens_per_s
        assert one is not None
        assert two is not None
        return one.expected, two.expected

    before = speeds()
    monkeypatch.setattr(ph, "MOE_EXPERT_EFFICIENCY", 0.5)
    after = speeds()
    assert after[0] < before[0]  # batch 1 pays the small-matvec efficiency
    assert after[1] == pytest.approx(before[1], rel=1e-12)  # two streams do not


# MoE models of the same total and active size, each token using 1/16 of the experts: 8 of 128
# experts of FFN width ~768 (Qwen3-30B-A3B's shape), or 2 of 32 four-times-wider ones.
def _moe_shape(experts: int, used: int = 8) -> Model:
    return model(total_params_b=30.0, active_params_b=3.0, layers=48, hidden_size=2048, attention_heads=32,
                 kv_heads=4, head_dim=128, vocab_size=151936, experts_total=experts, experts_per_token=used,
                 tied_embeddings=True)


def test_expert_rows_per_weight_follow_the_expert_shape() -> None:
    from advisor.estimate.footprints import expert_rows_per_param  # noqa: PLC0415

    fp = footprint(_moe_shape(128))
    f = fp.routed_params / (48 * 128 * 3 * 2048)  # the FFN width the shapes imply
    assert f == pytest.approx(28.8e9 / (48 * 128 * 3 * 2048))
    # gate and up: f rows of 2048 weights; down: 2048 rows of f weights.
    assert expert_rows_per_param(fp) == pytest.approx((2 * f + 2048) / (3 * 2048 * f))
    assert expert_rows_per_param(footprint(DENSE)) == 0.0


def test_narrow_experts_reach_less_bandwidth_than_wide_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    # Same bytes read per token; the narrow experts have more (and shorter) matvec rows, and each row
    # costs EXPERT_ROW_BYTES of bandwidth-time beyond its own bytes. A slow card, so the memory part
    # dominates: at 200 bytes a row the narrow experts reach 1/1.27 of their bandwidth, the wide 1/1.15.
    big = HardwareProfile(gpu=Accelerator(name="card", memory_gb=200, bandwidth_gbs=100, backend="cuda",
                                          device_class="consumer"))

    def speeds() -> tuple[float, float]:
        narrow = estimate(_moe_shape(128), big, quant="Q4_K_M", context=1024).decode_tokens_per_s
        wide = estimate(_moe_shape(32, 2), big, quant="Q4_K_M", context=1024).decode_tokens_per_s
        assert narrow is not None
        assert wide is not None
        return narrow.expected, wide.expected

    monkeypatch.setattr(ph, "EXPERT_ROW_BYTES", 0.0)
    narrow, wide = speeds()
    assert narrow == pytest.approx(wide, rel=1e-9)  # without a row cost the shape does not matter
    monkeypatch.setattr(ph, "EXPERT_ROW_BYTES", 200.0)
    narrow, wide = speeds()
    assert narrow < wide * 0.97  # 5-6 % here: the experts are 60 % of the bytes read


def test_a_shared_expert_adds_its_ffn_nodes_to_each_moe_layer() -> None:
    big = HardwareProfile(gpu=Accelerator(name="card", memory_gb=200, bandwidth_gbs=100_000, backend="cuda",
                                          device_class="consumer"))
    plain = _moe_shape(128)
    arch = plain.architecture
    assert arch is not None
    shared = plain.model_copy(update={"architecture": arch.model_copy(update={"shared_experts": 1})})

    def step_s(m: Model) -> float:
        d = estimate(m, big, quant="Q4_K_M", context=16).decode_tokens_per_s
        assert d is not None
        return 1 / d.expected

    # At (almost) unlimited bandwidth the step is the fixed part: the shared FFN's nodes in each of
    # the 48 MoE layers (the same parameter counts, so the same bytes).
    extra = step_s(shared) - step_s(plain)
    assert extra == pytest.approx(48 * ph.KERNELS_PER_SHARED_FFN * ph.KERNEL_US["cuda"] * 1e-6, rel=0.02)


def test_experts_in_ram_read_at_the_cpu_expert_efficiency(monkeypatch: pytest.MonkeyPatch) -> None:
    hw = HardwareProfile(gpu=Accelerator(name="card", memory_gb=24 * GIB / 1e9, bandwidth_gbs=1000,
                                         backend="cuda", device_class="consumer"),
                         ram_gb=128 * GIB / 1e9, ram_bandwidth_gbs=80)
    on_gpu = HardwareProfile(gpu=Accelerator(name="card", memory_gb=200, bandwidth_gbs=1000, backend="cuda",
                                             device_class="consumer"))

    def speeds() -> tuple[float, float]:
        off = estimate(MOE, hw, quant="Q8_0", context=4096, options=RunOptions(experts_on_cpu=True))
        gpu = estimate(MOE, on_gpu, quant="Q8_0", context=4096)
        assert off.decode_tokens_per_s is not None
        assert gpu.decode_tokens_per_s is not None
        return off.decode_tokens_per_s.expected, gpu.decode_tokens_per_s.expected

    before = speeds()
    monkeypatch.setattr(ph, "CPU_EXPERT_EFFICIENCY", ph.CPU_EXPERT_EFFICIENCY / 2)
    after = speeds()
    assert after[0] < before[0] * 0.8  # the RAM-resident experts dominate the offload plan
    assert after[1] == pytest.approx(before[1], rel=1e-12)  # an all-GPU plan does not read RAM


def test_the_range_is_the_regimes_own() -> None:
    hw = HardwareProfile(gpu=Accelerator(name="card", memory_gb=24 * GIB / 1e9, bandwidth_gbs=1000,
                                         backend="cuda", device_class="consumer"),
                         ram_gb=128 * GIB / 1e9, ram_bandwidth_gbs=80)
    for m, options, regime in ((MOE, RunOptions(experts_on_cpu=True), "moe/offload"),
                               (DENSE, RunOptions(), "dense/consumer")):
        d = estimate(m, hw, quant="Q8_0", context=4096, options=options).decode_tokens_per_s
        assert d is not None
        lo, hi = ph.spread_of(regime)
        assert d.low == pytest.approx(d.expected * lo, rel=1e-12)
        assert d.high == pytest.approx(d.expected * hi, rel=1e-12)
    assert ph.spread_of("moe/unknown-class") == ph.SPREAD_FALLBACK


@pytest.mark.parametrize(("name", "backend"), [
    ("NVIDIA RTX A4000 16GB (host Intel Core Ultra 7 265K)", "cuda"),
    ("NVIDIA GeForce RTX 4090 (host AMD Ryzen 9 7950X)", "cuda"),
    ("AMD Radeon RX 7900 XT 20GB (host Intel Core i9-10900X)", "rocm"),
    ("Intel Arc B580 12GB", "sycl"),
    ("Apple M4 Pro", "metal"),
])
def test_the_backend_follows_the_gpus_own_vendor_not_its_host(name: str, backend: str) -> None:
    hw = HardwareProfile(gpu=Accelerator(name=name, memory_gb=16, bandwidth_gbs=500))
    assert ph.default_backend(hw) == backend


def test_a_stated_number_of_expert_layers_in_ram_is_the_plan() -> None:
    # F16 on a 40 GiB card: the planner keeps what fits and puts the rest in RAM; --n-cpu-moe 36 pins
    # 36 of 48 layers' experts to RAM: 36/48 of the 57.6 GB of experts, 8/128 of them read per token
    # from RAM, the other 12 layers' from the card.
    hw = HardwareProfile(gpu=Accelerator(name="card", memory_gb=40 * GIB / 1e9, bandwidth_gbs=1000,
                                         backend="cuda", device_class="consumer"),
                         ram_gb=128 * GIB / 1e9, ram_bandwidth_gbs=80)
    chosen = estimate(MOE, hw, quant="F16", context=4096)
    pinned = estimate(MOE, hw, quant="F16", context=4096, options=RunOptions(cpu_moe_layers=36))
    assert chosen.cpu_moe_layers < 36
    assert pinned.experts_on_cpu
    assert pinned.cpu_moe_layers == 36
    assert pinned.decode_tokens_per_s is not None
    assert chosen.decode_tokens_per_s is not None
    ram_time = 57.6e9 * 36 / 48 * 8 / 128 / (80e9 * ph.BANDWIDTH_EFFICIENCY["cpu"] * ph.CPU_EXPERT_EFFICIENCY)
    assert pinned.decode_tokens_per_s.expected < 1 / ram_time
    assert pinned.decode_tokens_per_s.expected < chosen.decode_tokens_per_s.expected  # more read from RAM
    # Too few layers in RAM for the card to hold the rest: the plan does not run.
    tight = estimate(MOE, hw, quant="F16", context=4096, options=RunOptions(cpu_moe_layers=2))
    assert tight.placement == "does_not_fit"
