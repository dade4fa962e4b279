"""Memory a model needs: weights by tensor class, KV cache by attention layout, runtime overhead.

Units: bytes internally, GB (10^9 bytes) at the edges. Per-model constants are computed once and
cached (`footprint`), because the recommender sizes every model at several quantizations per ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.catalog.quant import BPW, MIXES, Mix
from advisor.catalog.schema import Architecture, Model
from advisor.errors import AdvisorError

GB = 1e9
MIB = 1024 * 1024
CUDA_RESERVE_BYTES = 457 * MIB
"""Ollama's minimum free memory reserved per CUDA/ROCm GPU (source code; shared/data/validation)."""
METAL_RESERVE_BYTES = 512 * MIB
"""Ollama's reserve on Apple Metal (same source)."""
N_UBATCH = 512
"""llama.cpp's default physical batch (-ub 512): the compute buffer is sized for it."""
TIED_EMBEDDINGS_BELOW_B = 4.5
"""Without a stated `tied_embeddings`, models under this size are taken to share input and output
embeddings (true of Llama 3.2 1B/3B, Qwen 0.5-4B, Gemma); larger ones have a separate output head."""


class EstimateError(AdvisorError):
    """The model lacks the facts an estimate needs; the message names what is missing."""


@dataclass(frozen=True)
class Footprint:
    """Per-model constants: parameter split by tensor class and KV bytes per token (f16)."""

    model_id: str
    layers: int
    total_params: float
    active_params: float
    embed_in: float  # input embedding table (read by lookup: one row per token)
    embed_out: float  # separate output head (0 when tied)
    lookup_only: float  # per-layer embeddings etc. read by lookup (embedding_params_b)
    layer_params: float  # all transformer-block parameters
    attn_params: float  # attention share of layer_params
    upgrade_share: float  # share of layer params in attn_v + ffn_down (the _M mixes upgrade them)
    tied: bool
    full_layers: int
    full_kv_elems: int  # K+V elements per token per full-attention layer (2 x heads x dim)
    sliding_layers: int
    sliding_kv_elems: int
    window: int
    mla: bool
    mla_elems: int  # latent + rope elements per token per MLA layer (no K/V split)
    linear_layers: int
    linear_state_bytes: float  # per linear-attention layer, per sequence (fp32 state)
    vocab: int
    hidden: int
    routed_params: float = 0.0  # routed-expert parameters (0 for a dense model)
    experts_total: int = 0
    experts_active: int = 0  # routed experts per token
    attn_width: int = 0  # query heads x head dim (attention FLOPs per context token)
    native_mxfp4: bool = False  # released with MXFP4 experts (gpt-oss): GGUF mixes keep them
    v_params: float = 0.0  # attn_v parameters over all layers
    o_params: float = 0.0  # attn_output parameters over all layers
    gqa_ge_4: bool = False  # query heads >= 4 x KV heads, or >= 4 experts (llama-quant.cpp's test)
    shared_experts: int = 0  # always-active shared experts per MoE layer (0 when none or not known)
    mixer_params: float = 0.0  # attention + linear-attention projections over all layers (UD mixes)
    ssm_out_params: float = 0.0  # linear-attention output projections over all layers (UD mixes)

    @property
    def expert_param_share(self) -> float:
        """Share of all parameters in routed experts."""
        return self.routed_params / self.total_params if self.total_params else 0.0

    def expert_bytes(self, mix: Mix) -> float:
        """Bytes of the routed-expert tensors in `mix` (what --n-cpu-moe moves to RAM)."""
        if self.native_mxfp4 and (mix.experts_only or (mix.family == "gguf" and BPW[mix.base] < 8)):
            return self.routed_params * BPW["MXFP4"] / 8.0
        base = BPW[mix.base]
        up = BPW[mix.upgraded] if mix.upgraded else base
        share = mix.upgraded_share / 3.0  # ffn_down is one of the three expert matrices
        if mix.expert_down is not None:  # unsloth dynamic: ffn_down one type above gate/up
            up, share = BPW[mix.expert_down], 1.0 / 3.0
        return self.routed_params * (base * (1 - share) + up * share) / 8.0

    def weights_bytes(self, mix: Mix) -> float:
        """Bytes of all weights stored in `mix`."""
        if mix.experts_only:
            # MXFP4: the routed experts in MXFP4, every other tensor at `mix.embed` (Q8_0 in the
            # published gpt-oss GGUFs: 12.11 GB for gpt-oss-20b, the figure).
            experts = self.routed_params if self.routed_params else self.layer_params - self.attn_params
            rest = self.layer_params - experts
            layer_bits = experts * BPW[mix.base] + rest * BPW[mix.embed]
        elif mix.attention is not None:
            layer_bits = self._dynamic_layer_bits(mix)
        else:
            layer_bits = self._mixed_layer_bits(mix)
        # Tensor-specific types of llama_tensor_get_type: attn_output in Q3_K_M/L, attn_v in the
        # 1-2 bit IQ mixes when GQA >= 4 (src/llama-quant.cpp).
        if mix.attn_output:
            layer_bits += self.o_params * (BPW[mix.attn_output] - BPW[mix.base])
        if mix.attn_v_gqa and self.gqa_ge_4:
            layer_bits += self.v_params * (BPW[mix.attn_v_gqa] - BPW[mix.base])
        embed = BPW[mix.embed]
        if mix.moe_rest is not None and self.routed_params:  # UD MoE: token embedding at Q8_0 (quant.py)
            embed = min(BPW[mix.moe_rest], BPW["Q8_0"])
        emb_bits = (self.embed_in + self.lookup_only) * embed + self.embed_out * BPW[mix.output]
        return (layer_bits + emb_bits) / 8.0

    def _dynamic_layer_bits(self, mix: Mix) -> float:
        """Unsloth dynamic mixes, by tensor class (quant.py): an MoE's routed experts at the base type
        with ffn_down at `mix.expert_down`, its other tensors at `mix.moe_rest` in a hybrid and at
        `mix.attention` otherwise; a dense hybrid's
        attention and linear attention at `mix.attention` (ssm_out at `mix.ssm_out`) and its FFN like
        the _M mix; a plain dense model like the _M mix (attention BF16 in UD-Q8_K_XL)."""
        if self.routed_params:
            experts = self.expert_bytes(mix) * 8.0
            # A hybrid's attention is "especially sensitive" (quant.py): all its non-expert tensors
            # stay at `moe_rest`; a plain MoE's at the attention type.
            rest = mix.moe_rest if self.linear_layers else mix.attention
            return experts + (self.layer_params - self.routed_params) * BPW[rest or mix.base]
        if not self.linear_layers and mix.base != "Q8_0":
            # Only hybrids keep attention higher ("Quantizing any attn_* is especially sensitive for
            # hybrid architectures", quant.py): a plain dense model's UD file is its _M mix.
            return self._mixed_layer_bits(mix)
        base = BPW[mix.base]
        up = BPW[mix.upgraded] if mix.upgraded else base
        down = mix.upgraded_share / 3.0  # ffn_down, one of three FFN matrices, in the upgraded layers
        mixer = self.mixer_params
        ffn = max(0.0, self.layer_params - mixer)
        ssm_out = min(self.ssm_out_params, mixer)
        mixing = (mixer - ssm_out) * BPW[mix.attention or mix.base] + ssm_out * BPW[mix.ssm_out or mix.base]
        return ffn * (base * (1 - down) + up * down) + mixing

    def _mixed_layer_bits(self, mix: Mix) -> float:
        if self.native_mxfp4 and self.routed_params and mix.family == "gguf" and BPW[mix.base] < 8:
            # llama.cpp keeps the MXFP4 expert tensors of gpt-oss in every low-bit GGUF (unsloth's
            # gpt-oss-20b "Q4_K_M" is 11.6 GB, barely below MXFP4); only the rest follows the mix.
            base = BPW[mix.base]
            up = BPW[mix.upgraded] if mix.upgraded else base
            rest = self.layer_params - self.routed_params
            share = mix.upgraded_share * self.upgrade_share
            return self.routed_params * BPW["MXFP4"] + rest * (base * (1 - share) + up * share)
        base = BPW[mix.base]
        up = BPW[mix.upgraded] if mix.upgraded else base
        share = mix.upgraded_share * self.upgrade_share
        return self.layer_params * (base * (1 - share) + up * share)

    def read_fraction(self) -> float:
        """Share of the stored weights read to generate one token (MoE: active experts only;
        embedding lookups read one row; a tied head is read in full for the logits)."""
        # `active` may or may not already exclude lookup-only tables (Gemma's "effective" counts do).
        active = min(self.active_params, self.total_params - self.lookup_only)
        read = active - (0.0 if self.tied else self.embed_in)
        return max(0.01, min(1.0, read / max(self.total_params, 1.0)))

    def kv_bytes(self, tokens: int, kv_bytes_per_elem: float, sequences: int = 1) -> float:
        """KV cache bytes for `tokens` of context in each of `sequences` parallel sequences."""
        per_seq = 0.0
        if self.mla:
            per_seq += self.full_layers * self.mla_elems * tokens * kv_bytes_per_elem
        else:
            per_seq += self.full_layers * self.full_kv_elems * tokens * kv_bytes_per_elem
        per_seq += self.sliding_layers * self.sliding_kv_elems * min(self.window, tokens) * kv_bytes_per_elem
        per_seq += self.linear_layers * self.linear_state_bytes
        return per_seq * sequences

    def compute_buffer_bytes(self, tokens: int) -> float:
        """llama.cpp's compute buffer for one ubatch: f32 logits (n_ubatch x vocab) plus the
        widest activations (n_ubatch x 4 x hidden x 4 B), and f16 attention scores for one
        ubatch against the context when flash attention tiles are not used (n_ubatch x tokens x 2 B)."""
        logits = N_UBATCH * self.vocab * 4
        acts = N_UBATCH * 4 * self.hidden * 4
        scores = N_UBATCH * min(tokens, 32768) * 2
        return float(logits + acts + scores)


