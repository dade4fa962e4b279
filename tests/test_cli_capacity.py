"""`advisor recommend` with the serving and cost-of-ownership flags, as a user types them."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_json_contract_of_a_team_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "--hardware", "a100-80gb-sxm", "--gpu-count", "2",
                       "--deployment", "local", "--concurrency", "20", "--min-context", "65536",
                       "--task", "coding", "--tokens-month", "300000000", "--hours-per-month", "200",
                       "--max-machines", "3", "--electricity-usd-kwh", "0.2", "--format", "json")
    assert code == 0
    data = json.loads(out)
    dep = data["recommendations"][0]["deployment"]
    assert dep["concurrency"] == 20
    assert dep["machines_needed"] <= 3
    assert dep["capacity_ok"] is True
    assert dep["busy_hours_per_month"] <= 3 * 200
    assert set(dep["cost_breakdown"]) == {"electricity", "hardware", "rent"}
    assert "break_even" in data  # null here: local only, no API plan to compare with
    assert data["constraints"]["hours_per_month"] == 200


def test_a_hybrid_plan_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "--hardware", "rtx-4090", "--sensitive-share", "0.4",
                       "--tokens-month", "50000000", "--top", "1000", "--format", "json")
    assert code == 0
    recs = json.loads(out)["recommendations"]
    hybrid = [r for r in recs if r["deployment"]["mode"] == "hybrid"]
    assert hybrid
    parts = hybrid[0]["deployment"]["parts"]
    assert [p["share"] for p in parts] == [0.4, 0.6]
    assert parts[0]["mode"] == "local"
    assert parts[1]["mode"] == "api"


@pytest.mark.parametrize(("flags", "message"), [
    (("--concurrency", "0"), "--concurrency must be at least 1"),
    (("--sensitive-share", "1.5"), "--sensitive-share must be"),
    (("--hours-per-month", "800"), "--hours-per-month must be"),
    (("--amortize-months", "0"), "--amortize-months must be at least 1"),
    (("--deployment", "rented"), "--deployment rented needs the GPU to rent"),
])
def test_bad_serving_flags_are_clear_errors(capsys: pytest.CaptureFixture[str], flags: tuple[str, ...],
                                            message: str) -> None:
    code, _, err = run(capsys, "recommend", *flags)
    assert code == 1
    assert message in err
    assert "Traceback" not in err
