"""`Background`: a job's typed result or its error comes back on the GUI thread, its progress in
order before it, and a cancelled job's outcome is dropped (#22)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import assert_type

import pytest
from pytestqt.qtbot import QtBot

from advisor.ui.background import Background, Job, Progress

TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Answer:
    value: int
    thread: str


@pytest.fixture
def background() -> Iterator[Background]:
    pool = Background(max_threads=1)
    yield pool
    assert pool.wait(TIMEOUT_MS)


def _fail(exc: BaseException) -> None:
    pytest.fail(f"unexpected failure: {exc!r}")


def test_the_typed_result_reaches_on_success_on_the_gui_thread(qtbot: QtBot, background: Background) -> None:
    got: list[tuple[Answer, str]] = []

    def work(_progress: Progress) -> Answer:
        return Answer(6 * 7, threading.current_thread().name)

    job = background.run(work, lambda answer: got.append((answer, threading.current_thread().name)), _fail)
    assert_type(job, Job[Answer])  # mypy checks the result's type through to on_success
    qtbot.waitUntil(lambda: job.done, timeout=TIMEOUT_MS)
    [(answer, where)] = got
    assert answer.value == 42
    assert answer.thread != threading.main_thread().name  # the work ran in the pool
    assert where == threading.main_thread().name  # the result came back to the GUI thread
    assert not job.cancelled


def test_an_error_reaches_on_failure_and_not_on_success(qtbot: QtBot, background: Background) -> None:
    broken = ValueError("the engine broke")
    errors: list[BaseException] = []

    def work(_progress: Progress) -> int:
        raise broken

    job = background.run(work, lambda value: pytest.fail(f"unexpected result {value}"), errors.append)
    qtbot.waitUntil(lambda: job.done, timeout=TIMEOUT_MS)
    assert errors == [broken]


def test_progress_arrives_in_order_before_the_result(qtbot: QtBot, background: Background) -> None:
    heard: list[tuple[float, str]] = []
    steps = [(i / 10, f"step {i}") for i in range(1, 11)]

    def work(progress: Progress) -> str:
        for fraction, text in steps:
            progress(fraction, text)
        return "finished"

    job = background.run(work, lambda text: heard.append((-1.0, text)), _fail,
                         lambda fraction, text: heard.append((fraction, text)))
    qtbot.waitUntil(lambda: job.done, timeout=TIMEOUT_MS)
    assert heard == [*steps, (-1.0, "finished")]


def test_a_cancelled_job_is_told_and_its_result_and_progress_are_dropped(
        qtbot: QtBot, background: Background) -> None:
    started, release = threading.Event(), threading.Event()
    seen_cancel: list[bool] = []
    heard: list[str] = []

    def work(progress: Progress) -> str:
        started.set()
        assert release.wait(TIMEOUT_MS / 1000)
        seen_cancel.append(progress.cancelled)
        progress(1.0, "after the cancel")
        return "too late"

    job = background.run(work, heard.append, _fail, lambda _f, text: heard.append(text))
    assert started.wait(TIMEOUT_MS / 1000)
    job.cancel()
    release.set()
    qtbot.waitUntil(lambda: job.done, timeout=TIMEOUT_MS)
    qtbot.wait(50)  # anything still queued for the GUI thread is delivered by now
    assert job.cancelled
    assert seen_cancel == [True]
    assert heard == []


def test_a_cancelled_job_that_has_not_started_never_runs(qtbot: QtBot, background: Background) -> None:
    release = threading.Event()
    ran: list[str] = []
    results: list[str] = []

    def blocker(_progress: Progress) -> str:
        assert release.wait(TIMEOUT_MS / 1000)
        return "first"

    def queued(_progress: Progress) -> str:
        ran.append("queued")
        return "second"

    first = background.run(blocker, results.append, _fail)  # the pool's one thread is busy
    second = background.run(queued, results.append, _fail)
    second.cancel()
    release.set()
    qtbot.waitUntil(lambda: first.done and second.done, timeout=TIMEOUT_MS)
    assert ran == []
    assert results == ["first"]


def test_a_cancelled_jobs_error_is_dropped_too(qtbot: QtBot, background: Background) -> None:
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def work(_progress: Progress) -> int:
        started.set()
        assert release.wait(TIMEOUT_MS / 1000)
        raise RuntimeError("gave up")

    job = background.run(work, lambda value: pytest.fail(f"unexpected result {value}"), errors.append)
    assert started.wait(TIMEOUT_MS / 1000)
    job.cancel()
    release.set()
    qtbot.waitUntil(lambda: job.done, timeout=TIMEOUT_MS)
    assert errors == []
