"""The break-even tab: the report's own break-even SVG drawn by QSvgRenderer (so the window and the
reports show one picture), with the sentence and the numbers under it."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from advisor.recommend.result import RecommendationResult
from advisor.report.break_even_chart import break_even_svg


class _SvgCanvas(QWidget):
    """Paints an SVG scaled to fit, keeping its aspect ratio."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer = QSvgRenderer(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(640, 300)

    def set_svg(self, svg: str) -> None:
        self.renderer.load(QByteArray(svg.encode("utf-8")))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if self.renderer.isValid():
            size = QSize(self.renderer.defaultSize())
            size.scale(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (self.width() - size.width()) / 2
            self.renderer.render(painter, QRectF(x, 0, size.width(), size.height()))
        painter.end()


class BreakEvenView(QWidget):
    """Self-hosting against the API bill for the current result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = _SvgCanvas()
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # names and notes from the catalog
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.note)
        self.set_result(None)

    def set_result(self, result: RecommendationResult | None) -> None:
        """Show the result's break-even, or say why there is none."""
        be = None if result is None else result.break_even
        if result is None or be is None:
            self.canvas.set_svg("")
            self.canvas.setVisible(False)
            self.note.setText("No break-even to show: it needs a ranking with both a self-hosted plan whose "
                              "running cost is known and a hosted API plan (deployment 'Local or hosted "
                              "API' with hardware described).")
            return
        self.canvas.setVisible(True)
        self.canvas.set_svg(break_even_svg(be, result.constraints.tokens_per_month))
        self.note.setText(f"{be.note}\nSelf-hosted: {be.local_summary}, "
                          f"${be.local_fixed_usd:,.2f}/month fixed "
                          f"+ ${be.local_usd_per_mtok:,.2f} per 1M tokens. API: {be.api_summary}, "
                          f"${be.api_usd_per_mtok:,.2f} per 1M tokens.")


__all__ = ["BreakEvenView"]
