"""The commands that run a plan exactly as it was estimated, and a minimal request for an API plan.

Pure functions of the plan: nothing here runs, downloads or looks at the disk. Every option used is
one the tool documents (tests/recommend/test_commands.py holds the list, each with its source):
llama.cpp tools/server/README.md, Ollama's envconfig/config.go and docs/context-length.mdx,
mlx-lm's mlx_lm/generate.py and SERVER.md, vLLM's engine arguments page.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisor.hardware.profile import default_unified_share

if TYPE_CHECKING:
    from advisor.catalog.schema import Artifact, Model
    from advisor.estimate.result import Estimate
    from advisor.hardware.profile import HardwareProfile

RUNTIMES = ("llama_cpp", "ollama", "mlx", "vllm")
"""The keys of `run_commands` (the JSON contract of issue #20)."""

VLLM_QUANTIZATION = {"FP8": "fp8", "AWQ-4bit": "awq"}
"""vLLM --quantization per estimator quantization (BF16 needs none: the checkpoint's dtype)."""

MLX_KV_BITS = {"q8_0": 8, "q4_0": 4}
"""mlx_lm.generate --kv-bits for a quantized KV cache type."""

PROMPT = "Write one sentence about the sea."


@dataclass(frozen=True)
class LocalRun:
    """What a local plan fixes about how it runs (the estimator's figures)."""

    quantization: str
    context: int  # tokens per sequence
    kv_cache_type: str  # f16, q8_0 or q4_0
    concurrency: int  # parallel sequences
    placement: str  # gpu, gpu+cpu, cpu or does_not_fit
    gpu_layers: int
    total_layers: int
    experts_on_cpu: bool
    runtime: str  # llama.cpp, mlx or vllm
    gpu_count: int
    wired_limit_mb: int | None  # macOS: the raised GPU wired limit the plan assumes, else None
    cpu_moe_layers: int = 0  # with experts_on_cpu: llama.cpp --n-cpu-moe N

    @classmethod
    def of(cls, est: Estimate, hardware: HardwareProfile) -> LocalRun:
        """The run an estimate describes on `hardware`."""
        share = hardware.usable_gpu_share
        wired = None
        # macOS wires 2/3 of RAM for the GPU up to 36 GB and about 3/4 above by default
        # (default_unified_share); a plan that counts on more needs the limit raised.
        if (hardware.unified_memory and est.backend == "metal" and share is not None and hardware.ram_gb
                and share > default_unified_share(hardware.ram_gb, apple=True)):
            wired = int(hardware.ram_gb * 1e9 * share / 2**20)
        return cls(quantization=est.quantization, context=est.context, kv_cache_type=est.kv_cache_type,
                   concurrency=est.concurrency, placement=est.placement, gpu_layers=est.gpu_layers,
                   total_layers=est.total_layers, experts_on_cpu=est.experts_on_cpu, runtime=est.runtime,
                   cpu_moe_layers=est.cpu_moe_layers,
                   gpu_count=hardware.gpu.count if hardware.gpu is not None else 0,
                   wired_limit_mb=wired)


def _join(args: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in args)


def _gguf_name(model: Model, quant: str) -> str:
    """A file name to stand in for an unknown GGUF file: <repo name>-<quant>.gguf."""
    base = (model.hf_repo or model.id).rsplit("/", 1)[-1]
    return f"{base}-{quant}.gguf"


def llama_cpp_command(run: LocalRun, model: Model, artifact: Artifact | None,
                      local_path: str | None = None) -> str:
    """llama-server with the plan's context, offload, KV cache type and parallel slots."""
    if local_path:
        source = ["-m", local_path]
    elif artifact is not None and artifact.repo and artifact.file:
        source = ["-hf", artifact.repo, "-hff", artifact.file]
    elif artifact is not None and artifact.repo:
        source = ["-hf", f"{artifact.repo}:{run.quantization}"]
    else:
        source = ["-m", _gguf_name(model, run.quantization)]
    # -c is the whole KV pool; with -np N slots each sequence gets c/N (server README, --parallel).
    args = ["llama-server", *source, "-c", str(run.context * run.concurrency)]
    if run.placement == "cpu" or run.gpu_count == 0:
        args += ["-ngl", "0"]
    elif run.placement == "gpu+cpu" and not run.experts_on_cpu:
        args += ["-ngl", str(run.gpu_layers)]
    else:
        args += ["-ngl", "999"]  # "max. number of layers": every layer
    if run.experts_on_cpu:
        # The routed experts of the first N layers in system RAM, as the estimate assumes.
        args += ["--n-cpu-moe", str(run.cpu_moe_layers or run.total_layers)]
    if run.kv_cache_type != "f16":
        args += ["-ctk", run.kv_cache_type, "-ctv", run.kv_cache_type]
    if run.concurrency > 1:
        args += ["--parallel", str(run.concurrency)]
    command = _join(args)
    if run.wired_limit_mb is not None:
        command = f"sudo sysctl iogpu.wired_limit_mb={run.wired_limit_mb}\n{command}"
    return command


def ollama_command(run: LocalRun, artifact: Artifact | None) -> str | None:
    """`ollama serve` with the plan's context, slots and KV cache type, then `ollama run TAG`.

    Context, parallel slots and KV cache type are server settings in Ollama (environment variables
    read by `ollama serve`), not flags of `ollama run`; Ollama picks the GPU layers itself."""
    if artifact is None:
        return None
    if artifact.ollama_tag:
        tag = artifact.ollama_tag
    elif artifact.format.value == "gguf" and artifact.repo and "/" in artifact.repo:
        # huggingface/hub-docs docs/hub/ollama.md: ollama run hf.co/{username}/{repository}:{quantization}
        tag = f"hf.co/{artifact.repo}:{run.quantization}"
    else:
        return None
    env = [f"OLLAMA_CONTEXT_LENGTH={run.context}"]
    if run.concurrency > 1:
        env.append(f"OLLAMA_NUM_PARALLEL={run.concurrency}")
    if run.kv_cache_type != "f16":
        env += ["OLLAMA_FLASH_ATTENTION=1", f"OLLAMA_KV_CACHE_TYPE={run.kv_cache_type}"]
    return f"{' '.join(env)} ollama serve\nollama run {shlex.quote(tag)}"


def mlx_command(run: LocalRun, artifact: Artifact | None) -> str | None:
    """mlx_lm.server for the MLX repository, and a one-off mlx_lm.generate with the plan's context."""
    if artifact is None or artifact.format.value != "mlx" or not artifact.repo:
        return None
    gen = ["mlx_lm.generate", "--model", artifact.repo, "--max-kv-size", str(run.context),
           "--max-tokens", "256", "--prompt", PROMPT]
    if run.kv_cache_type in MLX_KV_BITS:
        gen += ["--kv-bits", str(MLX_KV_BITS[run.kv_cache_type])]
    command = f"{_join(['mlx_lm.server', '--model', artifact.repo])}\n{_join(gen)}"
    if run.wired_limit_mb is not None:
        command = f"sudo sysctl iogpu.wired_limit_mb={run.wired_limit_mb}\n{command}"
    return command


def vllm_command(run: LocalRun, model: Model, artifact: Artifact | None) -> str | None:
    """vllm serve with tensor parallelism over the GPUs, the context and the parallel sequences."""
    if run.quantization == "AWQ-4bit":
        repo = artifact.repo if artifact is not None and artifact.format.value == "awq" else None
    else:
        repo = model.hf_repo
    if not repo or run.gpu_count == 0:
        return None
    args = ["vllm", "serve", repo, "--tensor-parallel-size", str(run.gpu_count),
            "--max-model-len", str(run.context), "--max-num-seqs", str(run.concurrency)]
    if run.quantization in VLLM_QUANTIZATION:
        args += ["--quantization", VLLM_QUANTIZATION[run.quantization]]
    return _join(args)


def run_commands(run: LocalRun, model: Model, artifact: Artifact | None,
                 local_path: str | None = None) -> dict[str, str | None]:
    """The commands that run this plan, per runtime; None where that runtime does not run it as
    estimated (a GGUF plan is llama.cpp or Ollama, an MLX plan mlx-lm, a vLLM plan vLLM)."""
    commands: dict[str, str | None] = dict.fromkeys(RUNTIMES)
    if run.placement == "does_not_fit":
        return commands
    if run.runtime == "mlx":
        commands["mlx"] = mlx_command(run, artifact)
    elif run.runtime == "vllm":
        commands["vllm"] = vllm_command(run, model, artifact)
    else:
        commands["llama_cpp"] = llama_cpp_command(run, model, artifact, local_path)
        commands["ollama"] = ollama_command(run, artifact)
    return commands


@dataclass(frozen=True)
class ProviderEndpoint:
    """An OpenAI-compatible base URL, with where it was read."""

    base_url: str
    source: str


_MODELS_DEV = "models.dev providers/{}/provider.toml 'api' @f3fc692 (shared/data/models.dev, read 2026-12-03)"
_AI_SDK = "vercel/ai packages/{}/src/{}-provider.ts default baseURL (read 2026-12-03)"

PROVIDER_ENDPOINTS: dict[str, ProviderEndpoint] = {
    **{p: ProviderEndpoint(url, _MODELS_DEV.format(p)) for p, url in {
        "abacus": "https://routellm.abacus.ai/v1",
        "alibaba": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        "alibaba-cn": "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "baseten": "https://inference.baseten.co/v1",
        "clarifai": "https://api.clarifai.com/v2/ext/openai/v1",
        "cortecs": "https://api.cortecs.ai/v1",
        "deepseek": "https://api.deepseek.com",
        "digitalocean": "https://inference.do-ai.run/v1",
        "fireworks-ai": "https://api.fireworks.ai/inference/v1",
        "huggingface": "https://router.huggingface.co/v1",
        "io-net": "https://api.intelligence.io.solutions/api/v1",
        "moonshotai": "https://api.moonshot.ai/v1",
        "nebius": "https://api.tokenfactory.nebius.com/v1",
        "nova": "https://api.nova.amazon.com/v1",
        "novita-ai": "https://api.novita.ai/openai",
        "nvidia": "https://integrate.api.nvidia.com/v1",
        "openrouter": "https://openrouter.ai/api/v1",
        "ovhcloud": "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1",
        "scaleway": "https://api.scaleway.ai/v1",
        "siliconflow": "https://api.siliconflow.com/v1",
        "wandb": "https://api.inference.wandb.ai/v1",
        "xiaomi": "https://api.xiaomimimo.com/v1",
        "zai": "https://api.z.ai/api/paas/v4",
    }.items()},
    "openai": ProviderEndpoint("https://api.openai.com/v1", _AI_SDK.format("openai", "openai")),
    "groq": ProviderEndpoint("https://api.groq.com/openai/v1", _AI_SDK.format("groq", "groq")),
    "mistral": ProviderEndpoint("https://api.mistral.ai/v1", _AI_SDK.format("mistral", "mistral")),
    "xai": ProviderEndpoint("https://api.x.ai/v1", _AI_SDK.format("xai", "xai")),
    "cerebras": ProviderEndpoint("https://api.cerebras.ai/v1", _AI_SDK.format("cerebras", "cerebras")),
    "togetherai": ProviderEndpoint("https://api.together.xyz/v1", _AI_SDK.format("togetherai", "togetherai")),
    "deepinfra": ProviderEndpoint("https://api.deepinfra.com/v1/openai",
                                  _AI_SDK.format("deepinfra", "deepinfra") + " + '/openai' for chat"),
}
"""OpenAI-compatible endpoints of the providers in the catalog. Providers with their own request
format (Anthropic, Google, Bedrock, Azure, Vertex) are left out: their example says so."""


def request_example(provider: str, provider_model_id: str | None) -> str:
    """A minimal chat request to a provider's model: curl and the OpenAI Python SDK, or where to look."""
    model_id = provider_model_id or "<model id>"
    endpoint = PROVIDER_ENDPOINTS.get(provider)
    if endpoint is None:
        return (f"{provider} model id: {model_id}. Its API is not OpenAI-compatible or its "
                "base URL is not in the catalog: see the provider's documentation for the request.")
    key = provider.upper().replace("-", "_") + "_API_KEY"
    body = ('{"model": "' + model_id + '", "messages": [{"role": "user", "content": "' + PROMPT + '"}]}')
    base = endpoint.base_url.rstrip("/")
    return (f"# base URL {base} ({endpoint.source})\n"
            f"curl {base}/chat/completions -H \"Authorization: Bearer ${key}\" "
            f"-H \"Content-Type: application/json\" -d {shlex.quote(body)}\n\n"
            "# Python (pip install openai)\n"
            "import os\nfrom openai import OpenAI\n"
            f"client = OpenAI(base_url=\"{base}\", api_key=os.environ[\"{key}\"])\n"
            f"reply = client.chat.completions.create(model=\"{model_id}\", messages=[{{\"role\": \"user\", "
            f"\"content\": \"{PROMPT}\"}}])\nprint(reply.choices[0].message.content)")