# Both caches hold the model object itself: a key on id() alone would hand a freed model's
# constants to a new object that happens to get the same id (an edited entry, a test's model).
_CACHE: dict[str, tuple[Model, Footprint]] = {}


def _require(arch: Architecture | None, model: Model) -> Architecture:
    if arch is None:
        raise EstimateError(f"{model.name}: architecture is undisclosed, so memory cannot be estimated")
    missing = [name for name in ("total_params_b", "layers") if getattr(arch, name) is None]
    if not arch.is_mla and (arch.kv_heads is None or arch.head_dim is None):
        if arch.kv_heads is None:
            missing.append("kv_heads")
        if arch.head_dim is None and not (arch.hidden_size and arch.attention_heads):
            missing.append("head_dim")
    if missing:
        raise EstimateError(f"{model.name}: architecture lacks {', '.join(missing)}")
    return arch


def footprint(model: Model) -> Footprint:
    """The model's per-token and per-quantization constants (cached per model object)."""
    cached = _CACHE.get(model.id)
    if cached is not None and cached[0] is model:
        return cached[1]
    fp = _build(model)
    _CACHE[model.id] = (model, fp)
    return fp


def _build(model: Model) -> Footprint:
    arch = _require(model.architecture, model)
    assert arch.total_params_b is not None
    assert arch.layers is not None
    total = arch.total_params_b * 1e9
    active = (arch.active_params_b or arch.total_params_b) * 1e9
    layers = arch.layers
    hidden = arch.hidden_size or 0
    heads = arch.attention_heads or 0
    head_dim = arch.head_dim or (hidden // heads if hidden and heads else 0)
    kv_heads = arch.kv_heads or 0
    vocab = arch.vocab_size or 0
    tied = arch.tied_embeddings if arch.tied_embeddings is not None else (
        arch.total_params_b < TIED_EMBEDDINGS_BELOW_B)
    embed = float(vocab * hidden)
    lookup = (arch.embedding_params_b or 0.0) * 1e9
    embed_out = 0.0 if tied else embed
    layer_params = total - embed - embed_out - lookup
    if layer_params <= 0.2 * total:  # vocab/hidden missing or inconsistent: treat all as layers
        embed = embed_out = 0.0
        layer_params = total - lookup
    per_layer = layer_params / layers
    q_o = 2 * hidden * heads * head_dim
    k_v = 2 * hidden * kv_heads * head_dim
    attn = min(per_layer * 0.9, float(q_o + k_v)) if hidden else 0.25 * per_layer
    ffn = per_layer - attn
    v_part = hidden * kv_heads * head_dim
    upgrade_share = min(1.0, (v_part + ffn / 3.0) / per_layer) if per_layer > 0 else 0.0
    sliding = arch.sliding_window_layers
    linear = arch.linear_attention_layers
    full = arch.full_attention_layers
    if full is None:
        full = max(0, layers - sliding - linear - arch.kv_shared_layers)
    g_heads = arch.global_kv_heads or kv_heads
    g_dim = arch.global_head_dim or head_dim
    lin_state = 0.0
    if linear and arch.linear_value_heads and arch.linear_key_head_dim and arch.linear_value_head_dim:
        lin_state = arch.linear_value_heads * arch.linear_key_head_dim * arch.linear_value_head_dim * 4.0
    mixer, ssm_out = _mixer_params(arch, hidden, q_o + k_v, attn * layers, layer_params)
    return Footprint(
        model_id=model.id, layers=layers, total_params=total, active_params=active,
        embed_in=embed, embed_out=embed_out, lookup_only=lookup, layer_params=layer_params,
        attn_params=attn * layers, upgrade_share=upgrade_share, tied=tied,
        full_layers=full, full_kv_elems=2 * g_heads * g_dim,
        sliding_layers=sliding, sliding_kv_elems=2 * kv_heads * head_dim,
        window=arch.sliding_window_tokens or 0,
        mla=arch.is_mla, mla_elems=(arch.kv_lora_rank or 0) + (arch.qk_rope_head_dim or 0),
        linear_layers=linear, linear_state_bytes=lin_state, vocab=vocab, hidden=hidden,
        routed_params=_routed_params(arch, total, active), experts_total=arch.experts_total or 0,
        experts_active=arch.experts_per_token or 0, attn_width=heads * head_dim,
        native_mxfp4=(arch.native_dtype or "").lower() == "mxfp4",
        v_params=float(v_part * layers) if hidden else 0.0,
        o_params=float(hidden * heads * head_dim * layers) if hidden else 0.0,
        gqa_ge_4=bool(kv_heads and heads >= 4 * kv_heads) or (arch.experts_total or 0) >= 4,
        shared_experts=arch.shared_experts or 0, mixer_params=mixer, ssm_out_params=ssm_out,
    )


def _mixer_params(arch: Architecture, hidden: int, attn_per_layer: float, attn_total: float,
                  layer_params: float) -> tuple[float, float]:
    """Token-mixing parameters (softmax attention in its layers; linear attention in its own) and
    the linear-attention output projections. Without a hidden size, the estimate of the attention
    share stands."""
    if not hidden:
        return attn_total, 0.0
    assert arch.layers is not None
    linear = arch.linear_attention_layers
    ssm_out = float(linear * (arch.linear_value_heads or 0) * (arch.linear_value_head_dim or 0) * hidden)
    mixer = (arch.layers - linear) * attn_per_layer + linear * linear_mixer_params(arch, hidden)
    return min(mixer, 0.9 * layer_params), ssm_out


def linear_mixer_params(arch: Architecture, hidden: int) -> float:
    """Projection parameters of one linear-attention layer. With the key heads known, a Gated DeltaNet
    layer at its real shapes (transformers modeling_qwen3_next.py, llama.cpp qwen3next.cpp):
    in_proj_qkvz hidden -> 2 Hk dk + 2 Hv dv, in_proj_ba hidden -> 2 Hv, out_proj Hv dv -> hidden (the
    depthwise conv1d and the norms, under 0.1 %, are left out). A Mamba-2 layer has the same form with
    Hk = n_groups and dk = state size (in_proj hidden -> 2 d_inner + 2 G N + H, out_proj d_inner ->
    hidden): its one dt per head is counted as two, hidden x heads too many (under 1 %). Without the key
    heads, the residual projected to the value width Hv dv three times (values, gate, output); the q/k
    (B/C) part then stays with the FFN."""
    hv, dv = arch.linear_value_heads or 0, arch.linear_value_head_dim or 0
    hk, dk = arch.linear_key_heads, arch.linear_key_head_dim
    if hk and dk and hv and dv:
        return float(hidden * (2 * hk * dk + 2 * hv * dv + 2 * hv) + hv * dv * hidden)
    return 3.0 * hidden * hv * dv


def _routed_params(arch: Architecture, total: float, active: float) -> float:
    """Routed-expert parameters R from total T = D + R and active A = D + R k / E (D: attention,
    embeddings, shared experts, router): R = (T - A) / (1 - k / E)."""
    e, k = arch.experts_total, arch.experts_per_token
    if not arch.is_moe or not e or not k or k >= e or active >= total:
        return 0.0
    return min(total, (total - active) / (1.0 - k / e))


def artifact_bytes(model: Model, quant: str) -> float | None:
    """Size of a published file in that quantization in a repository, if the catalog knows one.

    An Ollama library blob (a tag without a repository) is not taken: it is Ollama's own packaging,
    and a multimodal model's blob carries its vision encoder (gemma3:4b-it-q4_K_M 3.3 GB against
    bartowski's 2.49 GB Q4_K_M of gemma-3-4b-it, both in the catalog)."""
    for art in model.artifacts:
        if art.repo is None and art.ollama_tag:
            continue
        if art.file_size_gb and art.quantization.upper().replace("-", "_") == quant.upper().replace("-", "_"):
            return art.file_size_gb * GB
    return None


_WEIGHTS: dict[tuple[str, int, str], tuple[Model, float, bool]] = {}


def model_weights_bytes(model: Model, fp: Footprint, quant: str) -> tuple[float, bool]:
    """`weights_bytes` without the cache, for a caller that holds the model's footprint."""
    known = artifact_bytes(model, quant) if model.artifacts else None
    return (known, True) if known is not None else (fp.weights_bytes(MIXES[quant]), False)


def weights_bytes(model: Model, quant: str) -> tuple[float, bool]:
    """Weight bytes at `quant`, and whether they come from a real file size (which wins).
    Cached per model object: the recommender asks for the same sizes in every ranking."""
    key = (model.id, id(model), quant)
    found = _WEIGHTS.get(key)
    if found is not None and found[0] is model:
        return found[1], found[2]
    result = model_weights_bytes(model, footprint(model), quant)
    if len(_WEIGHTS) > 200_000:
        _WEIGHTS.clear()
    _WEIGHTS[key] = (model, *result)
    return result
