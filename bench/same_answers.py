"""Refactoring changes no behaviour: the same scenarios give the same `recommend --format json`.

Runs `advisor recommend --format json` in fresh processes for every saved scenario in docs/scenarios/
and a few command lines that reach the API, local, unified-memory, CPU-only, hybrid and rented paths,
with an empty user folder, and writes the answers (minus the time they were made) to a file, or
compares them with one written before:

    python bench/same_answers.py --record /tmp/before.json     # on the commit before the change
    python bench/same_answers.py --check /tmp/before.json      # after it; exit 1 on any difference

Both runs must be on the same day: a model's lifecycle (preview, retired) depends on today's date.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMANDS: dict[str, list[str]] = {
    "api only": ["--deployment", "api"],
    "rtx 4090 coding": ["--vram-gb", "24", "--bandwidth-gbs", "1008", "--task", "coding"],
    "preset, local only": ["--hardware", "rtx-4090", "--deployment", "local", "--license", "open-weights"],
    "unified memory (preset)": ["--hardware", "apple-m4-max-128gb", "--task", "reasoning",
                                "--tokens-month", "5000000"],
    "cpu only": ["--cpu-only", "--ram-gb", "32", "--deployment", "local"],
    "sensitive share (hybrid)": ["--hardware", "rtx-4090", "--sensitive-share", "0.3",
                                 "--tokens-month", "50000000"],
    "rented": ["--deployment", "rented", "--hardware", "h100-sxm", "--tokens-month", "2000000000"],
}


def cases() -> dict[str, list[str]]:
    """Every case by name: the saved scenarios, then the command lines."""
    found = {f"scenario {p.name}": ["--scenario", str(p)]
             for p in sorted((ROOT / "docs" / "scenarios").glob("*.json"))}
    return found | COMMANDS


def answer(args: list[str], home: Path) -> object:
    """The JSON answer of one `advisor recommend`, without its timestamp (or the error it gave)."""
    env = dict(os.environ, ADVISOR_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "advisor", "recommend", *args, "--format", "json"],
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"exit": proc.returncode, "stderr": proc.stderr.strip().splitlines()[-1:]}
    data = json.loads(proc.stdout)
    data.pop("generated_at", None)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", type=Path, metavar="FILE", help="write the answers here")
    mode.add_argument("--check", type=Path, metavar="FILE", help="compare with answers written before")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        answers = {name: answer(argv, Path(home)) for name, argv in cases().items()}
    if args.record:
        args.record.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(answers)} answers in {args.record}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    changed = sorted(name for name in before.keys() | answers.keys()
                     if before.get(name) != answers.get(name))
    for name in changed:
        print(f"changed: {name}")
    print(f"{len(answers) - len(changed)} of {len(answers)} answers the same")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
