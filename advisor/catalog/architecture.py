"""The architecture facts an estimator needs: sizes, attention layout, experts."""

from __future__ import annotations

from pydantic import Field, model_validator

from advisor.catalog.sources import MAX_PARAMS_B, MIN_PARAMS_B, Sourced


class Architecture(Sourced):
    """What an estimator needs to compute weight and KV-cache memory and per-token work."""

    total_params_b: float | None = Field(
        default=None, ge=MIN_PARAMS_B, le=MAX_PARAMS_B,
        description="Total parameters in billions, as the vendor advertises."
    )
    active_params_b: float | None = Field(
        default=None,
        ge=MIN_PARAMS_B, le=MAX_PARAMS_B,
        description="Parameters used per token in billions (MoE); equals total for dense models.",
    )
    hub_params_b: float | None = Field(
        default=None,
        ge=MIN_PARAMS_B, le=MAX_PARAMS_B,
        description="Parameters counted from the published weights (e.g. the hub's safetensors "
        "count) when it differs from the advertised figure.",
    )
    embedding_params_b: float | None = Field(
        default=None,
        ge=0, le=MAX_PARAMS_B,
        description="Parameters in embedding tables read by lookup, not per token (e.g. "
        "per-layer embeddings); excluded from per-token bandwidth.",
    )
    layers: int | None = Field(default=None, gt=0, le=10_000, description="Transformer blocks.")
    hidden_size: int | None = Field(default=None, gt=0, le=1_000_000, description="Model (residual) width.")
    attention_heads: int | None = Field(default=None, gt=0, le=10_000, description="Query heads per layer.")
    kv_heads: int | None = Field(
        default=None, gt=0, description="Key/value heads per attention layer (GQA)."
    )
    head_dim: int | None = Field(default=None, gt=0, le=100_000, description="Dimension of one head.")
    vocab_size: int | None = Field(default=None, gt=0, le=100_000_000,
                                   description="Tokenizer vocabulary size.")
    tied_embeddings: bool | None = Field(
        default=None,
        description="Whether the output head reuses the input embedding (tie_word_embeddings).",
    )
    full_attention_layers: int | None = Field(
        default=None,
        ge=0,
        description="Layers whose KV cache grows with the whole context. None means every layer "
        "that is not sliding-window or linear attention.",
    )
    sliding_window_layers: int = Field(
        default=0, ge=0, description="Layers that attend only to a window (local attention)."
    )
    sliding_window_tokens: int | None = Field(
        default=None, gt=0, description="Window length of the sliding-window layers, in tokens."
    )
    global_kv_heads: int | None = Field(
        default=None,
        gt=0,
        description="KV heads of the full-attention layers when they differ from kv_heads.",
    )
    global_head_dim: int | None = Field(
        default=None,
        gt=0,
        description="Head dimension of the full-attention layers when it differs from head_dim.",
    )
    kv_shared_layers: int = Field(
        default=0,
        ge=0,
        description="Layers that reuse another layer's KV cache and hold none of their own.",
    )
    linear_attention_layers: int = Field(
        default=0,
        ge=0,
        description="Linear-attention / state-space layers holding a constant-size state.",
    )
    linear_value_heads: int | None = Field(
        default=None, gt=0, description="Value heads of a linear-attention layer."
    )
    linear_key_heads: int | None = Field(
        default=None,
        gt=0,
        description="Query/key heads of a linear-attention layer (Gated DeltaNet's linear_num_key_heads, "
        "fewer than its value heads in Qwen3-Next / Qwen3.5); for Mamba-2 its B/C groups (n_groups), "
        "with linear_key_head_dim its state size.",
    )
    linear_key_head_dim: int | None = Field(
        default=None, gt=0, description="Key head dimension of a linear-attention layer."
    )
    linear_value_head_dim: int | None = Field(
        default=None, gt=0, description="Value head dimension of a linear-attention layer."
    )
    kv_lora_rank: int | None = Field(
        default=None, gt=0, description="MLA: width of the compressed KV latent that is cached."
    )
    qk_rope_head_dim: int | None = Field(
        default=None, gt=0, description="MLA: decoupled RoPE key dimension cached beside the latent."
    )
    experts_total: int | None = Field(
        default=None, gt=0, description="Routed experts per MoE layer (None for dense)."
    )
    experts_per_token: int | None = Field(
        default=None, gt=0, description="Routed experts active per token."
    )
    shared_experts: int | None = Field(
        default=None, ge=0, description="Always-active shared experts per MoE layer."
    )
    native_dtype: str | None = Field(
        default=None,
        max_length=20,
        description="Precision the weights are published in (bf16, fp8, mxfp4, ...).",
    )
    notes: tuple[str, ...] = Field(
        default=(),
        description="Conflicts between sources and how they were recorded (e.g. 397B advertised "
        "vs 403B counted on the hub).",
    )

    @property
    def is_moe(self) -> bool:
        """True when the model routes tokens through a subset of experts."""
        return self.experts_total is not None and self.experts_total > 1

    @property
    def is_mla(self) -> bool:
        """True when attention caches a compressed latent (DeepSeek-style MLA)."""
        return self.kv_lora_rank is not None

    @model_validator(mode="after")
    def _consistent(self) -> Architecture:
        if (
            self.total_params_b is not None
            and self.active_params_b is not None
            and self.active_params_b > self.total_params_b * 1.001
        ):
            raise ValueError("active_params_b cannot exceed total_params_b")
        if self.layers is not None:
            used = self.sliding_window_layers + self.linear_attention_layers
            if self.full_attention_layers is not None:
                used += self.full_attention_layers
            if used > self.layers:
                raise ValueError(
                    "full, sliding-window and linear-attention layers add up to more than layers"
                )
        if self.sliding_window_layers and self.sliding_window_tokens is None:
            raise ValueError("sliding_window_layers needs sliding_window_tokens")
        if (
            self.experts_total is not None
            and self.experts_per_token is not None
            and self.experts_per_token > self.experts_total
        ):
            raise ValueError("experts_per_token cannot exceed experts_total")
        return self
