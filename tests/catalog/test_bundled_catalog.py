"""The bundled catalog: the models people weigh, every fact sourced, enough to estimate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.catalog.store import load_bundled
from advisor.catalog.validate import check_catalog
from advisor.estimate import footprint

ROOT = Path(__file__).resolve().parents[2]
CAT = load_bundled()
REQUIRED = [
    "qwen/qwen3.5-397b-a17b", "qwen/qwen3.5-122b-a10b", "qwen/qwen3.5-35b-a3b", "qwen/qwen3.5-27b",
    "qwen/qwen3.5-9b", "qwen/qwen3.5-plus", "qwen/qwen3.6-27b", "qwen/qwen3.6-35b-a3b",
    "qwen/qwen3-235b-a22b", "qwen/qwen3-235b-a22b-instruct-2507", "qwen/qwen3-235b-a22b-thinking-2507",
    "qwen/qwen3-coder-480b-a35b-instruct", "qwen/qwen-mt", "google/gemma-4-31b-it",
    "google/gemma-4-26b-a4b-it", "google/gemma-4-e4b-it", "google/gemma-4-e2b-it", "google/gemma-3-4b-it",
    "google/gemma-3-12b-it", "google/gemma-3-27b-it", "meta-llama/llama-3.1-8b-instruct",
    "meta-llama/llama-3.1-70b-instruct", "meta-llama/llama-3.1-405b-instruct",
    "meta-llama/llama-3.3-70b-instruct", "meta-llama/llama-4-scout-17b-16e-instruct",
    "meta-llama/llama-4-maverick-17b-128e-instruct", "openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-5-nano",
    "openai/gpt-4.1", "openai/gpt-4o", "anthropic/claude-opus-4.8", "anthropic/claude-sonnet-5",
    "anthropic/claude-haiku-4.5", "anthropic/claude-3.5-sonnet", "google/gemini-3.1-pro",
    "google/gemini-3.5-flash", "deepseek/deepseek-v3", "deepseek/deepseek-r1",
    "deepseek/deepseek-r1-distill-qwen-14b", "deepseek/deepseek-r1-distill-qwen-32b",
    "deepseek/deepseek-r1-distill-llama-70b", "mistralai/mistral-small-3.1-24b-instruct",
    "mistralai/mistral-large", "mistralai/devstral-small", "microsoft/phi-4", "openai/gpt-oss-20b",
    "openai/gpt-oss-120b", "moonshotai/kimi-k2-instruct", "zhipuai/glm-4.5", "meta-llama/llama-2-7b-chat",
    "meta-llama/llama-3.2-1b-instruct", "meta-llama/llama-3.2-3b-instruct",
    "mistralai/mistral-7b-instruct-v0.3",
    "mistralai/mixtral-8x7b-instruct-v0.1", "qwen/qwen2.5-7b-instruct", "qwen/qwen2.5-14b-instruct",
    "qwen/qwen2.5-32b-instruct", "qwen/qwen2.5-72b-instruct", "qwen/qwen2.5-coder-7b-instruct",
    "qwen/qwen2.5-coder-32b-instruct", "qwen/qwen3-8b", "qwen/qwen3-14b", "qwen/qwen3-32b",
    "qwen/qwen3-30b-a3b", "google/gemma-2-9b-it", "google/gemma-2-27b-it",
]


def test_size_and_required_models() -> None:
    assert len(CAT.models) >= 80
    assert len(CAT.hardware) >= 40
    missing = [mid for mid in REQUIRED if mid not in CAT.models]
    assert missing == []
    assert check_catalog(CAT, "bundled") == []


def test_every_fact_has_source_and_date() -> None:
    for m in CAT.models.values():
        groups = [m.facts, *m.languages, *m.evidence, *m.artifacts, *m.offerings]
        if m.architecture:
            groups.append(m.architecture)
        for g in groups:
            assert g.source.strip(), m.id
            assert g.as_of.year >= 2023, m.id
    for h in CAT.hardware.values():
        assert h.source.strip()


def test_every_model_has_a_licence_and_open_models_can_be_estimated() -> None:
    for m in CAT.models.values():
        assert m.license in CAT.licenses
        if m.open_weights:
            fp = footprint(m)
            assert fp.kv_bytes(8192, 2.0) > 0 or fp.linear_layers, m.id


def test_prices_are_per_million_tokens() -> None:
    for m in CAT.models.values():
        for o in m.offerings:
            assert 0 <= o.price_input_usd_per_mtok <= 1000, (m.id, o.provider)
            assert 0 <= o.price_output_usd_per_mtok <= 1000, (m.id, o.provider)
            assert o.price_input_usd_per_mtok + o.price_output_usd_per_mtok > 0.001, (m.id, o.provider)


SHARED = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data not beside the checkout")
def test_committed_catalog_is_the_build_output() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_catalog.py"), "--check",
                           "--shared", str(SHARED)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_bad_curated_file_reports_one_line_per_problem(tmp_path: Path) -> None:
    import shutil  # noqa: PLC0415

    cur = tmp_path / "curated"
    shutil.copytree(ROOT / "curated", cur)
    (cur / "models" / "bad.toml").write_text(
        '[[model]]\nid = "x/y"\nname = "Y"\nfamily = "y"\nvendor = "x"\nopen_weights = false\n'
        'license = "no-such"\nlayerz = 3\n[model.facts]\nsource = "s"\nas_of = 2026-01-01\n')
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_catalog.py"), "--curated", str(cur),
                           "--out", str(tmp_path / "out"), "--shared", str(SHARED)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert any("layerz: is not a known field" in line for line in lines)
    assert lines[-1].startswith("build_catalog: ")
    assert not (tmp_path / "out").exists()
