"""One request in the resident server (serving.py): the client's command run as `advisor` runs it in
the client's own process, with its working folder, environment, umask, output encodings and
terminal size, and what it wrote captured in order; the server's own state restored after it."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout, suppress
from pathlib import Path
from typing import Any, BinaryIO, cast

from advisor.cli import app


class Fallback(Exception):  # noqa: N818 - a reply, not an error
    """The request is one to run in the client's own process; the reason says why."""


def servable(args: argparse.Namespace) -> bool:
    """Whether the parsed command only reads: it writes no user file but the caches an in-process run
    writes too, reads no stdin, runs no program (hardware detection), opens no window, exports no
    report and talks to no network."""
    from advisor.cli import action, catalog  # noqa: PLC0415

    reads_only = {app.cmd_recommend, app.cmd_estimate, app.cmd_hardware_list, catalog.cmd_catalog_list,
                  catalog.cmd_catalog_show, catalog.cmd_catalog_validate, catalog.cmd_catalog_path,
                  action.cmd_installed}
    return (args.func in reads_only and not getattr(args, "detect", False)
            and getattr(args, "output", None) is None)


class _Sink(io.RawIOBase):
    """One output stream of a request: every write, in order, with the stream's number (1, 2)."""

    def __init__(self, fd: int, chunks: list[tuple[int, bytes]]) -> None:
        super().__init__()
        self.fd = fd
        self.chunks = chunks

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raw = bytes(data)
        if self.chunks and self.chunks[-1][0] == self.fd:
            self.chunks[-1] = (self.fd, self.chunks[-1][1] + raw)
        else:
            self.chunks.append((self.fd, raw))
        return len(raw)


def _terminal_size(client_terminal: list[int] | None) -> Callable[..., os.terminal_size]:
    """shutil.get_terminal_size as the client computes it: the COLUMNS and LINES of its environment
    (applied to os.environ), else its stdout's terminal, else the fallback."""
    def get_terminal_size(fallback: tuple[int, int] = (80, 24)) -> os.terminal_size:
        try:
            columns = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            columns = 0
        try:
            lines = int(os.environ["LINES"])
        except (KeyError, ValueError):
            lines = 0
        if columns <= 0 or lines <= 0:
            size = os.terminal_size(client_terminal or fallback)
            if columns <= 0:
                columns = size.columns or fallback[0]
            if lines <= 0:
                lines = size.lines or fallback[1]
        return os.terminal_size((columns, lines))

    return get_terminal_size


@contextmanager
def _as_client(request: dict[str, Any], chunks: list[tuple[int, bytes]]) -> Iterator[None]:
    """The client's folder, environment, umask, streams and terminal for the length of a request;
    the server's own restored after it."""
    encodings = request["streams"]
    streams = [io.TextIOWrapper(cast(BinaryIO, _Sink(fd, chunks)), encoding=encodings[name][0],
                                errors=encodings[name][1], write_through=True)
               for fd, name in ((1, "stdout"), (2, "stderr"))]
    saved_env, saved_cwd, saved_terminal = dict(os.environ), Path.cwd(), shutil.get_terminal_size
    saved_umask = os.umask(0o077)
    os.umask(saved_umask)
    try:
        try:
            os.chdir(request["cwd"])
        except OSError as exc:
            raise Fallback(f"no working folder: {exc}") from exc
        os.umask(request["umask"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        shutil.get_terminal_size = _terminal_size(request["terminal"])  # argparse wraps messages by it
        # catch_warnings: a warning shows again for each request, as in a new process
        with warnings.catch_warnings(), redirect_stdout(streams[0]), redirect_stderr(streams[1]):
            yield
            for stream in streams:
                stream.flush()
    finally:
        shutil.get_terminal_size = saved_terminal
        os.environ.clear()
        os.environ.update(saved_env)
        time.tzset()
        os.umask(saved_umask)
        with suppress(OSError):  # the server's own folder; gone means its socket is too
            os.chdir(saved_cwd)


def _exit_code(exc: SystemExit) -> int:
    """The exit status the interpreter gives a SystemExit (a non-int code is printed, status 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    sys.stderr.write(f"{exc.code}\n")
    return 1


def run(request: dict[str, Any]) -> tuple[int, list[tuple[int, bytes]]]:
    """Run a request's command as `advisor` would in the client's process: its exit code and what it
    wrote. Raises Fallback when it is not one to run here."""
    chunks: list[tuple[int, bytes]] = []
    with _as_client(request, chunks):
        try:
            args = app.parse_command(request["argv"])
            if not servable(args):
                raise Fallback("not a read-only command")
            code = app.run_command(args)
        except SystemExit as exc:  # bad usage, --help, --version
            code = _exit_code(exc)
        except Fallback:
            raise
        except Exception as exc:  # a bug: the client's own run prints its real traceback
            raise Fallback(type(exc).__name__) from exc
    return code, chunks
