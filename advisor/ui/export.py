"""File → Export report…: pick a file, write the report in the background with progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from advisor.recommend.result import RecommendationResult
from advisor.report import export_report
from advisor.ui.background import Background, Progress
from advisor.ui.pdf import write_pdf

FILTERS = {
    "HTML report (*.html)": ".html",
    "PDF report (*.pdf)": ".pdf",
    "Markdown (*.md)": ".md",
    "JSON (*.json)": ".json",
    "CSV spreadsheet (*.csv)": ".csv",
}


class ReportExporter(QObject):
    """Runs report exports off the GUI thread and tells the user how it went."""

    def __init__(self, window: QWidget, background: Background) -> None:
        super().__init__(window)
        self._window = window
        self._background = background
        self.last_path: Path | None = None

    def export(self, result: RecommendationResult, stem: str) -> None:
        """Ask where to write the report, then write it."""
        start = str(Path.home() / f"{stem}.html")
        name, chosen = QFileDialog.getSaveFileName(self._window, "Export report", start,
                                                   ";;".join(FILTERS))
        if not name:
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(FILTERS.get(chosen, ".html"))
        self.export_to(result, path)

    def export_to(self, result: RecommendationResult, path: Path) -> None:
        """Write the report to `path` (format from the extension), showing progress."""
        dialog = QProgressDialog(f"Writing {path.name}…", "", 0, 100, self._window)
        dialog.setWindowTitle("Export report")
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

        # PDFs on the paper the user's locale uses: Letter in the US system, A4 elsewhere.
        us = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
        paper = "letter" if us else "a4"

        def work(progress: Progress) -> Path:
            export_report(result, path, progress=progress, paper=paper, pdf_writer=write_pdf)
            return path

        def step(fraction: float, message: str) -> None:
            dialog.setValue(round(fraction * 100))
            dialog.setLabelText(message)

        def done(_value: Path) -> None:
            dialog.reset()
            self.last_path = path
            box = QMessageBox(QMessageBox.Icon.Information, "Report exported",
                              f"The report was written to {path}.", QMessageBox.StandardButton.Ok,
                              self._window)
            open_button = box.addButton("Open it", QMessageBox.ButtonRole.ActionRole)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.buttonClicked.connect(
                lambda b: b is open_button and QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
            box.open()

        def failed(exc: BaseException) -> None:
            dialog.reset()
            QMessageBox.warning(self._window, "Export failed", f"The report could not be written: {exc}")

        self._background.run(work, done, failed, step)
