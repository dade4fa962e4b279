"""Quantization formats: real bits per weight per tensor class, and quality loss.

Per-tensor rates are ggml's block sizes (gguf-py constants.py GGML_QUANT_SIZES: bytes per block of
weights): Q8_0 34 B / 32 = 8.5 bpw, Q6_K 210 B / 256 = 6.5625, Q5_K 176/256 = 5.5, Q4_K 144/256 = 4.5,
Q3_K 110/256 = 3.4375, Q2_K 84/256 = 2.625, IQ4_XS 136/256 = 4.25, IQ3_XXS 98/256 = 3.0625 ...
A GGUF "Q4_K_M" file mixes types: llama.cpp's `llama_tensor_get_type` (src/llama-quant.cpp) stores
the output tensor as Q6_K and, for the _M mixes, attn_v and ffn_down as Q6_K in the layers chosen by
`use_more_bits` (the first and last eighth, and every third layer between: about half). `Mix` encodes
those rules by tensor class, so the estimate follows each model's own tensor shapes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

# Bits per weight of single ggml tensor types (block size and bytes; see module docstring).
BPW = {
    "F32": 32.0, "F16": 16.0, "BF16": 16.0, "Q8_0": 8.5, "Q6_K": 6.5625, "Q5_K": 5.5, "Q5_0": 5.5,
    "Q5_1": 6.0, "Q4_K": 4.5, "Q4_0": 4.5, "Q4_1": 5.0, "Q3_K": 3.4375, "Q2_K": 2.625,
    "IQ4_XS": 4.25, "IQ4_NL": 4.5, "IQ3_S": 3.4375, "IQ3_XXS": 3.0625, "IQ2_S": 2.5,
    "IQ2_XS": 2.3125, "IQ2_XXS": 2.0625, "IQ1_M": 1.75, "IQ1_S": 1.5625, "MXFP4": 4.25,
    # Non-ggml formats: FP8 e4m3 with per-block fp32 scales (128x128 blocks: +0.002 bpw);
    # AWQ/GPTQ 4-bit with group-128 fp16 scales and 4-bit zeros (4 + 16/128 + 4/128);
    # MLX affine quantization with group 64 and fp16 scale + bias (bits + 32/64).
    "FP8": 8.002, "INT4-G128": 4.15625, "MLX4": 4.5, "MLX8": 8.5,
}


@dataclass(frozen=True)
class Mix:
    """Which ggml type each tensor class gets in one named quantization."""

    name: str
    base: str  # most layer tensors
    output: str  # output / lm_head tensor
    embed: str  # token embedding table
    upgraded: str | None = None  # attn_v and ffn_down in the use_more_bits layers
    upgraded_share: float = 0.0  # share of layers that get `upgraded` (use_more_bits ~ 1/2)
    experts_only: bool = False  # MXFP4: only MoE expert tensors use `base`; the rest stay BF16
    quality_loss: float | None = None  # perplexity increase over F16 (fraction); None = unsourced
    family: str = "gguf"
    attn_output: str | None = None  # attn_output type when the mix sets one (Q3_K_M/L)
    attn_v_gqa: str | None = None  # attn_v type with GQA >= 4 in the 1-2 bit IQ mixes
    attention: str | None = None  # unsloth dynamic, dense model: attention and linear-attention tensors
    expert_down: str | None = None  # unsloth dynamic: routed-expert ffn_down (gate/up stay at `base`)
    moe_rest: str | None = None  # unsloth dynamic, MoE: every tensor that is not a routed expert
    ssm_out: str | None = None  # unsloth dynamic: a linear-attention layer's output projection
    like: str | None = None  # the llama.cpp mix whose quality figure this one takes (unsourced own)


USE_MORE_BITS_SHARE = 0.5
"""llama.cpp use_more_bits(i, n): i < n/8 or i >= 7n/8 or (i - n/8) % 3 == 2: 1/8 + 1/8 + 3/4 x 1/3."""

QUALITY_SOURCE = (
    "Perplexity increase over F16 on LLaMA-3-8B, Wikitext-2: llama.cpp tools/perplexity/README.md "
    "(rev f364eb6f): F16 6.2332, Q8_0 6.2343, Q6_K 6.2534, Q5_K_M 6.2886, Q4_K_M 6.4071, "
    "Q3_K_M 6.888, Q2_K 9.752. Other types have no figure in that table and are ordered by bits.")

MIXES: dict[str, Mix] = {m.name: m for m in (
    Mix("F16", "F16", "F16", "F16", quality_loss=0.0),
    Mix("BF16", "BF16", "BF16", "BF16", quality_loss=0.0),
    Mix("Q8_0", "Q8_0", "Q8_0", "Q8_0", quality_loss=0.00018),
    Mix("Q6_K", "Q6_K", "Q6_K", "Q6_K", quality_loss=0.00324),
    Mix("Q5_K_M", "Q5_K", "Q6_K", "Q5_K", "Q6_K", USE_MORE_BITS_SHARE, quality_loss=0.00889),
    Mix("Q5_K_S", "Q5_K", "Q6_K", "Q5_K"),
    Mix("Q4_K_M", "Q4_K", "Q6_K", "Q4_K", "Q6_K", USE_MORE_BITS_SHARE, quality_loss=0.02790),
    Mix("Q4_K_S", "Q4_K", "Q6_K", "Q4_K", "Q5_K", 0.125),
    Mix("IQ4_XS", "IQ4_XS", "Q6_K", "IQ4_XS"),
    Mix("Q4_0", "Q4_0", "Q6_K", "Q4_0"),
    Mix("Q3_K_L", "Q3_K", "Q6_K", "Q3_K", "Q5_K", 1.0, attn_output="Q5_K"),
    Mix("Q3_K_M", "Q3_K", "Q6_K", "Q3_K", "Q4_K", 1.0, quality_loss=0.10505, attn_output="Q4_K"),
    Mix("Q3_K_S", "Q3_K", "Q6_K", "Q3_K"),
    Mix("IQ3_XXS", "IQ3_XXS", "Q6_K", "IQ3_XXS"),
    Mix("Q2_K", "Q2_K", "Q6_K", "Q2_K", "Q3_K", 1.0, quality_loss=0.56450),
    # The 1-2 bit IQ mixes store the output tensor as Q5_K and, with GQA >= 4, attn_v as Q4_K.
    Mix("IQ2_XXS", "IQ2_XXS", "Q5_K", "Q2_K", attn_v_gqa="Q4_K"),
    Mix("IQ2_XS", "IQ2_XS", "Q5_K", "Q2_K", attn_v_gqa="Q4_K"),
    Mix("IQ2_S", "IQ2_S", "Q5_K", "Q2_K", attn_v_gqa="Q4_K"),
    Mix("Q2_K_S", "Q2_K", "Q6_K", "Q2_K", attn_v_gqa="Q4_K"),  # output: the default Q6_K
    Mix("IQ1_M", "IQ1_M", "Q5_K", "Q2_K", attn_v_gqa="Q4_K"),
    Mix("MXFP4", "MXFP4", "Q8_0", "Q8_0", experts_only=True, family="native", quality_loss=0.0),
    # Unsloth Dynamic ("UD-") GGUFs choose types per tensor and per model ("the combinations will differ
    # for each layer and model", docs.unsloth.ai/basics/unsloth-dynamic-2.0-ggufs) and publish files,
    # not a rule. The rule here is their layout by tensor class, read from real files:
    # - MoE: routed gate/up at the base type, routed ffn_down one type up; in a hybrid every other tensor
    #   (attention, linear attention, shared experts, dense layers, token embedding) at Q8_0, output
    #   Q6_K; in a plain MoE the non-expert layer tensors at `attention` (Qwen3-30B-A3B's of 2025-05 are
    #   q4_K-q6_K, below). Load log of Qwen3.5-35B-A3B UD-Q4_K_XL
    #   (github.com/ROCm/legacy-rocm-build/issues/6027): 120 expert tensors
    #   q4_K 78 / q5_K 41 / q8_0 1, the other 312 at q8_0, output q6_K, 20.70 GiB; sparkinfer PR #224
    #   (github.com/gittensor-ai-lab/sparkinfer/pull/224): Qwen3.6-35B-A3B UD ffn_down_exps Q5_K, gate/up
    #   Q4_K; unsloth/DeepSeek-V3-0324-GGUF README: "down_proj in MoE" one step above the other experts
    #   (5.5/4.5 bits in Q4_K_XL ... 2.06/1.56 in IQ1_S); unsloth.ai/docs/models/qwen3.5/gguf-benchmarks:
    #   "ffn_down_exps is slightly more sensitive" than gate/up.
    # - Linear attention (Gated DeltaNet, Mamba): ssm_out at Q8_0 ("Quantizing ssm_out (Mamba layers)
    #   is not a good idea", same page; a llama-server log of unsloth/Qwen3.6-27B-MTP-GGUF UD-Q4_K_XL,
    #   snapshot 53b09741, repository not identified: q8_0 on 49 tensors, its 48 ssm_out and one more),
    #   the other mixing tensors of a hybrid at `attention`, its FFN like the matching _M mix.
    # - Plain dense (no linear attention): the _M mix ("Quantizing any attn_* is especially sensitive
    #   for hybrid architectures", same page; Qwen3-32B UD-Q4_K_XL is 4.888 BPW, Q4_K_M's size,
    #   github.com/ikawrakow/ik_llama.cpp/issues/503), attention BF16 in UD-Q8_K_XL.
    # - UD-Q8_K_XL: every non-expert tensor at BF16, the rest Q8_0 (Qwen3.6-27B UD-Q8_K_XL is
    #   35,776,484,480 B against 28.6 GB at plain Q8_0: its 7.2B attention and linear-attention weights).
    # The `attention` column is the previous rule's (Q4_K for the 1-2 bit mixes, Q6_K at Q3-Q4_K_XL,
    # Q8_0 above), which the dev files of Qwen3.5-27B and Qwen3.6-27B UD-Q4_K_XL (16.41, 16.39 GiB)
    # confirm within 2 %. Some uploads kept fewer tensors high: Qwen3-30B-A3B UD-Q4_K_XL of 2025-05 has
    # 37 q5_K tensors in 579 (github.com/ikawrakow/ik_llama.cpp/issues/398, 16.49 GiB, 6 % under this
    # layout), and DeepSeek-R1's 1.58-bit files of 2025-01 (Dynamic v1) are 8-20 % smaller. A published
    # file size always wins over this layout; quality is taken as the matching llama.cpp mix's
    # (unsloth's claims are not counted).
    *(Mix(f"UD-{name}", base, "Q6_K" if base != "Q8_0" else "Q8_0", base, up, share, attention=attn,
          expert_down=down, moe_rest="BF16" if base == "Q8_0" else "Q8_0",
          ssm_out="BF16" if base == "Q8_0" else "Q8_0", like=like)
      for name, base, up, share, attn, down, like in (
          ("IQ1_S", "IQ1_S", None, 0.0, "Q4_K", "IQ2_XXS", "IQ1_M"),
          ("IQ1_M", "IQ1_M", None, 0.0, "Q4_K", "IQ2_XXS", "IQ1_M"),
          ("IQ2_XXS", "IQ2_XXS", None, 0.0, "Q4_K", "IQ2_S", "IQ2_XXS"),
          ("IQ3_XXS", "IQ3_XXS", None, 0.0, "Q5_K", "IQ4_XS", "IQ3_XXS"),
          ("Q2_K_XL", "Q2_K", "Q3_K", 1.0, "Q4_K", "Q3_K", "Q2_K"),
          ("Q3_K_XL", "Q3_K", "Q4_K", 1.0, "Q6_K", "Q4_K", "Q3_K_M"),
          ("Q4_K_XL", "Q4_K", "Q6_K", USE_MORE_BITS_SHARE, "Q6_K", "Q5_K", "Q4_K_M"),
          ("Q5_K_XL", "Q5_K", "Q6_K", USE_MORE_BITS_SHARE, "Q8_0", "Q6_K", "Q5_K_M"),
          ("Q6_K_XL", "Q6_K", "Q8_0", USE_MORE_BITS_SHARE, "Q8_0", "Q8_0", "Q6_K"),
          ("Q8_K_XL", "Q8_0", None, 0.0, "BF16", "Q8_0", "Q8_0"))),
    Mix("FP8", "FP8", "BF16", "BF16", family="fp8"),
    Mix("AWQ-4bit", "INT4-G128", "F16", "F16", family="awq"),
    Mix("GPTQ-4bit", "INT4-G128", "F16", "F16", family="gptq"),
    Mix("MLX-4bit", "MLX4", "MLX4", "MLX4", family="mlx"),
    Mix("MLX-8bit", "MLX8", "MLX8", "MLX8", family="mlx"),
)}

QUANTS = tuple(MIXES)

GGUF_LADDER = ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_XXS", "Q2_K", "IQ2_XXS")
"""GGUF quantizations the planner tries, best quality first (the ones people actually download)."""

ALIASES = {"Q4_K": "Q4_K_M", "Q5_K": "Q5_K_M", "Q3_K": "Q3_K_M", "AWQ": "AWQ-4bit",
           "GPTQ": "GPTQ-4bit", "MLX4": "MLX-4bit", "MLX8": "MLX-8bit", "FP16": "F16"}

KV_TYPES: dict[str, float] = {"f16": 2.0, "q8_0": 8.5 / 8, "q4_0": 4.5 / 8}
"""Bytes per cached K or V element: f16 2; q8_0 and q4_0 use ggml's 32-element blocks (34 and 18 B)."""


