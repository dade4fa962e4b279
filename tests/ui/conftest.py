"""Qt fixtures: a main window on the bundled catalog with a fake detector, waiting helpers."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from advisor.catalog.store import Catalog, load_bundled
from advisor.hardware.detect import DetectionResult
from advisor.hardware.profile import profile_from_preset
from advisor.storage.paths import UserPaths
from advisor.ui.main_window import MainWindow
from advisor.ui.settings import WindowSettings

# Without a display, Qt aborts unless told to draw offscreen (CI sets this too).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """After each test (its widgets closed and deleted), free its cyclic garbage here. Left to
    itself the collector runs on whichever thread allocates when it is due, a background job's
    included, and a Qt object it frees there (a test's parentless `Background`, with its thread
    pool) crashes the process."""
    yield
    gc.collect()


@pytest.fixture(scope="session")
def bundled() -> Catalog:
    """The bundled catalog (loaded once)."""
    return load_bundled()


def rtx_4090(catalog: Catalog) -> Callable[[], DetectionResult]:
    """A detector that 'finds' one RTX 4090 and 64 GB of RAM."""
    preset = catalog.hardware["rtx-4090"]
    profile = profile_from_preset(preset).model_copy(update={"ram_gb": 64 * 2**30 / 1e9})  # 64 GiB
    return lambda: DetectionResult(profile, ["fake detector"], preset.id)


def wait_ranked(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the window shows a ranking for the constraints on screen."""
    qtbot.waitUntil(lambda: window.result is not None and window.ranking.idle, timeout=20_000)


Waiter = Callable[[MainWindow], None]


@pytest.fixture
def ranked(qtbot: QtBot) -> Waiter:
    """`ranked(window)` waits until the window's ranking matches its constraints."""
    return lambda window: wait_ranked(qtbot, window)


@pytest.fixture
def detector(bundled: Catalog) -> Callable[[], DetectionResult]:
    """A fake detector finding one RTX 4090 and 64 GB of RAM."""
    return rtx_4090(bundled)


@pytest.fixture
def window(qtbot: QtBot, paths: UserPaths, bundled: Catalog) -> Iterator[MainWindow]:
    """A main window with default constraints, ranked."""
    win = MainWindow(bundled, paths, WindowSettings(), detector=rtx_4090(bundled))
    qtbot.addWidget(win)
    win.files.restore(None)
    wait_ranked(qtbot, win)
    yield win
    win.background.wait()
