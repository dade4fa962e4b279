"""Finding models on disk: fake Ollama, LM Studio and Hugging Face folders and tiny GGUF files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from gguf import GGUFWriter, LlamaFileType

from advisor.catalog.store import load_bundled
from advisor.cli import main
from advisor.hardware.installed import (
    OLLAMA_MODEL_LAYER,
    read_gguf_header,
    scan,
    scan_hf_cache,
    scan_lmstudio,
    scan_ollama,
)

CAT = load_bundled()


def tiny_gguf(path: Path, name: str, arch: str = "qwen3", ftype: LlamaFileType = LlamaFileType.MOSTLY_Q4_K_M,
              basename: str | None = None) -> Path:
    """A real GGUF file of a few hundred bytes: header fields and one tensor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = GGUFWriter(str(path), arch)
    writer.add_name(name)
    if basename:
        writer.add_basename(basename)
    writer.add_file_type(int(ftype))
    writer.add_tensor("token_embd.weight", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_gguf_header_gives_architecture_name_and_quantization(tmp_path: Path) -> None:
    head = read_gguf_header(tiny_gguf(tmp_path / "m.gguf", "Qwen3 8B", ftype=LlamaFileType.MOSTLY_Q5_K_M))
    assert head is not None
    assert (head.architecture, head.name, head.quantization) == ("qwen3", "Qwen3 8B", "Q5_K_M")
    (tmp_path / "junk.gguf").write_bytes(b"not a gguf")
    assert read_gguf_header(tmp_path / "junk.gguf") is None


def _ollama_store(root: Path) -> None:
    blob_digest = "sha256:" + "ab" * 32
    tiny_gguf(root / "blobs" / blob_digest.replace(":", "-"), "gpt-oss-20b", arch="gpt-oss",
              ftype=LlamaFileType.MOSTLY_MXFP4_MOE)
    manifest = {"schemaVersion": 2, "layers": [
        {"mediaType": OLLAMA_MODEL_LAYER, "digest": blob_digest, "size": 13_780_000_000},
        {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "cd" * 32, "size": 10}]}
    path = root / "manifests" / "registry.ollama.ai" / "library" / "gpt-oss" / "20b"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(manifest))
    other = root / "manifests" / "registry.ollama.ai" / "someone" / "mystery" / "latest"
    other.parent.mkdir(parents=True)
    other.write_text(json.dumps({"layers": [{"mediaType": OLLAMA_MODEL_LAYER, "digest": "sha256:00",
                                             "size": 1_000_000}]}))


def test_ollama_manifests_are_read_and_matched_by_tag(tmp_path: Path) -> None:
    _ollama_store(tmp_path)
    found = {f.name: f for f in scan_ollama(tmp_path)}
    assert set(found) == {"gpt-oss:20b", "someone/mystery:latest"}
    gpt = found["gpt-oss:20b"]
    assert gpt.size_gb == pytest.approx(13.78)
    assert gpt.quantization == "MXFP4"
    assert gpt.header is not None
    assert gpt.header.architecture == "gpt-oss"
    matched = {f.name: f.model_id for f in scan({"OLLAMA_MODELS": str(tmp_path),
                                                 "HF_HUB_CACHE": str(tmp_path / "none")},
                                                models=CAT.models.values())}
    assert matched == {"gpt-oss:20b": "openai/gpt-oss-20b", "someone/mystery:latest": None}


def test_lm_studio_folder_matches_by_repository(tmp_path: Path) -> None:
    tiny_gguf(tmp_path / "bartowski" / "phi-4-GGUF" / "phi-4-Q4_K_M.gguf", "Phi 4", arch="phi3")
    tiny_gguf(tmp_path / "someone" / "odd-GGUF" / "odd-Q8_0.gguf", "Odd Model", arch="llama",
              ftype=LlamaFileType.MOSTLY_Q8_0)
    found = {f.repo: f for f in scan_lmstudio(tmp_path)}
    assert found["bartowski/phi-4-GGUF"].quantization == "Q4_K_M"
    from advisor.hardware.installed import match  # noqa: PLC0415

    assert match(found["bartowski/phi-4-GGUF"], CAT.models.values()) == "microsoft/phi-4"
    assert match(found["someone/odd-GGUF"], CAT.models.values()) is None


