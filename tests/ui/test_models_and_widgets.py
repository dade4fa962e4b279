"""Item models pass qtmodeltester; widgets round-trip values; catalog text never becomes markup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog
from advisor.cli import main
from advisor.hardware.profile import HardwareProfile, profile_from_preset
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.recommend.scenario import Scenario, save_scenario
from advisor.report.chart import chart_points
from advisor.storage.paths import UserPaths
from advisor.ui.background import Background
from advisor.ui.charts import QualityCostChart
from advisor.ui.compare_dialog import CompareModel
from advisor.ui.constraints_panel import ConstraintsPanel
from advisor.ui.explanation_pane import explanation_html
from advisor.ui.hardware_box import HardwareBox, HardwareMode
from advisor.ui.main_window import MainWindow
from advisor.ui.result_models import ExcludedModel, RankingModel
from advisor.ui.results_panel import banner_html
from advisor.ui.settings import WindowSettings, load_settings

HOSTILE = "<b>bold</b><img src='http://example.com/x.png'><a href='file:///etc'>x</a>"


@pytest.fixture(scope="module")
def result_4090(bundled: Catalog) -> RecommendationResult:
    hw = profile_from_preset(bundled.hardware["rtx-4090"]).model_copy(update={"ram_gb": 64.0})
    return recommend(bundled, Constraints(hardware=hw))


@pytest.fixture(scope="module")
def hostile_result(bundled: Catalog) -> RecommendationResult:
    models = dict(bundled.models)
    src = models["openai/gpt-4o-mini"]
    models["evil/x"] = src.model_copy(update={"id": "evil/x", "name": HOSTILE, "vendor": HOSTILE})
    cat = Catalog(meta=bundled.meta, models=models, licenses=bundled.licenses, hardware=bundled.hardware)
    return recommend(cat, Constraints(top_n=200))


def test_ranking_model_passes_modeltester(qtmodeltester: ModelTester,
                                          result_4090: RecommendationResult) -> None:
    model = RankingModel()
    model.set_rows(result_4090.recommendations)
    qtmodeltester.check(model)
    model.set_rows(result_4090.recommendations[:5])
    qtmodeltester.check(model)
    model.set_rows(())
    qtmodeltester.check(model)


def test_excluded_and_compare_models_pass_modeltester(qtmodeltester: ModelTester,
                                                      result_4090: RecommendationResult,
                                                      bundled: Catalog) -> None:
    excluded = ExcludedModel()
    excluded.set_rows(result_4090.excluded)
    qtmodeltester.check(excluded)
    recs = result_4090.recommendations[:3]
    qtmodeltester.check(CompareModel(recs, [bundled.models.get(r.model_id) for r in recs]))


def test_same_models_update_in_place(result_4090: RecommendationResult, qtbot: QtBot) -> None:
    model = RankingModel()
    model.set_rows(result_4090.recommendations)
    with qtbot.waitSignal(model.dataChanged, timeout=1000), \
            qtbot.assertNotEmitted(model.modelReset):
        model.set_rows(result_4090.recommendations)


def test_catalog_text_is_escaped_in_rich_text(hostile_result: RecommendationResult) -> None:
    rec = next(r for r in hostile_result.recommendations if r.model_id == "evil/x")
    page = explanation_html(rec, hostile_result)
    assert "<img" not in page
    assert "<a " not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    top = hostile_result.top
    assert top is not None
    forced = hostile_result.model_copy(update={"recommendations": (rec, *hostile_result.recommendations)})
    assert "<img" not in banner_html(forced)


def test_hostile_name_shows_literally_in_the_window(qtbot: QtBot, paths: UserPaths,
                                                    hostile_result: RecommendationResult) -> None:
    from advisor.ui.explanation_pane import ExplanationPane  # noqa: PLC0415

    pane = ExplanationPane()
    qtbot.addWidget(pane)
    rec = next(r for r in hostile_result.recommendations if r.model_id == "evil/x")
    pane.show_recommendation(rec, hostile_result)
    assert "<b>bold</b><img" in pane.toPlainText()
    assert "<img" not in pane.toHtml().replace("&lt;img", "")


def test_hardware_box_round_trips_each_kind(qtbot: QtBot, bundled: Catalog) -> None:
    box = HardwareBox(bundled.hardware.values(), Background(), lambda: pytest.fail("no detection"))
    qtbot.addWidget(box)
    for preset_id, count in (("rtx-4090", 2), ("apple-m1-max-64gb", 1)):
        profile = profile_from_preset(bundled.hardware[preset_id], gpu_count=count)
        box.set_profile(profile)
        shown = box.profile()
        assert shown is not None
        assert shown.gpu is not None
        assert profile.gpu is not None
        assert shown.gpu.memory_gb == profile.gpu.memory_gb
        assert shown.gpu.count == count
        assert shown.unified_memory == profile.unified_memory
        assert shown.gpu_memory_gb == pytest.approx(profile.gpu_memory_gb)
    sixteen = 16 * 2**30 / 1e9  # the fields show box sizes (GiB); profiles hold GB
    cpu = HardwareProfile(name="laptop", ram_gb=sixteen, ram_bandwidth_gbs=60)
    box.set_profile(cpu)
    assert box.current_mode() is HardwareMode.CPU
    assert box.ram.value() == 16
    assert box.profile() == cpu  # as loaded, while the fields are left alone
    box.ram_bandwidth.setValue(61)
    # edited: named as `--cpu-only --ram-gb 16` names it (tests/ui/test_parity.py)
    assert box.profile() == HardwareProfile(name="CPU only", ram_gb=sixteen, ram_bandwidth_gbs=61)
    box.set_profile(None)
    shown = box.profile()
    assert shown is not None
    assert shown.api_only


def test_a_measured_ram_figure_typed_into_the_box_reaches_the_profile(qtbot: QtBot, bundled: Catalog) -> None:
    box = HardwareBox(bundled.hardware.values(), Background(), lambda: pytest.fail("no detection"))
    qtbot.addWidget(box)
    sixteen = 16 * 2**30 / 1e9
    box.set_profile(HardwareProfile(name="laptop", ram_gb=sixteen, ram_bandwidth_gbs=60))
    box.ram_measured.setValue(48.5)  # as --ram-measured-gbs 48.5
    assert box.profile() == HardwareProfile(name="CPU only", ram_gb=sixteen, ram_bandwidth_gbs=60,
                                            ram_achievable_bandwidth_gbs=48.5)
    box.set_profile(profile_from_preset(bundled.hardware["rtx-4090"]))
    box.ram.setValue(64)
    box.ram_bandwidth.setValue(89.6)
    box.ram_measured.setValue(78.5)
    shown = box.profile()
    assert shown is not None
    assert shown.ram_achievable_bandwidth_gbs == 78.5  # the preset's profile with the RAM fields
    box.bandwidth.setValue(900)  # no longer the preset: a custom GPU
    shown = box.profile()
    assert shown is not None
    assert shown.name == "Custom GPU"
    assert shown.ram_achievable_bandwidth_gbs == 78.5
    box.set_profile(profile_from_preset(bundled.hardware["apple-m1-max-64gb"]))
    assert not box.ram_measured.isEnabled()  # a unified pool has no separate system RAM


def test_editing_a_preset_drops_its_extras(qtbot: QtBot, bundled: Catalog) -> None:
    box = HardwareBox(bundled.hardware.values(), Background(), lambda: pytest.fail("no detection"))
    qtbot.addWidget(box)
    box.apply_preset(bundled.hardware["rtx-4090"])
    shown = box.profile()
    assert shown is not None
    assert shown.gpu is not None
    assert shown.gpu.preset_id == "rtx-4090"
    with qtbot.waitSignal(box.changed):
        box.vram.setValue(48)
    edited = box.profile()
    assert edited is not None
    assert edited.gpu is not None
    assert edited.gpu.preset_id is None
    assert edited.gpu.memory_gb == pytest.approx(48 * 2**30 / 1e9)  # a 48 GB box, in 10^9-byte GB
    assert "Edited from" in box.status.text()


def test_failed_detection_is_reported_not_raised(qtbot: QtBot, bundled: Catalog) -> None:
    def broken() -> object:
        raise OSError("nvidia-smi hung")

    box = HardwareBox(bundled.hardware.values(), Background(), broken)  # type: ignore[arg-type]
    qtbot.addWidget(box)
    box.detect()
    qtbot.waitUntil(box.detect_button.isEnabled, timeout=20_000)
    assert "Detection failed" in box.status.text()
    assert "nvidia-smi hung" in box.status.text()


def test_chart_plots_the_front_and_a_click_selects(qtbot: QtBot, result_4090: RecommendationResult) -> None:
    chart = QualityCostChart()
    qtbot.addWidget(chart)
    chart.resize(500, 320)
    chart.set_result(result_4090)
    points = chart_points(result_4090)
    assert any(p.pick for p in points)
    assert {p.model_id for p in points if p.front} == set(result_4090.pareto_front) & {
        p.model_id for p in points}
    image = QImage(chart.size(), QImage.Format.Format_ARGB32)
    chart.render(image)
    pick = next(p for p in points if p.pick)
    where = chart._map(pick.cost, pick.quality)
    with qtbot.waitSignal(chart.model_clicked) as blocker:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=where.toPoint())
    assert blocker.args == [pick.model_id]
    assert chart.point_at(QPointF(-50, -50)) is None


def test_corrupt_settings_are_moved_aside(paths: UserPaths) -> None:
    paths.settings_file.parent.mkdir(parents=True)
    paths.settings_file.write_bytes(b"\xff\xfe not json")
    settings, warning = load_settings(paths)
    assert settings == WindowSettings()
    assert warning is not None
    assert "moved to" in warning
    assert not paths.settings_file.exists()
    assert list(paths.quarantine_dir.iterdir())


def test_screenshot_from_the_command_line(tmp_path: Path, qtbot: QtBot, paths: UserPaths) -> None:
    scenario = tmp_path / "s.json"
    save_scenario(Scenario(name="API", constraints=Constraints(deployment=Deployment.API)), scenario)
    png = tmp_path / "shot.png"
    assert main(["gui", "--scenario", str(scenario), "--screenshot", str(png)]) == 0
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1280, 800)
    assert not paths.settings_file.exists()  # a screenshot leaves the user's settings alone


def test_window_keeps_running_when_ranking_fails(qtbot: QtBot, paths: UserPaths, bundled: Catalog,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 detector: Callable[[], object]) -> None:
    from advisor.ui import ranking_controller  # noqa: PLC0415

    def boom(*_a: object, **_k: object) -> RecommendationResult:
        raise RuntimeError("engine broke")

    monkeypatch.setattr(ranking_controller, "recommend", boom)
    win = MainWindow(bundled, paths, WindowSettings(), detector=detector)  # type: ignore[arg-type]
    qtbot.addWidget(win)
    win.ranking.rank()
    qtbot.waitUntil(lambda: "engine broke" in win.status.text(), timeout=5000)
    assert win.result is None


def test_constraints_panel_round_trips_the_bill_and_terms_fields(qtbot: QtBot, bundled: Catalog) -> None:
    panel = ConstraintsPanel(bundled.hardware.values(), ["en", "de"], Background(),
                             lambda: pytest.fail("no detection"))
    qtbot.addWidget(panel)
    for floor in (None, 0.0, 8.0):
        wanted = Constraints(cached_input_share=0.9, batch=True, documented_only=True,
                             min_usable_tokens_per_s=floor)
        panel.set_constraints(wanted)
        shown = panel.constraints()
        assert (shown.cached_input_share, shown.batch, shown.documented_only,
                shown.min_usable_tokens_per_s) == (0.9, True, True, floor)
    with qtbot.waitSignal(panel.changed):
        panel.batch.setChecked(False)
    assert not panel.constraints().batch


def test_constraints_panel_round_trips_serving_and_cost_fields(qtbot: QtBot, bundled: Catalog) -> None:
    panel = ConstraintsPanel(bundled.hardware.values(), ["en", "de"], Background(),
                             lambda: pytest.fail("no detection"))
    qtbot.addWidget(panel)
    for wanted in (Constraints(concurrency=20, hours_per_month=200, max_machines=3, electricity_usd_kwh=0.31,
                               amortize_months=24, sensitive_share=0.4),
                   Constraints(electricity_region="DE"), Constraints()):
        panel.set_constraints(wanted)
        shown = panel.constraints()
        assert (shown.concurrency, shown.hours_per_month, shown.max_machines, shown.electricity_usd_kwh,
                shown.electricity_region, shown.amortize_months, shown.sensitive_share) == (
            wanted.concurrency, wanted.hours_per_month, wanted.max_machines, wanted.electricity_usd_kwh,
            wanted.electricity_region, wanted.amortize_months, wanted.sensitive_share)
    assert "EIA" in panel.serving.electricity.toolTip()
    with qtbot.waitSignal(panel.changed):
        panel.serving.concurrency.setValue(8)
    assert panel.constraints().concurrency == 8
