"""Recommendation timings: the ranking core on 1,000 and 16,000 models, and the full answer.

Prints the median of several runs for: loading and validating a catalog document (bytes to a
checked Catalog), rank() (filters + estimates + scores), recommend() with explanations and
counterfactuals, on the bundled catalog and on synthetic catalogs; and, once per catalog, the
preparation the ranking reuses for every set of constraints (quality fit + the catalog's columns).
Targets (issue 10): rank 1,000 models <= 16 ms, 16,000 <= 150 ms; load + validate 16,000 <= 0.5 s.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_catalog import synthesize

from advisor.catalog.benchmarks import Task
from advisor.catalog.store import Catalog, dump_json, load_bundled, parse_document_bytes
from advisor.catalog.validate import check_catalog
from advisor.hardware.profile import profile_from_preset
from advisor.recommend.constraints import Constraints
from advisor.recommend.engine import recommend
from advisor.recommend.ranking import columns, rank


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def constraints_for(catalog: Catalog) -> Constraints:
    gpu = next((h for h in catalog.hardware.values() if "4090" in h.name), None)
    hardware = profile_from_preset(gpu) if gpu else None
    return Constraints(hardware=hardware, budget_usd_month=100, tasks={Task.CODING: 1, Task.CHAT: 1})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.processor() or ''}")
    bundled = load_bundled()
    cases = [("bundled", bundled)]
    for n in (1000, 16000):
        raw = dump_json(synthesize(n)).encode()

        def load(data: bytes = raw, size: int = n) -> Catalog:
            catalog = parse_document_bytes(data, f"synthetic-{size}")
            assert not check_catalog(catalog, "synthetic")
            return catalog

        load_ms = median_ms(load, 3)
        print(f"load + validate {n:>6} models ({len(raw) / 1e6:.0f} MB of JSON): {load_ms:8.1f} ms")
        cases.append((f"synthetic {n}", load()))
    print(f"{'catalog':<16}{'models':>8}{'prepare ms':>12}{'rank() ms':>12}{'recommend() ms':>16}")
    for label, catalog in cases:
        c = constraints_for(bundled)
        # Once per catalog (after loading, as in the app): the quality fit and the catalog's columns.
        start = time.perf_counter()
        columns(catalog)
        prepare_ms = (time.perf_counter() - start) * 1000
        def run_rank(cat: Catalog = catalog, cc: Constraints = c) -> object:
            return rank(cat, cc)

        def run_full(cat: Catalog = catalog, cc: Constraints = c) -> object:
            return recommend(cat, cc)

        rank_ms = median_ms(run_rank, args.runs)
        runs = max(1, args.runs // 3) if len(catalog.models) > 5000 else args.runs
        full_ms = median_ms(run_full, runs)
        print(f"{label:<16}{len(catalog.models):>8}{prepare_ms:>12.1f}{rank_ms:>12.1f}{full_ms:>16.1f}")


if __name__ == "__main__":
    main()
