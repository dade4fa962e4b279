"""The Flatpak dependency list is generated from uv.lock and must match it (regenerate with
`python3 packaging/flatpak/make_requirements.py` when the lock changes)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_flatpak_requirements_match_the_lock() -> None:
    spec = importlib.util.spec_from_file_location("make_requirements",
                                                  ROOT / "packaging" / "flatpak" / "make_requirements.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = ROOT / "packaging" / "flatpak" / "python3-requirements.json"
    committed = json.loads(generated.read_text(encoding="utf-8"))
    assert committed == module.build("312")
    names = {m["name"] for m in committed["modules"]}
    assert {"python3-pyside6-essentials", "python3-pydantic", "python3-platformdirs",
            "python3-jinja2"} <= names
    for module_ in committed["modules"]:
        for source in module_["sources"]:
            assert source["url"].startswith("https://files.pythonhosted.org/")
            assert len(source["sha256"]) == 64
