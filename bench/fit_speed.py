"""Fit the few speed constants of advisor/estimate/physics.py on the development measurements.

Coordinate descent on the sum of |log(predicted / measured)| (robust to the odd outlier) over
every decode case bench/validate_estimates.py can identify in shared/data/validation, then the
5th/95th percentiles of measured / predicted per regime for the low-high range. It prints the
values; they are copied into physics.py by hand (so a fit never changes the code silently).
The held-out file is never passed here.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from typing import Protocol

from advisor.estimate import physics


class _Case(Protocol):
    @property
    def regime(self) -> str: ...
    @property
    def measured(self) -> float: ...
    @property
    def expected(self) -> float: ...
    @property
    def source(self) -> str: ...


def _loss(cases: Sequence[_Case]) -> float:
    return sum(abs(math.log(c.expected / c.measured)) for c in cases)


class _Param:
    """One fitted constant: a key of a dict, or a module attribute of physics.py."""

    def __init__(self, table: dict[str, float] | None, key: str, cap: float = math.inf,
                 floor: float = 0.0) -> None:
        self.table, self.key, self.cap, self.floor = table, key, cap, floor

    def get(self) -> float:
        return self.table[self.key] if self.table is not None else float(getattr(physics, self.key))

    def set(self, value: float) -> None:
        value = max(min(value, self.cap), self.floor)
        if self.table is not None:
            self.table[self.key] = value
        else:
            setattr(physics, self.key, value)


def _parameters() -> list[_Param]:
    kernels = [_Param(physics.KERNEL_US, k, floor=physics.KERNEL_US_FLOOR)
               for k in sorted(physics.KERNEL_US_FITTED)]
    classes = ("consumer", "datacenter", "apple", "igpu", "cpu")
    efficiency = [_Param(physics.BANDWIDTH_EFFICIENCY, k, 1.0) for k in classes]
    scalars = [_Param(None, "MOE_EXPERT_EFFICIENCY", 1.0), _Param(None, "SAMPLING_NS_PER_VOCAB"),
               _Param(None, "COMPUTE_EFFICIENCY", 1.0), _Param(None, "ULTRA_FABRIC_SHARE", 1.0),
               _Param(None, "VLLM_BANDWIDTH_SHARE", 1.2), _Param(None, "M1_FABRIC_SHARE", 1.0),
               _Param(None, "CPU_EXPERT_EFFICIENCY", 1.0), _Param(None, "EXPERT_ROW_BYTES"),
               _Param(None, "CPU_BARRIER_US_PER_THREAD"), _Param(None, "CPU_CORE_GWEIGHTS"),
               _Param(None, "MEASURED_STREAM_SHARE", 1.0)]
    formats = [_Param(physics.VLLM_FORMAT_SHARE, k, 2.0) for k in ("fp8", "awq")]
    latency = [_Param(physics.NODE_LATENCY_US, "datacenter")]
    return kernels + efficiency + scalars + formats + latency


def _descend(cases_of: Callable[[], Sequence[_Case]], rounds: int) -> None:
    """Coordinate descent in place on the module's constants."""
    best = _loss(cases_of())
    for _ in range(rounds):
        for param in _parameters():
            for factor in (1.25, 0.8, 1.1, 0.91, 1.03, 0.97):
                old = param.get()
                param.set(old * factor)
                loss = _loss(cases_of())
                if loss < best:
                    best = loss
                else:
                    param.set(old)


def fit(cases_of: Callable[[], Sequence[_Case]], rounds: int = 6) -> None:
    """Fit in place (the module's dicts and constants) and print the result."""
    _descend(cases_of, rounds)
    cases = cases_of()
    print("== fitted speed constants (copy into advisor/estimate/physics.py) ==")
    print("  KERNEL_US", {k: round(physics.KERNEL_US[k], 2) for k in sorted(physics.KERNEL_US_FITTED)})
    print("  BANDWIDTH_EFFICIENCY", {k: round(v, 3) for k, v in physics.BANDWIDTH_EFFICIENCY.items()})
    print("  NODE_LATENCY_US", {k: round(v, 2) for k, v in physics.NODE_LATENCY_US.items()})
    print("  VLLM_FORMAT_SHARE", {k: round(v, 3) for k, v in physics.VLLM_FORMAT_SHARE.items()})
    for param in _parameters():
        if param.table is None:
            print(f"  {param.key}", round(param.get(), 3))
    _print_spread([(c.regime, c.measured / c.expected) for c in cases])