def normalise(name: str) -> str:
    """The canonical name of a quantization (case-insensitive, common aliases)."""
    upper = name.strip().upper().replace("-", "_")
    for key in MIXES:
        if key.upper().replace("-", "_") == upper:
            return key
    alias = ALIASES.get(name.strip().upper())
    if alias:
        return alias
    raise KeyError(name)


# Whole-file bits per weight of Llama-3.1-8B per quantization (llama.cpp tools/quantize/README.md,
# the same table as the file sizes): the x axis on which unsourced quality losses are interpolated.
LLAMA8_BPW = {"F16": 16.0005, "BF16": 16.0005, "Q8_0": 8.5008, "Q6_K": 6.5633, "Q5_K_M": 5.7036,
              "Q5_K_S": 5.5704, "Q4_K_M": 4.8944, "Q4_K_S": 4.6672, "IQ4_XS": 4.4597, "Q4_0": 4.6,
              "Q3_K_L": 4.2979, "Q3_K_M": 3.996, "Q3_K_S": 3.6429, "IQ3_XXS": 3.2548, "Q2_K": 3.1593,
              "Q2_K_S": 2.9697, "IQ2_S": 2.7403, "IQ2_XS": 2.5882,
              "IQ2_XXS": 2.3824, "IQ1_M": 2.146}


def quality_loss(name: str) -> tuple[float, bool]:
    """Perplexity increase over F16 (fraction) and whether it is sourced (else interpolated by bits
    between the sourced neighbours; below Q2_K it is taken as Q2_K's, the least it can be)."""
    mix = MIXES[name]
    if mix.like is not None:
        return quality_loss(mix.like)
    if mix.quality_loss is not None:
        return mix.quality_loss, True
    bpw = LLAMA8_BPW.get(name)
    if bpw is None:  # FP8, AWQ/GPTQ, MLX: no figure in the table; place them by nominal bits
        bpw = {"FP8": 8.5, "AWQ-4bit": 4.6, "GPTQ-4bit": 4.6, "MLX-4bit": 4.6, "MLX-8bit": 8.5}.get(name, 4.9)
    points = sorted((LLAMA8_BPW[k], m.quality_loss) for k, m in MIXES.items()
                    if m.quality_loss is not None and k in LLAMA8_BPW)
    if bpw <= points[0][0]:
        return points[0][1], False
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= bpw <= x1:
            return y0 + (y1 - y0) * (bpw - x0) / (x1 - x0), False
    return points[-1][1], False
