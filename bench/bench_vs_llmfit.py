"""Time `advisor recommend --format json` against llmfit (from PyPI) answering the same question.

The question: one RTX 4090, coding, the top 10 as JSON. llmfit: `llmfit --profile nvidia-rtx-4090
recommend -n 10 --use-case coding` (JSON is its default). Model Advisor: `advisor recommend
--hardware rtx-4090 --task coding --top 10 --format json`.

llmfit is a static binary inside its wheel; this script downloads the wheel with pip (musllinux build,
which runs on any x86-64 Linux, where the manylinux build needs glibc 2.39) into a temporary folder
and runs it from there. Both programs run as a user runs them: Model Advisor with its bytecode cache
(PYTHONDONTWRITEBYTECODE is removed for the child), each command `--runs` times after one warm-up,
taking turns; the medians and their ratio are printed. The target (issue #16) is advisor <= 0.6 x
llmfit. The figure with Model Advisor's caches not yet built (each run with an empty user folder:
the bundled catalog validated and the quality table fitted, as on the first run after an install or
update) is printed too; no cache holds an answer. The third figure is the same command answered by
the resident server (`advisor server start`, advisor/cli/serving.py), started in the same user folder
after the first two: each answer is computed anew there, and it is checked to be byte for byte the
in-process answer (but for the clock in `generated_at`).

Usage: uv run python bench/bench_vs_llmfit.py [--runs 7] [--llmfit-version 1.1.17]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fetch_llmfit(version: str, into: Path) -> Path:
    """The llmfit binary from its PyPI wheel."""
    # uv's environments have no pip: use the first Python on PATH that has one.
    candidates = [sys.executable, *(str(Path(d) / "python3") for d in os.get_exec_path())]
    def has_pip(p: str) -> bool:
        done = subprocess.run([p, "-m", "pip", "--version"], capture_output=True, check=False)
        return Path(p).is_file() and done.returncode == 0

    python = next(p for p in candidates if has_pip(p))
    subprocess.run([python, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "--platform", "musllinux_1_2_x86_64", f"llmfit=={version}", "-d", str(into)], check=True)
    wheel = next(into.glob("llmfit-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        member = next(n for n in archive.namelist() if n.endswith("/scripts/llmfit"))
        target = into / "llmfit"
        target.write_bytes(archive.read(member))
    target.chmod(0o755)
    return target


def timed(cmds: list[list[str]], runs: int, env: dict[str, str]) -> list[tuple[float, int]]:
    """Per command, the median wall time of `runs` runs after one warm-up and the size of its last
    output. The commands take turns, so a change in the machine's load (other jobs on a shared
    machine) reaches both alike instead of skewing the ratio."""
    for cmd in cmds:
        subprocess.run(cmd, check=True, capture_output=True, env=env)
    times: list[list[float]] = [[] for _ in cmds]
    sizes = [0] * len(cmds)
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            start = time.perf_counter()
            sizes[i] = len(subprocess.run(cmd, check=True, capture_output=True, env=env).stdout)
            times[i].append(time.perf_counter() - start)
    return [(statistics.median(t), n) for t, n in zip(times, sizes, strict=True)]


def timed_cold(cmd: list[str], runs: int, env: dict[str, str], homes: Path) -> float:
    """Median wall time of `runs` runs, each with a new, empty user folder: the program's caches
    (the validated bundled catalog, the fitted quality table) are built by the run, as on the first
    run after installing or updating."""
    times = []
    for i in range(runs):
        home = {**env, "ADVISOR_HOME": str(homes / f"cold-{i}")}
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=home)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def with_server(question: list[str], theirs_cmd: list[str], runs: int, env: dict[str, str]
                ) -> tuple[float, float]:
    """The question answered by the resident server, and llmfit again, taking turns (as `timed`).
    The server's answer must be the in-process one and must have come from the server."""
    advisor = question[0]
    in_process = {**env, "ADVISOR_NO_SERVER": "1"}
    subprocess.run([advisor, "server", "start"], check=True, capture_output=True, env=env)
    try:
        def answered() -> int:
            shown = subprocess.run([advisor, "server", "status", "--format", "json"], check=True,
                                   capture_output=True, env=env).stdout
            return int(json.loads(shown)["requests"])

        clock = re.compile(rb'"generated_at": "[^"]*"')
        served = subprocess.run(question, check=True, capture_output=True, env=env)
        alone = subprocess.run(question, check=True, capture_output=True, env=in_process)
        if (clock.sub(b"", served.stdout), served.stderr) != (clock.sub(b"", alone.stdout), alone.stderr):
            raise SystemExit("the server's answer is not the in-process answer")
        before = answered()
        (ours, _), (theirs, _) = timed([question, theirs_cmd], runs, env)
        if answered() != before + runs + 1:
            raise SystemExit("some answers did not come from the server")
    finally:
        subprocess.run([advisor, "server", "stop"], check=False, capture_output=True, env=env)
    return ours, theirs


def main() -> int:
    """Run both and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--llmfit-version", default="1.1.17")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    advisor = shutil.which("advisor", path=str(Path(sys.executable).parent)) or "advisor"
    with tempfile.TemporaryDirectory() as tmp:
        env["ADVISOR_HOME"] = str(Path(tmp) / "home")
        llmfit = fetch_llmfit(args.llmfit_version, Path(tmp))
        question = [advisor, "recommend", "--hardware", "rtx-4090", "--task", "coding", "--top", "10",
                    "--format", "json"]
        theirs_cmd = [str(llmfit), "--profile", "nvidia-rtx-4090", "recommend", "-n", "10", "--use-case",
                      "coding"]
        (ours, ours_bytes), (theirs, their_bytes) = timed([question, theirs_cmd], args.runs, env)
        cold = timed_cold(question, max(3, args.runs // 2), env, Path(tmp))
        served, theirs_again = with_server(question, theirs_cmd, args.runs, env)
    print(f"question: one RTX 4090, coding, top 10 as JSON; median of {args.runs} runs after a warm-up")
    print(f"advisor recommend --format json : {ours * 1000:7.0f} ms  ({ours_bytes:,} bytes of JSON; "
          "its caches built by the warm-up)")
    print(f"  the same, caches not yet built  : {cold * 1000:7.0f} ms  (an empty user folder each run, "
          f"median of {max(3, args.runs // 2)})")
    print(f"llmfit {args.llmfit_version} recommend       : {theirs * 1000:7.0f} ms  "
          f"({their_bytes:,} bytes of JSON)")
    print(f"  with the resident server        : {served * 1000:7.0f} ms  (advisor server start; "
          f"llmfit meanwhile {theirs_again * 1000:.0f} ms)")
    print(f"ratio advisor / llmfit          : {ours / theirs:7.2f}  (target <= 0.60)")
    print(f"  with the caches not yet built   : {cold / theirs:7.2f}")
    print(f"  with the resident server        : {served / theirs_again:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
