"""`advisor server`: a real resident process in the test's ADVISOR_HOME, and the `advisor` command
run through it and in-process (ADVISOR_NO_SERVER=1), compared byte for byte."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.cli import client
from advisor.storage.paths import user_paths

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the server needs Unix sockets")

_SCRIPT = shutil.which("advisor", path=str(Path(sys.executable).parent))
ADVISOR = [_SCRIPT] if _SCRIPT else [sys.executable, "-m", "advisor"]
RECOMMEND = ["recommend", "--hardware", "rtx-4090", "--task", "coding", "--top", "3", "--format", "json"]
_CLOCK = re.compile(rb'"generated_at": "[^"]*"')


def advisor(*argv: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """Exit code, stdout and stderr of `advisor ARGV` (through the server when one answers)."""
    done = subprocess.run([*ADVISOR, *argv], capture_output=True, env=env or dict(os.environ),
                          check=False, timeout=120)
    return done.returncode, done.stdout, done.stderr


def in_process(*argv: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    return advisor(*argv, env={**(env or os.environ), client.DISABLE_ENV: "1"})


def status() -> dict[str, object]:
    code, out, _ = advisor("server", "status", "--format", "json")
    shown = json.loads(out)
    assert (code == 0) == shown["running"]
    return dict(shown)


def answered() -> int:
    count = status()["requests"]
    assert isinstance(count, int)
    return count


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))  # a zombie has ended


def _wait_gone(pid: int, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


@pytest.fixture
def server(advisor_home: Path) -> Iterator[int]:
    """A running server (its pid), stopped, and killed if need be, however the test ends."""
    code, out, err = advisor("server", "start", "--idle-timeout", "10")
    assert code == 0, err
    assert b"listening on" in out
    pid = status()["pid"]
    assert isinstance(pid, int)
    try:
        yield pid
    finally:
        now = status().get("pid")  # a test may have replaced it
        advisor("server", "stop")
        for each in {pid, now}:
            if isinstance(each, int) and not _wait_gone(each, 5.0):
                os.kill(each, signal.SIGKILL)


@pytest.mark.parametrize("argv", [
    RECOMMEND,
    ["recommend", "--vram-gb", "16", "--bandwidth-gbs", "448", "--task", "chat", "--top", "5"],
    ["estimate", "--model", "qwen/qwen3-8b", "--hardware", "rtx-4090", "--format", "json"],
    ["catalog", "show", "qwen/qwen3-8b"],
    ["hardware", "list", "--format", "json"],
    ["recommend", "--hardware", "no-such-gpu", "--format", "json"],  # a user error: exit 1
    ["recommend", "--top", "many"],  # bad usage: argparse's message, exit 2
], ids=lambda argv: " ".join(argv[:3]))
def test_an_answer_is_the_in_process_answer_byte_for_byte(server: int, argv: list[str]) -> None:
    before = answered()
    served = advisor(*argv)
    assert answered() == before + 1, "the server did not answer it"
    alone = in_process(*argv)
    # The one thing two runs differ in: the clock, in the JSON of a recommendation.
    assert len(_CLOCK.findall(served[1])) == len(_CLOCK.findall(alone[1])) == int(argv == RECOMMEND)
    same = [(code, _CLOCK.sub(b"CLOCK", out), err) for code, out, err in (served, alone)]
    assert same[0] == same[1]
    assert served[0] == {"no-such-gpu": 1, "many": 2}.get(argv[2], 0)


def test_a_changed_user_catalog_is_read_anew(server: int) -> None:
    listing = ("catalog", "list", "--format", "json")
    first = advisor(*listing)
    code, _, err = advisor("catalog", "hide", "qwen/qwen3-8b")  # writes the overlay (in-process)
    assert code == 0, err
    before = answered()
    after = advisor(*listing)
    assert answered() == before + 1
    assert after == in_process(*listing)
    assert after != first
    assert "qwen/qwen3-8b" not in {m["id"] for m in json.loads(after[1])}
    user_paths().overlay_file.unlink()  # the catalog the server kept was loaded with it
    assert advisor(*listing) == first
    assert answered() == before + 2


def test_commands_that_write_or_differ_run_in_process(server: int, advisor_home: Path,
                                                      tmp_path: Path) -> None:
    before = answered()
    code, _, err = advisor("catalog", "hide", "qwen/qwen3-8b")
    assert code == 0, err
    report = tmp_path / "report.md"
    code, _, err = advisor(*RECOMMEND[:-2], "--output", str(report))
    assert code == 0, err
    assert report.is_file()
    # A client whose interpreter starts differently (hash seed, BLAS threads) is not the server's.
    for changed in ({"PYTHONHASHSEED": "7"}, {"OPENBLAS_NUM_THREADS": "2"}, {client.DISABLE_ENV: "1"}):
        assert advisor("hardware", "list", env={**os.environ, **changed})[0] == 0
    assert answered() == before


def test_a_changed_program_file_makes_it_stale(server: int) -> None:
    module = Path(client.__file__)
    seen = module.stat()
    try:
        os.utime(module, ns=(seen.st_atime_ns, seen.st_mtime_ns + 1_000_000_000))
        assert status()["serves_asker"] is False
        assert advisor(*RECOMMEND)[0] == 0  # answered in-process
        assert _wait_gone(server), "a stale server keeps running"
    finally:
        os.utime(module, ns=(seen.st_atime_ns, seen.st_mtime_ns))
    assert status()["running"] is False


def test_start_replaces_a_server_that_would_not_answer(server: int) -> None:
    assert status()["serves_asker"] is True
    assert advisor("server", "start")[1].startswith(b"advisor server: already running")
    other = {**os.environ, "PYTHONHASHSEED": "7"}  # a client the running server does not serve
    code, out, err = advisor("server", "start", "--idle-timeout", "10", env=other)
    assert code == 0, err
    assert b"listening on" in out
    assert _wait_gone(server)
    assert status()["serves_asker"] is False  # the new one serves the other environment
    shown = json.loads(advisor("server", "status", "--format", "json", env=other)[1])
    assert shown["serves_asker"] is True
    assert shown["pid"] != server


def test_its_socket_is_private_and_a_loose_folder_is_not_trusted(server: int, advisor_home: Path) -> None:
    folder = Path(client.run_dir(os.environ))
    sock = folder / client.SOCKET_NAME
    assert folder.stat().st_mode & 0o777 == 0o700
    assert sock.stat().st_mode & 0o777 == 0o600
    before = answered()
    folder.chmod(0o755)
    try:
        assert advisor("hardware", "list")[0] == 0
    finally:
        folder.chmod(0o700)
    assert answered() == before


def test_stop_ends_it(server: int) -> None:
    code, out, _ = advisor("server", "stop")
    assert code == 0
    assert f"stopped (pid {server})".encode() in out
    assert _wait_gone(server)
    assert not (Path(client.run_dir(os.environ)) / client.SOCKET_NAME).exists()
    code, out, _ = advisor("server", "status")
    assert code == 3
    assert b"not running" in out
    assert advisor("hardware", "list")[0] == 0  # in-process again


def test_it_exits_by_itself_when_idle(advisor_home: Path) -> None:
    code, _, err = advisor("server", "start", "--idle-timeout", "0.02")  # 1.2 s
    assert code == 0, err
    pid = status()["pid"]
    assert isinstance(pid, int)
    try:
        assert _wait_gone(pid, 10.0)
        assert status()["running"] is False
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_a_request_it_cannot_run_is_sent_back_and_it_keeps_running(server: int) -> None:
    path = str(Path(client.run_dir(os.environ)) / client.SOCKET_NAME)
    request = client.run_request(["hardware", "list"])
    assert request is not None
    request["streams"]["stdout"] = ["no-such-encoding", "strict"]
    header, body = client.ask(path, request)
    assert (header["status"], body) == ("fallback", b"")
    assert "LookupError" in header["reason"]
    header, _ = client.ask(path, {**request, "protocol": client.PROTOCOL + 1})
    assert header["status"] == "fallback"
    assert status()["running"] is True
    assert advisor("hardware", "list") == in_process("hardware", "list")
