"""The process bench/crash_saves.py and the crash test kill: it saves one file in a loop, forever.

    python bench/crash_child.py overlay HOME START   # OverlayEditor.save under HOME/data
    python bench/crash_child.py scenario DIR START   # save_scenario to DIR/team.json

Save number i writes "save i" (the overlay: notes of openai/gpt-4o-mini; the scenario: its name,
with tokens_per_month = 1000 + i), so whoever reads the file after a kill can tell which save it
holds and that it is whole.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OVERLAY_MODEL = "openai/gpt-4o-mini"


def overlay(home: Path, start: int) -> None:
    from advisor.catalog.editing import OverlayEditor  # noqa: PLC0415
    from advisor.storage.paths import UserPaths  # noqa: PLC0415

    paths = UserPaths(config_dir=home / "config", data_dir=home / "data", cache_dir=home / "cache")
    editor = OverlayEditor.open(paths)
    i = start
    while True:
        editor.set_field(OVERLAY_MODEL, "notes", json.dumps([f"save {i}"]))
        editor.save(keep_backups=3)
        i += 1


def scenario(folder: Path, start: int) -> None:
    from advisor.recommend.constraints import Constraints  # noqa: PLC0415
    from advisor.recommend.scenario import Scenario, save_scenario  # noqa: PLC0415

    path = folder / "team.json"
    i = start
    while True:
        save_scenario(Scenario(name=f"save {i}", constraints=Constraints(tokens_per_month=1000 + i)), path)
        i += 1


if __name__ == "__main__":
    kind, where, first = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    {"overlay": overlay, "scenario": scenario}[kind](where, first)
