"""Whole-process wall time of the command line (what a user waits for).

Runs each command several times in a fresh process and prints the median and min:
`advisor --version`, `advisor recommend --format json` on the bundled catalog, and the same with a
synthetic 16,000-model catalog imported as the user's catalog is not measured here (see
bench_recommend.py for the core). Target (issue 10): recommend <= 0.4 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "advisor --version": ["--version"],
    "advisor catalog list --format json": ["catalog", "list", "--format", "json"],
    "advisor recommend --format json (API only)": ["recommend", "--format", "json"],
    "advisor recommend --format json (RTX 4090, coding)": [
        "recommend", "--vram-gb", "24", "--bandwidth-gbs", "1008", "--task", "coding",
        "--format", "json"],
}


def wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "advisor", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ADVISOR_HOME": home}
        print(f"{'command':<54}{'median s':>10}{'min s':>8}")
        for label, args in COMMANDS.items():
            wall(args, env)  # warm the OS file cache and bytecode
            times = [wall(args, env) for _ in range(opts.runs)]
            print(f"{label:<54}{statistics.median(times):>10.3f}{min(times):>8.3f}")


if __name__ == "__main__":
    main()
