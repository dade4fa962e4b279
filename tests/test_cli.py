"""The command line as a user meets it: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from advisor import __version__
from advisor.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_catalog_list_json_has_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog", "list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list)
    assert rows
    for row in rows:
        assert {"id", "name", "open_weights", "license"} <= row.keys()


def test_catalog_show_unknown_id_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "catalog", "show", "nobody/nothing")
    assert code == 1
    assert err.startswith("advisor: error: no model with id 'nobody/nothing'")
    assert "Traceback" not in err


def test_catalog_validate_bundled_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog", "validate")
    assert code == 0
    assert "valid" in out


def test_catalog_validate_bad_file_exit_1_one_line_per_problem(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": 1, "kind": "model-advisor-catalog", "meta": '
                    '{"version": "x", "as_of": "2026-01-01"}, "models": [{"id": "Bad Id"}]}')
    code, _out, err = run(capsys, "catalog", "validate", str(path))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[-1] == f"advisor: error: {len(lines) - 1} problem(s) found"
    assert all(line.startswith(f"{path}: model 'Bad Id': ") for line in lines[:-1])
    assert any(": id: must be a lower-case 'vendor/name' id" in line for line in lines)


def test_catalog_validate_unreadable_json(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    code, _, err = run(capsys, "catalog", "validate", str(path))
    assert code == 1
    assert f"{path}: is not valid JSON" in err


def test_catalog_path_honours_advisor_home(capsys: pytest.CaptureFixture[str],
                                           advisor_home: Path) -> None:
    code, out, _ = run(capsys, "catalog", "path", "--format", "json")
    assert code == 0
    info = json.loads(out)
    assert all(value.startswith(str(advisor_home)) for value in info.values())


def test_bad_usage_exits_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "advisor", "catalog", "frobnicate"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_estimate_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "--model", "meta-llama/llama-3.1-8b-instruct",
                       "--hardware", "rtx-4090", "--context", "8192", "--format", "json")
    assert code == 0
    data = json.loads(out)
    for key in ("model_id", "quantization", "context", "weights_gb", "kv_cache_gb", "overhead_gb",
                "total_gb", "placement", "gpu_layers", "total_layers", "decode_tokens_per_s",
                "prefill_tokens_per_s", "assumptions"):
        assert key in data
    assert data["placement"] == "gpu"
    assert set(data["decode_tokens_per_s"]) == {"low", "expected", "high"}


def test_recommend_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "--vram-gb", "24", "--bandwidth-gbs", "1008",
                       "--task", "coding=2", "--language", "en", "--top", "3", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"catalog", "constraints", "recommendations", "excluded", "counterfactuals"}
    rec = data["recommendations"][0]
    assert set(rec) >= {"rank", "model_id", "name", "score", "score_breakdown", "deployment", "license",
                        "explanation"}
    assert set(rec["score_breakdown"]) == {"quality", "cost", "speed", "fit", "context", "language",
                                           "license", "maturity"}
    assert set(rec["deployment"]) >= {"mode", "quantization", "provider", "memory_gb",
                                      "decode_tokens_per_s", "monthly_cost_usd"}


def test_recommend_kv_cache_sizes_local_plans_and_the_json_says_how(
        capsys: pytest.CaptureFixture[str]) -> None:
    args = ("recommend", "--hardware", "rtx-4090", "--deployment", "local", "--min-context", "65536",
            "--top", "5", "--format", "json")
    plans = {}
    for kv in ("f16", "q8_0"):
        code, out, _ = run(capsys, *args, "--kv-cache", kv)
        assert code == 0
        data = json.loads(out)
        assert data["constraints"]["kv_cache_type"] == kv
        plans[kv] = {r["model_id"]: r["deployment"] for r in data["recommendations"]}
    for kv, deps in plans.items():
        for dep in deps.values():
            assert dep["weights_gb"] > 0, kv
            assert dep["kv_cache_gb"] > 0, kv
            assert dep["weights_gb"] + dep["kv_cache_gb"] <= dep["memory_gb"] + 0.02
    same = [m for m in plans["f16"] if m in plans["q8_0"]
            and plans["f16"][m]["quantization"] == plans["q8_0"][m]["quantization"]]
    assert same
    for m in same:  # q8_0 stores 8.5 bits an element (34 bytes per 32), f16 16: about half
        f16, q8 = plans["f16"][m]["kv_cache_gb"], plans["q8_0"][m]["kv_cache_gb"]
        assert 8.5 / 16 * f16 - 0.01 <= q8 <= 0.6 * f16
    with pytest.raises(SystemExit) as info:
        main(["recommend", "--kv-cache", "q2"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_recommend_bad_flag_values_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "recommend", "--hardware", "no-such-gpu")
    assert code == 1
    assert err.startswith("advisor: error: no hardware preset 'no-such-gpu'")
    code, _, err = run(capsys, "recommend", "--language", "vietnamese")
    assert code == 1
    assert "two-letter ISO 639-1" in err
    code, _, err = run(capsys, "recommend", "--output-share", "3")
    assert code == 1
    assert "output_share" in err


def test_recommend_writes_reports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for ext in ("html", "md", "csv", "json"):
        out = tmp_path / f"r.{ext}"
        code, _, _ = run(capsys, "recommend", "--deployment", "api", "--output", str(out))
        assert code == 0
        assert out.stat().st_size > 200


def test_recommend_pdf_without_qt_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "advisor.ui.pdf", None)  # what an install without PySide6 sees
    code, _, err = run(capsys, "recommend", "--deployment", "api", "--output", str(tmp_path / "r.pdf"))
    assert code == 1
    assert "PDF reports need PySide6" in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_every_user_error_is_one_line_but_a_bug_is_a_traceback(capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.cli import app as cli  # noqa: PLC0415
    from advisor.errors import AdvisorError  # noqa: PLC0415
    from advisor.estimate import EstimateError  # noqa: PLC0415
    from advisor.report import ReportError  # noqa: PLC0415

    for error in (EstimateError("the model has no parameter count"), ReportError("no such paper")):
        assert isinstance(error, AdvisorError)
        assert not isinstance(error, ValueError)  # so `except ValueError` cannot hide a bug again

        def fails(_args: object, error: Exception = error) -> int:
            raise error

        monkeypatch.setattr(cli, "cmd_recommend", fails)
        code, _, err = run(capsys, "recommend")
        assert (code, err) == (1, f"advisor: error: {error}\n")

    def bug(_args: object) -> int:
        raise ValueError("a genuine bug")

    monkeypatch.setattr(cli, "cmd_recommend", bug)
    with pytest.raises(ValueError, match="a genuine bug"):
        main(["recommend"])


def test_flag_choices_match_the_core() -> None:
    from advisor.catalog.benchmarks import Task  # noqa: PLC0415
    from advisor.cli import flags as cli_flags  # noqa: PLC0415
    from advisor.recommend.constraints import (  # noqa: PLC0415
        Constraints,
        Deployment,
        LicensePolicy,
        Profile,
    )

    assert [d.value for d in Deployment] == cli_flags.DEPLOYMENTS
    assert [p.value for p in LicensePolicy] == cli_flags.LICENSE_POLICIES
    assert [p.value for p in Profile] == cli_flags.PROFILES
    assert [t.value for t in Task] == cli_flags.TASKS
    kv = Constraints.model_fields["kv_cache_type"].annotation
    assert list(typing.get_args(kv)) == cli_flags.KV_CACHE_TYPES


def test_version_does_not_import_the_core() -> None:
    code = ("import sys; from advisor.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'PySide6'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().endswith("[]")


def test_file_names_the_os_refuses_are_clear_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by bench/fuzz_loaders.py: a NUL byte in a file name raised ValueError with a traceback."""
    monkeypatch.setenv("ADVISOR_HOME", str(tmp_path))
    for argv in (["catalog", "validate", "a\x00b"], ["catalog", "import", "x\x00.csv"],
                 ["catalog", "export", "x\x00.json"], ["recommend", "--scenario", "s\x00.json"],
                 ["recommend", "--output", "r\x00.html"]):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert "null byte" in err


