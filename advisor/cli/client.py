"""The client of `advisor server`: hand a command to the resident process, or run it here.

`advisor` starts with this (advisor/cli/__init__.py), before anything heavy is imported: when this
user's server answers, it sends the arguments, the working folder, the whole environment, the umask,
the output encodings and the terminal size; the server runs the command exactly as `app.main` would
and returns the bytes written to stdout and stderr (in the order written) and the exit code. On any
failure (no server, refused, a timeout, another protocol, another interpreter or program, a stale
server) nothing has been written and `None` says: run it in this process. Windows has no server: every
command runs in-process there. Standard library only, and only what a bare interpreter has loaded
anyway but `socket` and `json`: this module is on every command's path.
"""

# os.path, not pathlib: importing pathlib costs every command ~5 ms, more than the rest of this file.
# ruff: noqa: PTH100, PTH109, PTH111, PTH117, PTH118, PTH120

from __future__ import annotations

import os
import stat
import sys

TYPE_CHECKING = False  # as in advisor/cli/__init__.py: typing itself costs every command ~2 ms
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

PROTOCOL = 1
"""Changed whenever a request or a reply changes shape."""
SOCKET_NAME = "server.sock"
DISABLE_ENV = "ADVISOR_NO_SERVER"
"""Set to a non-empty value: every command runs in-process, even with a server running."""
SERVED_COMMANDS = frozenset({"recommend", "estimate", "catalog", "hardware", "installed"})
"""First arguments worth asking the server about; it decides, once the command is parsed, whether it
runs it (serving.servable) or says to run it here."""
CONNECT_TIMEOUT_S = 0.5
REPLY_TIMEOUT_S = 300.0
"""A first answer after an update fits the quality table (seconds); beyond this, run it here."""
MAX_FRAME_BYTES = 1 << 30
_APP = "model-advisor"  # the folder name storage.paths gives platformdirs

STARTUP_ENV_DEFAULTS = {
    # Every matrix the program multiplies or inverts is small (a few hundred rows at most), where
    # BLAS threads cost more to start and spin than they save: the quality fit takes 3.4 s with
    # OpenBLAS's default threads and 0.3 s with one on two busy cores (measured 2026-12-03). Read by
    # OpenBLAS/MKL when NumPy loads, so it is set before; a value the user set wins.
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    # The program uses no pydantic plugin; without this, building the first validator scans every
    # installed distribution's entry points for one (~7 ms of each start).
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}
"""The environment `app.parse_command` gives itself where the user set nothing."""

INTERPRETER_ENV_PREFIXES = ("PYTHON", "OPENBLAS_", "OMP_", "MKL_", "GOTO", "NUMPY_", "PYDANTIC_", "LC_",
                            "LANG")
"""Variables read once, when the interpreter or NumPy starts (or by `open` through the locale), which
a running server cannot take from a request: a client whose values differ runs in-process."""


def run_dir(environ: Mapping[str, str]) -> str:
    """The folder of this user's server socket: ADVISOR_HOME/run when set (as storage.paths places
    every user file), else XDG_RUNTIME_DIR/model-advisor, else the user cache folder's run/."""
    home = environ.get("ADVISOR_HOME", "").strip()
    if home:
        return os.path.join(os.path.expanduser(home), "run")
    runtime = environ.get("XDG_RUNTIME_DIR", "").strip()
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, _APP)
    if sys.platform == "darwin":
        cache = os.path.expanduser("~/Library/Caches")
    else:
        cache = environ.get("XDG_CACHE_HOME", "").strip()
        cache = cache if os.path.isabs(cache) else os.path.expanduser("~/.cache")
    return os.path.join(cache, _APP, "run")


def private_folder(folder: str) -> bool:
    """Whether `folder` is a real folder (not a link) that only this user can enter or change."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def own_socket(path: str) -> bool:
    """Whether `path` is a socket of this user, mode 0600 or tighter, in a private folder."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o177
            and private_folder(os.path.dirname(path)))


