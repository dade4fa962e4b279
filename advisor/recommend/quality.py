"""Task quality as an estimate with an interval, comparable across models that report different benchmarks.

Models report different benchmarks, and the populations differ: small and older models report
HumanEval and GSM8K (where a 7B scores 85+), frontier models report SWE-bench and AIME, and closed
models often report only two or three results. So every result is put on one latent ability scale
and every model gets a posterior (a mean and a covariance over the tasks), fitted over the whole
catalog by alternating two steps:

* **Benchmarks** (`_calibrate`): score_mb = a_b + s_b * ability_m,task(b) + noise_b, each benchmark's
  intercept, slope and noise fitted against the current abilities. Models that report several
  benchmarks link them. The slopes of the 0-100 benchmarks share one distribution, fitted across
  them, and each is shrunk towards it as far as its own results leave it uncertain (a leaderboard of
  a handful of frontier models in a ten-point band cannot pin its slope; left alone, EM drove such a
  slope to its floor and the item's noise to 34 ability units^2). A benchmark's noise is shrunk
  towards the median benchmark's, so one bad item cannot widen every other one.
* **Models** (`_posterior`): ability_m,t = g_m + d_m,t, a general ability plus a task deviation
  (d ~ N(0, tau^2), tau fitted from models with evidence on several tasks, each (model, task) weighted
  by its precision, so a task measured only by a noisy item does not pass its noise off as a
  deviation). g_m has an informative
  prior from what the catalog knows without benchmarks (`advisor.recommend.quality_prior`): its
  family's and vendor's measured models, release date, size, price band, open weights, thinking mode.
  The posterior combines that prior with the model's own results (exact Gaussian algebra).
* **Specialists** (`_specialty`): a model built for one task (`Model.built_for`: a translation
  model) stands apart from its general facts on that task, so there its deviation has the lead and
  spread of the measured specialists instead of N(0, tau^2) (with too few measured, its ability there
  is the catalog's population: median, wide), and its results do not enter the general prior's fit.

A task without evidence is then estimated from the model's other tasks (through g) and from the prior,
with an interval as wide as that information is thin; a model without any result gets the prior
alone, which is wide. Independent leaderboard results (`TaskEvidence.independent`) replace a vendor's
own figure for the same benchmark. The scale is pinned each round: general abilities of the models
with evidence have mean 0 and SD 1, so `percentile` reads an ability as a share of the catalog.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from advisor.arrays import Floats, Ints
from advisor.catalog.benchmarks import Task
from advisor.catalog.schema import Model
from advisor.recommend.quality_items import MIN_ITEM_MODELS, TASKS, Observations, calibrate, observations
from advisor.recommend.quality_prior import PriorFit, covariates, fit_prior

A = TypeVar("A", float, npt.NDArray[np.float64])

_ROUNDS = 30
_MIN_TAU2 = 0.02  # task deviations are never assumed away entirely
_START_HOUSE_VAR = _MIN_TAU2  # vendor-table offset variance until independent results identify it
_VAGUE_VAR = 1e6  # a prior that says nothing (a model's own-results-only general ability)
_POPULATION_VAR = 1.0  # stage 1's prior on general ability: the standardised population (IRT's N(0, 1))


@dataclass(frozen=True)
class TaskAbility:
    """A model's standing on one task: ability (0 = catalog median, SD 1), its posterior SD, and how
    many results for that task stand behind it (0 = inferred from other tasks and the prior)."""

    ability: float
    sd: float
    direct_evidence: int


@dataclass(frozen=True)
class QualityTable:
    """Posterior abilities of every model of a catalog, per task, fitted once per catalog."""

    ids: tuple[str, ...]
    index: Mapping[str, int]
    mean: Floats  # (models, tasks) posterior mean ability
    cov: Floats  # (models, tasks, tasks) posterior covariance
    direct: Ints  # (models, tasks) results per task
    evidence: Ints  # (models,) results in all
    independent: Ints  # (models,) of which from independent leaderboards
    prior: PriorFit

    def task_ability(self, model_id: str, task: Task) -> TaskAbility | None:
        """The posterior for one task, or None for a model the table was not fitted on."""
        i = self.index.get(model_id)
        if i is None:
            return None
        t = TASKS.index(task)
        return TaskAbility(float(self.mean[i, t]), math.sqrt(max(0.0, float(self.cov[i, t, t]))),
                           int(self.direct[i, t]))

    def weighted(self, model_id: str, weights: Mapping[Task, float]) -> tuple[float, float] | None:
        """Mean and SD of the weighted average ability over `weights` (None: model not fitted)."""
        i = self.index.get(model_id)
        if i is None:
            return None
        mu, sd = weighted_ability(self.mean[i : i + 1], self.cov[i : i + 1], weight_vector(weights))
        return float(mu[0]), float(sd[0])


def weight_vector(weights: Mapping[Task, float]) -> Floats:
    """Task weights as a vector in `TASKS` order, summing to 1."""
    w = np.array([max(0.0, weights.get(t, 0.0)) for t in TASKS], dtype=np.float64)
    total = float(w.sum())
    return w / total if total > 0 else np.full(len(TASKS), 1.0 / len(TASKS))


def weighted_ability(mean: Floats, cov: Floats, w: Floats) -> tuple[Floats, Floats]:
    """Mean and SD of w . ability for every row (mean: (n, T), cov: (n, T, T), w: (T,))."""
    mu = mean @ w
    var = (cov @ w) @ w
    return mu, np.sqrt(np.maximum(var, 0.0))


def percentile(ability: A) -> A:
    """Ability on the standard-normal scale as a 0-1 share (0.5 = catalog median); elementwise for
    an array (math.erf per element: numpy has no erf)."""
    z = ability / math.sqrt(2.0)
    if isinstance(z, np.ndarray):
        return 0.5 * (1.0 + np.array([math.erf(v) for v in z.reshape(-1).tolist()]).reshape(z.shape))
    return 0.5 * (1.0 + math.erf(z))


@dataclass(frozen=True)
class _Stats:
    """Per model and task, for vendor-reported and for independent results apart: the summed
    precision of the results and the precision-weighted sum of the abilities they imply."""

    s_vendor: Floats
    su_vendor: Floats
    s_indep: Floats
    su_indep: Floats

    @property
    def s(self) -> Floats:
        """Precision of all results per model and task."""
        total: Floats = self.s_vendor + self.s_indep
        return total

    @property
    def su(self) -> Floats:
        """Precision-weighted sum of the implied abilities per model and task."""
        total: Floats = self.su_vendor + self.su_indep
        return total


def _task_stats(obs: Observations, n_models: int, intercept: Floats, slope: Floats, noise: Floats) -> _Stats:
    """Each result turned into the ability it implies ((y - a) / s) with its precision, summed per
    model, task and kind of source."""
    u = (obs.y - intercept[obs.bench]) / slope[obs.bench]
    prec = 1.0 / noise[obs.bench]
    cell = obs.model * len(TASKS) + obs.task
    size = n_models * len(TASKS)
    shape = (n_models, len(TASKS))
    out = []
    for kind in (~obs.independent, obs.independent):
        out.append(np.bincount(cell[kind], prec[kind], size).astype(np.float64).reshape(shape))
        out.append(np.bincount(cell[kind], (prec * u)[kind], size).astype(np.float64).reshape(shape))
    return _Stats(*out)


def _tau2(s: Floats, su: Floats, tau2: float) -> float:
    """Variance of task deviations: for every (model, task) with results and other tasks also
    measured, (task mean - general ability from the other tasks)^2 minus both noises, averaged with
    weights 1 / (tau^2 + both noises)^2 (the random-effects likelihood's fixed point, as in
    meta-analysis): a cell whose task is known only to +-6 says next to nothing about tau, where a
    plain mean let one such cell outweigh four hundred."""
    has = s > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        task_mean = np.where(has, su / np.where(has, s, 1.0), 0.0)
        w = np.where(has, 1.0 / (1.0 / np.where(has, s, 1.0) + tau2), 0.0)
    rest_w = w.sum(axis=1, keepdims=True) - w
    rest_wm = (w * task_mean).sum(axis=1, keepdims=True) - w * task_mean
    cells = has & (rest_w > 0)
    if cells.sum() < 3:
        return max(tau2, _MIN_TAU2)
    safe = np.where(cells, rest_w, 1.0)
    g_other = rest_wm / safe
    noise_var = 1.0 / np.where(has, s, 1.0) + 1.0 / safe
    parts = (task_mean - g_other) ** 2 - noise_var
    weight = 1.0 / (tau2 + noise_var) ** 2
    return max(_MIN_TAU2, float((weight * parts)[cells].sum() / weight[cells].sum()))


@dataclass(frozen=True)
class _Posterior:
    """Posterior of every model: task abilities, general ability and its vendor-table offset."""

    mean: Floats  # (n, T) task abilities
    cov: Floats  # (n, T, T)
    g_mean: Floats
    g_var: Floats
    house_mean: Floats  # the offset shared by the model's vendor-reported results
    house_var: Floats


def _posterior(prior_mean: Floats, prior_var: Floats, st: _Stats, dev_var: float | Floats,
               house_var: float, full_cov: bool = True, dev_mean: float | Floats = 0.0) -> _Posterior:
    """The posterior, exactly: parameters z = (g, d_1..d_T, h) with prior N((mu0, m_1..m_T),
    diag(v0, v_1..v_T, house_var)); the task deviations' prior is N(0, tau^2) except where a
    specialist meets its own task (`_Specialty`), given per model and task by `dev_mean` and
    `dev_var`. An independent result for task t observes g + d_t, a vendor's own result g + d_t + h,
    so one vendor table's results share one error and do not count as independent confirmations of
    each other.

    The precision matrix is an arrow (the task deviations touch only g and h), so the d's are
    eliminated in closed form (Schur complement) and only a 2x2 system in (g, h) is solved per model:
    no matrix inverse over the whole catalog."""
    s_all, su_all = st.s, st.su
    d = 1.0 / dev_var + s_all  # (n, T): diagonal of the deviations' block
    b, e = s_all, st.s_vendor  # couplings of each d_t to g and to h
    # Schur complement on (g, h): M = [[m_gg, m_gh], [m_gh, m_hh]], right-hand side (r_g, r_h).
    m_gg = 1.0 / prior_var + s_all.sum(axis=1) - (b * b / d).sum(axis=1)
    m_gh = st.s_vendor.sum(axis=1) - (b * e / d).sum(axis=1)
    m_hh = 1.0 / house_var + st.s_vendor.sum(axis=1) - (e * e / d).sum(axis=1)
    r_d = su_all + dev_mean / dev_var
    r_g = prior_mean / prior_var + su_all.sum(axis=1) - (b * r_d / d).sum(axis=1)
    r_h = st.su_vendor.sum(axis=1) - (e * r_d / d).sum(axis=1)
    det = m_gg * m_hh - m_gh * m_gh
    c_gg, c_gh, c_hh = m_hh / det, -m_gh / det, m_gg / det
    g_mean = c_gg * r_g + c_gh * r_h
    h_mean = c_gh * r_g + c_hh * r_h
    # ability_t = g + d_t = r_d/d + (1 - b/d) g - (e/d) h + noise(1/d)
    lg, lh = 1.0 - b / d, -e / d
    mean = r_d / d + lg * g_mean[:, None] + lh * h_mean[:, None]
    if not full_cov:  # only the variances (a diagonal "covariance"), for the calibration rounds
        var = (lg * lg * c_gg[:, None] + 2 * lg * lh * c_gh[:, None] + lh * lh * c_hh[:, None] + 1.0 / d)
        return _Posterior(mean, var[:, :, None] * np.eye(d.shape[1]), g_mean, c_gg, h_mean, c_hh)
    cov = (lg[:, :, None] * lg[:, None, :] * c_gg[:, None, None]
           + (lg[:, :, None] * lh[:, None, :] + lh[:, :, None] * lg[:, None, :]) * c_gh[:, None, None]
           + lh[:, :, None] * lh[:, None, :] * c_hh[:, None, None])
    k = d.shape[1]
    cov[:, np.arange(k), np.arange(k)] += 1.0 / d
    return _Posterior(mean, cov, g_mean, c_gg, h_mean, c_hh)


def _house_var(post: _Posterior, st: _Stats, old: float) -> float:
    """EM update of the vendor-table offset's variance, from the models with both vendor-reported
    and independent results (elsewhere the offset cannot be told from ability)."""
    both = (st.s_vendor.sum(axis=1) > 0) & (st.s_indep.sum(axis=1) > 0)
    if both.sum() < MIN_ITEM_MODELS:
        return old
    return max(_MIN_TAU2, float(np.mean(post.house_mean[both] ** 2 + post.house_var[both])))


def _pin_scale(post: _Posterior, measured: npt.NDArray[np.bool_]) -> tuple[float, float]:
    """Centre and spread that give the measured models' general abilities mean 0 and variance 1
    (variance of the posterior means plus the mean posterior variance: the EM estimate of the
    population's variance, so shrinkage does not inflate the scale round after round)."""
    if not measured.any():
        return 0.0, 1.0
    g, v = post.g_mean[measured], post.g_var[measured]
    spread = math.sqrt(float(g.var() + v.mean()))
    return float(g.mean()), spread if spread > 1e-9 else 1.0


def _own_tasks(models: list[Model]) -> npt.NDArray[np.bool_]:
    """(models, tasks): True where a purpose-built model meets a task it is built for."""
    own = np.zeros((len(models), len(TASKS)), dtype=np.bool_)
    for i, m in enumerate(models):
        for t in m.built_for:
            own[i, TASKS.index(t)] = True
    return own


def _is_specialist(own_task: npt.NDArray[np.bool_]) -> list[bool]:
    """Per model: built for some task."""
    return [bool(row.any()) for row in own_task]


def _specialty(own_task: npt.NDArray[np.bool_], st: _Stats, prior: PriorFit, tau2: float,
               house_var: float) -> tuple[Floats, Floats, int]:
    """Prior mean and variance of every task deviation, and how many specialists were measured.

    A general model's deviations are N(0, tau^2). A model built for one task (a translation model)
    is not: its training bought ability on that task that its size, price and vendor do not predict,
    so on its own task its deviation is N(lead, spread), fitted on the measured specialists' leads
    (own-task ability from their results less their general prior) by the random-effects fixed
    point (as `_tau2`), each specialist left out of its own lead. With fewer than MIN_ITEM_MODELS
    measured specialists the lead is unknown and its general facts say nothing of its own task: there
    its ability is the catalog's population, N(0, 1), plus its general prior's own uncertainty."""
    dev_mean: Floats = np.zeros(own_task.shape)
    dev_var: Floats = np.full(own_task.shape, tau2)
    cells = own_task & (st.s > 0)
    rows, cols = np.nonzero(cells)
    if len(rows) < MIN_ITEM_MODELS:
        dev_mean = np.where(own_task, -prior.mean[:, None], 0.0)
        dev_var[own_task] = _POPULATION_VAR
        return dev_mean, dev_var, len(rows)
    s = st.s[rows, cols]
    lead = st.su[rows, cols] / s - prior.mean[rows]
    noise = 1.0 / s + np.where(st.s_vendor[rows, cols] > 0, house_var, 0.0) + prior.var[rows]
    spread = max(_MIN_TAU2, float(lead.var()))
    w = 1.0 / (spread + noise)
    for _ in range(_ROUNDS):
        w = 1.0 / (spread + noise)
        centre = float((w * lead).sum() / w.sum())
        spread = max(_MIN_TAU2, float((w * w * ((lead - centre) ** 2 - noise)).sum() / (w * w).sum()))
    w = 1.0 / (spread + noise)
    total_w, total_wl = float(w.sum()), float((w * lead).sum())
    dev_mean[own_task] = total_wl / total_w
    dev_var[own_task] = spread + 1.0 / total_w  # the lead's own uncertainty added
    others = total_w - w  # leave-one-out: a measured specialist's results do not set its own lead
    dev_mean[rows, cols] = (total_wl - w * lead) / others
    dev_var[rows, cols] = spread + 1.0 / others
    return dev_mean, dev_var, len(rows)


def fit_quality(models: Iterable[Model]) -> QualityTable:
    """Fit every model's task abilities (posterior mean and covariance) over a catalog's models.

    Stage 1 calibrates the benchmarks on the evidence alone (every model's general ability has the
    same population prior N(0, 1), so no assumption about a particular model can make a benchmark
    agree with it); stage 2 fits the informative prior on the measured models and combines it with
    each model's results."""
    model_list = list(models)
    n = len(model_list)
    obs = observations(model_list)
    k = len(TASKS)
    direct = np.bincount(obs.model * k + obs.task, minlength=n * k).reshape(n, k).astype(np.int64)
    evidence = direct.sum(axis=1)
    measured = evidence > 0
    tau2, house = 0.25, _START_HOUSE_VAR
    pop_mean, pop_var = np.zeros(n), np.full(n, _POPULATION_VAR)
    zeros = np.zeros((n, k))
    st = _Stats(zeros, zeros, zeros, zeros)
    theta, post_var = np.zeros((n, k)), np.full((n, k), _POPULATION_VAR)
    if len(obs.y):  # start: mean z-score of each model's results within each benchmark
        nb = obs.n_bench
        cnt = np.maximum(np.bincount(obs.bench, minlength=nb), 1)
        my = np.bincount(obs.bench, obs.y, nb) / cnt
        sd = np.sqrt(np.bincount(obs.bench, (obs.y - my[obs.bench]) ** 2, nb) / cnt)
        z = (obs.y - my[obs.bench]) / np.where(sd > 0, sd, 1.0)[obs.bench]
        g0 = np.bincount(obs.model, z, n) / np.maximum(np.bincount(obs.model, minlength=n), 1)
        theta = np.repeat(g0[:, None], k, axis=1)
        noise: Floats | None = None
        for _ in range(_ROUNDS):
            intercept, slope, noise = calibrate(obs, theta, post_var, noise)
            st = _task_stats(obs, n, intercept, slope, noise)
            tau2 = _tau2(st.s, st.su, tau2)
            post = _posterior(pop_mean, pop_var, st, tau2, house, full_cov=False)
            house = _house_var(post, st, house)
            centre, spread = _pin_scale(post, measured)
            house = max(_MIN_TAU2, house / spread**2)
            theta = (post.mean - centre) / spread
            post_var = np.diagonal(post.cov, axis1=1, axis2=2) / spread**2
        intercept, slope, noise = calibrate(obs, theta, post_var, noise)
        st = _task_stats(obs, n, intercept, slope, noise)
    # A model's general ability from its own results alone (a vanishing prior), for the prior's fit.
    # A specialist's results measure its own task, where it stands apart from its general ability
    # by an unknown lead, so they do not teach the prior what general facts predict.
    own_task = _own_tasks(model_list)
    own = _posterior(pop_mean, np.full(n, _VAGUE_VAR), st, tau2, house, full_cov=False)
    g_var = np.where(measured & ~np.array(_is_specialist(own_task), dtype=np.bool_), own.g_var, np.inf)
    prior = fit_prior(covariates(model_list), own.g_mean, g_var, None)
    dev_mean, dev_var, specialists = _specialty(own_task, st, prior, tau2, house)
    if own_task.any():
        prior = replace(prior, basis=tuple(
            (b + f", and the lead of {specialists} measured specialist(s) on their own task"
             if specialists >= MIN_ITEM_MODELS else
             "the catalog's spread alone (a specialist, and too few measured specialists to tell how "
             "such models do their task)") if spec else b
            for b, spec in zip(prior.basis, _is_specialist(own_task), strict=True)))
    final = _posterior(prior.mean, prior.var, st, dev_var, house, dev_mean=dev_mean)
    mean, cov = final.mean, final.cov
    independent_count = np.bincount(obs.model[obs.independent], minlength=n).astype(np.int64)
    ids = tuple(m.id for m in model_list)
    return QualityTable(ids=ids, index={mid: i for i, mid in enumerate(ids)}, mean=mean, cov=cov,
                        direct=direct, evidence=evidence.astype(np.int64), independent=independent_count,
                        prior=prior)
