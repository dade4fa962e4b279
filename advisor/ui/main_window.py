"""The main window: assembles the panels and wires their signals.

Layout: constraints on the left; on the right the ranking (with the pick on top) above the
explanation and the charts. Every slow step (ranking, detection, export) runs in the background;
the ranking's scheduling is `RankingController`'s (advisor/ui/ranking_controller.py), the window
hands it what is on screen and shows what it ranks; the menus are `window_menus.py`'s.

The window opens in two steps (issue 21): `MainWindow.opening` is the frame the user sees at once
(title, geometry, menu bar, "Loading your catalog…"), built from Qt alone; `assemble` then builds the
panels into it. So this module imports no core module at its top: the panels, the core and their
numpy, pydantic and jinja2 load in `assemble`, after the frame has painted (`advisor.ui.app`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QTabWidget, QWidget

from advisor import APP_NAME, __version__
from advisor.ui.background import Background
from advisor.ui.inert import escape, message, plain_label
from advisor.ui.window_menus import build_menus

if TYPE_CHECKING:
    from advisor.catalog.store import Catalog
    from advisor.hardware.detect import DetectionResult
    from advisor.recommend.result import RecommendationResult
    from advisor.storage.paths import UserPaths
    from advisor.ui.catalog_editor import CatalogEditor
    from advisor.ui.hardware_plan_dialog import HardwarePlanDialog
    from advisor.ui.ranking_controller import RankingInput
    from advisor.ui.settings import WindowSettings

DEFAULT_SIZE = (1280, 800)
MENU_NAMES = ("&File", "&Edit", "&Catalog", "&View", "&Help")
LOADING_TEXT = "Loading your catalog…"


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _unb64(text: str | None) -> QByteArray | None:
    if not text:
        return None
    try:
        return QByteArray(base64.b64decode(text, validate=True))
    except ValueError:
        return None


class MainWindow(QMainWindow):
    """Model Advisor's window.

    Signals: none of its own; it listens to its panels.
    """

    def __init__(self, catalog: Catalog, paths: UserPaths, settings: WindowSettings,
                 detector: Callable[[], DetectionResult] | None = None, persist: bool = True) -> None:
        super().__init__()
        self._frame(paths, persist, settings.geometry_b64)
        self.assemble(catalog, settings, detector)

    @classmethod
    def opening(cls, paths: UserPaths, persist: bool = True, geometry_b64: str | None = None) -> MainWindow:
        """The window before its catalog is loaded: its title, saved geometry and menu bar, and
        "Loading your catalog…" where the panels go; `assemble` fills it. Needs Qt alone."""
        window = cls.__new__(cls)
        QMainWindow.__init__(window)
        window._frame(paths, persist, geometry_b64)
        return window

    def _frame(self, paths: UserPaths, persist: bool, geometry_b64: str | None) -> None:
        self.persist = persist  # False for screenshots: leave the user's settings alone
        self.paths = paths
        self.ready = False
        """Whether the panels are in (`assemble` ran)."""
        self.result: RecommendationResult | None = None
        self.background = Background(self)
        self.setWindowTitle(APP_NAME)
        bar = self.menuBar()
        self._menus = {name: bar.addMenu(name) for name in MENU_NAMES}
        bar.setEnabled(False)  # the menus fill in with the panels
        self.loading = plain_label(LOADING_TEXT)
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.loading)
        self.status = plain_label()
        self.statusBar().addWidget(self.status, 1)
        self.resize(*DEFAULT_SIZE)
        geometry = _unb64(geometry_b64)
        if geometry is not None:
            self.restoreGeometry(geometry)

    def show_failure(self, text: str) -> None:
        """Say in the window why it cannot be filled (a catalog that cannot be read)."""
        self.loading.setText(text)
        self.loading.setWordWrap(True)

    def assemble(self, catalog: Catalog, settings: WindowSettings,
                 detector: Callable[[], DetectionResult] | None = None) -> None:
        """Build the panels into the frame, for `catalog` and the saved `settings`."""
        # Here, not at the top of the module: these bring the core (numpy, pydantic, jinja2), which
        # loads only after the frame has painted (issue 21).
        from advisor.hardware.detect import detect  # noqa: PLC0415
        from advisor.ui.charts import MemoryChart, QualityCostChart  # noqa: PLC0415
        from advisor.ui.constraints_panel import ConstraintsPanel  # noqa: PLC0415
        from advisor.ui.explanation_pane import ExplanationPane  # noqa: PLC0415
        from advisor.ui.export import ReportExporter  # noqa: PLC0415
        from advisor.ui.installed_filter import InstalledFilter  # noqa: PLC0415
        from advisor.ui.measure_bar import MeasureBar  # noqa: PLC0415
        from advisor.ui.ranking_controller import RankingController  # noqa: PLC0415
        from advisor.ui.results_panel import ResultsPanel  # noqa: PLC0415
        from advisor.ui.scenario_files import ScenarioFiles  # noqa: PLC0415

        self.catalog = catalog
        codes = {lang.code for m in catalog.models.values() for lang in m.languages}
        self.constraints_panel = ConstraintsPanel(
            catalog.hardware.values(), codes, self.background,
            detector or (lambda: detect(catalog.hardware.values(), timeout_s=5.0)))
        self.results = ResultsPanel()
        self.explanation = ExplanationPane()
        self.measure = MeasureBar(self.explanation, self.background, self.paths, lambda: self.catalog)
        self.quality_chart = QualityCostChart()
        self.memory_chart = MemoryChart()
        self.files = ScenarioFiles(self.paths, settings, self)
        self.exporter = ReportExporter(self, self.background)
        self.installed = InstalledFilter(self.background, self)
        self.ranking = RankingController(self.background, self._ranking_input, self.paths.quality_cache_file,
                                         self)
        self._build_layout()
        self.recent_menu, self.export_action = build_menus(self, self._menus)
        self._update_recent()
        self._wire()
        for warning in catalog.warnings:
            self.statusBar().showMessage(warning)
        state = _unb64(settings.state_b64)
        if state is not None:
            self.splitter.restoreState(state)
        self.menuBar().setEnabled(True)
        self.ready = True

    # -- building --------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.charts = QTabWidget()
        self.charts.addTab(self.quality_chart, "Quality vs cost")
        self.charts.addTab(self.memory_chart, "Memory")
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.measure)  # the Measure button's bar above the explanation pane
        bottom.addWidget(self.charts)
        bottom.setSizes([520, 420])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.results)
        right.addWidget(bottom)
        right.setSizes([380, 360])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.constraints_panel)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([370, 910])
        self.setCentralWidget(self.splitter)  # the loading label goes (Qt deletes it)
        QWidget.setTabOrder(self.constraints_panel, self.results.filter)
        QWidget.setTabOrder(self.results.filter, self.results.compare_button)
        QWidget.setTabOrder(self.results.compare_button, self.results.tabs)
        QWidget.setTabOrder(self.results.tabs, self.results.table)
        QWidget.setTabOrder(self.results.table, self.explanation)

    def _wire(self) -> None:
        self.constraints_panel.changed.connect(self._constraints_changed)
        self.results.current_changed.connect(self._show_current)
        self.results.compare_requested.connect(self.compare)
        self.quality_chart.model_clicked.connect(self._chart_clicked)
        self.files.loaded.connect(self._scenario_loaded)
        self.files.state_changed.connect(self._update_title)
        self.files.recent_changed.connect(self._update_recent)
        more = self.constraints_panel.more
        more.installed_changed.connect(
            lambda on: self.installed.set_active(on, self.catalog, more.gguf_folders()))
        self.installed.ready.connect(self.ranking.rank)
        self.measure.calibrated.connect(self.ranking.rank)  # a new measurement: rank with it
        self.ranking.ranked.connect(self._show_result)
        self.ranking.failed.connect(lambda text: self.status.setText(f"Could not rank: {text}"))

    # -- ranking ---------------------------------------------------------------------------------
    def _constraints_changed(self) -> None:
        self.files.update_current(self.constraints_panel.constraints())
        self.ranking.schedule()

    def _ranking_input(self) -> RankingInput:
        from advisor.ui.ranking_controller import RankingInput  # noqa: PLC0415

        return RankingInput(self.installed.apply(self.catalog), self.constraints_panel.constraints(),
                            tuple(self.measure.calibrations))

    def _show_result(self, result: RecommendationResult, seconds: float) -> None:
        self.result = result
        self.results.show_result(result)
        current = self.results.current()
        self.quality_chart.set_result(result, current.model_id if current else None)
        self.status.setText(f"{len(result.recommendations)} models ranked, {len(result.excluded)} "
                            f"excluded, in {seconds * 1000:.0f} ms · catalog {result.catalog_version} "
                            f"(facts as of {result.catalog_as_of})"
                            + (f" · {note}" if (note := self.installed.note()) else ""))

    def _show_current(self, rec: object) -> None:
        from advisor.recommend.result import Recommendation  # noqa: PLC0415

        current = rec if isinstance(rec, Recommendation) else None
        self.explanation.show_recommendation(current, self.result)
        self.memory_chart.set_recommendation(current)
        self.quality_chart.set_selected(current.model_id if current else None)

    def _chart_clicked(self, model_id: str) -> None:
        self.results.tabs.setCurrentIndex(0)
        self.results.select_model(model_id)

    # -- scenarios -------------------------------------------------------------------------------
    def _scenario_loaded(self, scenario: object) -> None:
        from advisor.recommend.scenario import Scenario  # noqa: PLC0415

        if isinstance(scenario, Scenario):
            self.constraints_panel.set_constraints(scenario.constraints)
            self.files.settle(self.constraints_panel.constraints())
            self.ranking.rank()

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.files.title()} — {APP_NAME}")

    def _update_recent(self) -> None:
        self.recent_menu.clear()
        for entry in self.files.settings.recent_scenarios:
            path = Path(entry)
            action = self.recent_menu.addAction(path.name)
            action.setStatusTip(entry)
            action.triggered.connect(lambda _c=False, p=path: self.files.confirm_discard()
                                     and self.files.open_path(p))
        self.recent_menu.setEnabled(bool(self.files.settings.recent_scenarios))

    def reset_constraints(self) -> None:
        """Put every field back to its default."""
        from advisor.recommend.constraints import Constraints  # noqa: PLC0415

        self.constraints_panel.set_constraints(Constraints())
        self._constraints_changed()

    # -- other actions ---------------------------------------------------------------------------
    def export_report(self) -> None:
        """File → Export report…"""
        if self.result is None:
            self.statusBar().showMessage("Nothing to export yet: the ranking is still running.", 5000)
            return
        self.exporter.export(self.result, self.files.path.stem if self.files.path else "model-advice")

    def compare(self) -> None:
        """Compare the 2-4 selected models side by side."""
        recs = self.results.selected()
        if not 2 <= len(recs) <= 4:
            QMessageBox.information(self, "Compare models", "Select two to four models in the ranking "
                                    "(Ctrl+click or Shift+click), then compare them.")
            return
        from advisor.ui.compare_dialog import CompareDialog  # noqa: PLC0415

        dialog = CompareDialog(recs, [self.catalog.models.get(r.model_id) for r in recs], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare_dialog = dialog
        dialog.show()

    def copy_ranking(self) -> None:
        """Copy the ranking as plain text (the CLI's table)."""
        if self.result is None:
            return
        from PySide6.QtWidgets import QApplication  # noqa: PLC0415

        from advisor.report.table import format_result  # noqa: PLC0415

        QApplication.clipboard().setText(format_result(self.result))
        self.statusBar().showMessage("Ranking copied to the clipboard.", 3000)

    def focus_filter(self) -> None:
        """Edit → Find: focus the ranking filter."""
        self.results.filter.setFocus()
        self.results.filter.selectAll()

    def edit_catalog(self) -> CatalogEditor | None:
        """Catalog → Edit catalog…: the editing dialog; the ranking reloads after a save. An overlay that
        cannot be edited (a newer version's, or one the system will not let us read) is named in a
        message, with what to do, and no dialog opens."""
        from advisor.catalog.editing import OverlayEditor  # noqa: PLC0415
        from advisor.catalog.overlay import OverlayReadError  # noqa: PLC0415
        from advisor.catalog.store import load_bundled  # noqa: PLC0415
        from advisor.ui.catalog_editor import CatalogEditor  # noqa: PLC0415

        try:
            editor = OverlayEditor.open(self.paths, load_bundled())
        except OverlayReadError as exc:
            todo = ("update Model Advisor to edit it" if exc.kind == "newer" else
                    "check that you may read and write it (and the disk), or move it elsewhere to start "
                    "editing from the bundled catalog")
            message(self, QMessageBox.Icon.Warning, "Edit catalog",
                    f"Your catalog file {self.paths.overlay_file} cannot be edited: {exc.reason}. "
                    f"It was left as it is. To edit the catalog, {todo}.")
            return None
        dialog = CatalogEditor(editor, self.background, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.reload_catalog() if dialog.saved else None)
        dialog.open()
        return dialog

    def refresh_from_models_dev(self) -> None:
        """Catalog → Refresh: the editing dialog, refreshing at once (nothing when it cannot open)."""
        dialog = self.edit_catalog()
        if dialog is not None:
            dialog.refresh_models_dev()

    def plan_hardware(self) -> HardwarePlanDialog:
        """Catalog → Plan hardware: reverse planning for the selected (or a chosen) model."""
        from advisor.ui.hardware_plan_dialog import HardwarePlanDialog  # noqa: PLC0415

        current = self.results.current()
        dialog = HardwarePlanDialog(self.catalog, self.background, current.model_id if current else None,
                                    self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.plan_dialog = dialog
        dialog.show()
        return dialog

    def reload_catalog(self) -> None:
        """Re-read the bundled catalog and the user's overlay."""
        from advisor.catalog.overlay import load_catalog  # noqa: PLC0415

        self.catalog = load_catalog(self.paths)
        self.installed.rescan(self.catalog)
        for warning in self.catalog.warnings:
            message(self, QMessageBox.Icon.Warning, "Catalog", warning)
        self.ranking.rank()

    def about(self) -> None:
        """Help → About."""
        meta = self.catalog.meta
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<h3>{APP_NAME} {__version__}</h3><p>Ranks local open-weight and hosted API "
                          f"language models under your constraints, and explains why.</p>"
                          f"<p>Catalog {escape(meta.version)}, facts as of {meta.as_of.isoformat()}, "
                          f"{len(self.catalog.models)} models.</p>")

    # -- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.persist or not self.ready:  # closed while loading: nothing to keep yet
            self.background.wait(10_000)
            event.accept()
            return
        if not self.files.confirm_discard():
            event.ignore()
            return
        from advisor.ui.settings import save_settings  # noqa: PLC0415

        settings = self.files.settings.model_copy(update={
            "geometry_b64": _b64(self.saveGeometry()), "state_b64": _b64(self.splitter.saveState()),
            "last_scenario": str(self.files.path) if self.files.path else None})
        try:
            self.files.keep_session()
            save_settings(settings, self.paths)
        except OSError as exc:
            message(self, QMessageBox.Icon.Warning, "Settings not saved",
                    f"Window settings could not be saved: {exc}")
        self.background.wait(10_000)
        event.accept()
