"""What the catalog knows about a model's ability before its benchmarks: the quality fit's prior.

A model's general ability is predicted from facts that carry information across models: its
family's, its major-version line's and its vendor's measured models (random effects), release date
(generation), size (effective parameters of open models), price band (what the vendor charges for
it), open weights and thinking mode. For a closed model the price also says where it sits in its vendor's
lineup of the time (flagship, mini, nano): its log price against its vendor's closed models released
within half a year of it. The prediction is a Bayesian linear regression on the measured models'
own general abilities, with the random-effect and residual variances found by EM, so the predictive
variance is honest: a model whose family has measured members and whose facts are all known gets a
narrower prior than one with nothing but a name. A measured model's prior leaves its own results out
(leave-one-out), so no result counts twice.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.arrays import Floats, Ints
from advisor.catalog.schema import Model, OfferingStatus

_FIXED_PRIOR_VAR = 4.0  # weak prior on each standardised covariate's slope (ability SD units^2)
_START_GROUP_VAR = 0.25  # EM starting point for the random-effect variances
_MIN_VAR = 0.02  # floor for the EM variances (ability SD units^2)
_EM_STEPS = 100  # at most; EM stops when no variance moves by more than _EM_TOL
_EM_TOL = 1e-4
_MINOR = re.compile(r"(\d+)\.\d+")  # "3.1" -> "3": the major version
GENERATION_DAYS = 183
"""A vendor's models released within half a year of each other count as one lineup (price tiers)."""
_INPUT_SHARE = 0.75  # a price band blends input and output prices 3:1 (the default usage split)


GROUPS = ("family", "line", "vendor")
"""Random effects, narrowest first: the catalog's family (claude-opus, llama-3.1), the major-version
line (vendor and family without its minor version: llama-3.1 and llama-3.3 are both llama-3, one
pretraining generation), and the vendor."""


@dataclass(frozen=True)
class Group:
    """One random effect: which level each model belongs to."""

    index: Ints  # level per model
    names: tuple[str, ...]


@dataclass(frozen=True)
class Design:
    """The prior's regressors: fixed covariates, and the random-effect groups (GROUPS order)."""

    fixed: Floats  # (models, p) standardised covariates incl. intercept and unknown-indicators
    fixed_names: tuple[str, ...]
    groups: tuple[Group, ...]
    known: tuple[tuple[str, ...], ...]  # per model: which facts the prior can use (words)


@dataclass(frozen=True)
class PriorFit:
    """Prior mean and variance of every model's general ability, and the fitted hyperparameters."""

    mean: Floats
    var: Floats
    resid_var: float
    group_var: tuple[float, ...]  # per GROUPS entry
    basis: tuple[str, ...]  # per model: what its prior rests on, in words


def _price_band(m: Model) -> float | None:
    """Median blended price (USD per 1M tokens, input:output 3:1) over the offerings still served."""
    prices = [_INPUT_SHARE * o.price_input_usd_per_mtok + (1 - _INPUT_SHARE) * o.price_output_usd_per_mtok
              for o in m.offerings if o.status is not OfferingStatus.RETIRED]
    prices = [p for p in prices if p > 0]
    return statistics.median(prices) if prices else None


def _standardise(values: list[float | None]) -> tuple[list[float], list[float]]:
    """Known values centred and scaled to SD 1 (0 where unknown), and the unknown-indicator."""
    known = [v for v in values if v is not None]
    mean = sum(known) / len(known) if known else 0.0
    sd = math.sqrt(sum((v - mean) ** 2 for v in known) / len(known)) if len(known) > 1 else 1.0
    sd = sd or 1.0
    return ([0.0 if v is None else (v - mean) / sd for v in values],
            [1.0 if v is None else 0.0 for v in values])


def _price_tier(models: list[Model], log_price: list[float | None]) -> list[float | None]:
    """Where a closed model sits in its vendor's lineup of the time (flagship, mini, nano): its log
    price less the mean log price of the same vendor's priced closed models released within
    GENERATION_DAYS of it (itself included). None for open models, unpriced or undated ones."""
    out: list[float | None] = [None] * len(models)
    by_vendor: dict[str, list[tuple[int, int, float]]] = {}
    for i, (m, lp) in enumerate(zip(models, log_price, strict=True)):
        if lp is not None and not m.open_weights and m.release_date is not None:
            by_vendor.setdefault(m.vendor_slug, []).append((m.release_date.toordinal(), i, lp))
    for rows in by_vendor.values():
        rows.sort()
        days = np.array([r[0] for r in rows])
        prices = np.array([r[2] for r in rows])
        sums = np.concatenate([[0.0], np.cumsum(prices)])
        lo = np.searchsorted(days, days - GENERATION_DAYS, side="left")
        hi = np.searchsorted(days, days + GENERATION_DAYS, side="right")
        peers_mean = (sums[hi] - sums[lo]) / (hi - lo)
        for (_, i, lp), mean in zip(rows, peers_mean.tolist(), strict=True):
            out[i] = lp - mean
    return out


