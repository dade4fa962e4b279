"""One small helper for background work: run a function off the GUI thread, deliver its result.

A job is `work(progress) -> T`. It reports through `progress(fraction, message)`, which is the plain
callable the core takes, and may read `progress.cancelled` to stop early. Only here does progress
become a Qt signal. The outcome comes back on the GUI thread: `on_success(result)` with the job's
own type, or `on_failure(exc)`. `Background.run` returns a `Job` handle; once it is cancelled the
job's progress, result and error are dropped (none of its callbacks is called again).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

T = TypeVar("T")

ProgressCallback = Callable[[float, str], None]
"""What the core calls to report: `(fraction 0..1, or 0 for 'no fraction yet', message)`."""


class Progress:
    """What a running job is handed: call it to report; `cancelled` says its caller gave up."""

    def __init__(self, report: ProgressCallback, cancelled: threading.Event) -> None:
        self._report = report
        self._cancelled = cancelled

    def __call__(self, fraction: float, message: str) -> None:
        if not self._cancelled.is_set():
            self._report(fraction, message)

    @property
    def cancelled(self) -> bool:
        """Whether the job was cancelled: its result will be dropped, so it may stop now."""
        return self._cancelled.is_set()


class _Relay(QObject):
    """Carries every job's reports back to the GUI thread: one for each `Background`, living there
    as long as it does, so no job's end deletes a QObject another thread may be emitting on.

    Signals: progressed(int, float, str), finished(int) — by job number
    """

    progressed = Signal(int, float, str)
    finished = Signal(int)


class _Outcome(Generic[T]):
    """What the work left: `(result,)` or the exception it raised; None while it runs (or if it
    never ran)."""

    def __init__(self) -> None:
        self.value: tuple[T] | BaseException | None = None


class Job(Generic[T]):
    """A handle on one background job. `cancel()` drops whatever it has not delivered yet."""

    def __init__(self, on_success: Callable[[T], object], on_failure: Callable[[BaseException], object],
                 on_progress: ProgressCallback | None) -> None:
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_progress = on_progress
        self._cancel = threading.Event()
        self._outcome: _Outcome[T] = _Outcome()
        self._done = False

    @property
    def cancelled(self) -> bool:
        """Whether `cancel()` was called."""
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        """Whether the job has finished (delivered, or dropped because it was cancelled)."""
        return self._done

    def cancel(self) -> None:
        """Give up on the job: it is told (`progress.cancelled`), and its outcome is dropped. A job
        that has not started yet does not run."""
        self._cancel.set()

    def runnable(self, work: Callable[[Progress], T], relay: _Relay, number: int) -> QRunnable:
        """What the pool runs: `work`, leaving its outcome here and reporting through `relay`."""
        outcome = self._outcome

        def attempt(progress: Progress) -> None:
            outcome.value = _attempt(work, progress)

        return _Runnable(attempt, relay, number, self._cancel)

    def progressed(self, fraction: float, message: str) -> None:
        """On the GUI thread: pass a report on, unless the job was cancelled."""
        if self._on_progress is not None and not self._cancel.is_set():
            self._on_progress(fraction, message)

    def deliver(self) -> None:
        """On the GUI thread: hand the outcome to its callback, unless the job was cancelled."""
        self._done = True
        outcome = self._outcome.value
        if self._cancel.is_set() or outcome is None:
            return
        if isinstance(outcome, BaseException):
            self._on_failure(outcome)
        else:
            self._on_success(outcome[0])


def _attempt(work: Callable[[Progress], T], progress: Progress) -> tuple[T] | BaseException:
    # A frame of its own: the error's traceback holds this frame, which holds nothing that holds
    # the error. A cycle through it would be freed by the garbage collector on whatever thread it
    # happens to run on, Qt objects with it.
    try:
        return (work(progress),)
    except Exception as exc:
        return exc


def _reporter(relay: _Relay, number: int) -> ProgressCallback:
    def report(fraction: float, message: str) -> None:
        with contextlib.suppress(RuntimeError):  # the relay went away with its window
            relay.progressed.emit(number, fraction, message)

    return report


class _Runnable(QRunnable):
    """The pool thread's side of a job: the work, where to leave its outcome, how to report. It
    holds none of the callbacks, so none of them is released on the pool thread."""

    def __init__(self, attempt: Callable[[Progress], None], relay: _Relay, number: int,
                 cancel: threading.Event) -> None:
        super().__init__()
        self._attempt = attempt
        self._relay = relay
        self._number = number
        self._cancel = cancel

    @Slot()
    def run(self) -> None:
        if not self._cancel.is_set():
            self._attempt(Progress(_reporter(self._relay, self._number), self._cancel))
        # The window may have closed while the job ran; its result then has nowhere to go.
        with contextlib.suppress(RuntimeError):
            self._relay.finished.emit(self._number)


class _Pending:
    """A running job's GUI-thread side, by number: its progress and its delivery."""

    def __init__(self, progressed: ProgressCallback, deliver: Callable[[], None]) -> None:
        self.progressed = progressed
        self.deliver = deliver


class Background(QObject):
    """Runs jobs in a thread pool."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._progressed)
        self._relay.finished.connect(self._finished)
        self._pending: dict[int, _Pending] = {}
        self._numbers = itertools.count()

    def run(self, work: Callable[[Progress], T], on_success: Callable[[T], object],
            on_failure: Callable[[BaseException], object],
            on_progress: ProgressCallback | None = None) -> Job[T]:
        """Call `work(progress)` in the pool, then `on_success(result)` or `on_failure(exc)` here;
        `on_progress(fraction, message)` hears the job's reports, in order, before either."""
        job = Job(on_success, on_failure, on_progress)
        number = next(self._numbers)
        self._pending[number] = _Pending(job.progressed, job.deliver)
        self._pool.start(job.runnable(work, self._relay, number))
        return job

    @Slot(int, float, str)
    def _progressed(self, number: int, fraction: float, message: str) -> None:
        pending = self._pending.get(number)
        if pending is not None:
            pending.progressed(fraction, message)

    @Slot(int)
    def _finished(self, number: int) -> None:
        pending = self._pending.pop(number, None)
        if pending is not None:
            pending.deliver()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every job has finished (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)


__all__ = ["Background", "Job", "Progress", "ProgressCallback"]
