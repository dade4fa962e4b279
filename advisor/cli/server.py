"""`advisor server start|stop|status`: the opt-in resident process that answers read-only commands.

A new `advisor` process spends most of an answer importing NumPy, pydantic and the program (issue
#16: ~290 of ~360 ms). The server (serving.py) keeps them loaded; the client (client.py) sends it the
command and prints its answer, byte for byte the one an in-process run prints, and runs the command
itself whenever the server cannot answer. Its socket lives in a folder only this user can enter
(ADVISOR_HOME/run, XDG_RUNTIME_DIR/model-advisor, or the cache folder's run/). POSIX only: on Windows
every command runs in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from advisor.cli import client
from advisor.cli.common import UserError, out

NOT_RUNNING = 3
"""Exit code of `advisor server status` when no server answers (as `systemctl status`)."""
DEFAULT_IDLE_MINUTES = 30.0
START_TIMEOUT_S = 60.0
"""How long `start` waits for the new server to listen (it imports the program first)."""
STOP_TIMEOUT_S = 10.0
MAX_SOCKET_PATH = 100
"""Bytes of a socket path every POSIX system accepts (sun_path: 108 on Linux, 104 on macOS)."""


def _socket_path() -> str:
    return str(Path(client.run_dir(os.environ), client.SOCKET_NAME).absolute())


def _status(path: str) -> dict[str, Any] | None:
    """The running server's status, or None when none answers at `path`."""
    if not client.own_socket(path):
        return None
    try:
        header, _ = client.ask(path, {"protocol": client.PROTOCOL, "op": "status",
                                      "fingerprint": client.fingerprint(os.environ)}, timeout_s=5.0)
    except (OSError, ValueError):
        return None
    return header if header.get("status") == "ok" else None


def _private_run_dir(folder: Path) -> None:
    """Create the socket's folder (0700), or refuse one that others can enter or change."""
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
    if not client.private_folder(str(folder)):
        raise UserError(f"{folder}: the server's folder must be yours and closed to others "
                        f"(chmod 700 {folder}), and not a link")


def _check_platform() -> None:
    if os.name != "posix":
        raise UserError("the resident server needs Unix sockets; on Windows every command runs in "
                        "this process (as fast as it gets there)")
    if getattr(sys, "frozen", False):
        raise UserError("the resident server needs the Python package (pip install / pipx); the "
                        "bundled app runs every command in its own process")


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {secs} s" if minutes else f"{secs} s"


def cmd_start(args: argparse.Namespace) -> int:
    _check_platform()
    if args.idle_timeout <= 0:
        raise UserError(f"--idle-timeout must be above 0 minutes (got {args.idle_timeout:g})")
    path = _socket_path()
    running = _status(path)
    if running is not None and running["serves_asker"]:
        out(f"advisor server: already running (pid {running['pid']}, {path})")
        return 0
    if running is not None:  # stale, or another interpreter's: this one replaces it
        _stop(path, running)
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise UserError(f"the socket path {path} is longer than {MAX_SOCKET_PATH} bytes, which Unix "
                        "sockets cannot use; set a shorter ADVISOR_HOME or XDG_RUNTIME_DIR")
    folder = Path(path).parent
    _private_run_dir(folder)
    log = folder / "server.log"
    package = client.fingerprint({})["package"]
    command = [sys.executable, "-m", "advisor.cli.serving", "--socket", path,
               "--idle-timeout-s", f"{args.idle_timeout * 60:g}", "--package", package]
    with os.fdopen(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as log_file:
        # Its own session: no terminal's hang-up or Ctrl-C reaches it. cwd: the private folder, so
        # `-m` puts nothing of the caller's folder on its import path.
        child = subprocess.Popen(command, cwd=folder, stdin=subprocess.DEVNULL,
                                 stdout=log_file, stderr=log_file, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        running = _status(path)
        if running is not None and running["pid"] == child.pid:
            out(f"advisor server: listening on {path} (pid {child.pid}; exits after "
                f"{args.idle_timeout:g} min without a request; 'advisor server stop' ends it)")
            return 0
        if child.poll() is not None:
            said = log.read_text(encoding="utf-8", errors="replace").strip()
            raise UserError(f"the server exited at start (status {child.returncode})"
                            + (f": {said}" if said else ""))
        time.sleep(0.05)
    child.terminate()
    raise UserError(f"the server did not listen within {START_TIMEOUT_S:g} s; see {log}")


def cmd_stop(_args: argparse.Namespace) -> int:
    _check_platform()
    path = _socket_path()
    running = _status(path)
    if running is None:
        out("advisor server: not running")
        return 0
    _stop(path, running)
    out(f"advisor server: stopped (pid {running['pid']})")
    return 0


def _stop(path: str, running: dict[str, Any]) -> None:
    """Ask the server at `path` to exit and wait until its socket is gone."""
    try:
        client.ask(path, {"protocol": client.PROTOCOL, "op": "stop"}, timeout_s=STOP_TIMEOUT_S)
    except (OSError, ValueError) as exc:
        raise UserError(f"the server (pid {running['pid']}) did not stop: {exc}") from exc
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def cmd_status(args: argparse.Namespace) -> int:
    _check_platform()
    path = _socket_path()
    running = _status(path)
    if args.format == "json":
        shown = {"running": running is not None, "socket": path}
        if running is not None:
            shown |= {k: running[k] for k in ("pid", "uptime_s", "requests", "idle_timeout_s", "version",
                                              "serves_asker")}
        out(json.dumps(shown, indent=2))
    elif running is None:
        out(f"advisor server: not running (socket {path})")
    else:
        out(f"advisor server: running, pid {running['pid']}, socket {path}, up "
            f"{_duration(running['uptime_s'])}, {running['requests']} request(s) answered, exits after "
            f"{running['idle_timeout_s'] / 60:g} min without a request"
            + ("" if running["serves_asker"] else "; it does not answer this command line (its program "
               "changed, or another interpreter started it): 'advisor server start' replaces it"))
    return 0 if running is not None else NOT_RUNNING


def add_commands(sub: Any) -> None:
    """Add `advisor server start|stop|status`."""
    server = sub.add_parser("server", help="a resident process that answers read-only commands fast "
                            "(opt-in)")
    actions = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    p = actions.add_parser("start", help="start it in the background (returns once it listens)")
    p.add_argument("--idle-timeout", type=float, default=DEFAULT_IDLE_MINUTES, metavar="MINUTES",
                   help=f"exit after this long without a request (default {DEFAULT_IDLE_MINUTES:g})")
    p.set_defaults(func=cmd_start)
    p = actions.add_parser("stop", help="end it")
    p.set_defaults(func=cmd_stop)
    p = actions.add_parser("status", help="whether it runs: pid, socket, uptime (exit 3 if not)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_status)
