"""A synthetic catalog of N models drawn from the bundled catalog's own distributions.

Each synthetic model copies a real model chosen at random and perturbs what varies between real
models: parameter counts and widths (x0.5-2), layers, context, prices (x0.3-3), benchmark scores
(+-15 %), release dates (+-1 year). Ids are unique. The result is a catalog document, so it is
loaded through the same code path as an import. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from advisor.catalog.benchmarks import BENCHMARKS
from advisor.catalog.store import load_bundled, to_document


def _scale_arch(arch: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    f = rng.uniform(0.5, 2.0)
    out = dict(arch)
    for key in ("total_params_b", "active_params_b", "hub_params_b", "embedding_params_b"):
        if out.get(key):
            out[key] = round(out[key] * f, 3)
    if out.get("layers"):
        layers = max(4, round(out["layers"] * rng.uniform(0.8, 1.25)))
        used = (out.get("sliding_window_layers", 0) + out.get("linear_attention_layers", 0)
                + (out.get("full_attention_layers") or 0) + out.get("kv_shared_layers", 0))
        out["layers"] = max(layers, used)
    return out


def synthesize(n: int, seed: int = 7) -> dict[str, Any]:
    """A catalog document with `n` models."""
    rng = random.Random(seed)
    base = to_document(load_bundled())
    real = base["models"]
    models = []
    for i in range(n):
        m = json.loads(json.dumps(rng.choice(real)))
        m["id"] = f"synthetic/{m['id'].split('/', 1)[1]}-{i:05d}"
        m["name"] = f"{m['name']} (synthetic {i})"
        m.pop("base_model", None)
        m.pop("superseded_by", None)  # ids point at real models, not at their synthetic copies
        if m.get("architecture"):
            m["architecture"] = _scale_arch(m["architecture"], rng)
        for off in m.get("offerings", []):
            k = rng.uniform(0.3, 3.0)
            for key in ("price_input_usd_per_mtok", "price_output_usd_per_mtok",
                        "price_cached_input_usd_per_mtok"):
                if off.get(key) is not None:
                    off[key] = round(off[key] * k, 4)
        for ev in m.get("evidence", []):
            top = BENCHMARKS[ev["benchmark"]].max_score if ev["benchmark"] in BENCHMARKS else None
            score = ev["score"] * rng.uniform(0.85, 1.15)
            ev["score"] = round(min(score, top) if top is not None else score, 2)  # a percentage stays <= 100
        if m.get("release_date"):
            from datetime import date  # noqa: PLC0415

            d = date.fromisoformat(m["release_date"]) + timedelta(days=rng.randint(-365, 365))
            m["release_date"] = d.isoformat()
        m.pop("artifacts", None) if rng.random() < 0.5 else None
        if not m.get("artifacts") and m.get("open_weights") and not m.get("hf_repo"):
            m["hf_repo"] = "synthetic/repo"
        models.append(m)
    base["models"] = models
    return base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=16000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=Path("out/synthetic-catalog.json"))
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(synthesize(args.n, args.seed)), encoding="utf-8")
    print(f"wrote {args.n} models to {args.output}")


if __name__ == "__main__":
    main()
