"""What an estimate is: the result type (with its JSON contract), the low/expected/high range, and
the overridable settings every estimate states among its assumptions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EstimateSettings(BaseModel):
    """Overridable estimator defaults (shown in the assumptions of every result)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    headroom_share: float = Field(
        default=0.01, ge=0, le=0.5,
        description="Free memory kept on each device after weights, KV cache and buffers (on top of "
        "the runtime's per-GPU reserve, which already holds the driver's share)")
    prompt_tokens: int = Field(
        default=1000, ge=1, description="Prompt length used for time to first token")


class RunOptions(BaseModel):
    """How the user runs it, when they pin it (None: the planner chooses)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    gpu_layers: int | None = Field(
        default=None, ge=0, description="Layers on the GPU (llama.cpp -ngl); the rest in system RAM")
    experts_on_cpu: bool | None = Field(
        default=None, description="MoE routed experts in system RAM (llama.cpp --n-cpu-moe / "
        "-ot exps=CPU): True forces it, False forbids it, None lets the planner choose")
    cpu_moe_layers: int | None = Field(
        default=None, ge=1, description="MoE: the routed experts of the first N layers in system RAM "
        "and the rest on the GPU (llama.cpp --n-cpu-moe N); None lets the planner choose N")
    unified_gpu_share: float | None = Field(
        default=None, gt=0, le=1, description="Share of unified memory the GPU may wire (raised "
        "with sysctl iogpu.wired_limit_mb on macOS)")
    backend: str | None = Field(
        default=None, description="cuda, rocm, metal, vulkan, sycl, cpu, mlx or vllm; None: the "
        "machine's own")
    host_sampling: bool | None = Field(
        default=None, description="The runtime samples each token on the CPU (llama-server, Ollama: "
        "True); False for a harness that samples nothing (llama-bench) or on the GPU; None: the "
        "runtime's own (vLLM and MLX sample on the GPU)")


class Range(BaseModel):
    """A low / expected / high estimate."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    low: float
    expected: float
    high: float

    def scaled(self, k: float) -> Range:
        """The range multiplied by `k`."""
        return Range(low=self.low * k, expected=self.expected * k, high=self.high * k)


class Estimate(BaseModel):
    """How a model runs on given hardware at a given quantization and context."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    model_id: str
    quantization: str
    context: int
    kv_cache_type: str
    concurrency: int
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    total_gb: float
    available_gb: float
    placement: str  # gpu | gpu+cpu | cpu | does_not_fit
    gpu_layers: int
    total_layers: int
    decode_tokens_per_s: Range | None
    prefill_tokens_per_s: Range | None
    time_to_first_token_s: float | None
    weights_from_artifact: bool
    assumptions: tuple[str, ...]
    runtime: str = "llama.cpp"
    backend: str = "cuda"
    experts_on_cpu: bool = False
    cpu_moe_layers: int = 0  # with experts_on_cpu: the first N layers' routed experts in RAM
    aggregate_tokens_per_s: Range | None = None
    fits_if: tuple[dict[str, float | int | bool | str], ...] = ()

    @property
    def fits(self) -> bool:
        """Whether it runs at all on this hardware."""
        return self.placement != "does_not_fit"

    def to_json(self) -> dict[str, Any]:
        """The `advisor estimate --format json` contract (GB = 10^9 bytes)."""

        def rng(r: Range | None) -> dict[str, float] | None:
            if r is None:
                return None
            return {"low": round(r.low, 1), "expected": round(r.expected, 1), "high": round(r.high, 1)}

        return {
            "model_id": self.model_id, "quantization": self.quantization, "context": self.context,
            "kv_cache_type": self.kv_cache_type, "concurrency": self.concurrency,
            "weights_gb": round(self.weights_gb, 2), "kv_cache_gb": round(self.kv_cache_gb, 2),
            "overhead_gb": round(self.overhead_gb, 2), "total_gb": round(self.total_gb, 2),
            "available_gb": round(self.available_gb, 2), "placement": self.placement,
            "gpu_layers": self.gpu_layers, "total_layers": self.total_layers,
            "decode_tokens_per_s": rng(self.decode_tokens_per_s),
            "prefill_tokens_per_s": rng(self.prefill_tokens_per_s),
            "time_to_first_token_s": (None if self.time_to_first_token_s is None
                                      else round(self.time_to_first_token_s, 2)),
            "weights_from_artifact": self.weights_from_artifact,
            "assumptions": list(self.assumptions),
            "runtime": self.runtime, "backend": self.backend, "experts_on_cpu": self.experts_on_cpu,
            "cpu_moe_layers": self.cpu_moe_layers if self.experts_on_cpu else None,
            "aggregate_tokens_per_s": rng(self.aggregate_tokens_per_s),
            "fits_if": [dict(change) for change in self.fits_if],
        }
