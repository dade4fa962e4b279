"""Start the desktop window: `advisor` with no arguments, or `advisor gui [--scenario] [--screenshot]`."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import QApplication

from advisor import APP_ID, APP_NAME, __version__, bundled
from advisor.catalog.overlay import load_catalog
from advisor.storage.paths import user_paths
from advisor.ui.headless import ModalGuard
from advisor.ui.main_window import MainWindow
from advisor.ui.settings import load_settings

SCREENSHOT_SIZE = (1280, 800)


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


def build_window(scenario: Path | None, persist: bool = True) -> MainWindow:
    """The main window with the user's catalog, settings and scenario loaded."""
    paths = user_paths()
    catalog = load_catalog(paths)
    settings, warning = load_settings(paths)
    window = MainWindow(catalog, paths, settings, persist=persist)
    restored, restore_warning = window.files.restore(scenario)
    if not restored:
        window.constraints_panel.hardware.detect()  # first run: pre-fill from this machine
    for note in (warning, restore_warning):
        if note:
            window.statusBar().showMessage(note, 10_000)
    return window


def wait_for_ranking(window: MainWindow, timeout_ms: int = 20_000) -> bool:
    """Process events until the window shows a ranking (for screenshots and tests)."""
    clock = QElapsedTimer()
    clock.start()
    while (window.result is None or window._ranking_busy) and clock.elapsed() < timeout_ms:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return window.result is not None


def run(scenario: Path | None = None, screenshot: Path | None = None) -> int:
    """Open the window; with `screenshot`, render it to a PNG at the default size and exit."""
    app = application()
    guard = ModalGuard(app) if screenshot is not None else None  # nobody is there to answer
    window = build_window(scenario, persist=screenshot is None)
    if guard is not None and guard.refused:
        window.close()
        return 1  # what the box said is on stderr; a screenshot of the wrong state helps no one
    if screenshot is not None:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        if not wait_for_ranking(window):
            sys.stderr.write("advisor: error: the ranking did not finish in time\n")
            return 1
        QApplication.processEvents()
        ok = window.grab().save(str(screenshot), "PNG")
        window.close()
        if guard is not None and guard.refused:
            return 1
        if not ok:
            sys.stderr.write(f"advisor: error: cannot write {screenshot}\n")
            return 1
        return 0
    window.show()
    QTimer.singleShot(0, window.raise_)
    return app.exec()
