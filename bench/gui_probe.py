"""Start the window exactly as `advisor gui` does (advisor.cli.app.main, the console script's path),
with one application-wide event filter that watches Paint events and changes nothing else; a child
process of bench/bench_gui.py and of tests/ui/test_first_paint.py.

    python bench/gui_probe.py marks START        seconds from START (time.time() of the parent) to the
                                                 window's first paint, the first paint with its panels
                                                 built, and the first with a ranking, then exit
    python bench/gui_probe.py loaded PREFIXES    at the first paint, the modules loaded whose names
                                                 start with one of the comma-separated PREFIXES, and
                                                 whether the panels were built, then exit
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

import advisor.ui.app as ui
from advisor.cli.app import main


class Marks(QObject):
    """Times the three paints a user sees: the frame, the built window, the first ranking."""

    def __init__(self, start: float) -> None:
        super().__init__()
        self.start = start
        self.marks: dict[str, float] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            win = watched.window()
            if isinstance(win, QMainWindow):
                now = time.time() - self.start
                if watched is win:
                    self.marks.setdefault("paint", now)
                if getattr(win, "ready", False):
                    self.marks.setdefault("built", now)
                if getattr(win, "result", None) is not None:
                    self.marks.setdefault("ranked", now)
                    print(self.marks["paint"], self.marks["built"], self.marks["ranked"], flush=True)
                    os._exit(0)  # measured: leave without the teardown
        return False


class Loaded(QObject):
    """At the first paint of a top-level window: which of the named modules had loaded by then."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget) and watched is watched.window():
            heavy = sorted({m.split(".")[0] if not m.startswith("advisor.") else ".".join(m.split(".")[:2])
                            for m in sys.modules if m.startswith(self.prefixes)})
            print("loaded:", ",".join(heavy), "ready:", getattr(watched, "ready", None), flush=True)
            os._exit(0)
        return False


def run(spy: QObject) -> int:
    """`advisor gui`, with `spy` filtering every event of the application it creates."""
    make = ui.application

    def application() -> QApplication:
        app = make()
        app.installEventFilter(spy)
        return app

    ui.application = application
    return main(["gui"])


if __name__ == "__main__":
    mode, arg = sys.argv[1], sys.argv[2]
    sys.exit(run(Marks(float(arg)) if mode == "marks" else Loaded(tuple(arg.split(",")))))
