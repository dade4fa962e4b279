"""GUI parity (#21 item 3): every `advisor recommend` option has a field in the window, and every
field round-trips through ConstraintsPanel.constraints() / set_constraints()."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import Catalog
from advisor.cli.app import build_parser
from advisor.cli.options import constraints_from_args
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

SAMPLES: dict[str, list[str]] = {
    "hardware": ["--hardware", "rtx-4090"],
    "gpu_count": ["--hardware", "rtx-4090", "--gpu-count", "2"],
    "vram_gb": ["--vram-gb", "12", "--bandwidth-gbs", "360"],
    "bandwidth_gbs": ["--vram-gb", "16", "--bandwidth-gbs", "448"],
    "ram_gb": ["--vram-gb", "12", "--bandwidth-gbs", "360", "--ram-gb", "64"],
    "ram_bandwidth_gbs": ["--vram-gb", "12", "--bandwidth-gbs", "360", "--ram-gb", "64",
                          "--ram-bandwidth-gbs", "90"],
    "ram_measured_gbs": ["--vram-gb", "12", "--bandwidth-gbs", "360", "--ram-gb", "64",
                         "--ram-bandwidth-gbs", "90", "--ram-measured-gbs", "78.5"],
    "unified_memory_gb": ["--unified-memory-gb", "64", "--bandwidth-gbs", "400"],
    "cpu_only": ["--cpu-only", "--ram-gb", "64", "--ram-bandwidth-gbs", "90"],
    "deployment": ["--deployment", "api"],
    "data_must_stay_local": ["--data-must-stay-local"],
    "budget_usd_month": ["--budget-usd-month", "250"],
    "tokens_month": ["--tokens-month", "42000000"],
    "output_share": ["--output-share", "0.4"],
    "reasoning_overhead": ["--reasoning-overhead", "2.5"],
    "cached_input_share": ["--cached-input-share", "0.3"],
    "batch": ["--batch"],
    "language": ["--language", "de"],
    "nice_language": ["--nice-language", "de"],
    "license": ["--license", "permissive"],
    "allow_license": ["--allow-license", "llama3.1"],
    "deny_license": ["--deny-license", "llama4"],
    "commercial": ["--commercial"],
    "task": ["--task", "coding=2", "--task", "reasoning=1.5"],
    "min_context": ["--min-context", "65536"],
    "min_tokens_per_s": ["--min-tokens-per-s", "20"],
    "min_usable_tokens_per_s": ["--min-usable-tokens-per-s", "8"],
    "exclude_vendor": ["--exclude-vendor", "meta"],
    "exclude_country": ["--exclude-country", "CN"],
    "require_modality": ["--require-modality", "audio", "--require-modality", "image"],
    "allowed_region": ["--allowed-region", "EU"],
    "no_training": ["--no-training"],
    "documented_only": ["--documented-only"],
    "profile": ["--profile", "quality"],
    "concurrency": ["--concurrency", "4"],
    "kv_cache_type": ["--kv-cache", "q8_0"],
    "hours_per_month": ["--hours-per-month", "200"],
    "max_machines": ["--max-machines", "2"],
    "electricity_usd_kwh": ["--electricity-usd-kwh", "0.3"],
    "electricity_region": ["--electricity-region", "DE"],
    "amortize_months": ["--amortize-months", "24"],
    "sensitive_share": ["--sensitive-share", "0.2"],
    "top": ["--top", "25"],
}
"""For each `recommend` flag that sets a constraint: an example use, which the window must be able
to show and read back from its fields alone."""
ELSEWHERE = {
    "detect": "the hardware box's Detect button (HardwareBox.detect)",
    "scenario": "File > Open scenario… (ScenarioFiles.open)",
    "format": "File > Export report…: the format follows the file name (ReportExporter)",
    "output": "File > Export report… (ReportExporter)",
    "paper": "File > Export report…: PDFs on the locale's paper (ReportExporter.export_to)",
    "installed_only": "More > 'Only models installed on this computer' (MoreGroup.installed_only)",
    "folder": "More > 'Also look in' GGUF folders (MoreGroup.folders)",
}
"""`recommend` flags that are not constraints, and where the window has them."""


EVERYTHING = Constraints(
    deployment=Deployment.API, data_must_stay_local=False, allowed_regions=("EU", "US"),
    no_training_on_data=True, budget_usd_month=250.0, tokens_per_month=42_000_000, output_share=0.4,
    reasoning_overhead=2.5, languages=(LanguageNeed(code="en", required=False), LanguageNeed(code="de")),
    license_policy=LicensePolicy.OPEN_WEIGHTS, allow_licenses=("llama3.1",), deny_licenses=("llama4",),
    commercial_use_required=True, tasks={Task.CODING: 2.0, Task.REASONING: 1.5},
    min_context_tokens=65_536, min_tokens_per_s=20.0, min_usable_tokens_per_s=8.0, cached_input_share=0.3,
    batch=True, documented_only=True, exclude_vendors=("meta",), exclude_countries=("CN",),
    required_modalities=("audio", "image", "pdf"), profile=Profile.QUALITY, top_n=25, concurrency=4,
    hours_per_month=200.0, max_machines=2, electricity_usd_kwh=0.3, electricity_region="DE",
    amortize_months=24, kv_cache_type="q4_0",
    sensitive_share=0.2)


@pytest.fixture
def panel(qtbot: QtBot, bundled: Catalog) -> ConstraintsPanel:
    widget = ConstraintsPanel(bundled.hardware.values(), ["en", "de"], Background(),
                              lambda: pytest.fail("no detection"))
    qtbot.addWidget(widget)
    return widget


def _recommend_parser() -> argparse.ArgumentParser:
    """The real `advisor recommend` parser, with every flag any module adds to it."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser: argparse.ArgumentParser = sub.choices["recommend"]
    return parser


