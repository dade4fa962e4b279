"""The window's ranking: what is on screen, ranked off the GUI thread, the latest request winning.

MainWindow asks (`schedule` after a change, `rank` to rank now) and shows what `ranked` delivers.
This object owns the scheduling: the requests of one pass of the event loop (a scenario loaded, a
preset applied) coalesce into one ranking, and the requests made while a ranking runs into one
more once it ends, which reads the inputs as they are then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from advisor.catalog.store import Catalog
from advisor.estimate.calibration import Calibration
from advisor.recommend.constraints import Constraints
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.engine import recommend
from advisor.recommend.ranking import warm_quality_table
from advisor.recommend.result import RecommendationResult
from advisor.ui.background import Background, Progress

DEBOUNCE_MS = 0
"""Rank on the next pass of the event loop after a change: the changes of one pass coalesce into
one ranking, and changes made while a ranking runs into one more (`rank`). The ranking takes ~20 ms
on the bundled catalog, so no longer wait is needed."""


@dataclass(frozen=True)
class RankingInput:
    """What one ranking reads, taken on the GUI thread as it starts."""

    catalog: Catalog
    constraints: Constraints
    calibrations: tuple[Calibration, ...] = ()
    """This machine's measured speeds: they correct the ranking's estimates, as `advisor recommend`
    does."""


class RankingController(QObject):
    """Ranks `read()` in `background`, one ranking at a time, the quality table cached in `cache_file`.

    Signals: ranked(RecommendationResult, float) — a ranking and the seconds it took, from its
    request to its result; failed(str) — a ranking raised, and what it said.
    """

    ranked = Signal(object, float)
    failed = Signal(str)

    def __init__(self, background: Background, read: Callable[[], RankingInput], cache_file: Path,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._background = background
        self._read = read
        self._cache_file = cache_file
        self._busy = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.rank)

    @property
    def idle(self) -> bool:
        """Whether no ranking runs or waits to run: the last one delivered is for the latest inputs."""
        return not (self._busy or self._again or self._timer.isActive())

    def schedule(self) -> None:
        """Rank on the next pass of the event loop (after a change; the pass's changes coalesce)."""
        self._timer.start()

    def rank(self) -> None:
        """Rank now, or once the running ranking ends."""
        if self._busy:
            self._again = True
            return
        inputs = self._read()
        self._busy = True
        started = time.perf_counter()
        cache_file = self._cache_file
        settings = PlanSettings(calibrations=inputs.calibrations)

        def work(_progress: Progress) -> RecommendationResult:
            warm_quality_table(inputs.catalog, cache_file)  # an unchanged catalog is not refitted at start
            return recommend(inputs.catalog, inputs.constraints, settings=settings)

        def done(result: RecommendationResult) -> None:
            self._busy = False
            self.ranked.emit(result, time.perf_counter() - started)
            self._next()

        def failed(exc: BaseException) -> None:
            self._busy = False
            self.failed.emit(str(exc))
            self._next()

        self._background.run(work, done, failed)

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.rank()


__all__ = ["DEBOUNCE_MS", "RankingController", "RankingInput"]
