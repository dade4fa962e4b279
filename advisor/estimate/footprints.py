"""The model facts the estimator reads, as columns: one array per `Footprint` field over n models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from advisor.arrays import Bools, Floats, Ints
from advisor.estimate.memory import N_UBATCH, Footprint

Triple = tuple[Floats, Floats, Floats]


def expert_rows_per_param(fp: Footprint) -> float:
    """Rows of the matvecs per routed-expert weight. One expert is gate and up (f rows of h) and
    down (h rows of f), f = its FFN width = the routed parameters / (layers x experts x 3 h):
    (2 f + h) rows for 3 h f weights. 0 for a dense model or missing shapes."""
    if not fp.routed_params or not fp.experts_total or not fp.hidden or not fp.layers:
        return 0.0
    f = fp.routed_params / (fp.layers * fp.experts_total * 3.0 * fp.hidden)
    if f < 1.0:
        return 0.0
    return (2.0 * f + fp.hidden) / (3.0 * fp.hidden * f)


@dataclass(frozen=True)
class FootprintColumns:
    """`Footprint` fields of n models as arrays (zeros where a model has no footprint)."""

    layers: Ints
    full_kv: Floats  # full-attention layers x K+V (or MLA latent) elements per token
    sliding_kv: Floats  # sliding-window layers x K+V elements per token (floats: no int64 overflow)
    window: Ints
    linear_state: Floats  # linear-attention layers x state bytes per sequence
    linear_share: Floats  # linear-attention (recurrent) layers / all layers
    vocab: Ints
    hidden: Ints
    read_fraction: Floats
    active_params: Floats
    total_params: Floats
    moe: Bools
    expert_share: Floats  # routed-expert parameters / all parameters (0 dense)
    route_fraction: Floats  # routed experts used per token / routed experts (1 dense)
    attn_flops: Floats  # FLOPs per token per context token: 4 x full layers x heads x head dim
    host_share: Floats  # untied input embedding / all parameters: llama.cpp keeps it in host RAM
    routed_params: Floats  # routed-expert parameters (0 dense)
    shared_ffn: Floats  # 1 where an MoE layer also runs a shared-expert FFN, else 0
    expert_rows_per_param: Floats  # matvec rows per routed-expert weight: (2 f + h) / (3 h f)
    kernel_share: Floats  # bandwidth share of the runtime's kernel for the row's weight format (1: base)

    @classmethod
    def of(cls, footprints: Sequence[Footprint | None], moe: Sequence[bool]) -> FootprintColumns:
        """Columns for these footprints (None: the model cannot be estimated)."""
        def col(get: Callable[[Footprint], float]) -> Floats:
            return np.array([get(fp) if fp is not None else 0 for fp in footprints], dtype=np.float64)

        def icol(get: Callable[[Footprint], int]) -> Ints:
            return np.array([get(fp) if fp is not None else 0 for fp in footprints], dtype=np.int64)

        return cls(
            layers=np.maximum(icol(lambda f: f.layers), 1),  # 1 where no footprint
            full_kv=col(lambda f: f.full_layers * (f.mla_elems if f.mla else f.full_kv_elems)),
            sliding_kv=col(lambda f: f.sliding_layers * f.sliding_kv_elems),
            window=icol(lambda f: f.window),
            linear_state=col(lambda f: f.linear_layers * f.linear_state_bytes),
            linear_share=col(lambda f: f.linear_layers / f.layers if f.layers else 0.0),
            vocab=icol(lambda f: f.vocab),
            hidden=icol(lambda f: f.hidden),
            read_fraction=col(Footprint.read_fraction),
            active_params=col(lambda f: f.active_params),
            total_params=col(lambda f: f.total_params),
            moe=np.array(moe, dtype=np.bool_),
            expert_share=col(lambda f: f.expert_param_share),
            route_fraction=col(lambda f: f.experts_active / f.experts_total
                               if f.routed_params and f.experts_total else 1.0),
            attn_flops=col(lambda f: 4.0 * f.full_layers * f.attn_width),
            host_share=col(lambda f: 0.0 if f.tied else f.embed_in / f.total_params),
            routed_params=col(lambda f: f.routed_params),
            shared_ffn=col(lambda f: 1.0 if f.routed_params and f.shared_experts else 0.0),
            expert_rows_per_param=col(expert_rows_per_param),
            kernel_share=np.ones(len(footprints)),
        )

    def take(self, idx: Ints) -> FootprintColumns:
        """The columns of the models at `idx`."""
        return FootprintColumns(*(getattr(self, name)[idx] for name in self.__dataclass_fields__))

    def kv_bytes(self, tokens: int, kv_bytes_per_elem: float, sequences: int = 1) -> Floats:
        """KV cache bytes for `tokens` of context in each of `sequences` parallel sequences."""
        per_seq = 0.0 + self.full_kv * tokens * kv_bytes_per_elem
        per_seq = per_seq + self.sliding_kv * np.minimum(self.window, tokens) * kv_bytes_per_elem
        per_seq = per_seq + self.linear_state
        result: Floats = per_seq * sequences
        return result

    def compute_buffer_bytes(self, tokens: int) -> Floats:
        """llama.cpp's compute buffer for one ubatch: f32 logits (n_ubatch x vocab), the widest
        activations (n_ubatch x 4 x hidden x 4 B) and f16 attention scores (n_ubatch x tokens x 2 B)."""
        scores = N_UBATCH * min(tokens, 32768) * 2
        return (N_UBATCH * self.vocab * 4 + N_UBATCH * 4 * self.hidden * 4 + scores).astype(np.float64)
