"""Task quality from benchmark evidence, comparable across models that report different benchmarks.

Models report different benchmarks, and the populations differ: small and older models report
HumanEval and GSM8K (where a 7B scores 85+), frontier models report SWE-bench Verified and AIME.
Comparing raw percentages would crown a 7B coder. So every benchmark is put on a common ability scale
with a one-factor item model per task (score_mb ~ a_b + s_b * ability_m), fitted by alternating least
squares across the whole catalog: models that report several benchmarks link them. Abilities are
shrunk towards the model's general ability (fitted the same way over every benchmark), and a model
with no evidence for a task gets that general ability with lower confidence — never "average".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from advisor.catalog.benchmarks import BENCHMARKS, Task
from advisor.catalog.schema import Model

A = TypeVar("A", float, npt.NDArray[np.float64])

_ITERATIONS = 25
_RIDGE = 0.5  # prior strength, in units of one benchmark's worth of evidence
_MIN_SLOPE = 0.05


@dataclass(frozen=True)
class TaskAbility:
    """A model's standing on one task: ability (0 = catalog median, SD 1) and evidence count."""

    ability: float
    direct_evidence: int


@dataclass(frozen=True)
class QualityTable:
    """Abilities for every model and task, fitted once per catalog."""

    general: Mapping[str, float]
    tasks: Mapping[Task, Mapping[str, TaskAbility]]
    evidence_count: Mapping[str, int]
    size_prior: Mapping[str, float] = field(default_factory=dict)

    def task_ability(self, model_id: str, task: Task) -> TaskAbility | None:
        """Ability on a task: direct if the model has evidence for it; otherwise the mean of its
        general ability and its size prior (whichever exist), with zero direct evidence; None when
        neither exists."""
        found = self.tasks.get(task, {}).get(model_id)
        if found is not None:
            return found
        parts = [v for v in (self.general.get(model_id), self.size_prior.get(model_id)) if v is not None]
        return TaskAbility(sum(parts) / len(parts), 0) if parts else None


def percentile(ability: A) -> A:
    """Ability on the standard-normal scale as a 0-1 share (0.5 = catalog median); elementwise for
    an array (math.erf per element: numpy has no erf)."""
    z = ability / math.sqrt(2.0)
    if isinstance(z, np.ndarray):
        return 0.5 * (1.0 + np.array([math.erf(v) for v in z.tolist()]))
    return 0.5 * (1.0 + math.erf(z))


def _observations(models: Iterable[Model]) -> dict[str, dict[str, float]]:
    """benchmark -> model id -> score (the latest report per pair)."""
    obs: dict[str, dict[str, float]] = defaultdict(dict)
    latest: dict[tuple[str, str], object] = {}
    for model in models:
        for ev in model.evidence:
            if ev.benchmark not in BENCHMARKS:
                continue
            key = (ev.benchmark, model.id)
            if key not in latest or ev.as_of >= latest[key]:  # type: ignore[operator]
                latest[key] = ev.as_of
                obs[ev.benchmark][model.id] = ev.score
    return obs


def _fit(obs: Mapping[str, Mapping[str, float]], prior: Mapping[str, float],
         recentre: bool = True) -> dict[str, float]:
    """One-factor fit: abilities for every model appearing in `obs`, shrunk towards `prior`.

    Alternating least squares on the observations as flat arrays (benchmark, model, score): each
    round fits every benchmark's intercept and slope against the current abilities, then sets every
    ability to the ridge-shrunk mean of (score - intercept) / slope over its benchmarks."""
    models = sorted({m for per in obs.values() for m in per})
    if not models:
        return {}
    pos = {m: i for i, m in enumerate(models)}
    sizes = [len(per) for per in obs.values()]
    bench = np.repeat(np.arange(len(sizes)), sizes)
    model = np.array([pos[m] for per in obs.values() for m in per], dtype=np.int64)
    y = np.array([v for per in obs.values() for v in per.values()], dtype=np.float64)
    nb, nm = len(sizes), len(models)
    n = np.array(sizes, dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    prior_v = np.array([prior.get(m, 0.0) for m in models])
    per_model = np.bincount(model, minlength=nm).astype(np.float64)

    my = np.bincount(bench, y, nb) / n
    y_sd = np.sqrt(np.bincount(bench, (y - my[bench]) ** 2, nb) / n)
    # Start from the mean z-score within each benchmark.
    z = (y - my[bench]) / np.where(y_sd > 0, y_sd, 1.0)[bench]
    ability = np.bincount(model, z, nm) / per_model
    fallback_slope = np.where(y_sd > 0, y_sd, 1.0)
    y_range = np.maximum.reduceat(y, starts) - np.minimum.reduceat(y, starts)
    min_slope = _MIN_SLOPE * np.where(y_range != 0, y_range, 1.0)
    for _ in range(_ITERATIONS):
        x = ability[model]
        mx = np.bincount(bench, x, nb) / n
        dx = x - mx[bench]
        var = np.bincount(bench, dx * dx, nb)
        cov = np.bincount(bench, dx * (y - my[bench]), nb)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where((n >= 3) & (var > 1e-9), cov / var, fallback_slope)
        slope = np.maximum(slope, min_slope)
        intercept = my - slope * mx
        # Each benchmark contributes (y - a) / s with weight 1 (slopes normalised).
        num = np.bincount(model, (y - intercept[bench]) / slope[bench], nm)
        new = (num + _RIDGE * prior_v) / (per_model + _RIDGE)
        if recentre:  # mean 0, SD 1, so the scale is stable between rounds
            sd = float(np.sqrt(np.mean((new - new.mean()) ** 2))) or 1.0
            new = (new - new.mean()) / sd
        ability = new  # without recentring, the prior (general ability) pins the scale
    return dict(zip(models, ability.tolist(), strict=True))


def fit_quality(models: Iterable[Model]) -> QualityTable:
    """Fit general and per-task abilities over a catalog's models."""
    model_list = list(models)
    obs = _observations(model_list)
    general = _fit(obs, {})
    tasks: dict[Task, dict[str, TaskAbility]] = {}
    for task in Task:
        task_obs = {b: per for b, per in obs.items() if BENCHMARKS[b].task is task}
        fitted = _fit(task_obs, general, recentre=False)
        count: dict[str, int] = defaultdict(int)
        for per in task_obs.values():
            for m in per:
                count[m] += 1
        tasks[task] = {m: TaskAbility(a, count[m]) for m, a in fitted.items()}
    evidence_count: dict[str, int] = defaultdict(int)
    for per in obs.values():
        for m in per:
            evidence_count[m] += 1
    return QualityTable(general=general, tasks=tasks, evidence_count=dict(evidence_count),
                        size_prior=_size_prior(model_list))


def _size_prior(models: list[Model]) -> dict[str, float]:
    """Standardised log of parameter count for models that publish it: within a generation, larger
    models know and reason more (scaling laws), so size is a weak prior where evidence is missing.
    MoE models count sqrt(total x active), between their stored and their used parameters."""
    sizes: dict[str, float] = {}
    for m in models:
        arch = m.architecture
        if arch is None or arch.total_params_b is None:
            continue
        active = arch.active_params_b or arch.total_params_b
        sizes[m.id] = math.log(math.sqrt(arch.total_params_b * active))
    if len(sizes) < 3:
        return {}
    mean = sum(sizes.values()) / len(sizes)
    sd = math.sqrt(sum((v - mean) ** 2 for v in sizes.values()) / len(sizes)) or 1.0
    return {mid: (v - mean) / sd for mid, v in sizes.items()}
