"""Two charts drawn with QPainter: quality versus monthly cost (Pareto front, pick highlighted) and
the selected local model's memory breakdown against what the machine has.

QtCharts is not part of PySide6-Essentials; these two charts are small enough to draw directly.
"""

from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from advisor.recommend.result import Recommendation, RecommendationResult
from advisor.report import chart
from advisor.report.chart import (
    COST_TICKS,
    ChartPoint,
    LabelRequest,
    chart_points,
    cost_axis,
    place_labels,
    tick_label,
)
from advisor.report.labels import money
from advisor.ui.inert import tip

# The report's colours as Qt colours (advisor/report/chart.py is the one home of both charts' style).
LOCAL_COLOR, API_COLOR, PICK_COLOR = (QColor(c) for c in (chart.LOCAL_COLOR, chart.API_COLOR,
                                                          chart.PICK_COLOR))


Point = ChartPoint
"""One plotted model (the same points the report's SVG chart draws)."""


class QualityCostChart(QWidget):
    """Quality (0-100) against monthly cost; click a point to select its model.

    Signals: model_clicked(str)
    """

    model_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[Point] = []
        self._selected: str | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Quality versus monthly cost chart")
        self.setToolTip("")

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 300)

    def set_result(self, result: RecommendationResult | None, selected: str | None = None) -> None:
        """Plot a result's models."""
        self._points = chart_points(result) if result else []
        self._selected = selected
        self.update()

    def set_selected(self, model_id: str | None) -> None:
        """Ring the selected model's point."""
        self._selected = model_id
        self.update()

    def _plot_rect(self) -> QRectF:
        return QRectF(self.rect()).adjusted(48, 30, -16, -40)

    def _y_range(self) -> tuple[float, float]:
        qs = [p.quality for p in self._points] or [0.0, 100.0]
        low = max(0.0, math.floor((min(qs) - 5) / 10) * 10)
        high = min(100.0, math.ceil((max(qs) + 5) / 10) * 10)
        return low, max(high, low + 10)

    def _x_max(self) -> float:
        top = max((p.cost for p in self._points), default=100.0)
        return cost_axis(next((t for t in COST_TICKS if t >= top), COST_TICKS[-1]))

    def _map(self, cost: float, quality: float) -> QPointF:
        plot = self._plot_rect()
        low, high = self._y_range()
        x = plot.left() + plot.width() * cost_axis(cost) / max(self._x_max(), 1e-9)
        y = plot.bottom() - plot.height() * (quality - low) / (high - low)
        return QPointF(x, y)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter, text = _begin(self)
        if not self._points:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "No ranked model has quality evidence to plot.")
            return
        self._axes(painter, text)
        self._front(painter)
        for p in sorted(self._points, key=lambda p: (p.pick, p.model_id == self._selected)):
            self._dot(painter, p, text)
        self._labels(painter, text)
        painter.end()

    def _axes(self, painter: QPainter, text: QColor) -> None:
        plot = self._plot_rect()
        grid = QColor(text)
        grid.setAlpha(40)
        low, high = self._y_range()
        painter.setFont(self.font())
        metrics = painter.fontMetrics()
        for q in range(int(low), int(high) + 1, 10):
            y = self._map(0, q).y()
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(0, y - 8, plot.left() - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(q))
        for tick in COST_TICKS:
            if cost_axis(tick) > self._x_max() + 1e-9:
                break
            x = self._map(tick, low).x()
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(text)
            label = tick_label(tick)
            painter.drawText(QRectF(x - 30, plot.bottom() + 2, 60, 16), Qt.AlignmentFlag.AlignCenter, label)
        painter.drawText(QRectF(plot.left(), plot.bottom() + 18, plot.width(), 18),
                         Qt.AlignmentFlag.AlignCenter, "Monthly cost (log scale)")
        painter.save()
        painter.translate(12, plot.center().y())
        painter.rotate(-90)
        painter.drawText(QRectF(-80, -8, 160, 16), Qt.AlignmentFlag.AlignCenter, "Task quality")
        painter.restore()
        legend = [(LOCAL_COLOR, "local"), (API_COLOR, "API"), (PICK_COLOR, "pick")]
        x = plot.right() - sum(metrics.horizontalAdvance(t) + 26 for _, t in legend)
        for color, label in legend:
            painter.setBrush(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QPointF(x + 5, 14), 4, 4)
            painter.setPen(text)
            painter.drawText(QPointF(x + 12, 18), label)
            x += metrics.horizontalAdvance(label) + 26

    def _front(self, painter: QPainter) -> None:
        front = sorted((p for p in self._points if p.front), key=lambda p: (p.cost, p.quality))
        if len(front) < 2:
            return
        path = QPainterPath(self._map(front[0].cost, front[0].quality))
        for prev, p in itertools.pairwise(front):
            path.lineTo(self._map(p.cost, prev.quality))
            path.lineTo(self._map(p.cost, p.quality))
        pen = QPen(PICK_COLOR, 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _dot(self, painter: QPainter, p: Point, text: QColor) -> None:
        center = self._map(p.cost, p.quality)
        color = PICK_COLOR if p.pick else LOCAL_COLOR if p.local else API_COLOR
        fill = QColor(color)
        fill.setAlpha(230 if p.front or p.pick else 110)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        radius = 6.5 if p.pick else 4.5 if p.front else 3.5
        painter.drawEllipse(center, radius, radius)
        if p.model_id == self._selected:
            painter.setPen(QPen(text, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(center, radius + 3, radius + 3)

    def _labels(self, painter: QPainter, text: QColor) -> None:
        """Names of the pick and the Pareto front, placed by the reports' rule (`place_labels`); a
        label with no free spot is left out (its point still has a tooltip)."""
        painter.setPen(text)
        metrics = painter.fontMetrics()
        plot = self._plot_rect()
        labelled = sorted((p for p in self._points if p.pick or p.front), key=lambda p: not p.pick)
        texts = [metrics.elidedText(p.name, Qt.TextElideMode.ElideRight, 150) for p in labelled]
        centres = [self._map(p.cost, p.quality) for p in labelled]
        requests = [LabelRequest(c.x(), c.y(), 7.0 if p.pick else 5.0, metrics.horizontalAdvance(t),
                                 metrics.height()) for p, t, c in zip(labelled, texts, centres, strict=True)]
        bounds = (plot.left(), plot.top() - 20, plot.right() + 12, plot.bottom())
        for label, box in zip(texts, place_labels(requests, bounds), strict=True):
            if box is not None:
                painter.drawText(QPointF(box[0], box[1] + metrics.ascent()), label)

    def point_at(self, pos: QPointF) -> Point | None:
        """The plotted model nearest to `pos`, within 8 pixels."""
        best, best_d = None, 8.0
        for p in self._points:
            c = self._map(p.cost, p.quality)
            d = math.hypot(c.x() - pos.x(), c.y() - pos.y())
            if d <= best_d:
                best, best_d = p, d
        return best

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        p = self.point_at(event.position())
        if p is not None:
            self.model_clicked.emit(p.model_id)
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            p = self.point_at(QPointF(event.pos()))
            if p is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), tip(f"{p.name}\nquality {p.quality:.0f}, "
                                  f"{money(p.cost)}/month, {'local' if p.local else 'API'}"
                                  f"{', on the Pareto front' if p.front else ''}"), self)
            return True
        return super().event(event)


class MemoryChart(QWidget):
    """Weights, KV cache and overhead of the selected local model against available memory."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rec: Recommendation | None = None
        self.available_label = QRectF()  # where the last paint put the "available" label (tests)
        self.setAccessibleName("Memory breakdown chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 200)

    def set_recommendation(self, rec: Recommendation | None) -> None:
        """Show this model's memory (or a note when it runs through an API)."""
        self._rec = rec
        self.available_label = QRectF()
        self.update()

    @staticmethod
    def _marker_label(metrics: QFontMetrics, label: str, x: float, area: QRectF, top: float) -> QRectF:
        """Where the "available" label goes: centred under its marker, moved inside the chart when
        the marker is near an edge (it used to be cut off there), as wide as the text."""
        width = metrics.horizontalAdvance(label) + 8
        left = min(max(x - width / 2, area.left()), area.right() - width)
        return QRectF(left, top, width, metrics.height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter, text = _begin(self)
        painter.setPen(text)
        rec = self._rec
        dep = rec.deployment if rec else None
        if rec is None or dep is None or not dep.self_hosted or dep.memory_gb is None:
            note = ("Select a local model to see its memory." if rec is None else
                    f"{rec.name} runs on the provider's hardware: no local memory needed.")
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, note)
            return
        parts = [("Weights", dep.weights_gb or 0.0, QColor("#1976d2")),
                 ("KV cache", dep.kv_cache_gb or 0.0, QColor("#8e24aa")),
                 ("Overhead", dep.overhead_gb or 0.0, QColor("#78909c"))]
        available = dep.available_gb or 0.0
        scale_max = max(available, dep.memory_gb) * 1.08 or 1.0
        area = QRectF(self.rect()).adjusted(16, 10, -16, -10)
        metrics = painter.fontMetrics()
        line = metrics.height()
        title = metrics.elidedText(f"{rec.name} at {dep.quantization} — {dep.memory_gb:.1f} GB of "
                                   f"{available:.0f} GB available", Qt.TextElideMode.ElideMiddle,
                                   int(area.width()))
        painter.drawText(QRectF(area.left(), area.top(), area.width(), line), Qt.AlignmentFlag.AlignLeft,
                         title)
        bar = QRectF(area.left(), area.top() + line + 10, area.width(), 34)
        x = bar.left()
        for _label, gb, color in parts:
            w = bar.width() * gb / scale_max
            painter.fillRect(QRectF(x, bar.top(), w, bar.height()), color)
            x += w
        if available:
            ax = bar.left() + bar.width() * available / scale_max
            painter.setPen(QPen(QColor("#c62828"), 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(ax, bar.top() - 6), QPointF(ax, bar.bottom() + 6))
            painter.setPen(text)
            label = f"available {available:.0f} GB"
            self.available_label = self._marker_label(metrics, label, ax, area, bar.bottom() + 6)
            painter.drawText(self.available_label, Qt.AlignmentFlag.AlignCenter, label)
        y = bar.bottom() + 10 + line
        for label, gb, color in parts:
            painter.fillRect(QRectF(area.left(), y + (line - 12) / 2, 12, 12), color)
            painter.setPen(text)
            painter.drawText(QPointF(area.left() + 18, y + metrics.ascent()), f"{label}: {gb:.2f} GB")
            y += line + 4
        if dep.placement and dep.placement != "gpu" and dep.gpu_layers is not None and dep.total_layers:
            painter.drawText(QPointF(area.left(), y + metrics.ascent()),
                             f"{dep.gpu_layers} of {dep.total_layers} layers on the GPU, the rest in RAM")
        painter.end()


def _begin(widget: QWidget) -> tuple[QPainter, QColor]:
    """An antialiased painter on `widget` with its background filled, and the palette's text colour."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pal = widget.palette()
    painter.fillRect(widget.rect(), pal.color(QPalette.ColorRole.Base))
    return painter, pal.color(QPalette.ColorRole.Text)
