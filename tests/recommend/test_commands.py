"""Run commands: every flag is one the tool documents, and the values are the plan's own."""

from __future__ import annotations

import re
import shlex
from datetime import date

import pytest

from advisor.catalog.schema import Artifact, ArtifactFormat
from advisor.catalog.store import load_bundled
from advisor.estimate import RunOptions, estimate
from advisor.hardware.profile import Accelerator, HardwareProfile
from advisor.recommend.commands import (
    PROVIDER_ENDPOINTS,
    LocalRun,
    request_example,
    run_commands,
)

CAT = load_bundled()
D = date(2026, 12, 3)

LLAMA_SERVER_README = "ggml-org/llama.cpp tools/server/README.md @00dc8057 (read 2026-12-03)"
VLLM_ENGINE_ARGS = "https://docs.vllm.ai/en/latest/models/engine_args.html (read 2026-12-03)"
MLX_GENERATE = "ml-explore/mlx-lm mlx_lm/generate.py setup_arg_parser @0024613b (read 2026-12-03)"
MLX_SERVER = "ml-explore/mlx-examples llms/mlx_lm/SERVER.md ('mlx_lm.server --model', read 2026-12-03)"
OLLAMA_ENV = "ollama/ollama envconfig/config.go (read 2026-12-03)"
OLLAMA_CONTEXT = "ollama/ollama docs/context-length.mdx @948f6933 (read 2026-12-03)"

DOCUMENTED: dict[str, dict[str, str]] = {
    "llama-server": {
        "-m": LLAMA_SERVER_README, "-hf": LLAMA_SERVER_README, "-hff": LLAMA_SERVER_README,
        "-c": LLAMA_SERVER_README, "-ngl": LLAMA_SERVER_README, "--n-cpu-moe": LLAMA_SERVER_README,
        "-ctk": LLAMA_SERVER_README, "-ctv": LLAMA_SERVER_README, "--parallel": LLAMA_SERVER_README,
    },
    "vllm": {
        "serve": VLLM_ENGINE_ARGS, "--tensor-parallel-size": VLLM_ENGINE_ARGS,
        "--max-model-len": VLLM_ENGINE_ARGS, "--max-num-seqs": VLLM_ENGINE_ARGS,
        "--quantization": VLLM_ENGINE_ARGS,
    },
    "mlx_lm.generate": {
        "--model": MLX_GENERATE, "--prompt": MLX_GENERATE, "--max-tokens": MLX_GENERATE,
        "--max-kv-size": MLX_GENERATE, "--kv-bits": MLX_GENERATE,
    },
    "mlx_lm.server": {"--model": MLX_SERVER},
    "ollama": {
        "serve": OLLAMA_ENV, "run": OLLAMA_ENV, "OLLAMA_CONTEXT_LENGTH": OLLAMA_CONTEXT,
        "OLLAMA_NUM_PARALLEL": OLLAMA_ENV, "OLLAMA_FLASH_ATTENTION": OLLAMA_ENV,
        "OLLAMA_KV_CACHE_TYPE": OLLAMA_ENV,
    },
    "sudo": {"sysctl": "macOS sysctl iogpu.wired_limit_mb (the estimator's unified-memory assumption)"},
}
"""Each tool's options the commands may use, with where the tool documents them."""

