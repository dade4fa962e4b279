"""A readable text block for `advisor estimate --format table`."""

from __future__ import annotations

from advisor.estimate.result import Estimate, Range


def _rng(r: Range | None, unit: str) -> str:
    if r is None:
        return "unknown"
    return f"{r.expected:,.0f} {unit} (range {r.low:,.0f}-{r.high:,.0f})"


def format_estimate(est: Estimate) -> str:
    """Memory breakdown, placement, speed and assumptions."""
    split = ("attention and shared weights on the GPU" if est.experts_on_cpu else
             f"{est.gpu_layers}/{est.total_layers} layers on the GPU, the rest in system RAM")
    place = {"gpu": "fits on the GPU", "gpu+cpu": split, "cpu": "runs on the CPU",
             "does_not_fit": "does NOT fit"}
    lines = [
        f"{est.model_id} at {est.quantization}, {est.context:,} tokens of context",
        f"  weights      {est.weights_gb:8.2f} GB"
        + ("  (published file size)" if est.weights_from_artifact else ""),
        f"  KV cache     {est.kv_cache_gb:8.2f} GB  ({est.kv_cache_type}, {est.concurrency} sequence(s))",
        f"  overhead     {est.overhead_gb:8.2f} GB",
        f"  total        {est.total_gb:8.2f} GB of {est.available_gb:.1f} GB available",
        f"  placement    {place.get(est.placement, est.placement)}"
        + ("  (MoE experts in system RAM)" if est.experts_on_cpu else ""),
        f"  runtime      {est.runtime} ({est.backend})",
        f"  generation   {_rng(est.decode_tokens_per_s, 'tokens/s')}"
        + (" per stream" if est.concurrency > 1 else ""),
        f"  prompt       {_rng(est.prefill_tokens_per_s, 'tokens/s')}",
    ]
    if est.aggregate_tokens_per_s is not None:
        lines.append(f"  all streams  {_rng(est.aggregate_tokens_per_s, 'tokens/s')}")
    if est.fits_if:
        changes = "; ".join(", ".join(f"{k} {v}" for k, v in change.items()) for change in est.fits_if)
        lines.append(f"  fits if      {changes}")
    lines.append("  (GB = 10^9 bytes)")
    lines.append("assumptions:")
    lines += [f"  - {a}" for a in est.assumptions]
    return "\n".join(lines)