def _from_fields(panel: ConstraintsPanel) -> Constraints:
    """What the window's fields alone say: without the loaded scenario underneath, so a constraint
    that no field shows comes back as its default."""
    panel._base = Constraints()
    return panel.constraints()


def test_every_recommend_flag_is_in_the_window() -> None:
    dests = {a.dest for a in _recommend_parser()._actions if a.dest != "help"}
    missing = dests - set(SAMPLES) - set(ELSEWHERE)
    assert not missing, f"recommend flags without a window field (or a test sample): {missing}"
    assert set(SAMPLES) | set(ELSEWHERE) <= dests  # no stale entry


@pytest.mark.parametrize("dest", sorted(SAMPLES))
def test_a_flag_and_its_field_set_the_same_constraints(panel: ConstraintsPanel, bundled: Catalog,
                                                       dest: str) -> None:
    args = _recommend_parser().parse_args(SAMPLES[dest])
    cli = constraints_from_args(args, bundled)
    assert cli != Constraints(), f"the sample for --{dest} changes nothing"
    panel.set_constraints(cli)
    shown = _from_fields(panel)
    assert shown.model_dump(exclude={"hardware"}) == cli.model_dump(exclude={"hardware"}), (
        f"--{dest}: the window shows something else")
    if cli.hardware is None:  # no hardware flag: the window's "Hosted APIs only", nothing local
        assert not shown.local_allowed
    else:
        assert shown.hardware == cli.hardware, f"--{dest}: the window shows other hardware"


def test_the_folders_field_is_what_folder_flags_name(panel: ConstraintsPanel, tmp_path: Path) -> None:
    args = _recommend_parser().parse_args(["--folder", str(tmp_path), "--folder", "/srv/models"])
    panel.more.folders.setText(f"{tmp_path}, /srv/models")
    assert panel.more.gguf_folders() == [Path(f) for f in args.folder]
    assert panel.more.installed_only.isChecked() is bool(args.installed_only)


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


def test_a_loaded_machine_keeps_what_the_fields_do_not_show(qtbot: QtBot, bundled: Catalog) -> None:
    """A scenario's machine (as the command line reads it) carries its power draw, which no field
    shows: the window must rank with it while the fields are left alone, or its local plans lose
    their electricity bill ('unknown' where the CLI says $4.99). Editing a number makes it a custom
    machine of those numbers."""
    box = HardwareBox(bundled.hardware.values(), Background(), lambda: pytest.fail("no detection"))
    qtbot.addWidget(box)
    saved = HardwareProfile.model_validate({
        "name": "My RTX 4090 box", "ram_gb": 64, "power_watts": 450,
        "gpu": {"name": "NVIDIA GeForce RTX 4090", "memory_gb": 24, "bandwidth_gbs": 1008}})
    box.set_profile(saved)
    assert box.profile() == saved
    box.vram.setValue(box.vram.value() + 1)
    edited = box.profile()
    assert edited is not None
    assert edited.power_watts is None
    assert edited.name == "Custom GPU"
    box.vram.setValue(box.vram.value() - 1)
    assert box.profile() == saved  # the fields say what they said when it was loaded
    preset = bundled.hardware["rtx-4090"]
    box.apply_preset(preset)
    chosen = box.profile()
    assert chosen is not None
    assert chosen.power_watts == profile_from_preset(preset).power_watts  # the preset's own, from now on
