"""The first-five-minutes traps of #21: the wheel over the scrolling panel, Enter in the preset box,
compare-dialog row heights, the memory chart's "available" label."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.ui.background import Background
from advisor.ui.charts import MemoryChart
from advisor.ui.compare_dialog import CompareDialog
from advisor.ui.constraints_panel import ConstraintsPanel
from advisor.ui.hardware_box import HardwareBox, HardwareMode


@pytest.fixture(scope="module")
def result_4090(bundled: Catalog) -> RecommendationResult:
    hw = profile_from_preset(bundled.hardware["rtx-4090"]).model_copy(update={"ram_gb": 64.0})
    return recommend(bundled, Constraints(hardware=hw, top_n=50))


def _wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch of the mouse wheel over the middle of `widget` (negative = scroll down)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _value(field: QWidget) -> float:
    if isinstance(field, QComboBox):
        return field.currentIndex()
    assert isinstance(field, QSpinBox | QDoubleSpinBox)
    return field.value()


def test_the_wheel_scrolls_the_panel_and_changes_only_a_focused_field(qtbot: QtBot,
                                                                      bundled: Catalog) -> None:
    panel = ConstraintsPanel(bundled.hardware.values(), ["en", "de"], Background(),
                             lambda: pytest.fail("no detection"))
    qtbot.addWidget(panel)
    panel.set_constraints(Constraints())
    panel.more.set_expanded(True)  # its fields too (KV cache type, report length)
    panel.resize(380, 300)  # far shorter than its fields: it scrolls
    panel.show()
    qtbot.waitExposed(panel)
    bar = panel.verticalScrollBar()
    fields = [panel.tasks[next(iter(panel.tasks))], panel.profile, panel.serving.hours,
              panel.hardware.vram, panel.hardware.mode, panel.context, panel.more.kv_cache,
              panel.more.top_n]
    before = [_value(f) for f in fields]
    for field in fields:
        panel.ensureWidgetVisible(field)
        start = bar.value()
        _wheel(field, -1 if start < bar.maximum() else 1)
        assert bar.value() != start, f"the panel did not scroll over {type(field).__name__}"
    after = [_value(f) for f in fields]
    assert after == before
    spin = panel.serving.hours
    panel.ensureWidgetVisible(spin)
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    value = spin.value()
    _wheel(spin, -1)
    assert spin.value() == value - 1  # focused: the wheel edits it, as everywhere in Qt


# The completer's popup asks the offscreen platform to raise it and grab the keyboard: not ours.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_typing_4090_and_enter_selects_the_rtx_4090(qtbot: QtBot, bundled: Catalog) -> None:
    box = HardwareBox(bundled.hardware.values(), Background(), lambda: pytest.fail("no detection"))
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    box.mode.setCurrentIndex(list(HardwareMode).index(HardwareMode.GPU))  # the preset box is live
    line = box.preset.lineEdit()
    assert line is not None
    line.clear()
    qtbot.keyClicks(line, "4090")
    completer = box.preset.completer()
    assert completer is not None
    assert completer.completionCount() >= 1
    assert "4090" in completer.currentCompletion()
    with qtbot.waitSignal(box.changed, timeout=2000):
        qtbot.keyClick(line, Qt.Key.Key_Return)
    profile = box.profile()
    assert profile is not None
    assert profile.gpu is not None
    assert profile.gpu.preset_id == "rtx-4090"
    assert box.vram.value() == bundled.hardware["rtx-4090"].memory_gb
    assert "4090" in box.preset.currentText()


def test_enter_with_words_in_any_order_and_with_nothing_matching(qtbot: QtBot, bundled: Catalog) -> None:
    box = HardwareBox(bundled.hardware.values(), Background(), lambda: pytest.fail("no detection"))
    qtbot.addWidget(box)
    row = box.preset_for_text("4090 rtx")
    assert row is not None
    assert box.preset.itemData(row) == "rtx-4090"
    assert box.preset_for_text("no such card zz") is None
    box.mode.setCurrentIndex(list(HardwareMode).index(HardwareMode.GPU))
    line = box.preset.lineEdit()
    assert line is not None
    line.setText("no such card zz")
    with qtbot.assertNotEmitted(box.changed):
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert "No preset matches" in box.status.text()


def test_compare_rows_fit_their_text_within_four_lines(qtbot: QtBot, bundled: Catalog,
                                                      result_4090: RecommendationResult) -> None:
    recs = list(result_4090.recommendations[:3])
    long_warning = "This warning goes on and on. " * 60
    recs[0] = recs[0].model_copy(update={"warnings": (long_warning,)})
    dialog = CompareDialog(recs, [bundled.models.get(r.model_id) for r in recs])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    cap = dialog.max_row_height()
    line = dialog.view.fontMetrics().lineSpacing()
    heights = [dialog.view.rowHeight(r) for r in range(dialog.model.rowCount())]
    assert max(heights) <= cap
    assert min(heights) >= line
    assert cap <= 5 * line + 8
    rank_row = 0
    assert heights[rank_row] <= 2 * line + 8  # one short value: one line, not hundreds of pixels
    warnings_row = dialog.model.rowCount() - 1
    assert heights[warnings_row] == cap
    tip = dialog.model.index(warnings_row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert long_warning.strip() in tip  # the whole text is one hover away


@pytest.mark.parametrize("width", [260, 420, 900])
def test_memory_chart_keeps_the_available_label_inside(qtbot: QtBot, width: int,
                                                      result_4090: RecommendationResult) -> None:
    rec = next(r for r in result_4090.recommendations
               if r.deployment.self_hosted and r.deployment.memory_gb and r.deployment.available_gb)
    chart = MemoryChart()
    qtbot.addWidget(chart)
    font = chart.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)  # as at 150 % scaling
    chart.setFont(font)
    chart.resize(width, 240)
    chart.set_recommendation(rec)
    image = QImage(chart.size(), QImage.Format.Format_ARGB32)
    chart.render(image)
    label = chart.available_label
    assert not label.isEmpty()
    assert label.left() >= 0
    assert label.right() <= width
    text_width = chart.fontMetrics().horizontalAdvance(f"available {rec.deployment.available_gb:.0f} GB")
    assert label.width() >= text_width