WHERE = ("apple", "consumer", "datacenter", "igpu", "cpu", "offload")


def spread_table(pairs: Sequence[tuple[str, float]]) -> dict[str, tuple[float, float, str]]:
    """The low-high multipliers per regime (physics.SPREAD's rule) from (regime, measured/predicted)
    pairs: a regime with SPREAD_MIN_RUNS runs or more takes its own 5th/95th percentiles; one with
    fewer takes the wider, at each end, of its own extremes and its pool's 5th/95th percentiles (the
    runs in the same place, dense and MoE, when there are enough of them; else all of its kind)."""
    least = physics.SPREAD_MIN_RUNS

    def pct(values: list[float]) -> tuple[float, float]:
        qs = statistics.quantiles(values, n=20, method="inclusive")
        return qs[0], qs[-1]

    table: dict[str, tuple[float, float, str]] = {}
    for kind in ("dense", "moe"):
        for where in WHERE:
            key = f"{kind}/{where}"
            own = [r for g, r in pairs if g == key]
            if len(own) >= least:
                lo, hi = pct(own)
                table[key] = (lo, hi, f"own n={len(own)}")
                continue
            same_place = [r for g, r in pairs if g.endswith("/" + where)]
            pool, name = ((same_place, f"{where} n={len(same_place)}") if len(same_place) >= least else
                          ([r for g, r in pairs if g.startswith(kind + "/")], f"{kind} n="))
            if name.endswith("n="):
                name += str(len(pool))
            lo, hi = pct(pool)
            if own:
                lo, hi = min(lo, *own), max(hi, *own)
            table[key] = (lo, hi, f"own n={len(own)} + pool {name}")
    return table


def _print_spread(pairs: Sequence[tuple[str, float]]) -> None:
    """The low-high range per regime, as SPREAD in physics.py."""
    for key, (lo, hi, why) in spread_table(pairs).items():
        print(f'    "{key}": ({lo:.2f}, {hi:.2f}),  # {why}')


def cross_source(cases_of: Callable[[], Sequence[_Case]], rounds: int = 3, min_cases: int = 5) -> None:
    """Leave one source out: for every source with at least `min_cases` runs, fit the constants on
    the other sources and predict this one; the sources with fewer runs are held out together, as one
    more fold. The pooled measured/predicted ratios are what a source the fit has never seen
    (another runtime version, another setup) looks like, so their percentiles per regime are the
    honest low-high range. Constants are restored afterwards."""
    params = _parameters()
    saved = [p.get() for p in params]
    every = cases_of()
    count = {s: sum(c.source == s for c in every) for s in {c.source for c in every}}
    folds = [{s} for s in sorted(s for s, n in count.items() if n >= min_cases)]
    folds.append({s for s, n in count.items() if n < min_cases})
    ratios: list[tuple[str, float]] = []
    for held in folds:
        _descend(lambda held=held: [c for c in cases_of() if c.source not in held], rounds)  # type: ignore[misc]
        out = [c for c in cases_of() if c.source in held]
        errs = sorted(abs(c.expected / c.measured - 1) for c in out)
        name = next(iter(held)) if len(held) == 1 else f"{len(held)} sources of fewer than {min_cases} runs"
        print(f"  without {name[:70]:70} n={len(out):3} median |error| {statistics.median(errs):5.1%}",
              flush=True)
        ratios.extend((c.regime, c.measured / c.expected) for c in out)
        for p, value in zip(params, saved, strict=True):
            p.set(value)
    print("== low-high range from sources never fitted on (copy SPREAD into physics.py) ==")
    _print_spread(ratios)
