"""One small helper for background work: run a function off the GUI thread, deliver its result.

The core reports progress through a plain callable `(fraction, message)`; only here does it become
a Qt signal. Results come back on the GUI thread through queued signals.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance, Slot

Progress = Callable[[float, str], None]


class _Relay(QObject):
    """Carries a job's outcome back to the GUI thread.

    Signals: succeeded(object), failed(object), progressed(float, str)
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(float, str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    @Slot()
    def run(self) -> None:
        try:
            value = self._work(self._progress)
        except Exception as exc:
            self._emit(self._relay.failed, exc)
        else:
            self._emit(self._relay.succeeded, value)

    def _progress(self, fraction: float, message: str) -> None:
        with contextlib.suppress(RuntimeError):
            self._relay.progressed.emit(fraction, message)

    @staticmethod
    def _emit(signal: SignalInstance, value: object) -> None:
        # The window may have closed while the job ran; its result then has nowhere to go.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


class Background(QObject):
    """Runs jobs in a thread pool; keeps each job's relay alive until it reports."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()

    def run(self, work: Callable[[Progress], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None],
            on_progress: Progress | None = None) -> None:
        """Call `work(progress)` in the pool, then `on_success(result)` or `on_failure(exc)` here."""
        relay = _Relay()
        self._relays.add(relay)

        def finish_ok(value: object) -> None:
            self._relays.discard(relay)
            on_success(value)

        def finish_err(exc: object) -> None:
            self._relays.discard(relay)
            on_failure(exc if isinstance(exc, BaseException) else RuntimeError(str(exc)))

        relay.succeeded.connect(finish_ok)
        relay.failed.connect(finish_err)
        if on_progress is not None:
            relay.progressed.connect(on_progress)
        self._pool.start(_Job(work, relay))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every job has finished (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)
