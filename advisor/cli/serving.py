"""The resident process behind `advisor server start`: `python -m advisor.cli.serving --socket PATH`.

It keeps the interpreter, the imported modules and their caches warm, and runs one request at a time
through `app.parse_command` and `app.run_command`, the functions `advisor` runs in-process, with the
client's working folder, environment, umask, output encodings and terminal size (served.py); nothing
of an answer is kept. The catalog is kept only while the bytes of the user's overlay are unchanged
(CatalogMemo), and every other user file (calibrations, scenarios) is read by each request, so a
changed user file is read as an in-process run reads it. What a running
process cannot take from a request makes it refuse instead: a client started differently (another
interpreter, program, locale or BLAS setting: client.fingerprint) is told to run in-process; a
changed program file (any file of the package, or of a module it has loaded) makes it say "stale"
and exit. It exits by itself after `--idle-timeout-s` without a request, and when its socket file is
removed or replaced.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli import app, client
from advisor.cli.served import Fallback, run

if TYPE_CHECKING:
    from advisor.catalog.store import Catalog
    from advisor.storage.paths import UserPaths

IDLE_CHECK_S = 30.0
"""How often an idle server checks its socket file is still its own (seconds)."""
REQUEST_READ_TIMEOUT_S = 5.0
COLLECT_AFTER_S = 0.5
"""Idle this long after a request, the server collects its garbage (seconds)."""


class _Terminated(BaseException):
    """SIGTERM: leave the loop (a BaseException, so no request handler takes it for the command's)."""


def _package_files() -> dict[str, tuple[int, int]]:
    """Modification time and size of every file of the program (its modules and bundled files)."""
    root = Path(client.fingerprint({})["package"])
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            info = (Path(folder) / name).stat()
            found[f"{folder}/{name}"] = (info.st_mtime_ns, info.st_size)
    return found


def _module_files() -> dict[str, tuple[int, int]]:
    """The same for every loaded module's file (the program's dependencies)."""
    found: dict[str, tuple[int, int]] = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            try:
                info = Path(path).stat()
            except OSError:
                continue
            found[path] = (info.st_mtime_ns, info.st_size)
    return found


class Sources:
    """The program's files as they were when the server loaded them."""

    def __init__(self) -> None:
        self.package = _package_files()
        self.modules = _module_files()

    def changed(self) -> bool:
        """Whether a file of the package was changed, added or removed, or a loaded module's file
        changed, since it was loaded (modules loaded by a request are recorded as they appear)."""
        if _package_files() != self.package:
            return True
        return any(self.modules.setdefault(path, seen) != seen for path, seen in _module_files().items())


class CatalogMemo:
    """`overlay.load_catalog` for the server: the last catalog a request loaded without a warning,
    handed again to a request whose overlay file has the same bytes at the same path. That is all
    the load reads but the bundled files, which are the package's (a change makes the server stale).
    The core keys its own caches (the quality table, the columns) by the catalog object, as the
    window's repeated rankings do, so a kept catalog keeps them too. A load with a warning (a bad
    overlay, moved aside or left) is never kept: the next request loads again, as a new process."""

    def __init__(self, load: Callable[[UserPaths], Catalog]) -> None:
        self.load = load
        self.key: tuple[Path, bytes | None] | None = None
        self.catalog: Catalog | None = None

    @staticmethod
    def _key(paths: UserPaths) -> tuple[Path, bytes | None] | None:
        try:
            return paths.overlay_file, paths.overlay_file.read_bytes()
        except FileNotFoundError:
            return paths.overlay_file, None
        except OSError:
            return None  # unreadable: the load says why, each time

    def __call__(self, paths: UserPaths) -> Catalog:
        key = self._key(paths)
        if key is not None and key == self.key and self.catalog is not None:
            return self.catalog
        catalog = self.load(paths)
        if key is not None and not catalog.warnings and self._key(paths) == key:
            self.key, self.catalog = key, catalog
        return catalog


def _peer_uid(conn: socket.socket) -> int | None:
    """The connecting process's user id (Linux; elsewhere the private folder is the only door)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return int(uid)


class Server:
    """The listening socket and the loop that answers it, one request at a time."""

    def __init__(self, path: str, idle_timeout_s: float) -> None:
        self.path = Path(path)
        self.idle_timeout_s = idle_timeout_s
        self.started = time.time()
        self.last_request = time.monotonic()
        self.requests = 0
        self.collect_pending = False
        self.identity = client.fingerprint(os.environ)
        self.sources = Sources()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Bound under a temporary name, made private, then moved into place: a client never finds
        # a socket that is not yet listening or not yet 0600.
        temporary = self.path.with_name(f".server-{os.getpid()}.sock")
        temporary.unlink(missing_ok=True)
        self.sock.bind(str(temporary))
        temporary.chmod(0o600)
        self.sock.listen(16)
        temporary.replace(self.path)
        self.inode = self.path.stat().st_ino

    def _still_ours(self) -> bool:
        try:
            return self.path.stat().st_ino == self.inode
        except OSError:
            return False

    def status(self, asker: object = None) -> dict[str, Any]:
        """What `advisor server status` shows; `serves_asker`: whether it would answer a client with
        the fingerprint `asker` (false when stale, or started by another interpreter or program)."""
        return {"status": "ok", "pid": os.getpid(), "socket": str(self.path), "started": self.started,
                "uptime_s": time.time() - self.started, "requests": self.requests,
                "idle_timeout_s": self.idle_timeout_s, "version": self.identity["version"],
                "serves_asker": asker == self.identity and not self.sources.changed()}

    def serve(self) -> None:
        """Answer until stopped, idle for too long, or stale."""
        try:
            while True:
                idle = time.monotonic() - self.last_request
                if idle >= self.idle_timeout_s or not self._still_ours():
                    return
                wait = COLLECT_AFTER_S if self.collect_pending else IDLE_CHECK_S
                self.sock.settimeout(min(wait, self.idle_timeout_s - idle))
                try:
                    conn, _ = self.sock.accept()
                except TimeoutError:
                    if self.collect_pending:
                        self._collect()
                    continue
                with conn:
                    if not self._answer(conn):
                        return
        finally:
            if self._still_ours():
                self.path.unlink()
            self.sock.close()

    def _answer(self, conn: socket.socket) -> bool:
        """Answer one connection; False when the server should exit."""
        uid = _peer_uid(conn)
        if uid is not None and uid != os.getuid():
            return True
        conn.settimeout(REQUEST_READ_TIMEOUT_S)
        request: Any = {}
        try:
            request = json.loads(client.read_frame(conn))
            keep_going, header, body = self._reply(request)
        except Exception as exc:  # a request it cannot read or run: the client runs it itself
            keep_going, header, body = True, {"status": "fallback", "reason": repr(exc)}, b""
        header["protocol"] = client.PROTOCOL
        conn.settimeout(REQUEST_READ_TIMEOUT_S)
        try:
            client.send_frame(conn, json.dumps(header).encode("ascii"))
            client.send_frame(conn, body)
        except OSError:
            pass  # the client went away (interrupted): it prints its own message
        if isinstance(request, dict) and request.get("op") == "run":
            self.collect_pending = True
        return keep_going

    def _collect(self) -> None:
        """Between requests, once idle: collect the garbage of the last ones, with what loading a
        catalog froze (store.no_gc; frozen garbage is never collected), then freeze what is left
        (the modules, the kept catalog), so no collection during a request walks it again. ~30 ms
        for the bundled catalog, which a request arriving right after one does not wait for."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.collect_pending = False

    def _reply(self, request: dict[str, Any]) -> tuple[bool, dict[str, Any], bytes]:
        op = request.get("op")
        if request.get("protocol") != client.PROTOCOL:
            return True, {"status": "fallback", "reason": "another protocol"}, b""
        if op == "status":
            return True, self.status(request.get("fingerprint")), b""
        if op == "stop":
            return False, self.status(), b""
        if self.sources.changed():
            return False, {"status": "stale", "reason": "the program's files changed"}, b""
        if request.get("fingerprint") != self.identity:
            return True, {"status": "fallback", "reason": "started differently"}, b""
        self.last_request = time.monotonic()
        try:
            code, chunks = run(request)
        except Fallback as exc:
            return True, {"status": "fallback", "reason": str(exc)}, b""
        self.requests += 1
        header = {"status": "ok", "exit": code, "chunks": [[fd, len(data)] for fd, data in chunks]}
        return True, header, b"".join(data for _, data in chunks)


WARM_UP_MODULES = ("advisor.catalog.overlay", "advisor.cli.action", "advisor.cli.catalog",
                   "advisor.cli.options", "advisor.estimate", "advisor.hardware.installed",
                   "advisor.recommend.actions", "advisor.recommend.engine", "advisor.recommend.quality_cache",
                   "advisor.report.table")
"""What the served commands load: imported before the first request, so it is fast, and their files
are recorded as loaded."""


def _warm_up() -> None:
    app.build_parser()
    for name in WARM_UP_MODULES:
        importlib.import_module(name)
    from advisor.catalog import overlay  # noqa: PLC0415

    # common.load_user_catalog imports load_catalog when called, so it finds the memo
    overlay.load_catalog = CatalogMemo(overlay.load_catalog)


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """`python -m advisor.cli.serving --socket PATH --idle-timeout-s S --package DIR`."""
    parser = argparse.ArgumentParser(prog="advisor.cli.serving")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--idle-timeout-s", type=float, required=True)
    parser.add_argument("--package", required=True, help="the starter's advisor package folder")
    args = parser.parse_args(argv)
    if client.fingerprint({})["package"] != args.package:
        sys.stderr.write(f"advisor server: this interpreter loads another copy of the program "
                         f"({client.fingerprint({})['package']}, not {args.package})\n")
        return 1
    signal.signal(signal.SIGTERM, _on_sigterm)
    for name, value in client.STARTUP_ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)
    _warm_up()
    with suppress(_Terminated):
        Server(args.socket, args.idle_timeout_s).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
