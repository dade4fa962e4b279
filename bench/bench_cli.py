"""Whole-process wall time of the command line (what a user waits for).

Runs each command several times in a fresh process and prints the median and min:
`advisor --version`, `advisor catalog list`, `advisor recommend --format json` on the bundled
catalog, and the same with 16,000 synthetic models in the user's catalog (bench/synthetic_catalog.py,
written as the user's overlay file). Target (issue 10): recommend <= 0.4 s on 2 cores (bundled).
The served ones again through the resident server (`advisor server start`). Then the floor under
those answers: the interpreter, numpy and pydantic, the schema, and every module
the recommend command imports, each without the work (issue #16: where the time goes).

Python files are compiled to bytecode first, as any installation has them (pip, pipx and the
PyInstaller bundle compile at install; `uv sync` leaves it to the first import, and a machine with
PYTHONDONTWRITEBYTECODE=1 would then compile pydantic and numpy on every start).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_catalog import synthesize

from advisor.catalog.overlay import Overlay
from advisor.catalog.store import dump_json
from advisor.cli import client
from advisor.storage.paths import user_paths

COMMANDS = {
    "advisor --version": ["--version"],
    "advisor catalog list --format json": ["catalog", "list", "--format", "json"],
    "advisor recommend --format json (API only)": ["recommend", "--format", "json"],
    "advisor recommend --format json (RTX 4090, coding)": [
        "recommend", "--vram-gb", "24", "--bandwidth-gbs", "1008", "--task", "coding",
        "--format", "json"],
}


FLOOR = {
    "floor: the interpreter (python -c pass)": "pass",
    "floor: + numpy and pydantic imported": "import numpy, pydantic.main",
    "floor: + the catalog's schema (pydantic classes)": "import numpy, advisor.catalog.store",
    "floor: + every module recommend --format json loads": (
        "import advisor.cli.app as a; a.build_parser(); import advisor.cli.options, "
        "advisor.recommend.engine, advisor.cli.action, advisor.catalog.overlay, "
        "advisor.recommend.actions, advisor.recommend.quality_cache, advisor.hardware.installed"),
}
"""What a command-line answer pays before it does any work, step by step: `python -c CODE`, with the
environment `advisor` sets for itself (one BLAS thread, no pydantic plugin scan)."""


def wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *(args if args[0] == "-c" else ["-m", "advisor", *args])], check=True,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compile_bytecode() -> None:
    """Compile the environment's packages and the program, as an installer does."""
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
                   str(Path(__file__).resolve().parents[1] / "advisor")}:
        compileall.compile_dir(folder, quiet=2, workers=0)


def report(label: str, args: list[str], env: dict[str, str], runs: int) -> None:
    wall(args, env)  # warm the OS file cache
    times = [wall(args, env) for _ in range(runs)]
    print(f"{label:<58}{statistics.median(times):>10.3f}{min(times):>8.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-compile", action="store_true",
                        help="measure without compiling bytecode first")
    opts = parser.parse_args()
    if not opts.no_compile:
        compile_bytecode()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ADVISOR_HOME": home}
        print(f"{'command':<58}{'median s':>10}{'min s':>8}")
        for label, args in COMMANDS.items():
            report(label, args, env, opts.runs)
        # The same answers from the resident server (issue #16), started in the same user folder.
        wall(["server", "start"], env)
        try:
            for label, args in COMMANDS.items():
                if args[0] in client.SERVED_COMMANDS:
                    report(f"  served: {label.removeprefix('advisor ')}", args, env, opts.runs)
        finally:
            wall(["server", "stop"], env)
        floor_env = {**env, "OPENBLAS_NUM_THREADS": "1", "PYDANTIC_DISABLE_PLUGINS": "__all__"}
        for label, code in FLOOR.items():
            report(label, ["-c", code], floor_env, opts.runs)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ADVISOR_HOME": home}
        models = synthesize(16000).get("models", [])
        overlay = user_paths({"ADVISOR_HOME": home}).overlay_file
        overlay.parent.mkdir(parents=True)
        overlay.write_text(dump_json({**Overlay().to_json(), "models": models}), encoding="utf-8")
        report("16,000 synthetic models: recommend (RTX 4090, coding)",
               COMMANDS["advisor recommend --format json (RTX 4090, coding)"], env, max(3, opts.runs // 3))


if __name__ == "__main__":
    main()
