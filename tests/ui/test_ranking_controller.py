"""The window's ranking scheduler (issue 22): requests of one event-loop pass coalesce into one
ranking, requests made while one runs into one more that reads the latest inputs, and a failure is
a signal, not an exception, after which the next request still ranks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog
from advisor.recommend.constraints import Constraints, Deployment
from advisor.recommend.engine import recommend
from advisor.recommend.result import RecommendationResult
from advisor.ui import ranking_controller
from advisor.ui.background import Background
from advisor.ui.ranking_controller import RankingController, RankingInput


class Inputs:
    """The controller's `read`: the constraints to hand out, and every read it made."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.constraints = Constraints(deployment=Deployment.API)
        self.reads: list[Constraints] = []

    def __call__(self) -> RankingInput:
        self.reads.append(self.constraints)
        return RankingInput(self.catalog, self.constraints)


@pytest.fixture
def background() -> Iterator[Background]:
    pool = Background()
    yield pool
    pool.wait()


class Heard:
    """What a controller's signals said."""

    def __init__(self, controller: RankingController) -> None:
        self.results: list[RecommendationResult] = []
        self.seconds: list[float] = []
        self.failures: list[str] = []
        controller.ranked.connect(self._ranked)
        controller.failed.connect(self.failures.append)

    def _ranked(self, result: RecommendationResult, seconds: float) -> None:
        self.results.append(result)
        self.seconds.append(seconds)


def _controller(background: Background, inputs: Inputs, tmp_path: Path) -> tuple[RankingController, Heard]:
    controller = RankingController(background, inputs, tmp_path / "quality.json")
    return controller, Heard(controller)


def test_the_requests_of_one_pass_make_one_ranking(qtbot: QtBot, bundled: Catalog, background: Background,
                                                   tmp_path: Path) -> None:
    inputs = Inputs(bundled)
    controller, heard = _controller(background, inputs, tmp_path)
    assert controller.idle
    for _ in range(3):
        controller.schedule()
    assert not controller.idle
    qtbot.waitUntil(lambda: controller.idle, timeout=20_000)
    assert len(inputs.reads) == 1
    assert len(heard.results) == 1
    assert heard.failures == []
    assert heard.results[0].constraints.deployment is Deployment.API
    assert heard.results[0].recommendations
    assert heard.seconds[0] > 0


def test_requests_during_a_ranking_make_one_more_with_the_latest_inputs(
        qtbot: QtBot, bundled: Catalog, background: Background, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def held(*args: object, **kwargs: object) -> RecommendationResult:
        release.wait(20)  # the first ranking runs until the test lets it go
        return recommend(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ranking_controller, "recommend", held)
    inputs = Inputs(bundled)
    controller, heard = _controller(background, inputs, tmp_path)
    controller.rank()
    inputs.constraints = Constraints(deployment=Deployment.LOCAL)
    controller.rank()
    inputs.constraints = Constraints(deployment=Deployment.ANY)
    controller.rank()
    assert len(inputs.reads) == 1  # the others wait for the running one
    assert not controller.idle
    release.set()
    qtbot.waitUntil(lambda: controller.idle, timeout=20_000)
    assert [c.deployment for c in inputs.reads] == [Deployment.API, Deployment.ANY]
    assert [r.constraints.deployment for r in heard.results] == [Deployment.API, Deployment.ANY]
    assert heard.failures == []


def test_a_failed_ranking_is_a_signal_and_the_next_request_still_ranks(
        qtbot: QtBot, bundled: Catalog, background: Background, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> RecommendationResult:
        raise RuntimeError("engine broke")

    monkeypatch.setattr(ranking_controller, "recommend", boom)
    inputs = Inputs(bundled)
    controller, heard = _controller(background, inputs, tmp_path)
    with qtbot.waitSignal(controller.failed, timeout=20_000):
        controller.rank()
    assert heard.failures == ["engine broke"]
    assert heard.results == []
    assert controller.idle
    monkeypatch.setattr(ranking_controller, "recommend", recommend)
    with qtbot.waitSignal(controller.ranked, timeout=20_000):
        controller.rank()
    assert len(heard.results) == 1