def interpreter_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of INTERPRETER_ENV_PREFIXES as the program sees them once started."""
    effective = {**STARTUP_ENV_DEFAULTS, **environ}
    return {k: v for k, v in sorted(effective.items()) if k.startswith(INTERPRETER_ENV_PREFIXES)}


def fingerprint(environ: Mapping[str, str]) -> dict[str, Any]:
    """What must be the same in the client and the server for an answer to be the same."""
    import advisor  # noqa: PLC0415 - already imported: this module is inside it

    return {
        "protocol": PROTOCOL, "version": advisor.__version__,
        "package": os.path.dirname(os.path.abspath(advisor.__file__ or "")),
        "executable": sys.executable, "prefix": sys.prefix, "python": sys.version,
        "flags": list(sys.flags), "warnoptions": list(sys.warnoptions),
        "xoptions": sorted(str(k) for k in sys._xoptions),
        "fs_encoding": [sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()],
        "interpreter_env": interpreter_env(environ),
    }


def send_frame(sock: Any, payload: bytes) -> None:
    """One message: its length (8 bytes, big-endian), then its bytes."""
    sock.sendall(len(payload).to_bytes(8, "big") + payload)


def _read_exactly(sock: Any, size: int) -> bytes:
    parts: list[bytes] = []
    while size:
        part = sock.recv(min(size, 1 << 20))
        if not part:
            raise ConnectionError("the other side closed the connection")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def read_frame(sock: Any) -> bytes:
    """One message sent by `send_frame`."""
    size = int.from_bytes(_read_exactly(sock, 8), "big")
    if size > MAX_FRAME_BYTES:
        raise ValueError(f"a message of {size:,} bytes")
    return _read_exactly(sock, size)


def ask(path: str, request: dict[str, Any], timeout_s: float = REPLY_TIMEOUT_S
        ) -> tuple[dict[str, Any], bytes]:
    """Send one request to the server at `path`; its reply header and body. Raises OSError or
    ValueError when there is no usable server."""
    import json  # noqa: PLC0415
    import socket  # noqa: PLC0415

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT_S)
        sock.connect(path)
        sock.settimeout(timeout_s)
        send_frame(sock, json.dumps(request).encode("ascii"))  # lone surrogates become \\udcxx
        header = json.loads(read_frame(sock))
        if not isinstance(header, dict) or header.get("protocol") != PROTOCOL:
            raise ValueError("another protocol")
        return header, read_frame(sock)


def _terminal() -> list[int] | None:
    """This process's terminal size as shutil.get_terminal_size finds it (argparse wraps by it)."""
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return None
    return [size.columns, size.lines]


def _streams() -> dict[str, list[str]] | None:
    encodings = {}
    for name, stream in (("stdout", sys.stdout), ("stderr", sys.stderr)):
        if stream is None or not hasattr(stream, "buffer") or stream.encoding is None:
            return None
        encodings[name] = [stream.encoding, stream.errors or "strict"]
    return encodings


def run_request(argv: Sequence[str]) -> dict[str, Any] | None:
    """The request that asks the server to run `argv` as this process would, or None when it
    cannot (no working folder, no usable stdout)."""
    streams = _streams()
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    if streams is None:
        return None
    environ = dict(os.environ)
    umask = os.umask(0o077)
    os.umask(umask)
    return {"protocol": PROTOCOL, "op": "run", "fingerprint": fingerprint(environ), "argv": list(argv),
            "cwd": cwd, "env": environ, "umask": umask, "streams": streams, "terminal": _terminal()}


def _write(header: dict[str, Any], body: bytes) -> int:
    chunks = header["chunks"]
    code = header["exit"]
    if not isinstance(code, int) or not isinstance(chunks, list):
        raise ValueError("a malformed reply")
    if sum(size for _, size in chunks) != len(body):
        raise ValueError("a reply of the wrong length")
    offset = 0
    try:
        for fd, size in chunks:
            stream = sys.stdout if fd == 1 else sys.stderr
            stream.buffer.write(body[offset:offset + size])
            stream.flush()
            offset += size
    except BrokenPipeError:  # the reader (head, less) went away: not an error, as in app.main
        return 0
    except OSError:  # part of the answer is out: running it again here would repeat it
        return 1
    return code


def answer_from_server(argv: Sequence[str]) -> int | None:
    """Run `argv` in this user's resident server: its output written here and its exit code, or
    None when it should run in this process instead."""
    if os.name != "posix" or not argv or argv[0] not in SERVED_COMMANDS:
        return None
    if os.environ.get(DISABLE_ENV, "").strip():
        return None
    path = os.path.join(run_dir(os.environ), SOCKET_NAME)
    if not own_socket(path):
        return None
    request = run_request(argv)
    if request is None:
        return None
    try:
        header, body = ask(path, request)
        if header.get("status") != "ok":
            return None  # stale, another interpreter, a command it does not serve, a bug
        return _write(header, body)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    except KeyboardInterrupt:
        sys.stderr.write("advisor: interrupted\n")
        return 130
