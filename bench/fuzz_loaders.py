"""Fuzz every loader of untrusted files: N generated inputs per target (default 10,000).

Prints, per target, how many inputs were tried and how many raised anything other than our own
CatalogError (the target is zero). Targets: catalog documents, overlays and scenarios built from
random JSON, mutations of the real bundled catalog, raw bytes, the importers (CSV text, models.dev
documents real and mutated, Hugging Face configs real and mutated) and command-line arguments
(anything but a clean exit code is a failure).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.catalog.errors import CatalogError
from advisor.catalog.hf_config import model_from_hf_config
from advisor.catalog.importing import CSV_OPTIONAL, CSV_REQUIRED, parse_csv
from advisor.catalog.overlay import parse_overlay, parse_overlay_bytes
from advisor.catalog.refresh import refresh_incoming
from advisor.catalog.store import (
    load_bundled,
    parse_document,
    parse_document_bytes,
    parse_json_bytes,
    to_document,
)
from advisor.recommend.scenario import parse_scenario

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


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


def random_csv(rng: random.Random) -> str:
    columns = list(CSV_REQUIRED + CSV_OPTIONAL)
    header = rng.sample(columns, rng.randint(len(CSV_REQUIRED) - 1, len(columns)))
    cells = ["", "x", "acme/x", "true", "false", "maybe", "2026-11-01", "-1", "0.5", "=1+1", "'x",
             "1e309", '"', "\n", "proprietary-openai", "MIT", "a,b", "\u00e9", "9" * 30]
    rows = [",".join(rng.choice(cells) for _ in header) for _ in range(rng.randint(0, 4))]
    return "\n".join([",".join(header), *rows])


def mutated(rng: random.Random, base: Any) -> Any:
    return mutated_catalog(rng, base) if isinstance(base, dict) else base


def random_overlay(rng: random.Random, base: dict[str, Any]) -> Any:
    """An overlay of a few real models: sound half the time (the one-pass path takes it), mutated
    otherwise (the entry-by-entry path words the problems)."""
    models = json.loads(json.dumps(rng.sample(base["models"], rng.randint(0, 4))))
    doc = {"schema_version": 1, "kind": "model-advisor-overlay", "models": models, "licenses": [],
           "hidden": [m["id"] for m in models[:1]]}
    return doc if rng.random() < 0.5 else mutated_catalog(rng, doc)


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


WORDS = ["recommend", "catalog", "list", "show", "edit", "hide", "revert", "import", "export", "refresh",
         "estimate", "hardware", "--format", "json", "table", "--set", "name=x", "x=1", "--budget-usd-month",
         "-5", "abc", "--language", "zz", "--task", "coding=-1", "--vram-gb", "1e400", "--model",
         "qwen/qwen3-8b", "--dry-run", "--from", "/nonexistent", "--top", "0", "--hardware", "nope",
         "--deployment", "local", "--context", "-1", "--min-context", "99999999999", "\x00", ""]


COMMANDS = [["recommend"], ["catalog", "list"], ["catalog", "show"], ["catalog", "edit"], ["catalog", "hide"],
            ["catalog", "revert"], ["catalog", "import"], ["catalog", "refresh", "--from"], ["estimate"],
            ["hardware", "list"], ["catalog", "validate"]]


def random_argv(rng: random.Random) -> list[str]:
    """A real command (never the window) followed by random words."""
    return rng.choice(COMMANDS) + [rng.choice(WORDS) for _ in range(rng.randint(0, 7))]


def run_cli(argv: object) -> object:
    """Run the CLI in-process with a throwaway home; only exit codes 0, 1 and 2 are clean."""
    import contextlib  # noqa: PLC0415
    import io  # noqa: PLC0415
    import os  # noqa: PLC0415

    from advisor.cli import main as cli_main  # noqa: PLC0415

    assert isinstance(argv, list)
    with tempfile.TemporaryDirectory() as home:
        os.environ["ADVISOR_HOME"] = home
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli_main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        if code not in (0, 1, 2) or "Traceback" in err.getvalue():
            raise RuntimeError(f"advisor {argv}: exit {code}: {err.getvalue()[-300:]}")
    return code


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
    # The one-pass fast paths (a sound file validated straight from its bytes), fed the same inputs.
    total += run("catalog document bytes (mutated real)", args.n,
                 lambda _i: json.dumps(mutated_catalog(rng, base)).encode(),
                 lambda b: parse_document_bytes(b if isinstance(b, bytes) else b"", "fuzz.json"))
    total += run("overlay bytes (random JSON)", args.n,
                 lambda _i: json.dumps(random_overlay(rng, base)).encode(),
                 lambda b: parse_overlay_bytes(b if isinstance(b, bytes) else b"", "fuzz.json"))
    total += run("raw bytes", args.n, lambda _i: rng.randbytes(rng.randint(0, 300)),
                 lambda b: parse_json_bytes(b if isinstance(b, bytes) else b"", "fuzz.json"))
    total += run("CSV import (random)", args.n, lambda _i: random_csv(rng),
                 lambda t: parse_csv(str(t), "fuzz.csv"))
    catalog = load_bundled()
    dev = json.loads((FIXTURES / "models-dev-api.json").read_text(encoding="utf-8"))
    total += run("models.dev document (mutated real)", args.n, lambda _i: mutated(rng, dev),
                 lambda d: refresh_incoming(catalog, d, "fuzz.json"))
    total += run("models.dev document (random JSON)", args.n // 5, lambda _i: random_json(rng),
                 lambda d: refresh_incoming(catalog, d, "fuzz.json"))
    config = json.loads((FIXTURES / "qwen3-8b-config.json").read_text(encoding="utf-8"))
    total += run("Hugging Face config (mutated real)", args.n, lambda _i: mutated(rng, config),
                 lambda c: model_from_hf_config(c, "config.json", model_id="fuzz/model", license_id="MIT"))
    total += run("CLI arguments", args.n, lambda _i: random_argv(rng), run_cli)
    print(f"total unexpected errors: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
