"""Can the window open here? Checked before Qt starts, because Qt's own answer to a missing display
or a missing system library is a wall of plugin messages and an abort (SIGABRT), not an error.

Imports no PySide6: it dlopens the Qt platform plugin Qt would pick (which loads every library the
plugin links, so a missing one is named exactly) and asks the display server for a connection.
Qt's X11 needs: https://doc.qt.io/qt-6.8/linux-requirements.html (read 2026-12-03).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

NO_WINDOW_PLATFORMS = frozenset({"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb",
                                 "vkkhrdisplay"})
"""Platforms that need no desktop session (Qt draws to memory, a VNC socket or the framebuffer)."""

DEBIAN_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
                   "libxcb-render-util0", "libxcb-shape0", "libxcb-randr0", "libxcb-xkb1",
                   "libxkbcommon-x11-0", "libxkbcommon0", "libegl1", "libgl1", "libfontconfig1",
                   "libdbus-1-3")
FEDORA_PACKAGES = ("xcb-util-cursor", "xcb-util-wm", "xcb-util-image", "xcb-util-keysyms",
                   "xcb-util-renderutil", "libxkbcommon-x11", "libxkbcommon", "libglvnd-egl",
                   "libglvnd-glx", "fontconfig", "dbus-libs")

SONAME_PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}
"""Which package ships a library, on Debian/Ubuntu and on Fedora."""

Loader = Callable[[str], object]


def _qt_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt"


def _missing_library(error: OSError) -> str:
    """The library a failed dlopen names ("libxcb-cursor.so.0: cannot open shared object file"; a
    broken copy: "file too short")."""
    match = re.search(r"(lib[\w.+-]+\.so[.\d]*): (?:cannot open|file too short|invalid ELF)", str(error))
    return match.group(1) if match else str(error)


def install_advice(missing: str) -> str:
    """The exact install lines for a missing library (the whole set Qt's X11 plugin needs, so the
    next missing one does not stop the window again)."""
    debian, fedora = SONAME_PACKAGES.get(missing, (None, None))
    apt = " ".join(dict.fromkeys([*filter(None, [debian]), *DEBIAN_PACKAGES]))
    dnf = " ".join(dict.fromkeys([*filter(None, [fedora]), *FEDORA_PACKAGES]))
    return f"on Debian or Ubuntu: sudo apt install {apt}; on Fedora: sudo dnf install {dnf}"


def _plugin_problem(qt: Path, name: str, load: Loader) -> str | None:
    """Why the platform plugin `name` cannot load (a missing library), or None."""
    plugin = qt / "plugins" / "platforms" / f"libq{name}.so"
    if not plugin.exists():
        return f"Qt's {name} platform plugin is not part of this PySide6 ({plugin} is missing)"
    try:
        load(str(plugin))
    except OSError as exc:
        missing = _missing_library(exc)
        return (f"Qt's {name} platform plugin needs the system library {missing}, which is not "
                f"installed. Install it with the libraries Qt needs for a window, {install_advice(missing)}; "
                "then run advisor again")
    return None


def _connects(kind: str, load: Loader) -> bool:
    """Whether the display server answers (xcb_connect / wl_display_connect, then disconnect)."""
    try:
        if kind == "xcb":
            lib: ctypes.CDLL = load("libxcb.so.1")  # type: ignore[assignment]
            lib.xcb_connect.restype = ctypes.c_void_p
            conn = lib.xcb_connect(None, None)
            ok = bool(conn) and lib.xcb_connection_has_error(ctypes.c_void_p(conn)) == 0
            if conn:
                lib.xcb_disconnect(ctypes.c_void_p(conn))
            return ok
        lib = load("libwayland-client.so.0")  # type: ignore[assignment]
        lib.wl_display_connect.restype = ctypes.c_void_p
        display = lib.wl_display_connect(None)
        if display:
            lib.wl_display_disconnect(ctypes.c_void_p(display))
        return bool(display)
    except (OSError, AttributeError):
        return False


def platform_problem(environ: Mapping[str, str] | None = None, system: str | None = None,
                     load: Loader = ctypes.CDLL, qt_dir: Path | None = None) -> str | None:
    """One paragraph saying why the window cannot open here and how to fix it, or None when it can
    (or when this is not Linux: macOS and Windows carry their platform plugin in the wheel)."""
    env = os.environ if environ is None else environ
    if not (system or sys.platform).startswith("linux"):
        return None
    qt = qt_dir or _qt_dir()
    if qt is None:
        return None  # no PySide6: the caller says so
    gui = qt / "lib" / "libQt6Gui.so.6"
    if gui.exists():  # every platform needs Qt GUI's own system libraries (EGL, GL, fontconfig)
        try:
            load(str(gui))
        except OSError as exc:
            missing = _missing_library(exc)
            return (f"advisor: the window cannot open: Qt needs the system library {missing}, which is "
                    f"not installed. Install the libraries Qt needs for a window, {install_advice(missing)}. "
                    "Then run advisor again. The command line works without them (advisor --help).")
    chosen = [p.strip().split(":")[0] for p in env.get("QT_QPA_PLATFORM", "").split(";") if p.strip()]
    if not chosen:  # what Qt itself picks: wayland first in a Wayland session, else X11
        wayland_session = env.get("XDG_SESSION_TYPE") == "wayland" or bool(env.get("WAYLAND_DISPLAY"))
        chosen = ["wayland", "xcb"] if wayland_session else ["xcb"]
    if any(p in NO_WINDOW_PLATFORMS for p in chosen):
        return None
    problems: list[str] = []
    for name in chosen:
        variable = "DISPLAY" if name == "xcb" else "WAYLAND_DISPLAY"
        if name == "xcb" and not env.get("DISPLAY"):
            continue
        if name == "wayland" and not env.get("WAYLAND_DISPLAY") and not env.get("XDG_RUNTIME_DIR"):
            continue
        problem = _plugin_problem(qt, name, load)
        if problem is None and _connects(name, load):
            return None
        problems.append(problem or f"no display server answers on {variable}={env.get(variable, '')!r} "
                        "(is the desktop session still running, or was the variable copied from "
                        "another one?)")
    if problems:
        return (f"advisor: the window cannot open: {problems[0]}. The command line works without a "
                "window (advisor --help); docs/install.md lists what each system needs.")
    return ("advisor: the window needs a graphical desktop and none was found: neither DISPLAY (X11) nor "
            "WAYLAND_DISPLAY (Wayland) is set. Start it from a desktop session (over SSH: ssh -X), or use "
            "the command line, which needs none (advisor --help; advisor recommend ...). To render the "
            "window without a screen, set QT_QPA_PLATFORM=offscreen.")
