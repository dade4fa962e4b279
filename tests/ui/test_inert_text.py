"""Catalog text is text (#23): a hostile model name shows literally on every surface of the window
and never makes Qt load anything (tooltips, labels and message boxes guess HTML otherwise)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QUrl
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import QLabel, QMessageBox, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from advisor.catalog.importing import Change, ChangeKind, ImportPlan
from advisor.catalog.store import Catalog
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.recommend.result import Recommendation, RecommendationResult
from advisor.report.chart import chart_points
from advisor.ui.charts import QualityCostChart
from advisor.ui.compare_dialog import CompareModel
from advisor.ui.explanation_pane import ExplanationPane
from advisor.ui.inert import message, plain_label, tip
from advisor.ui.plan_dialog import PlanDialog
from advisor.ui.result_models import ExcludedModel, RankingModel
from advisor.ui.results_panel import ResultsPanel

IMG = 'Q <img src="/dev/zero">'
BOLD = "<b>x</b>"
HOSTILE_NAMES = (IMG, BOLD, "<a href='file:///etc/passwd'>y</a> & <img src=file:///etc/hosts>")


def _render(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> tuple[str, int]:
    """What Qt shows for `text` in a widget of text format `fmt` (tooltips guess: AutoText), and
    how many images that rendering would load."""
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText
                                             and QtGuiNamespace.mightBeRichText(text))
    if not rich:
        return text, 0
    doc = QTextDocument()
    doc.setHtml(text)
    images = 0
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                images += 1
            it += 1
        block = block.next()
    return doc.toPlainText(), images


def _assert_literal(text: object, name: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> None:
    assert isinstance(text, str), text
    shown, images = _render(text, fmt)
    assert name in shown, (name, text)
    assert images == 0


@pytest.fixture(scope="module", params=HOSTILE_NAMES)
def hostile(request: pytest.FixtureRequest, bundled: Catalog) -> tuple[str, RecommendationResult]:
    """A catalog copy with one model (and its vendor) named `name`, ranked on an RTX 4090."""
    name: str = request.param
    models = dict(bundled.models)
    for mid in ("openai/gpt-4o-mini", "qwen/qwen3-8b"):
        src = models[mid]
        models[f"evil/{mid}"] = src.model_copy(update={"id": f"evil/{mid.split('/')[1]}", "name": name,
                                                       "vendor": name})
    cat = Catalog(meta=bundled.meta, models=models, licenses=bundled.licenses, hardware=bundled.hardware)
    hw = profile_from_preset(bundled.hardware["rtx-4090"]).model_copy(update={"ram_gb": 64.0})
    return name, recommend(cat, Constraints(hardware=hw, top_n=500))


def _evil(result: RecommendationResult) -> list[Recommendation]:
    found = [r for r in result.recommendations if r.model_id.startswith("evil/")]
    assert found
    return found


def test_helpers_make_any_text_literal(qtbot: QtBot) -> None:
    for name in HOSTILE_NAMES:
        _assert_literal(tip(name), name)
        _assert_literal(tip(f"{name}\nsecond line"), "second line")
        label = plain_label(name)
        _assert_literal(label.text(), name, label.textFormat())
    assert tip("") == ""


def test_ranking_tooltips(hostile: tuple[str, RecommendationResult]) -> None:
    name, result = hostile
    model = RankingModel()
    model.set_rows(result.recommendations)
    rows = [i for i, r in enumerate(result.recommendations) if r.model_id.startswith("evil/")]
    for row in rows:
        for col in range(model.columnCount()):
            value = model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
            if value is not None:
                _assert_literal(value, "", Qt.TextFormat.AutoText)
        _assert_literal(model.index(row, RankingModel.MODEL).data(Qt.ItemDataRole.ToolTipRole), name)


def test_banner_and_explanation(qtbot: QtBot, hostile: tuple[str, RecommendationResult]) -> None:
    name, result = hostile
    rec = _evil(result)[0]
    forced = result.model_copy(update={"recommendations": (rec, *result.recommendations)})
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.show_result(forced)
    _assert_literal(panel.banner.text(), name, panel.banner.textFormat())
    pane = ExplanationPane()
    qtbot.addWidget(pane)
    pane.show_recommendation(rec, result)
    assert name in pane.toPlainText()
    assert "<img" not in pane.toHtml().replace("&lt;img", "")


def test_explanation_pane_never_loads_a_resource(qtbot: QtBot) -> None:
    pane = ExplanationPane()
    qtbot.addWidget(pane)
    assert pane.loadResource(int(QTextDocument.ResourceType.ImageResource), QUrl("file:///etc/hosts")) is None
    pane.setHtml('<img src="file:///etc/hosts">')  # even markup that slipped through loads nothing
    pane.resize(300, 200)
    pane.show()
    qtbot.waitExposed(pane)
    image = pane.document().resource(int(QTextDocument.ResourceType.ImageResource), QUrl("file:///etc/hosts"))
    assert not image


def test_chart_tooltip(qtbot: QtBot, hostile: tuple[str, RecommendationResult],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    name, result = hostile
    chart = QualityCostChart()
    qtbot.addWidget(chart)
    chart.resize(900, 500)
    chart.set_result(result)
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    monkeypatch.setattr(QToolTip, "hideText", lambda: None)
    evil = [p for p in chart_points(result) if p.model_id.startswith("evil/")]
    assert evil, "a hostile model must be plotted"
    for p in evil:
        where = chart._map(p.cost, p.quality).toPoint()
        hovered = chart.point_at(chart._map(p.cost, p.quality))
        assert hovered is not None
        chart.event(QHelpEvent(QEvent.Type.ToolTip, where, chart.mapToGlobal(where)))
    assert shown
    for text in shown:
        _assert_literal(text, "quality")
    assert any(name in _render(t)[0] for t in shown)


def test_compare_and_excluded(hostile: tuple[str, RecommendationResult], bundled: Catalog) -> None:
    name, result = hostile
    recs = [*_evil(result), result.recommendations[0]][:4]
    model = CompareModel(recs, [None] * len(recs))
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            _assert_literal(model.index(row, col).data(Qt.ItemDataRole.ToolTipRole), "")
    vendor_row = next(r for r in range(model.rowCount())
                      if model.headerData(r, Qt.Orientation.Vertical) == "Vendor")
    _assert_literal(model.index(vendor_row, 0).data(Qt.ItemDataRole.ToolTipRole), name)
    excluded = ExcludedModel()
    ex = result.excluded[0].model_copy(update={"name": name, "reasons": (f"{name} is excluded",)})
    excluded.set_rows([ex])
    _assert_literal(excluded.index(0, 2).data(Qt.ItemDataRole.ToolTipRole), f"{name} is excluded")


def test_import_review(qtbot: QtBot, hostile: tuple[str, RecommendationResult], bundled: Catalog) -> None:
    name, _result = hostile
    incoming = bundled.models["qwen/qwen3-8b"].model_copy(update={"name": name})
    plan = ImportPlan(source=name, changes=(Change(ChangeKind.ADD, "evil/x", name, (f"name: {name}",),
                                                   incoming),), skipped=(f"{name}: bad",))
    dialog = PlanDialog(plan)
    qtbot.addWidget(dialog)
    item = dialog.list.item(0)
    assert name in item.text()  # list items are drawn as plain text
    _assert_literal(item.toolTip(), f"name: {name}")
    assert dialog.count.textFormat() == Qt.TextFormat.PlainText  # the ticked count: plain text
    labels = [label for label in dialog.findChildren(QLabel) if label is not dialog.count]
    assert len(labels) == 2
    for label in labels:
        _assert_literal(label.text(), name, label.textFormat())


def test_message_boxes_show_text_literally(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: seen.append(text))
    parent = QWidget()
    qtbot.addWidget(parent)
    message(parent, QMessageBox.Icon.Warning, "Catalog", f"{IMG} could not be read")
    _assert_literal(seen[0], f"{IMG} could not be read")


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform
def test_tooltip_event_with_a_hostile_name_does_not_crash(qtbot: QtBot) -> None:
    label = plain_label(IMG)
    label.setToolTip(tip(IMG))
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    QToolTip.showText(label.mapToGlobal(QPoint(2, 2)), label.toolTip(), label)
    QToolTip.hideText()
