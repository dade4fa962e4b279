"""Kill a process at random instants while it saves, many times over, and check after every kill
that the file still loads and holds the old or the new content (never torn, never older).

    uv run python bench/crash_saves.py [KILLS]   (default 200 for each of the two files)

Two targets: the catalog overlay (OverlayEditor.save: lock, merge, backup, atomic replace) and a
scenario file (save_scenario, the window's File -> Save). Prints, per target, the kills, the last
save seen and any unreadable or rolled-back file (should be 0).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import read_overlay
from advisor.storage.paths import UserPaths

CHILD = Path(__file__).resolve().with_name("crash_child.py")


def scenarios(kills: int, rng: random.Random) -> int:
    """The same for scenario files; returns the number of bad files seen."""
    from advisor.recommend.scenario import load_scenario  # noqa: PLC0415

    bad = 0
    last = -1
    start_at = 0
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "team.json"
        for n in range(kills):
            proc = subprocess.Popen([sys.executable, str(CHILD), "scenario", tmp, str(start_at)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 0.8))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if not path.exists():
                continue
            try:
                scenario = load_scenario(path)
            except CatalogError as exc:
                bad += 1
                print(f"scenario kill {n}: unreadable: {exc}")
                continue
            seen = int(scenario.name.split()[1])
            if seen < last or scenario.constraints.tokens_per_month != 1000 + seen:
                bad += 1
                print(f"scenario kill {n}: went back from {last} to {seen} or is inconsistent")
            last = seen
            start_at = seen + 1_000
        temps = list(Path(tmp).glob(".team.json.*.tmp"))
    print(f"scenario saves: kills {kills}; unreadable or rolled back: {bad}; last save seen: {last}; "
          f"temp files left by killed saves: {len(temps)}; {time.perf_counter() - began:.0f} s")
    return bad


def main() -> int:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(2026)
    torn = 0
    last = -1
    start_at = 0
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        paths = UserPaths(config_dir=home / "config", data_dir=home / "data", cache_dir=home / "cache")
        for n in range(kills):
            proc = subprocess.Popen([sys.executable, str(CHILD), "overlay", str(home), str(start_at)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.45, 1.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            try:
                overlay = read_overlay(paths.overlay_file)
            except CatalogError as exc:
                torn += 1
                print(f"kill {n}: overlay unreadable: {exc}")
                continue
            if paths.overlay_file.exists():
                seen = int(overlay.models["openai/gpt-4o-mini"].notes[0].split()[1])
                if seen < last:
                    torn += 1
                    print(f"kill {n}: went back from save {last} to {seen}")
                last = seen
                start_at = seen + 1_000
        temps = list(paths.data_dir.glob(".catalog-overlay.json.*.tmp"))  # only the last kill's, if any
    print(f"overlay saves: kills {kills}; unreadable or rolled back: {torn}; last save seen: {last}; "
          f"temp files left by killed saves: {len(temps)}; {time.perf_counter() - began:.0f} s")
    torn += scenarios(kills, rng)
    return 1 if torn else 0


if __name__ == "__main__":
    sys.exit(main())