def test_catalog_show_json_has_lifecycle_and_language_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog", "show", "openai/o4-mini", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"languages", "languages_known", "superseded_by"} <= data.keys()
    assert isinstance(data["languages_known"], bool)
    assert data["languages_known"] == bool(data["languages"])
    by_provider = {o["provider"]: o for o in data["offerings"]}
    for offering in data["offerings"]:
        assert {"status", "shutdown_date"} <= offering.keys()
    # OpenAI shut o4-mini down on 2026-10-23 (LiteLLM 1.110.2 deprecation_date, model-prices status).
    assert by_provider["openai"]["status"] == "retired"
    assert by_provider["openai"]["shutdown_date"] == "2026-10-23"


def test_catalog_list_leaves_retired_api_models_out_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "catalog", "list", "--format", "json")
    default = {r["id"]: r for r in json.loads(out)}
    _, out, _ = run(capsys, "catalog", "list", "--format", "json", "--include-retired")
    everything = {r["id"]: r for r in json.loads(out)}
    retired = set(everything) - set(default)
    assert "openai/o4-mini" in retired
    assert all(everything[mid]["retired"] and not everything[mid]["open_weights"] for mid in retired)
    assert not any(r["retired"] for r in default.values())


def test_recommend_bill_and_terms_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "--deployment", "api", "--task", "chat",
                       "--cached-input-share", "0.5", "--batch", "--min-usable-tokens-per-s", "8",
                       "--documented-only", "--no-training", "--top", "3", "--format", "json")
    assert code == 0
    data = json.loads(out)
    c = data["constraints"]
    assert (c["cached_input_share"], c["batch"], c["min_usable_tokens_per_s"], c["documented_only"]) == (
        0.5, True, 8.0, True)
    for rec in data["recommendations"]:
        assert rec["deployment"]["thinking"] in {"on", "off", "always"}
        assert "api_tokens_per_s" in rec["deployment"]
    code, _, err = run(capsys, "recommend", "--cached-input-share", "1.5")
    assert code == 1
    assert err.startswith("advisor: error: --cached-input-share must be between 0 and 1")


def test_blas_runs_single_threaded_unless_the_user_says_otherwise(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import os  # noqa: PLC0415

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert main(["hardware", "list", "--format", "json"]) == 0
    capsys.readouterr()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "4"


def test_pydantic_plugins_are_off_unless_the_user_says_otherwise(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import os  # noqa: PLC0415

    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    assert main(["hardware", "list", "--format", "json"]) == 0
    capsys.readouterr()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "logfire")
    assert main(["hardware", "list", "--format", "json"]) == 0
    capsys.readouterr()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "logfire"
