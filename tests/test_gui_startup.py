"""A first start without a display or without Qt's X11 libraries: one clear paragraph, exit 2,
no Qt plugin dump (advisor/ui/startup.py runs before Qt and imports none of it)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from advisor.ui.startup import install_advice, platform_problem


def fake_qt(tmp_path: Path) -> Path:
    qt = tmp_path / "Qt"
    for rel in ("lib/libQt6Gui.so.6", "plugins/platforms/libqxcb.so", "plugins/platforms/libqwayland.so"):
        (qt / rel).parent.mkdir(parents=True, exist_ok=True)
        (qt / rel).write_bytes(b"")
    return qt


def loader(missing: dict[str, str], server: bool = False) -> Callable[[str], object]:
    """dlopen that fails for files ending with a key (naming the value as missing); the display
    server's client library loads only when a `server` answers (no test has one)."""
    def load(path: str) -> object:
        for suffix, lib in missing.items():
            if path.endswith(suffix):
                raise OSError(f"{lib}: cannot open shared object file: No such file or directory")
        if path in ("libxcb.so.1", "libwayland-client.so.0"):
            if not server:
                raise OSError("no display server in this test")
            return SimpleNamespace(xcb_connect=lambda *_: 1,  # a connection, without error
                                   xcb_connection_has_error=lambda *_: 0, xcb_disconnect=lambda *_: None)
        return object()
    return load


def test_missing_xcb_cursor_names_it_and_the_install_lines(tmp_path: Path) -> None:
    message = platform_problem({"DISPLAY": ":0"}, "linux", loader({"libqxcb.so": "libxcb-cursor.so.0"}),
                               fake_qt(tmp_path))
    assert message is not None
    assert "\n" not in message  # one paragraph
    assert "libxcb-cursor.so.0" in message
    assert "sudo apt install libxcb-cursor0 " in message
    assert "sudo dnf install xcb-util-cursor " in message
    assert "qt.qpa" not in message


def test_missing_gui_library_is_named_even_offscreen(tmp_path: Path) -> None:
    message = platform_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux",
                               loader({"libQt6Gui.so.6": "libEGL.so.1"}), fake_qt(tmp_path))
    assert message is not None
    assert "libEGL.so.1" in message
    assert "libegl1" in message
    assert "libglvnd-egl" in message


def test_no_display_and_dead_display(tmp_path: Path) -> None:
    qt = fake_qt(tmp_path)
    none = platform_problem({}, "linux", loader({}), qt)
    assert none is not None
    assert "neither DISPLAY" in none
    assert "QT_QPA_PLATFORM=offscreen" in none
    dead = platform_problem({"DISPLAY": ":99"}, "linux", loader({}), qt)
    assert dead is not None
    assert "no display server answers on DISPLAY=':99'" in dead


def test_offscreen_other_systems_and_no_pyside_need_no_check(tmp_path: Path) -> None:
    qt = fake_qt(tmp_path)
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", loader({}), qt) is None
    assert platform_problem({"DISPLAY": ":0"}, "linux", loader({}, server=True), qt) is None
    assert platform_problem({}, "darwin", loader({"": "libx.so.1"}), qt) is None
    assert platform_problem({}, "win32", loader({"": "libx.so.1"}), qt) is None


def test_wayland_falls_back_to_x11(tmp_path: Path) -> None:
    load = loader({"libqwayland.so": "libwayland-cursor.so.0"})
    message = platform_problem({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", load,
                               fake_qt(tmp_path))
    assert message is not None
    assert "libwayland-cursor.so.0" in message  # the first candidate's problem is the one to fix


def test_advice_puts_the_missing_package_first() -> None:
    advice = install_advice("libxkbcommon-x11.so.0")
    assert "sudo apt install libxkbcommon-x11-0 libxcb-cursor0" in advice
    assert "sudo dnf install libxkbcommon-x11 xcb-util-cursor" in advice


# -- black box -----------------------------------------------------------------------------------
def advisor_gui(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", "gui"], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")}
    env.update(extra)
    return env


NEEDS_QT = pytest.mark.skipif(
    importlib.util.find_spec("PySide6") is None or not sys.platform.startswith("linux"),
    reason="the window's check on Linux, with PySide6 installed")


@NEEDS_QT
def test_gui_without_a_display_exits_2_with_one_paragraph() -> None:
    done = advisor_gui(clean_env())
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "graphical desktop" in done.stderr
    assert "qt.qpa" not in done.stderr


@NEEDS_QT
def test_gui_with_a_broken_libxcb_cursor_names_the_package(tmp_path: Path) -> None:
    # A broken copy of the library first on the search path stands in for a missing one.
    (tmp_path / "libxcb-cursor.so.0").write_bytes(b"")
    done = advisor_gui(clean_env(DISPLAY=":0", LD_LIBRARY_PATH=str(tmp_path)))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "libxcb-cursor.so.0" in done.stderr
    assert "sudo apt install libxcb-cursor0" in done.stderr
    assert "xcb-util-cursor" in done.stderr
    assert "qt.qpa" not in done.stderr
    assert "Aborted" not in done.stderr


@NEEDS_QT
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb")
def test_a_real_x_server_passes_the_check() -> None:
    code = "from advisor.ui.startup import platform_problem; import sys; sys.exit(platform_problem() or 0)"
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", code], capture_output=True, text=True,
                          env=clean_env(), timeout=120, check=False)
    assert done.returncode == 0, done.stderr
