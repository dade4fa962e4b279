"""GUI parity (#21 item 3): every `advisor recommend` option has a field in the window, and every
field round-trips through ConstraintsPanel.constraints() / set_constraints()."""

from __future__ import annotations

import argparse

import pytest
from pytestqt.qtbot import QtBot

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import Catalog
from advisor.cli.flags import add_recommend_flags
from advisor.hardware.profile import HardwareProfile, profile_from_preset
from advisor.recommend.constraints import (
    Constraints,
    Deployment,
    LanguageNeed,
    LicensePolicy,
    Profile,
)
from advisor.ui.background import Background
from advisor.ui.constraints_panel import ConstraintsPanel
from advisor.ui.hardware_box import HardwareBox, HardwareMode

HARDWARE_FLAGS = {"hardware", "gpu_count", "vram_gb", "bandwidth_gbs", "ram_gb", "ram_bandwidth_gbs",
                  "unified_memory_gb", "cpu_only", "detect"}
"""The hardware box's fields (kind, preset, count, memory, bandwidth, RAM, Detect)."""
FLAG_FIELDS = {"tokens_month": "tokens_per_month", "language": "languages", "nice_language": "languages",
               "license": "license_policy", "allow_license": "allow_licenses",
               "deny_license": "deny_licenses", "commercial": "commercial_use_required", "task": "tasks",
               "min_context": "min_context_tokens", "exclude_vendor": "exclude_vendors",
               "exclude_country": "exclude_countries", "require_modality": "required_modalities",
               "allowed_region": "allowed_regions", "no_training": "no_training_on_data", "top": "top_n"}
"""Flags whose constraints field has another name."""
NOT_CONSTRAINTS = {"scenario"}  # File → Open scenario…

EVERYTHING = Constraints(
    deployment=Deployment.API, data_must_stay_local=False, allowed_regions=("EU", "US"),
    no_training_on_data=True, budget_usd_month=250.0, tokens_per_month=42_000_000, output_share=0.4,
    reasoning_overhead=2.5, languages=(LanguageNeed(code="en", required=False), LanguageNeed(code="de")),
    license_policy=LicensePolicy.OPEN_WEIGHTS, allow_licenses=("llama3.1",), deny_licenses=("gpl-3.0",),
    commercial_use_required=True, tasks={Task.CODING: 2.0, Task.REASONING: 1.5},
    min_context_tokens=65_536, min_tokens_per_s=20.0, min_usable_tokens_per_s=8.0, cached_input_share=0.3,
    batch=True, documented_only=True, exclude_vendors=("meta",), exclude_countries=("CN",),
    required_modalities=("audio", "image", "pdf"), profile=Profile.QUALITY, top_n=25, concurrency=4,
    hours_per_month=200.0, max_machines=2, electricity_usd_kwh=0.3, electricity_region="DE",
    amortize_months=24,
    sensitive_share=0.2)


@pytest.fixture
def panel(qtbot: QtBot, bundled: Catalog) -> ConstraintsPanel:
    widget = ConstraintsPanel(bundled.hardware.values(), ["en", "de"], Background(),
                              lambda: pytest.fail("no detection"))
    qtbot.addWidget(widget)
    return widget


def _recommend_flags() -> set[str]:
    parser = argparse.ArgumentParser()
    add_recommend_flags(parser)
    return {a.dest for a in parser._actions if a.dest != "help"}


def test_every_recommend_flag_has_a_field(panel: ConstraintsPanel) -> None:
    fields = set(Constraints.model_fields)
    for dest in _recommend_flags() - HARDWARE_FLAGS - NOT_CONSTRAINTS:
        assert FLAG_FIELDS.get(dest, dest) in fields, f"--{dest.replace('_', '-')} has no constraints field"
    # Every field a flag sets is shown and read back by the panel (the next test), so a new flag
    # without a widget fails here.
    covered = {FLAG_FIELDS.get(d, d) for d in _recommend_flags()} & fields
    assert covered <= set(EVERYTHING.model_fields_set) | {"hardware", "data_must_stay_local"}


def test_every_field_round_trips(panel: ConstraintsPanel) -> None:
    panel.set_constraints(EVERYTHING)
    shown = panel.constraints()
    assert shown.model_dump(exclude={"hardware"}) == EVERYTHING.model_dump(exclude={"hardware"})
    local = Constraints(data_must_stay_local=True, reasoning_overhead=None, allowed_regions=())
    panel.set_constraints(local)
    assert panel.constraints().model_dump(exclude={"hardware"}) == local.model_dump(exclude={"hardware"})


def test_the_more_section_folds_and_opens_for_a_scenario_that_uses_it(panel: ConstraintsPanel) -> None:
    panel.set_constraints(Constraints())
    assert not panel.more.body.isVisibleTo(panel)
    panel.set_constraints(Constraints(allowed_regions=("EU",)))
    assert panel.more.body.isVisibleTo(panel)
    panel.more.set_expanded(False)
    assert not panel.more.body.isVisibleTo(panel)


def test_advanced_fields_have_the_schema_tooltips(panel: ConstraintsPanel) -> None:
    more = panel.more
    for widget, field in ((more.regions, "allowed_regions"), (more.allow, "allow_licenses"),
                          (more.deny, "deny_licenses"), (more.overhead, "reasoning_overhead"),
                          (more.top_n, "top_n"), (more.modalities["audio"], "required_modalities")):
        description = Constraints.model_fields[field].description
        assert description
        assert description in widget.toolTip()
    share = HardwareProfile.model_fields["usable_gpu_share"].description
    assert share
    assert share in panel.hardware.gpu_share.toolTip()


def test_editing_an_advanced_field_is_a_change(qtbot: QtBot, panel: ConstraintsPanel) -> None:
    panel.set_constraints(Constraints())
    panel.more.set_expanded(True)
    with qtbot.waitSignal(panel.changed):
        panel.more.overhead_set.setChecked(True)
    with qtbot.waitSignal(panel.changed):
        panel.more.overhead.setValue(3.0)
    assert panel.constraints().reasoning_overhead == 3.0
    with qtbot.waitSignal(panel.changed):
        panel.more.modalities["video"].setChecked(True)
    assert "video" in panel.constraints().required_modalities


def test_unified_memory_gpu_share_round_trips(qtbot: QtBot, bundled: Catalog) -> None:
    box = HardwareBox(bundled.hardware.values(), Background(), lambda: pytest.fail("no detection"))
    qtbot.addWidget(box)
    preset = next(p for p in bundled.hardware.values() if p.unified_memory)
    profile = profile_from_preset(preset).model_copy(update={"usable_gpu_share": 0.6})
    box.set_profile(profile)
    assert box.current_mode() is HardwareMode.UNIFIED
    assert box.gpu_share.isEnabled()
    shown = box.profile()
    assert shown is not None
    assert shown.usable_gpu_share == pytest.approx(0.6)
    with qtbot.waitSignal(box.changed):
        box.gpu_share.setValue(90)
    edited = box.profile()
    assert edited is not None
    assert edited.usable_gpu_share == pytest.approx(0.9)
    assert edited.gpu_memory_gb == pytest.approx(shown.gpu_memory_gb * 0.9 / 0.6)
    box.apply_preset(bundled.hardware["rtx-4090"])
    assert not box.gpu_share.isEnabled()  # a discrete GPU has its own memory
