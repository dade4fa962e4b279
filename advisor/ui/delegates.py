"""Painting for two table columns: memory as a bar against what is available, licence as a badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from advisor.recommend.result import Recommendation
from advisor.ui.result_models import DOMAIN_ROLE

Index = QModelIndex | QPersistentModelIndex

BADGE_COLORS = {"permissive": "#2e7d32", "open-weights-with-conditions": "#b26a00",
                "research-only": "#8e24aa", "proprietary": "#455a64"}


def _recommendation(index: Index) -> Recommendation | None:
    value = index.data(DOMAIN_ROLE)
    return value if isinstance(value, Recommendation) else None


class MemoryBarDelegate(QStyledItemDelegate):
    """Memory needed as a bar filling the share of available memory; red past 90 %."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rec = _recommendation(index)
        dep = rec.deployment if rec else None
        if dep is None or dep.memory_gb is None or not dep.available_gb:
            super().paint(painter, option, index)
            return
        rect = option.rect
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)
        share = max(0.0, min(1.0, dep.memory_gb / dep.available_gb))
        bar = QRectF(rect.adjusted(4, 5, -4, -5))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette: QPalette = option.palette
        track = palette.color(QPalette.ColorRole.Mid)
        track.setAlpha(70)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        fill = QColor("#c62828" if share > 0.9 else "#1976d2" if dep.placement == "gpu" else "#ef6c00")
        fill.setAlpha(150)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(bar.x(), bar.y(), bar.width() * share, bar.height()), 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText
                                     if option.state & QStyle.StateFlag.State_Selected
                                     else QPalette.ColorRole.Text))
        painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, str(index.data()))
        painter.restore()


class LicenseBadgeDelegate(QStyledItemDelegate):
    """The licence class as a coloured badge with white text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rec = _recommendation(index)
        if rec is None:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)
        text = str(index.data())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        rect = option.rect
        width = min(rect.width() - 8, metrics.horizontalAdvance(text) + 14)
        badge = QRectF(rect.x() + 4, rect.y() + 4, width, rect.height() - 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BADGE_COLORS.get(rec.license_class, "#616161")))
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width) - 8))
        painter.restore()
