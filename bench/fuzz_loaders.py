"""Fuzz every loader of untrusted files: N generated inputs per target (default 10,000).

Prints, per target, how many inputs were tried and how many raised anything other than our own
CatalogError (the target is zero). Targets: catalog documents, overlays and scenarios built from
random JSON, mutations of the real bundled catalog, and raw bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import traceback
from collections.abc import Callable
from typing import Any

from advisor.catalog.errors import CatalogError
from advisor.catalog.overlay import parse_overlay
from advisor.catalog.store import load_bundled, parse_document, parse_json_bytes, to_document
from advisor.recommend.constraints import parse_scenario


def random_json(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        return rng.choice([None, True, False, rng.randint(-10**6, 10**6), rng.uniform(-1e6, 1e6),
                           "", "x" * rng.randint(0, 50), "2026-01-01", "qwen/qwen3-8b", "\u0000\ud7ff"])
    if roll < 0.75:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["id", "name", "models", "kind", "schema_version", "as_of", "source", "x"]):
            random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def mutated_catalog(rng: random.Random, base: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(base))
    for _ in range(rng.randint(1, 3)):
        node: Any = doc
        for _ in range(rng.randint(1, 5)):
            if isinstance(node, dict) and node:
                key = rng.choice(list(node))
                if rng.random() < 0.3:
                    node[key] = random_json(rng)
                    break
                node = node[key]
            elif isinstance(node, list) and node:
                i = rng.randrange(len(node))
                if rng.random() < 0.3:
                    node[i] = random_json(rng)
                    break
                node = node[i]
            else:
                break
    return doc


def run(name: str, n: int, make: Callable[[int], object], load: Callable[[object], object]) -> int:
    failures = 0
    for i in range(n):
        try:
            load(make(i))
        except CatalogError:
            pass
        except Exception:  # anything else is a bug worth a traceback
            failures += 1
            if failures <= 3:
                traceback.print_exc()
    print(f"{name:<36} tried {n:>6}  unexpected errors {failures}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = to_document(load_bundled())
    kinds: dict[str, Callable[[object, str], object]] = {
        "model-advisor-catalog": parse_document,
        "model-advisor-overlay": parse_overlay,
        "model-advisor-scenario": parse_scenario,
    }
    total = 0
    for kind, loader in kinds.items():
        def make(_i: int, kind: str = kind) -> object:
            doc = random_json(rng)
            if isinstance(doc, dict) and rng.random() < 0.7:
                doc.update({"schema_version": rng.choice([1, 1, 1, 2, 0, "1"]), "kind": kind})
            return doc

        def load(d: object, loader: Callable[[object, str], object] = loader) -> object:
            return loader(d, "fuzz.json")

        total += run(f"{kind} (random JSON)", args.n, make, load)
    total += run("catalog document (mutated real)", args.n, lambda _i: mutated_catalog(rng, base),
                 lambda d: parse_document(d, "fuzz.json"))
    total += run("raw bytes", args.n, lambda _i: rng.randbytes(rng.randint(0, 300)),
                 lambda b: parse_json_bytes(b if isinstance(b, bytes) else b"", "fuzz.json"))
    print(f"total unexpected errors: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
