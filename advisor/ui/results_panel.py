"""The ranking and the exclusions, each a table behind a sort/filter proxy, with the pick on top."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from advisor.recommend.result import Recommendation, RecommendationResult
from advisor.report.labels import money
from advisor.ui.break_even_view import BreakEvenView
from advisor.ui.delegates import LicenseBadgeDelegate, MemoryBarDelegate
from advisor.ui.inert import escape
from advisor.ui.result_models import DOMAIN_ROLE, SORT_ROLE, ExcludedModel, RankingModel


def _table(model: QSortFilterProxyModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setHighlightSections(False)
    view.setTabKeyNavigation(False)
    return view


def _proxy(source: RankingModel | ExcludedModel) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(source)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    return proxy


class ResultsPanel(QWidget):
    """Pick banner, filter, Ranking and Excluded tabs, Compare button.

    Signals: current_changed(object) — the selected Recommendation or None;
    compare_requested() — the user asked to compare the selected rows.
    """

    current_changed = Signal(object)
    compare_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = QLabel("Ranking…")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter models (Ctrl+F)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip("Show only rows containing this text in any column.")
        self.compare_button = QPushButton("Co&mpare selected")
        self.compare_button.setToolTip("Select two to four rows (Ctrl+click) and compare them side "
                                       "by side (Ctrl+D).")
        self.compare_button.setEnabled(False)

        self.ranking = RankingModel()
        self.ranking_proxy = _proxy(self.ranking)
        self.table = _table(self.ranking_proxy)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegateForColumn(RankingModel.MEMORY, MemoryBarDelegate(self.table))
        self.table.setItemDelegateForColumn(RankingModel.LICENSE, LicenseBadgeDelegate(self.table))
        self.table.sortByColumn(RankingModel.RANK, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(RankingModel.MODEL, QHeaderView.ResizeMode.Stretch)
        for col, width in ((RankingModel.RANK, 36), (RankingModel.SCORE, 56), (RankingModel.RUNS, 160),
                           (RankingModel.MEMORY, 118), (RankingModel.SPEED, 64), (RankingModel.COST, 76),
                           (RankingModel.LICENSE, 122), (RankingModel.CONFIDENCE, 78)):
            self.table.setColumnWidth(col, width)

        self.excluded = ExcludedModel()
        self.excluded_proxy = _proxy(self.excluded)
        self.excluded_table = _table(self.excluded_proxy)
        ex_header = self.excluded_table.horizontalHeader()
        ex_header.setSectionResizeMode(ExcludedModel.REASONS, QHeaderView.ResizeMode.Stretch)
        self.excluded_table.setColumnWidth(ExcludedModel.MODEL, 240)
        self.excluded_table.setColumnWidth(ExcludedModel.CONSTRAINTS, 130)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "&Ranking")
        self.tabs.addTab(self.excluded_table, "E&xcluded")
        self.break_even = BreakEvenView()
        self.tabs.addTab(self.break_even, "&Break-even")

        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

        self.filter.textChanged.connect(self.ranking_proxy.setFilterFixedString)
        self.filter.textChanged.connect(self.excluded_proxy.setFilterFixedString)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.compare_button.clicked.connect(self.compare_requested)

    def show_result(self, result: RecommendationResult) -> None:
        """Fill both tables and the banner; keep the selected model selected if it is still there."""
        previous = self.current()
        self.ranking.set_rows(result.recommendations)
        self.excluded.set_rows(result.excluded)
        self.tabs.setTabText(0, f"&Ranking ({len(result.recommendations)})")
        self.tabs.setTabText(1, f"E&xcluded ({len(result.excluded)})")
        self.banner.setText(banner_html(result))
        self.break_even.set_result(result)
        if not self.select_model(previous.model_id if previous else None) and result.top:
            self.select_model(result.top.model_id)
        self.current_changed.emit(self.current())

    def select_model(self, model_id: str | None) -> bool:
        """Select a model's row by id; False when it is not in the ranking."""
        if model_id is None:
            return False
        for row in range(self.ranking_proxy.rowCount()):
            index = self.ranking_proxy.index(row, 0)
            rec = index.data(DOMAIN_ROLE)
            if isinstance(rec, Recommendation) and rec.model_id == model_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def current(self) -> Recommendation | None:
        """The recommendation in the current row."""
        index = self.table.currentIndex()
        rec = index.data(DOMAIN_ROLE) if index.isValid() else None
        return rec if isinstance(rec, Recommendation) else None

    def selected(self) -> list[Recommendation]:
        """All selected recommendations, in rank order."""
        rows = self.table.selectionModel().selectedRows()
        recs = [i.data(DOMAIN_ROLE) for i in rows]
        return sorted((r for r in recs if isinstance(r, Recommendation)), key=lambda r: r.rank)

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.compare_button.setEnabled(2 <= count <= 4)
        index: QModelIndex = self.table.currentIndex()
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            rows = self.table.selectionModel().selectedRows()
            if rows:
                self.table.selectionModel().setCurrentIndex(
                    rows[0], self.table.selectionModel().SelectionFlag.NoUpdate)
        self.current_changed.emit(self.current())


def banner_html(result: RecommendationResult) -> str:
    """The pick in one line of escaped rich text."""
    top = result.top
    if top is None:
        return ("<b>No model meets every constraint.</b> See the Excluded tab and ‘What would "
                "change the pick’ below.")
    dep = top.deployment
    speed = f", ~{dep.tokens_per_s:.0f} tokens/s" if dep.tokens_per_s else ""
    return (f"<span style='font-size:15px'>Pick: <b>{escape(top.name)}</b></span> — "
            f"{escape(dep.summary())}{speed}, {escape(dep.cost_text(money))}/month, "
            f"score {top.score:.1f}")
