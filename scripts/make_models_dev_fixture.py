"""Build tests/fixtures/models-dev-api.json: a models.dev `api.json` document made from the shared
models.dev snapshot (commit f3fc692), for the offline refresh tests.

    python scripts/make_models_dev_fixture.py ../shared/data/models.dev

Only the providers listed below, so the fixture stays small. The document has models.dev's served
shape: {provider_id: {"id", "name", "models": {model_id: {...the model's TOML, base_model merged}}}}.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

PROVIDERS = ("openai", "anthropic", "deepinfra")
OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "models-dev-api.json"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
            else value
    return out


def build(root: Path) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for provider in PROVIDERS:
        folder = root / "providers" / provider
        meta = tomllib.loads((folder / "provider.toml").read_text(encoding="utf-8"))
        models: dict[str, Any] = {}
        for path in sorted((folder / "models").rglob("*.toml")):
            mid = path.relative_to(folder / "models").with_suffix("").as_posix()
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            base_ref = data.pop("base_model", None)
            if isinstance(base_ref, str):
                base_path = root / "models" / f"{base_ref}.toml"
                if base_path.is_file():
                    base = tomllib.loads(base_path.read_text(encoding="utf-8"))
                    for key in ("benchmarks", "license", "links", "weights"):
                        base.pop(key, None)
                    data = _merge(base, data)
            data.pop("base_model_omit", None)
            data.pop("benchmarks", None)
            models[mid] = {"id": mid, **data}
        doc[provider] = {"id": provider, "name": meta.get("name", provider), "models": models}
    return doc


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/models.dev")
    OUT.write_text(json.dumps(build(source), indent=1, sort_keys=True, default=str) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")
