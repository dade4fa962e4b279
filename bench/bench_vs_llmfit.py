"""Time `advisor recommend --format json` against llmfit (from PyPI) answering the same question.

The question: one RTX 4090, coding, the top 10 as JSON. llmfit: `llmfit --profile nvidia-rtx-4090
recommend -n 10 --use-case coding` (JSON is its default). Model Advisor: `advisor recommend
--hardware rtx-4090 --task coding --top 10 --format json`.

llmfit is a static binary inside its wheel; this script downloads the wheel with pip (musllinux build,
which runs on any x86-64 Linux, where the manylinux build needs glibc 2.39) into a temporary folder
and runs it from there. Both programs run as a user runs them: Model Advisor with its bytecode cache
(PYTHONDONTWRITEBYTECODE is removed for the child), each command `--runs` times after one warm-up;
the medians and their ratio are printed. The target (issue #16) is advisor <= 0.6 x llmfit.

Usage: uv run python bench/bench_vs_llmfit.py [--runs 7] [--llmfit-version 1.1.17]
"""

from __future__ import annotations

import argparse
import os
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


def timed(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, int]:
    """Median wall time of `runs` runs after one warm-up, and the size of the last output."""
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    times = []
    out = b""
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, env=env).stdout
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(out)


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
        ours, ours_bytes = timed([advisor, "recommend", "--hardware", "rtx-4090", "--task", "coding",
                                  "--top", "10", "--format", "json"], args.runs, env)
        theirs, their_bytes = timed([str(llmfit), "--profile", "nvidia-rtx-4090", "recommend", "-n", "10",
                                     "--use-case", "coding"], args.runs, env)
    print(f"question: one RTX 4090, coding, top 10 as JSON; median of {args.runs} runs after a warm-up")
    print(f"advisor recommend --format json : {ours * 1000:7.0f} ms  ({ours_bytes:,} bytes of JSON)")
    print(f"llmfit {args.llmfit_version} recommend       : {theirs * 1000:7.0f} ms  "
          f"({their_bytes:,} bytes of JSON)")
    print(f"ratio advisor / llmfit          : {ours / theirs:7.2f}  (target <= 0.60)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