def covariates(models: list[Model]) -> Design:
    """The prior's design for a catalog's models."""
    release = [m.release_date.toordinal() / 365.25 if m.release_date else None for m in models]
    size: list[float | None] = []
    for m in models:
        arch = m.architecture
        if arch is None or arch.total_params_b is None:
            size.append(None)
        else:  # MoE: between stored and used parameters (sqrt(total x active))
            active = arch.active_params_b or arch.total_params_b
            size.append(math.log(math.sqrt(arch.total_params_b * active)))
    bands = [_price_band(m) for m in models]
    price = [math.log(b) if b is not None else None for b in bands]
    tier = _price_tier(models, price)
    rel, rel_unknown = _standardise(release)
    siz, siz_unknown = _standardise(size)
    pri, pri_unknown = _standardise(price)
    tie, _ = _standardise(tier)
    open_w = [1.0 if m.open_weights else 0.0 for m in models]
    thinks = [1.0 if m.capabilities.reasoning else 0.0 for m in models]
    columns = {
        "intercept": [1.0] * len(models),
        "release date": rel, "release unknown": rel_unknown,
        "size": siz, "size unknown": siz_unknown,
        "price band (closed)": [p * (1 - o) for p, o in zip(pri, open_w, strict=True)],
        "price band (open)": [p * o for p, o in zip(pri, open_w, strict=True)],
        "price tier (closed)": tie,
        "price unknown": pri_unknown,
        "open weights": open_w, "thinking mode": thinks,
    }
    fixed = np.array(list(columns.values()), dtype=np.float64).T.reshape(len(models), len(columns))
    keys = {"family": [m.family.lower() for m in models],
            "line": [m.vendor_slug + "/" + _MINOR.sub(r"\1", m.family.lower()) for m in models],
            "vendor": [m.vendor_slug for m in models]}
    groups = []
    for name in GROUPS:
        levels = sorted(set(keys[name]))
        pos = {lv: i for i, lv in enumerate(levels)}
        groups.append(Group(np.array([pos[k] for k in keys[name]], dtype=np.int64), tuple(levels)))
    known = tuple(tuple(w for w, have in (("release date", r is not None), ("size", s is not None),
                                          ("price band", p is not None)) if have)
                  for r, s, p in zip(release, size, price, strict=True))
    return Design(fixed=fixed, fixed_names=tuple(columns), groups=tuple(groups), known=known)


class _Rows:
    """The prior's design for a subset of models, kept sparse: the fixed covariates, and for each
    group the level of every row (a one-hot block never built). The regression's products are
    computed block by block, so the cost grows with the rows, not rows x levels."""

    def __init__(self, d: Design, rows: npt.NDArray[np.bool_]) -> None:
        self.fixed = d.fixed[rows]
        self.levels = [g.index[rows] for g in d.groups]
        self.sizes = [len(g.names) for g in d.groups]
        nf = d.fixed.shape[1]
        self.offsets = list(np.cumsum([nf, *self.sizes[:-1]]).tolist())
        self.p = nf + sum(self.sizes)
        self.spans = [slice(o, o + size) for o, size in zip(self.offsets, self.sizes, strict=True)]

    def gram(self, w: Floats) -> Floats:
        """X^T diag(w) X."""
        nf = self.fixed.shape[1]
        out = np.zeros((self.p, self.p))
        out[:nf, :nf] = (self.fixed * w[:, None]).T @ self.fixed
        for j, (idx, size, span) in enumerate(zip(self.levels, self.sizes, self.spans, strict=True)):
            weighted = self.fixed * w[:, None]
            block = np.stack([np.bincount(idx, weighted[:, c], size) for c in range(nf)], axis=1)
            out[span, :nf] = block
            out[:nf, span] = block.T
            for idx2, size2, span2 in list(zip(self.levels, self.sizes, self.spans, strict=True))[j:]:
                cross = np.bincount(idx * size2 + idx2, w, size * size2).reshape(size, size2)
                out[span, span2] = cross
                out[span2, span] = cross.T
        return out

    def xt(self, v: Floats) -> Floats:
        """X^T v."""
        return np.concatenate([self.fixed.T @ v, *(np.bincount(idx, v, size).astype(np.float64)
                                                   for idx, size in zip(self.levels, self.sizes,
                                                                        strict=True))])

    def dot(self, beta: Floats) -> Floats:
        """X beta."""
        nf = self.fixed.shape[1]
        out: Floats = self.fixed @ beta[:nf]
        for idx, o in zip(self.levels, self.offsets, strict=True):
            out = out + beta[o + idx]
        return out

    def quad(self, k: Floats) -> Floats:
        """diag(X K X^T): each row's x^T K x."""
        nf = self.fixed.shape[1]
        out: Floats = ((self.fixed @ k[:nf, :nf]) * self.fixed).sum(axis=1)
        cols = [o + idx for idx, o in zip(self.levels, self.offsets, strict=True)]
        for c in cols:
            out = out + 2.0 * (self.fixed * k[:nf, c].T).sum(axis=1)
            for c2 in cols:
                out = out + k[c, c2]
        return out


