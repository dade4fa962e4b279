"""A scenario file: a named set of constraints, saved atomically, versioned and migrated, and read
back through the shared capped read with one problem per bad field (`ScenarioError`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from advisor.catalog.errors import CatalogError, ScenarioError, problems_from_validation
from advisor.catalog.schema import Frozen
from advisor.catalog.store import dump_json, read_json_file
from advisor.recommend.constraints import Constraints
from advisor.storage.atomic import atomic_write_text
from advisor.storage.migrations import migrate, register
from advisor.storage.problems import MigrationError

SCENARIO_KIND = "model-advisor-scenario"
SCENARIO_VERSION = 3
"""Version of the scenario file. 2 added cached_input_share, batch, min_usable_tokens_per_s and
documented_only (a version-1 file reads as 0, off, the default floor and off: the same advice).
3 added concurrency, hours_per_month, max_machines, electricity_usd_kwh, electricity_region,
amortize_months and sensitive_share (a version-2 file reads as one stream, always on, one machine, the default
electricity price, no write-off and no sensitive share: the same advice)."""


class Scenario(Frozen):
    """A named set of constraints, as saved in a scenario file."""

    name: str = Field(default="Untitled scenario", max_length=200, description="Display name.")
    constraints: Constraints = Field(default_factory=Constraints, description="The constraints.")


def scenario_to_json(scenario: Scenario) -> dict[str, Any]:
    """The scenario file's JSON object."""
    return {"schema_version": SCENARIO_VERSION, "kind": SCENARIO_KIND,
            **scenario.model_dump(mode="json", exclude_defaults=False)}


@register(SCENARIO_KIND, 1)
def _scenario_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 added the bill's cache share and batch switch, the usability floor and
    documented-only; a version-1 scenario meant none of them, which is what their defaults say."""
    return dict(data)


@register(SCENARIO_KIND, 2)
def _scenario_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 added serving and cost-of-ownership fields; their defaults give version 2's advice."""
    return dict(data)


def parse_scenario(raw: object, file: str) -> Scenario:
    """Validate a scenario object; raise `ScenarioError` with one problem per bad field."""
    try:
        data = migrate(raw, file, SCENARIO_KIND, target=SCENARIO_VERSION)
        body = {k: v for k, v in data.items() if k not in {"schema_version", "kind"}}
        return Scenario.model_validate(body)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, file, None)) from exc
    except MigrationError as exc:  # the shared file machinery (migrations) words its problems
        raise ScenarioError(exc.problems) from exc


def load_scenario(path: Path) -> Scenario:
    """Read a scenario file; raise `ScenarioError` when it cannot be read or used."""
    try:
        raw = read_json_file(path)
    except CatalogError as exc:  # capped read and JSON parse, shared with catalog files
        raise ScenarioError(exc.problems) from exc
    return parse_scenario(raw, str(path))


def save_scenario(scenario: Scenario, path: Path) -> None:
    """Write a scenario file atomically."""
    atomic_write_text(path, dump_json(scenario_to_json(scenario)))


__all__ = [
    "SCENARIO_VERSION",
    "Scenario",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
    "scenario_to_json",
]