def test_hf_cache_snapshots_gguf_and_mlx(tmp_path: Path) -> None:
    snap = tmp_path / "models--Qwen--Qwen3-8B" / "snapshots" / "rev1"
    snap.mkdir(parents=True)
    (snap / "model-00001-of-00002.safetensors").write_bytes(b"x" * 1000)
    (snap / "config.json").write_text(json.dumps({"torch_dtype": "bfloat16"}))
    mlx = tmp_path / "models--mlx-community--Qwen3-8B-4bit" / "snapshots" / "r"
    mlx.mkdir(parents=True)
    (mlx / "model.safetensors").write_bytes(b"x" * 10)
    (mlx / "config.json").write_text(json.dumps({"quantization": {"group_size": 64, "bits": 4}}))
    split = tmp_path / "models--ggml-org--gpt-oss-120b-GGUF" / "snapshots" / "r"
    for i in (1, 2, 3):
        tiny_gguf(split / f"gpt-oss-120b-mxfp4-0000{i}-of-00003.gguf", "gpt-oss-120b", arch="gpt-oss",
                  ftype=LlamaFileType.MOSTLY_MXFP4_MOE)
    found = {f.name: f for f in scan_hf_cache(tmp_path)}
    assert (found["Qwen/Qwen3-8B"].format, found["Qwen/Qwen3-8B"].quantization) == ("safetensors", "BF16")
    mlx_found = found["mlx-community/Qwen3-8B-4bit"]
    assert (mlx_found.format, mlx_found.quantization) == ("mlx", "MLX-4bit")
    parts = [f for f in found.values() if f.repo == "ggml-org/gpt-oss-120b-GGUF"]
    assert len(parts) == 1
    assert parts[0].path.name.endswith("00001-of-00003.gguf")
    env = {"OLLAMA_MODELS": str(tmp_path / "none"), "HF_HUB_CACHE": str(tmp_path)}
    ids = {f.name: f.model_id for f in scan(env, models=CAT.models.values())}
    assert ids["Qwen/Qwen3-8B"] == "qwen/qwen3-8b"
    assert ids["ggml-org/gpt-oss-120b-GGUF/gpt-oss-120b-mxfp4-00001-of-00003.gguf"] == "openai/gpt-oss-120b"


def test_a_folder_of_gguf_files_matches_by_header_name(tmp_path: Path) -> None:
    tiny_gguf(tmp_path / "a" / "Qwen3-4B-Q4_K_M.gguf", "Qwen3 4B", basename="Qwen3")
    found = scan({"OLLAMA_MODELS": str(tmp_path / "x"), "HF_HUB_CACHE": str(tmp_path / "y")},
                 folders=[tmp_path], models=CAT.models.values())
    # The file is a few hundred bytes; the catalog's Q4_K_M is 2.5 GB: the size rules the match out.
    assert [(f.name, f.model_id) for f in found] == [("Qwen3-4B-Q4_K_M.gguf", None)]


def test_installed_cli_and_recommend_installed_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _ollama_store(tmp_path / "ollama")
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "ollama"))
    assert main(["installed", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {e["name"]: e["model_id"] for e in listed} == {"gpt-oss:20b": "openai/gpt-oss-20b",
                                                          "someone/mystery:latest": None}
    assert main(["recommend", "--hardware", "rtx-4090", "--installed-only", "--format", "json"]) == 0
    recs = json.loads(capsys.readouterr().out)["recommendations"]
    assert [r["model_id"] for r in recs] == ["openai/gpt-oss-20b"]
    dep = recs[0]["deployment"]
    assert dep["mode"] == "local"
    assert dep["installed_quantizations"] == ["MXFP4"]
    # "installed" is about the plan's own quantization (the ranking may prefer another file).
    assert dep["installed"] is (dep["quantization"] == "MXFP4")
    if dep["quantization"] == "MXFP4":
        assert dep["run_commands"]["ollama"].endswith("ollama run gpt-oss:20b")