def fit_prior(d: Design, g_hat: Floats, g_var: Floats, previous: PriorFit | None) -> PriorFit:
    """Prior mean and variance of every model's general ability from the measured models' own general
    abilities `g_hat` (with variances `g_var`; inf = unmeasured), by EM from `previous`."""
    measured = np.isfinite(g_var)
    every = _Rows(d, np.ones(len(g_var), dtype=np.bool_))
    rows = _Rows(d, measured)
    p, spans = every.p, every.spans
    resid_var = previous.resid_var if previous else _START_GROUP_VAR
    group_var = list(previous.group_var) if previous else [_START_GROUP_VAR] * len(spans)
    ym, vm = g_hat[measured], g_var[measured]
    seen = [np.unique(idx) + span.start for idx, span in zip(rows.levels, spans, strict=True)]
    lam0 = np.full(p, _FIXED_PRIOR_VAR)
    for span, v in zip(spans, group_var, strict=True):
        lam0[span] = v
    k: Floats = np.diag(lam0)  # without measured models the prior is the regression's own prior
    rhs: Floats = np.zeros(p)
    for _ in range(_EM_STEPS if measured.any() else 0):
        before = (resid_var, *group_var)
        lam = np.full(p, _FIXED_PRIOR_VAR)
        for span, v in zip(spans, group_var, strict=True):
            lam[span] = v
        w = 1.0 / (resid_var + vm)
        k = np.asarray(np.linalg.inv(np.diag(1.0 / lam) + rows.gram(w)), dtype=np.float64)
        rhs = rows.xt(w * ym)
        beta = k @ rhs
        diag = np.diag(k)
        group_var = [max(_MIN_VAR, float(np.mean(beta[cols] ** 2 + diag[cols]))) if len(cols) else v
                     for cols, v in zip(seen, group_var, strict=True)]
        r = ym - rows.dot(beta)
        resid_var = max(_MIN_VAR, float(np.mean(r * r + rows.quad(k) - vm)))
        if max(abs(x - y) for x, y in zip(before, (resid_var, *group_var), strict=True)) < _EM_TOL:
            break
    q = every.quad(k)
    mean = every.dot(k @ rhs)
    var = q + resid_var
    if measured.any():  # leave each measured model's own results out of its prior (Sherman-Morrison)
        s_all = np.where(measured, resid_var + np.where(measured, g_var, 0.0), 1.0)
        denom = np.maximum(s_all - q, 1e-9)
        loo_mean = (mean - q * g_hat / s_all) * s_all / denom
        loo_var = q * s_all / denom + resid_var
        mean = np.where(measured, loo_mean, mean)
        var = np.where(measured, loo_var, var)
    return PriorFit(mean=mean, var=np.maximum(var, _MIN_VAR), resid_var=resid_var,
                    group_var=tuple(group_var), basis=_basis(d, measured))


def _basis(d: Design, measured: npt.NDArray[np.bool_]) -> tuple[str, ...]:
    """Per model, what its prior rests on, in words."""
    counts = [np.bincount(g.index[measured], minlength=len(g.names)) for g in d.groups]
    words = {"family": "of its family", "line": "of its line", "vendor": "of its vendor"}
    out = []
    for i in range(d.fixed.shape[0]):
        own = 1 if measured[i] else 0
        parts = []
        first = True
        for name, g, cnt in zip(GROUPS, d.groups, counts, strict=True):
            other = int(cnt[g.index[i]]) - own
            if other > 0:
                lead = f"{other} measured model(s)" if first else str(other)
                parts.append(f"{lead} {words[name]}")
                first = False
        parts.extend(d.known[i])
        out.append(", ".join(parts) if parts else "nothing but the catalog's average")
    return tuple(out)