VALUES = {
    "-ctk": {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1"},  # allowed values
    "-ctv": {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1"},
    "--quantization": {"aqlm", "awq", "fp8", "gptq", "squeezellm", "gptq_marlin", "marlin"},
}


def _options(line: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The tool of one command line and its (option, value) pairs, env assignments included."""
    words = shlex.split(line)
    env = [(w.split("=", 1)[0], w.split("=", 1)[1]) for w in words if re.match(r"^[A-Z_]+=", w)]
    words = [w for w in words if not re.match(r"^[A-Z_]+=", w)]
    tool, rest = words[0], words[1:]
    pairs: list[tuple[str, str | None]] = list(env)
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("-"):
            value = rest[i + 1] if i + 1 < len(rest) and not rest[i + 1].startswith("-") else None
            pairs.append((word, value))
            i += 2 if value is not None else 1
        else:
            if tool in ("vllm", "ollama", "sudo") and i == 0:
                pairs.append((word, None))  # the subcommand
            i += 1
    return tool, pairs


def gpu(mem: float, count: int = 1, ram: float = 64) -> HardwareProfile:
    return HardwareProfile(gpu=Accelerator(name="GPU", memory_gb=mem, bandwidth_gbs=1000, count=count),
                           ram_gb=ram, ram_bandwidth_gbs=80)


APPLE = HardwareProfile(
    name="Mac", gpu=Accelerator(name="Apple M4 Max", memory_gb=128, bandwidth_gbs=546, backend="metal",
                                device_class="apple"),
    ram_gb=128, unified_memory=True, usable_gpu_share=0.9)

GGUF = Artifact(format=ArtifactFormat.GGUF, quantization="Q4_K_M", file_size_gb=5.0,
                repo="org/Model-GGUF", file="Model-Q4_K_M.gguf", ollama_tag="model:8b",
                source="test", as_of=D)
MLX = Artifact(format=ArtifactFormat.MLX, quantization="MLX-4bit", repo="mlx-community/Model-4bit",
               source="test", as_of=D)

CASES = [
    ("meta-llama/llama-3.1-8b-instruct", gpu(24), {}, "Q4_K_M"),
    ("meta-llama/llama-3.1-8b-instruct", gpu(4), {}, "Q4_K_M"),  # layer split
    ("meta-llama/llama-3.1-8b-instruct", HardwareProfile(ram_gb=32, ram_bandwidth_gbs=60), {}, "Q4_K_M"),
    ("openai/gpt-oss-120b", gpu(24, ram=128), {"options": RunOptions(experts_on_cpu=True)}, "MXFP4"),
    ("meta-llama/llama-3.1-8b-instruct", gpu(24), {"kv_cache": "q8_0", "concurrency": 4}, "Q4_K_M"),
    ("meta-llama/llama-3.1-8b-instruct", APPLE, {}, "Q4_K_M"),
    ("meta-llama/llama-3.1-8b-instruct", APPLE, {"options": RunOptions(backend="mlx"), "kv_cache": "q8_0"},
     "MLX-4bit"),
    ("meta-llama/llama-3.1-8b-instruct", gpu(80, count=2), {"options": RunOptions(backend="vllm"),
                                                             "concurrency": 16}, "FP8"),
]


def _commands(model_id: str, hw: HardwareProfile, kw: dict[str, object],
              quant: str) -> tuple[LocalRun, dict[str, str | None]]:
    model = CAT.models[model_id]
    est = estimate(model, hw, quant=quant, context=16384, **kw)  # type: ignore[arg-type]
    run = LocalRun.of(est, hw)
    artifact = MLX if quant.startswith("MLX") else GGUF
    return run, run_commands(run, model, artifact)


@pytest.mark.parametrize(("model_id", "hw", "kw", "quant"), CASES)
def test_every_flag_is_documented_by_its_tool(model_id: str, hw: HardwareProfile, kw: dict[str, object],
                                              quant: str) -> None:
    _run, commands = _commands(model_id, hw, kw, quant)
    lines = [line for c in commands.values() if c for line in c.splitlines()]
    assert lines
    for line in lines:
        tool, pairs = _options(line)
        assert tool in DOCUMENTED, line
        for option, value in pairs:
            assert option in DOCUMENTED[tool], f"{tool} {option} is not in the documented list ({line})"
            if option in VALUES:
                assert value in VALUES[option], line


def _flag(command: str, flag: str) -> str | None:
    words = shlex.split(command.splitlines()[-1])
    return words[words.index(flag) + 1] if flag in words else None


def test_llama_server_carries_the_plans_context_offload_kv_and_slots() -> None:
    _run, c = _commands("meta-llama/llama-3.1-8b-instruct", gpu(24), {"kv_cache": "q8_0", "concurrency": 4},
                       "Q4_K_M")
    cmd = c["llama_cpp"]
    assert cmd is not None
    assert _flag(cmd, "-c") == str(16384 * 4)  # -c is the KV pool shared by the 4 slots
    assert _flag(cmd, "--parallel") == "4"
    assert _flag(cmd, "-ctk") == "q8_0" == _flag(cmd, "-ctv")
    assert _flag(cmd, "-hf") == "org/Model-GGUF"
    assert _flag(cmd, "-hff") == "Model-Q4_K_M.gguf"
    ollama = c["ollama"]
    assert ollama is not None
    assert "OLLAMA_CONTEXT_LENGTH=16384" in ollama
    assert "OLLAMA_NUM_PARALLEL=4" in ollama
    assert ollama.endswith("ollama run model:8b")
    assert c["mlx"] is None
    assert c["vllm"] is None


def test_offload_and_cpu_plans_set_the_estimated_gpu_layers() -> None:
    run, c = _commands("meta-llama/llama-3.1-8b-instruct", gpu(4), {}, "Q4_K_M")
    assert run.placement == "gpu+cpu"
    assert 0 < run.gpu_layers < run.total_layers
    assert _flag(c["llama_cpp"] or "", "-ngl") == str(run.gpu_layers)
    run, c = _commands("meta-llama/llama-3.1-8b-instruct", HardwareProfile(ram_gb=32, ram_bandwidth_gbs=60),
                       {}, "Q4_K_M")
    assert _flag(c["llama_cpp"] or "", "-ngl") == "0"


def test_experts_in_ram_keep_every_layers_experts_on_the_cpu() -> None:
    run, c = _commands("openai/gpt-oss-120b", gpu(24, ram=128), {"options": RunOptions(experts_on_cpu=True)},
                       "MXFP4")
    assert run.experts_on_cpu
    assert _flag(c["llama_cpp"] or "", "--n-cpu-moe") == str(run.total_layers)
    assert _flag(c["llama_cpp"] or "", "-ngl") == "999"


def test_apple_raised_wired_limit_and_mlx_and_vllm() -> None:
    _run, c = _commands("meta-llama/llama-3.1-8b-instruct", APPLE, {}, "Q4_K_M")
    mb = int(128 * 1e9 * 0.9 / 2**20)
    assert (c["llama_cpp"] or "").startswith(f"sudo sysctl iogpu.wired_limit_mb={mb}\n")
    _run, c = _commands("meta-llama/llama-3.1-8b-instruct", APPLE,
                        {"options": RunOptions(backend="mlx"), "kv_cache": "q8_0"}, "MLX-4bit")
    assert c["llama_cpp"] is None
    assert "mlx_lm.server --model mlx-community/Model-4bit" in (c["mlx"] or "")
    assert _flag(c["mlx"] or "", "--max-kv-size") == "16384"
    assert _flag(c["mlx"] or "", "--kv-bits") == "8"
    _run, c = _commands("meta-llama/llama-3.1-8b-instruct", gpu(80, count=2),
                        {"options": RunOptions(backend="vllm"), "concurrency": 16}, "FP8")
    vllm = c["vllm"] or ""
    assert vllm.startswith("vllm serve meta-llama/Llama-3.1-8B-Instruct")
    assert (_flag(vllm, "--tensor-parallel-size"), _flag(vllm, "--max-model-len"),
            _flag(vllm, "--max-num-seqs"), _flag(vllm, "--quantization")) == ("2", "16384", "16", "fp8")


def test_a_plan_that_does_not_fit_has_no_command() -> None:
    _run, c = _commands("openai/gpt-oss-120b", gpu(8, ram=16), {}, "MXFP4")
    assert c == {"llama_cpp": None, "ollama": None, "mlx": None, "vllm": None}


def test_request_example_uses_the_base_url_and_model_id() -> None:
    text = request_example("groq", "openai/gpt-oss-120b")
    assert "curl https://api.groq.com/openai/v1/chat/completions" in text
    assert '"model": "openai/gpt-oss-120b"' in text
    assert 'base_url="https://api.groq.com/openai/v1"' in text
    assert "GROQ_API_KEY" in text
    assert "not OpenAI-compatible" in request_example("anthropic", "claude-x")
    assert all(e.base_url.startswith("https://") and e.source for e in PROVIDER_ENDPOINTS.values())


def test_the_artifact_matches_the_plans_quantization_and_folds_in_the_ollama_tag() -> None:
    from advisor.recommend.actions import artifact_json, pick_artifact, where_to_look  # noqa: PLC0415

    model = CAT.models["openai/gpt-oss-20b"]
    art = pick_artifact(model, "MXFP4", "llama.cpp")
    doc = artifact_json(model, art, "MXFP4", "llama.cpp")
    assert doc is not None
    assert (doc["repo"], doc["file"], doc["ollama_tag"], doc["size_gb"]) == (
        "bartowski/openai_gpt-oss-20b-GGUF", "openai_gpt-oss-20b-MXFP4.gguf", "gpt-oss:20b", 12.1)
    assert "bartowski" in doc["source"]
    assert "ollama.com/library/gpt-oss" in doc["source"]
    assert pick_artifact(model, "Q2_K", "llama.cpp") is None
    assert "bartowski/openai_gpt-oss-20b-GGUF" in where_to_look(model, "Q2_K")
    assert pick_artifact(model, "MXFP4", "mlx") is None  # an MLX plan needs an MLX repository
    every = [a for m in CAT.models.values() for a in m.artifacts]
    assert all(a.source and a.as_of for a in every)
    assert all(a.file_size_gb is None or a.file_size_gb > 0 for a in every)


def test_a_team_on_datacenter_gpus_also_gets_the_vllm_way() -> None:
    from advisor.hardware.profile import profile_from_preset  # noqa: PLC0415
    from advisor.recommend.actions import vllm_alternative  # noqa: PLC0415

    model = CAT.models["qwen/qwen3.6-35b-a3b"]
    two_a100 = profile_from_preset(CAT.hardware["a100-80gb-sxm"], gpu_count=2)
    team = vllm_alternative(model, two_a100, 65536, 20)
    assert team is not None
    tool, options = _options(team["command"])
    assert tool == "vllm"
    for option, _value in options:
        assert option in DOCUMENTED[tool], option
    assert dict(options)["--tensor-parallel-size"] == "2"
    assert dict(options)["--max-num-seqs"] == "20"
    assert team["aggregate_tokens_per_s"] > team["decode_tokens_per_s"]
    # One person, or a consumer card, keeps the llama.cpp plan alone.
    assert vllm_alternative(model, two_a100, 65536, 1) is None
    assert vllm_alternative(model, profile_from_preset(CAT.hardware["rtx-4090"]), 8192, 20) is None


def test_expert_offload_names_the_layers_whose_experts_go_to_ram() -> None:
    # Unpinned, a 24 GB card keeps some layers' experts: --n-cpu-moe is the estimate's N, not all.
    run, c = _commands("openai/gpt-oss-120b", gpu(24, ram=128), {}, "MXFP4")
    assert run.experts_on_cpu
    assert 0 < run.cpu_moe_layers < run.total_layers
    assert _flag(c["llama_cpp"] or "", "--n-cpu-moe") == str(run.cpu_moe_layers)
