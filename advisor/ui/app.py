"""Start the desktop window: `advisor` with no arguments, or `advisor gui [--scenario] [--screenshot]`.

The window paints first and fills in after (issue 21). This module imports Qt and a few light
modules only: `run` shows the window's frame (`MainWindow.opening`: title, saved geometry, menu
bar, "Loading your catalog…"), and on the event-loop pass after that frame has painted
`fill_window` imports the core, loads the catalog, the settings and the scenario, and builds the
panels into the same window.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox

from advisor import APP_ID, APP_NAME, __version__, bundled
from advisor.errors import AdvisorError
from advisor.storage.paths import UserPaths, user_paths
from advisor.storage.problems import ProblemError
from advisor.storage.reading import read_capped
from advisor.ui.headless import ModalGuard
from advisor.ui.inert import message
from advisor.ui.main_window import MainWindow

SCREENSHOT_SIZE = (1280, 800)
UNPAINTED_MS = 250
"""Fill the window after this long even if its frame never painted (a window opened minimized or on
another desktop is painted only when it is seen)."""


def application() -> QApplication:
    """The running QApplication (created once)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    pixmap = QPixmap()
    pixmap.loadFromData(bundled.read_bytes("icons", f"{APP_ID}.svg"))
    app.setWindowIcon(QIcon(pixmap))
    return app


def saved_geometry(paths: UserPaths) -> str | None:
    """The window geometry saved in settings.json, read without the settings model (pydantic), so the
    frame opens where the window was. Only a hint: `load_settings` reads and checks the whole file
    when the panels are built, and anything unreadable here is simply no geometry."""
    try:
        raw = json.loads(read_capped(paths.settings_file))
    except (OSError, ValueError, AdvisorError):
        return None
    geometry = raw.get("geometry_b64") if isinstance(raw, dict) else None
    return geometry if isinstance(geometry, str) else None


def open_window(paths: UserPaths, persist: bool = True) -> MainWindow:
    """The window's frame, before its catalog is loaded (Qt alone)."""
    return MainWindow.opening(paths, persist, saved_geometry(paths))


def fill_window(window: MainWindow, scenario: Path | None) -> None:
    """Load the user's catalog, settings and scenario and build the panels into `window`. Raises what
    loading raises (AdvisorError, OSError) with the window left as it was."""
    from advisor.catalog.overlay import load_catalog  # noqa: PLC0415 - the core loads after the first paint
    from advisor.ui.settings import load_settings  # noqa: PLC0415

    catalog = load_catalog(window.paths)
    settings, warning = load_settings(window.paths)
    window.assemble(catalog, settings)
    restored, restore_warning = window.files.restore(scenario)
    if not restored:
        window.constraints_panel.hardware.detect()  # first run: pre-fill from this machine
    for note in (warning, restore_warning):
        if note:
            window.statusBar().showMessage(note, 10_000)


def build_window(scenario: Path | None, persist: bool = True) -> MainWindow:
    """The main window with the user's catalog, settings and scenario loaded (not shown yet)."""
    window = open_window(user_paths(), persist)
    fill_window(window, scenario)
    return window


def failure_lines(exc: AdvisorError | OSError) -> list[str]:
    """What a failed start says, one problem a line, worded as the command line words it."""
    if isinstance(exc, ProblemError):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return [f"{where}{exc.strerror or exc}"]
    return [str(exc)]


class AfterFirstPaint(QObject):
    """Calls `then` once, on the event-loop pass after `window` first paints (or after UNPAINTED_MS
    if it does not), so the frame is on screen before the slow work starts."""

    def __init__(self, window: MainWindow, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._then: Callable[[], None] | None = then
        window.installEventFilter(self)
        QTimer.singleShot(UNPAINTED_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._window and event.type() == QEvent.Type.Paint and self._then is not None:
            QTimer.singleShot(0, self, self._fire)  # posted: the painted frame reaches the screen first
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self._window.removeEventFilter(self)
            then()


def _fill_or_quit(window: MainWindow, scenario: Path | None,
                  quit_with: Callable[[int], None] = QApplication.exit) -> None:
    """Fill the shown window; when the catalog cannot be loaded, say why (stderr and a box in the
    window) and quit with exit code 1. A bug stays a traceback, and quits too. (`quit_with` is for
    tests: QApplication.exit outside `exec` makes every later event loop return at once.)"""
    if not window.isVisible():
        return  # closed while its frame was all there was
    try:
        fill_window(window, scenario)
    except (AdvisorError, OSError) as exc:
        lines = failure_lines(exc)
        for line in lines:
            sys.stderr.write(f"advisor: error: {line}\n")
        text = f"{APP_NAME} cannot start: " + "\n".join(lines)
        window.show_failure(text)
        message(window, QMessageBox.Icon.Critical, APP_NAME, text)
        quit_with(1)
    except Exception:
        traceback.print_exc()
        quit_with(1)


def wait_for_ranking(window: MainWindow, timeout_ms: int = 20_000) -> bool:
    """Process events until the window shows a ranking (for screenshots and tests)."""
    clock = QElapsedTimer()
    clock.start()
    while (window.result is None or not window.ranking.idle) and clock.elapsed() < timeout_ms:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return window.result is not None


def _screenshot(window: MainWindow, scenario: Path | None, screenshot: Path, guard: ModalGuard) -> int:
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    QApplication.processEvents()  # the frame paints first, as in an interactive start
    fill_window(window, scenario)  # a catalog that cannot be read: the command line says why
    if guard.refused:
        window.close()
        return 1  # what the box said is on stderr; a screenshot of the wrong state helps no one
    if not wait_for_ranking(window):
        sys.stderr.write("advisor: error: the ranking did not finish in time\n")
        return 1
    QApplication.processEvents()
    ok = window.grab().save(str(screenshot), "PNG")
    window.close()
    if guard.refused:
        return 1
    if not ok:
        sys.stderr.write(f"advisor: error: cannot write {screenshot}\n")
        return 1
    return 0


def run(scenario: Path | None = None, screenshot: Path | None = None) -> int:
    """Open the window; with `screenshot`, render it to a PNG at the default size and exit."""
    app = application()
    window = open_window(user_paths(), persist=screenshot is None)
    if screenshot is not None:
        return _screenshot(window, scenario, screenshot, ModalGuard(app))  # nobody is there to answer
    window.show()
    QTimer.singleShot(0, window.raise_)
    AfterFirstPaint(window, lambda: _fill_or_quit(window, scenario))
    return app.exec()
