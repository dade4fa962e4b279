"""The window's responsiveness (what a user feels), offscreen.

    QT_QPA_PLATFORM=offscreen uv run python bench/bench_gui.py [--runs N]

1. Process start to the window on screen, in a fresh process per run that starts the window as
   `advisor gui` does (advisor.cli.app.main, the same path as the console script) and records,
   from the time the parent started it: the first Paint event of the top-level window the user
   sees (its frame, issue 21), the first paint once its panels are built (`window.ready`), and the
   first paint once it shows a ranking (`window.result`). Median of N runs. The child only adds an
   application-wide event filter that watches Paint events; it changes nothing the window does.
2. The same first paint for a bare PySide6 QMainWindow (the floor any Qt program pays).
3. A constraint change (the budget) to the updated table: ranking in the background (started on
   the next event-loop pass, ranking_controller.DEBOUNCE_MS) + model reset, measured from the change to
   the moment the new result is shown.
4. The longest the GUI thread was blocked during those updates: a 5 ms heartbeat timer on the GUI
   thread records the largest gap between ticks (target: under 100 ms).

Python files are compiled to bytecode first, as any installation has them (bench_cli.py says why;
`--no-compile` measures without).

Targets: first paint <= 0.9 s (issue 10) and within 3x a bare window's (issue 21); the table
updates within a frame or two of the ranking.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cli import compile_bytecode

PROBE = Path(__file__).with_name("gui_probe.py")
"""The measured child: `advisor gui` with a Paint-watching event filter (`gui_probe.py marks`)."""


BARE = r"""
import sys, time
t_start = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"{time.time() - t_start:.4f}", flush=True)
            QTimer.singleShot(0, app.quit)
        return False

spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""
"""The same first paint for a bare PySide6 main window (the floor any Qt program pays)."""


def _marks(child: list[str], env: dict[str, str]) -> tuple[float, ...]:
    """The seconds from process start to each mark one run of `child` (its command line, to which the
    start time is appended) prints."""
    start = time.time()
    done = subprocess.run([sys.executable, *child, repr(start)], env=env, check=False,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        sys.exit(f"the measured window failed (exit {done.returncode}):\n{done.stderr}")
    return tuple(float(v) for v in done.stdout.split())


def first_paint(runs: int) -> tuple[list[tuple[float, ...]], list[float]]:
    """Per run, the window's marks and the bare window's first paint. The two alternate, so a load
    that comes and goes on the machine weighs on both alike and their ratio stays fair."""
    window, bare = [], []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ADVISOR_HOME": home, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM",
                                                                                      "offscreen")}
        for _ in range(runs):
            window.append(_marks([str(PROBE), "marks"], env))
            bare.append(_marks(["-c", BARE], env)[0])
    return window, bare


def updates(runs: int) -> tuple[list[float], float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["ADVISOR_HOME"] = tempfile.mkdtemp()
    from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from advisor.ui.app import application, build_window, wait_for_ranking  # noqa: PLC0415

    app = application()
    window = build_window(None, persist=False)
    window.show()
    wait_for_ranking(window)
    gap = {"max": 0.0, "last": time.perf_counter()}

    def tick() -> None:
        now = time.perf_counter()
        gap["max"] = max(gap["max"], now - gap["last"])
        gap["last"] = now

    heartbeat = QTimer()
    heartbeat.timeout.connect(tick)
    heartbeat.start(5)
    panel = window.constraints_panel
    panel.budget_limited.setChecked(True)
    wait_for_ranking(window)
    times = []
    for i in range(runs):
        before = window.result
        gap["last"] = time.perf_counter()
        start = time.perf_counter()
        panel.budget.setValue(20 + 15 * (i % 7))
        clock = QElapsedTimer()
        clock.start()
        while (window.result is before or not window.ranking.idle) and clock.elapsed() < 20_000:
            QApplication.processEvents()
        times.append(time.perf_counter() - start)
    heartbeat.stop()
    window.close()
    app.processEvents()
    return times, gap["max"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-compile", action="store_true",
                        help="measure without compiling bytecode first (as bench_cli.py)")
    opts = parser.parse_args()
    if not opts.no_compile:
        compile_bytecode()  # as an installer does; PYTHONDONTWRITEBYTECODE=1 would recompile every start
    window, bare = first_paint(opts.runs)
    paint, built, ranked = ([run[i] for run in window] for i in range(3))
    print(f"process start -> first paint of the window (its frame): median {statistics.median(paint):.3f} s, "
          f"min {min(paint):.3f} s ({opts.runs} runs; target <= 0.9 s)")
    print(f"process start -> first paint with the panels built: median {statistics.median(built):.3f} s, "
          f"min {min(built):.3f} s; {statistics.median(built) / statistics.median(bare):.1f}x a bare window")
    print(f"process start -> first paint showing the ranking: median {statistics.median(ranked):.3f} s, "
          f"min {min(ranked):.3f} s")
    print(f"the same first paint for a bare PySide6 QMainWindow: median {statistics.median(bare):.3f} s; "
          f"ratio {statistics.median(paint) / statistics.median(bare):.1f}x (target <= 3x, issue #21)")
    times, worst = updates(opts.runs * 3)
    from advisor.ui.ranking_controller import DEBOUNCE_MS  # noqa: PLC0415

    print(f"budget change -> table updated ({DEBOUNCE_MS} ms debounce included): median "
          f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms ({len(times)} changes)")
    print(f"longest GUI-thread stall during those updates: {worst * 1000:.0f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
