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
               _Param(None, "VLLM_BANDWIDTH_SHARE", 1.2), _Param(None, "M1_FABRIC_SHARE", 1.0)]
    return kernels + efficiency + scalars


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
    for param in _parameters():
        if param.table is None:
            print(f"  {param.key}", round(param.get(), 3))
    groups: dict[str, list[float]] = {}
    for c in cases:
        groups.setdefault(_group(c.regime), []).append(c.measured / c.expected)
    _print_spread(groups)


def _print_spread(groups: dict[str, list[float]]) -> None:
    """5th and 95th percentile of measured / predicted per group (the low-high range)."""
    for name, ratios in sorted(groups.items()):
        if len(ratios) >= 5:
            qs = statistics.quantiles(ratios, n=20)
            print(f"  SPREAD {name:8} n={len(ratios):3} p5 {qs[0]:.2f} p95 {qs[-1]:.2f}")
        else:
            print(f"  SPREAD {name:8} n={len(ratios):3} (too few to set a range)")


def _group(regime: str) -> str:
    kind, where = regime.split("/")
    if kind == "moe":
        return "moe"
    return where if where in ("offload", "cpu") else "gpu"


def cross_source(cases_of: Callable[[], Sequence[_Case]], rounds: int = 3, min_cases: int = 5) -> None:
    """Leave one source out: for every source with at least `min_cases` runs, fit the constants on
    the other sources and predict this one. The pooled measured/predicted ratios are what a source
    the fit has never seen (another runtime version, another setup) looks like, so their 5th/95th
    percentiles per group are the honest low-high range. Constants are restored afterwards."""
    params = _parameters()
    saved = [p.get() for p in params]
    every = cases_of()
    sources = sorted({c.source for c in every if sum(d.source == c.source for d in every) >= min_cases})
    ratios: dict[str, list[float]] = {}
    for held in sources:
        _descend(lambda held=held: [c for c in cases_of() if c.source != held], rounds)  # type: ignore[misc]
        out = [c for c in cases_of() if c.source == held]
        errs = sorted(abs(c.expected / c.measured - 1) for c in out)
        print(f"  without {held[:70]:70} n={len(out):3} median |error| {statistics.median(errs):5.1%}")
        for c in out:
            ratios.setdefault(_group(c.regime), []).append(c.measured / c.expected)
        for p, value in zip(params, saved, strict=True):
            p.set(value)
    print("== low-high range from sources never fitted on (copy SPREAD into physics.py) ==")
    _print_spread(ratios)
