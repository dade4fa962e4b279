"""scripts/build_catalog.py: deterministic output, one line per problem, --check on the committed tree."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = next((p for p in (ROOT.parent / "shared" / "data", Path("/work/shared/data")) if p.is_dir()), None)
needs_shared = pytest.mark.skipif(SHARED is None, reason="shared/data not beside the checkout")


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_catalog", ROOT / "scripts" / "build_catalog.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_catalog"] = module
    spec.loader.exec_module(module)
    return module


build_catalog = _load_script()


def _run(cur: Path, out: Path, shared: Path) -> int:
    return int(build_catalog.main(["--curated", str(cur), "--out", str(out), "--shared", str(shared)]))


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.json"))}


def _minimal_curated(tmp_path: Path) -> Path:
    """A tiny curated tree that needs no shared data."""
    cur = tmp_path / "curated"
    (cur / "licenses").mkdir(parents=True)
    (cur / "models").mkdir()
    shutil.copy(ROOT / "curated" / "meta.toml", cur / "meta.toml")
    shutil.copy(ROOT / "curated" / "licenses" / "Apache-2.0.toml", cur / "licenses")
    (cur / "models" / "tiny.toml").write_text(
        '[defaults]\nvendor = "Example"\nlicense = "Apache-2.0"\nfamily = "tiny"\nopen_weights = true\n\n'
        '[[model]]\nid = "example/tiny-b"\nname = "Tiny B"\nhf_repo = "example/tiny-b"\n'
        'language_list = { level = "official", codes = ["en", "de"], source = "card", as_of = 2026-11-25 }\n'
        '[model.facts]\nsource = "card"\nas_of = 2026-11-25\n\n'
        '[[model]]\nid = "example/tiny-a"\nname = "Tiny A"\nhf_repo = "example/tiny-a"\n'
        '[model.facts]\nsource = "card"\nas_of = 2026-11-25\n',
        encoding="utf-8")
    return cur


def test_build_without_hardware_file_writes_an_empty_list(tmp_path: Path) -> None:
    cur = _minimal_curated(tmp_path)
    out = tmp_path / "out"
    assert _run(cur, out, tmp_path / "none") == 0
    assert (out / "hardware.json").read_text(encoding="utf-8").strip() == "[]"
    tiny = (out / "models" / "example" / "tiny-b.json").read_text(encoding="utf-8")
    assert '"code": "de"' in tiny  # language_list expanded
    assert '"family": "tiny"' in tiny  # [defaults] merged


def test_build_is_deterministic(tmp_path: Path) -> None:
    cur = ROOT / "curated" if SHARED is not None else _minimal_curated(tmp_path)
    shared = SHARED if SHARED is not None else tmp_path / "none"
    first, second = tmp_path / "first", tmp_path / "second"
    assert _run(cur, first, shared) == 0
    assert _run(cur, second, shared) == 0
    assert _tree(first) == _tree(second)
    assert _tree(first)  # something was written


def test_typo_and_missing_licence_print_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cur = _minimal_curated(tmp_path)
    (cur / "models" / "bad.toml").write_text(
        '[[model]]\nid = "x/y"\nname = "Y"\nfamily = "y"\nvendor = "x"\nopen_weights = true\n'
        'hf_repo = "x/y"\nlicense = "no-such-licence"\ncontex_window_tokens = 4096\n'
        '[model.facts]\nsource = "s"\nas_of = 2026-01-01\n', encoding="utf-8")
    out = tmp_path / "out"
    status = _run(cur, out, tmp_path / "none")
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert not out.exists()
    problems = lines[:-1]
    assert len(problems) == 1  # the typo stops validation of that entry, so the licence is never reached
    assert "bad.toml: model 'x/y': contex_window_tokens: is not a known field" in problems[0]
    assert lines[-1].startswith("build_catalog: 1 problem(s)")

    bad = cur / "models" / "bad.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("contex_", "context_"), encoding="utf-8")
    assert _run(cur, out, tmp_path / "none") == 1
    problems = capsys.readouterr().err.strip().splitlines()[:-1]
    assert problems == [f"{cur}: model 'x/y': license: refers to licence 'no-such-licence', "
                        "which is not in the catalog"]


def test_malformed_directive_is_a_problem_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cur = _minimal_curated(tmp_path)
    (cur / "models" / "bad.toml").write_text(
        '[default]\nvendor = "x"\n\n[[model]]\nid = "x/z"\nname = "Z"\nfamily = "z"\nvendor = "x"\n'
        'open_weights = true\nhf_repo = "x/z"\nlicense = "Apache-2.0"\n'
        'language_list = { level = "official", codes = ["en"] }\n'
        '[model.facts]\nsource = "s"\nas_of = 2026-01-01\n', encoding="utf-8")
    assert _run(cur, tmp_path / "o", tmp_path / "none") == 1
    problems = capsys.readouterr().err.strip().splitlines()[:-1]
    assert len(problems) == 2
    assert any("default: is not a known table" in p for p in problems)
    assert any("language_list: needs exactly level, codes, source and as_of" in p for p in problems)


def test_benchmark_aliases_map_to_accepted_names_only() -> None:
    from advisor.catalog.benchmarks import BENCHMARKS  # noqa: PLC0415

    for accepted, _version in build_catalog.BENCHMARK_ALIASES.values():
        assert accepted in BENCHMARKS
    assert build_catalog.benchmark_name("SWE-Bench Verified") == ("SWE-bench Verified", None)
    assert build_catalog.benchmark_name("GPQA Diamond") == ("GPQA Diamond", None)
    assert build_catalog.benchmark_name("Terminal-Bench Hard") is None
    assert build_catalog.benchmark_name("LiveCodeBench Pro") is None


@needs_shared
def test_check_passes_on_the_committed_tree(capsys: pytest.CaptureFixture[str]) -> None:
    status = build_catalog.main(["--check", "--shared", str(SHARED)])
    assert status == 0, capsys.readouterr().err


@needs_shared
def test_check_fails_when_the_tree_differs(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    shutil.copytree(ROOT / "resources" / "catalog", out)
    (out / "meta.json").write_text("{}\n", encoding="utf-8")
    assert build_catalog.main(["--check", "--shared", str(SHARED), "--out", str(out)]) == 1


def _with_offering(cur: Path, provider: str, model: str) -> None:
    (cur / "models" / "api.toml").write_text(
        '[[model]]\nid = "example/api"\nname = "API"\nfamily = "api"\nvendor = "Example"\n'
        'open_weights = false\nlicense = "Apache-2.0"\n'
        f'offerings_from = [{{ provider = "{provider}", model = "{model}", regions = ["US"] }}]\n'
        '[model.facts]\nsource = "card"\nas_of = 2026-11-25\n', encoding="utf-8")


@needs_shared
def test_offerings_take_the_newest_pinned_price_and_their_lifecycle(tmp_path: Path) -> None:
    import json  # noqa: PLC0415

    assert SHARED is not None
    cur = _minimal_curated(tmp_path)
    _with_offering(cur, "openai", "gpt-5.6")  # newer than both models.dev copies: model-prices only
    out = tmp_path / "out"
    assert _run(cur, out, SHARED) == 0
    (offer,) = json.loads((out / "models" / "example" / "api.json").read_text(encoding="utf-8"))["offerings"]
    snapshot = json.loads((SHARED / "model-prices-0.0.5" / "snapshot.json").read_text(encoding="utf-8"))
    rates = snapshot["prices"]["openai"]["gpt-5.6"]["standard"][-1]["rates"]
    assert (offer["price_input_usd_per_mtok"], offer["price_output_usd_per_mtok"]) == (rates["input"],
                                                                                        rates["output"])
    assert offer["as_of"] == "2026-10-26"
    assert offer["source"].startswith("model-prices 0.0.5")
    assert offer["regions"] == ["US"]
    assert offer.get("status", "active") == "active"
    _with_offering(cur, "openai", "o4-mini")  # shut down 2026-10-23 (LiteLLM deprecation_date)
    assert _run(cur, out, SHARED) == 0
    (offer,) = json.loads((out / "models" / "example" / "api.json").read_text(encoding="utf-8"))["offerings"]
    assert (offer["status"], offer["shutdown_date"]) == ("retired", "2026-10-23")
    assert "LiteLLM 1.110.2" in offer["lifecycle_source"]


@needs_shared
def test_a_source_that_is_not_the_pinned_version_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert SHARED is not None
    shared = tmp_path / "shared"
    (shared / "model-prices-0.0.5").mkdir(parents=True)
    (shared / "model-prices-0.0.5" / "snapshot.json").write_text('{"prices": {}}', encoding="utf-8")
    cur = _minimal_curated(tmp_path)
    assert _run(cur, tmp_path / "out", shared) == 1
    assert "is not the pinned version" in capsys.readouterr().err
