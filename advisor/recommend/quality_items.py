"""The benchmark side of the quality fit (`quality.fit_quality`): every result as a flat row, and each
benchmark's intercept, slope and noise against the current abilities (score = a_b + s_b * ability +
noise_b). The slopes of the 0-100 benchmarks share one distribution and each is shrunk towards it as
far as its own results leave it uncertain; a benchmark's noise is shrunk towards the median
benchmark's, so one bad item cannot widen every other one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from advisor.arrays import Floats, Ints
from advisor.catalog.benchmarks import BENCHMARKS, Task
from advisor.catalog.schema import Model

TASKS: tuple[Task, ...] = tuple(Task)
"""Task order of the arrays (the enum's order)."""
MIN_ITEM_MODELS = 3
"""Results a benchmark needs from each kind of source (vendor tables, independent leaderboards) for
the two to be calibrated apart: with fewer, an item's level and slope cannot be fitted."""
_MIN_SLOPE = 0.05  # share of a benchmark's observed range: a benchmark always rises with ability
_MIN_NOISE = 0.05  # ability units^2: no single result pins a model more tightly than SD 0.22
_POOL_DF = 3.0  # a benchmark's noise is shrunk towards the median one as if by 3 extra results
_SLOPE_ROUNDS = 20  # fixed-point iterations of the slopes' common distribution


@dataclass(frozen=True)
class Observations:
    """The results as flat arrays: one row per (model, benchmark)."""

    model: Ints
    bench: Ints
    task: Ints
    y: Floats
    independent: npt.NDArray[np.bool_]
    n_bench: int


def observations(models: list[Model]) -> Observations:
    """One result per (model, benchmark), on an item per benchmark and kind of source.

    A vendor's own table and an independent leaderboard are different procedures even under one
    name (scaffolds, subsets, effort settings: Anthropic's table gives Gemini 3.1 Pro 54.2 on
    SWE-bench Pro, Scale's own run 46.1), so where both kinds have results for MIN_ITEM_MODELS
    models they are two items, calibrated separately and linked through the models' other results;
    otherwise they are one. Where a model has an independent result for a benchmark, its vendor figure
    is not used; among equals the latest report counts. A benchmark with a single result says nothing
    about the scale and is not used; benchmarks outside the fixed set are ignored."""
    names = sorted(BENCHMARKS)
    bench_pos = {b: i for i, b in enumerate(names)}
    latest: dict[tuple[int, int, bool], tuple[date, float]] = {}
    for i, m in enumerate(models):
        for ev in m.evidence:
            b = bench_pos.get(ev.benchmark)
            if b is None:
                continue
            key = (i, b, ev.independent)
            old = latest.get(key)
            if old is None or ev.as_of >= old[0]:
                latest[key] = (ev.as_of, ev.score)
    keys = sorted(k for k in latest if k[2] or (k[0], k[1], True) not in latest)
    per_item: dict[tuple[int, bool], int] = {}
    for _, b, ind in keys:
        per_item[(b, ind)] = per_item.get((b, ind), 0) + 1
    split = {b for b, ind in per_item if ind and per_item[(b, True)] >= MIN_ITEM_MODELS
             and per_item.get((b, False), 0) >= MIN_ITEM_MODELS}
    keys = [k for k in keys if per_item[(k[1], k[2])] + per_item.get((k[1], not k[2]), 0) >= 2]
    task_pos = {t: k for k, t in enumerate(TASKS)}
    return Observations(model=np.array([k[0] for k in keys], dtype=np.int64),
                bench=np.array([2 * k[1] + int(k[2] and k[1] in split) for k in keys], dtype=np.int64),
                task=np.array([task_pos[BENCHMARKS[names[k[1]]].task] for k in keys], dtype=np.int64),
                y=np.array([latest[k][1] for k in keys], dtype=np.float64),
                independent=np.array([k[2] for k in keys], dtype=np.bool_), n_bench=2 * len(names))


def calibrate(obs: Observations, theta: Floats, post_var: Floats,
               old_noise: Floats | None) -> tuple[Floats, Floats, Floats]:
    """Each benchmark's intercept, slope and noise variance (in ability units^2) against the current
    evidence-only abilities `theta` (posterior variances `post_var`): least squares where a benchmark
    has 3+ results (the 0-100 benchmarks' slopes shrunk towards their common distribution,
    `_shrunk_slopes`), z-scores otherwise. The noise is read from leave-one-out residuals
    (e / (1 - leverage)), so a model whose only result fits itself exactly does not make the
    benchmark look precise; it is shrunk towards the median benchmark's noise. The leverages come
    from `old_noise`, and that fixed point overshoots (iterated plainly, every noise alternated
    between its floor and about ten times it, round after round), so each round moves halfway, on
    the log scale, from `old_noise` to the new estimate: the same fixed point, reached."""
    nb = obs.n_bench
    x = theta[obs.model, obs.task]
    n = np.bincount(obs.bench, minlength=nb).astype(np.float64)
    safe_n = np.maximum(n, 1.0)
    my = np.bincount(obs.bench, obs.y, nb) / safe_n
    mx = np.bincount(obs.bench, x, nb) / safe_n
    dy, dx = obs.y - my[obs.bench], x - mx[obs.bench]
    # EM's M-step: E[x^2] includes the posterior variance, or shrunken abilities inflate the slopes.
    var_x = np.bincount(obs.bench, dx * dx + post_var[obs.model, obs.task], nb)
    cov = np.bincount(obs.bench, dx * dy, nb)
    y_sd = np.sqrt(np.bincount(obs.bench, dy * dy, nb) / safe_n)
    y_max = np.full(nb, -np.inf)
    y_min = np.full(nb, np.inf)
    np.maximum.at(y_max, obs.bench, obs.y)
    np.minimum.at(y_min, obs.bench, obs.y)
    y_range = np.where(n > 0, y_max - y_min, 0.0)
    fallback = np.where(y_sd > 0, y_sd, 1.0)
    fitted = (n >= 3) & (var_x > 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        ols = np.where(fitted, cov / var_x, 0.0)
        resid_y = np.bincount(obs.bench, (dy - ols[obs.bench] * dx) ** 2, nb) / np.maximum(n - 2.0, 1.0)
        ols_var = np.where(fitted, resid_y / var_x, np.inf)
    percent = np.array([BENCHMARKS[name].max_score is not None for name in sorted(BENCHMARKS)
                        for _ in range(2)], dtype=np.bool_)
    slope = np.where(fitted, _shrunk_slopes(ols, ols_var, fitted & percent), fallback)
    slope = np.maximum(slope, _MIN_SLOPE * np.where(y_range > 0, y_range, 1.0))
    intercept = my - slope * mx
    resid = (obs.y - intercept[obs.bench] - slope[obs.bench] * x) / slope[obs.bench]
    r_old = old_noise[obs.bench] if old_noise is not None else np.full(len(obs.y), 0.25)
    v = post_var[obs.model, obs.task]
    leverage = np.minimum(v / r_old, 1.0)
    usable = leverage < 0.9  # a result that alone decides its model's ability says nothing of noise
    with np.errstate(divide="ignore", invalid="ignore"):
        loo = np.where(usable, resid / (1.0 - leverage), 0.0)
        loo_var = np.where(usable, v / (1.0 - leverage), 0.0)
    parts = np.where(usable, loo * loo - loo_var, 0.0)
    count = np.bincount(obs.bench, usable.astype(np.float64), nb)
    total = np.bincount(obs.bench, parts, nb)
    rated = count >= MIN_ITEM_MODELS  # the typical benchmark's noise: one bad item cannot move it
    pooled = float(np.median(total[rated] / count[rated])) if rated.any() else 0.25
    pooled = max(pooled, _MIN_NOISE)
    noise = np.maximum((total + _POOL_DF * pooled) / (count + _POOL_DF), _MIN_NOISE)
    if old_noise is not None:  # the relaxed fixed point (see above)
        noise = np.sqrt(noise * old_noise)
    return intercept, slope, noise


def _shrunk_slopes(ols: Floats, ols_var: Floats, pooled: npt.NDArray[np.bool_]) -> Floats:
    """The slopes of the `pooled` items (benchmarks on one 0-100 scale) shrunk towards their common
    distribution N(s0, v0), fitted from those items by the random-effects fixed point (each item's
    least-squares slope weighted by 1 / (v0 + its sampling variance)): a benchmark with few results on
    a narrow band of abilities (a leaderboard of a handful of frontier models) cannot pin its own slope,
    and left alone EM drives such a slope to zero (its results then look like noise, which makes its
    models' abilities vaguer, which flattens the slope further). Other items keep their own slope."""
    if pooled.sum() < MIN_ITEM_MODELS:
        return ols
    b, se2 = ols[pooled], np.maximum(ols_var[pooled], 1e-12)
    v0 = float(b.var())
    s0 = float(b.mean())
    for _ in range(_SLOPE_ROUNDS):
        w = 1.0 / (v0 + se2)
        s0 = float((w * b).sum() / w.sum())
        v0 = max(float((w * w * ((b - s0) ** 2 - se2)).sum() / (w * w).sum()), 1e-6 * s0 * s0)
    out = ols.copy()
    out[pooled] = (b / se2 + s0 / v0) / (1.0 / se2 + 1.0 / v0)
    return out


__all__ = ["MIN_ITEM_MODELS", "TASKS", "Observations", "calibrate", "observations"]
