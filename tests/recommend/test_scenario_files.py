"""Scenario files: saved, reopened, versioned, and refused with clear messages when bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.catalog.benchmarks import Task
from advisor.catalog.errors import CatalogError, ScenarioError
from advisor.errors import AdvisorError
from advisor.hardware.profile import Accelerator, HardwareProfile
from advisor.recommend.constraints import Constraints, LanguageNeed
from advisor.recommend.scenario import SCENARIO_VERSION, Scenario, load_scenario, save_scenario


def test_round_trip(tmp_path: Path) -> None:
    gpu = Accelerator(name="RTX 4090", memory_gb=24, bandwidth_gbs=1008, count=2)
    scenario = Scenario(name="Team coding box", constraints=Constraints(
        hardware=HardwareProfile(gpu=gpu, ram_gb=64), budget_usd_month=120,
        languages=(LanguageNeed(code="de"), LanguageNeed(code="fr", required=False)),
        tasks={Task.CODING: 2.0, Task.CHAT: 0.5}))
    path = tmp_path / "s.json"
    save_scenario(scenario, path)
    assert json.loads(path.read_text())["schema_version"] == SCENARIO_VERSION
    assert load_scenario(path) == scenario


def test_typo_is_an_error_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"schema_version": 1, "kind": "model-advisor-scenario",
                                "constraints": {"budjet_usd_month": 5}}))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "constraints.budjet_usd_month: is not a known field" in str(info.value)


def test_an_unreadable_scenario_is_a_scenario_error_that_old_callers_still_catch(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{not json")
    with pytest.raises(ScenarioError, match=r"s\.json") as info:
        load_scenario(path)
    assert isinstance(info.value, CatalogError)  # the window's `except CatalogError` still works
    assert isinstance(info.value, AdvisorError)
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "missing.json")


def test_wrong_kind_and_future_version_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"schema_version": 1, "kind": "model-advisor-overlay"}))
    with pytest.raises(ScenarioError, match="kind"):
        load_scenario(path)
    path.write_text(json.dumps({"schema_version": 7, "kind": "model-advisor-scenario"}))
    with pytest.raises(ScenarioError, match="newer than this program"):
        load_scenario(path)


def test_the_bill_and_terms_fields_are_saved_and_a_version_1_file_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    scenario = Scenario(name="Agents", constraints=Constraints(
        cached_input_share=0.9, batch=True, min_usable_tokens_per_s=8, documented_only=True))
    save_scenario(scenario, path)
    saved = json.loads(path.read_text())
    assert saved["schema_version"] == 3
    assert saved["constraints"]["cached_input_share"] == 0.9
    assert load_scenario(path) == scenario
    # Written before version 2: no cache share, no batch, the default floor, unknowns kept.
    path.write_text(json.dumps({"schema_version": 1, "kind": "model-advisor-scenario", "name": "Old",
                                "constraints": {"budget_usd_month": 200}}))
    old = load_scenario(path).constraints
    assert (old.cached_input_share, old.batch, old.min_usable_tokens_per_s, old.documented_only) == (
        0.0, False, None, False)
    assert old.budget_usd_month == 200


def test_serving_and_cost_fields_are_saved_and_a_version_2_file_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    scenario = Scenario(name="Team", constraints=Constraints(
        concurrency=20, hours_per_month=200, max_machines=3, electricity_usd_kwh=0.31, amortize_months=36,
        sensitive_share=0.4))
    save_scenario(scenario, path)
    saved = json.loads(path.read_text())
    assert saved["constraints"]["concurrency"] == 20
    assert saved["constraints"]["sensitive_share"] == 0.4
    assert load_scenario(path) == scenario
    path.write_text(json.dumps({"schema_version": 2, "kind": "model-advisor-scenario", "name": "Old",
                                "constraints": {"budget_usd_month": 50, "batch": True}}))
    old = load_scenario(path).constraints
    assert (old.concurrency, old.hours_per_month, old.max_machines, old.electricity_usd_kwh,
            old.amortize_months, old.sensitive_share) == (1, 730.0, 1, None, None, 0.0)
    assert old.batch
    assert old.budget_usd_month == 50
