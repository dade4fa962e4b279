"""What the catalog knows about a model's ability before its benchmarks: the quality fit's prior.

A model's general ability is predicted from facts that carry information across models: its family's
and its vendor's measured models (random effects), release date (generation), size (effective
parameters of open models), price band (what the vendor charges for it: flagship, mini, nano), open
weights and thinking mode. For a closed model the price also says where it sits in its vendor's
lineup of the time (flagship, mini, nano): its log price against its vendor's closed models released
within half a year of it. The prediction is a Bayesian linear regression on the measured models'
own general abilities, with the random-effect and residual variances found by EM, so the predictive
variance is honest: a model whose family has measured members and whose facts are all known gets a
narrower prior than one with nothing but a name. A measured model's prior leaves its own results out
(leave-one-out), so no result counts twice.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.catalog.schema import Model, OfferingStatus

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_FIXED_PRIOR_VAR = 4.0  # weak prior on each standardised covariate's slope (ability SD units^2)
_START_GROUP_VAR = 0.25  # EM starting point for the family and vendor variances
_MIN_VAR = 0.02  # floor for the EM variances (ability SD units^2)
_EM_STEPS = 5  # EM steps per call (the quality fit calls this every round, warm-started)
GENERATION_DAYS = 183
"""A vendor's models released within half a year of each other count as one lineup (price tiers)."""
_INPUT_SHARE = 0.75  # a price band blends input and output prices 3:1 (the default usage split)


@dataclass(frozen=True)
class Design:
    """The prior's regressors: fixed covariates, and family and vendor groups."""

    fixed: Floats  # (models, p) standardised covariates incl. intercept and unknown-indicators
    fixed_names: tuple[str, ...]
    family: Ints  # group index per model
    vendor: Ints
    n_family: int
    n_vendor: int
    known: tuple[tuple[str, ...], ...]  # per model: which facts the prior can use (words)
    family_names: tuple[str, ...]
    vendor_names: tuple[str, ...]


@dataclass(frozen=True)
class PriorFit:
    """Prior mean and variance of every model's general ability, and the fitted hyperparameters."""

    mean: Floats
    var: Floats
    resid_var: float
    family_var: float
    vendor_var: float
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
    out: list[float | None] = []
    for m, lp in zip(models, log_price, strict=True):
        if lp is None or m.open_weights or m.release_date is None:
            out.append(None)
            continue
        peers = [plp for other, plp in zip(models, log_price, strict=True)
                 if plp is not None and not other.open_weights and other.vendor_slug == m.vendor_slug
                 and other.release_date is not None
                 and abs((other.release_date - m.release_date).days) <= GENERATION_DAYS]
        out.append(lp - sum(peers) / len(peers))
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
    families = sorted({m.family.lower() for m in models})
    vendors = sorted({m.vendor_slug for m in models})
    fam_pos = {f: i for i, f in enumerate(families)}
    ven_pos = {v: i for i, v in enumerate(vendors)}
    known = tuple(tuple(w for w, have in (("release date", r is not None), ("size", s is not None),
                                          ("price band", p is not None)) if have)
                  for r, s, p in zip(release, size, price, strict=True))
    return Design(fixed=fixed, fixed_names=tuple(columns),
                  family=np.array([fam_pos[m.family.lower()] for m in models], dtype=np.int64),
                  vendor=np.array([ven_pos[m.vendor_slug] for m in models], dtype=np.int64),
                  n_family=len(families), n_vendor=len(vendors), known=known,
                  family_names=tuple(families), vendor_names=tuple(vendors))


def _full_design(d: Design) -> Floats:
    n = d.fixed.shape[0]
    fam = np.zeros((n, d.n_family))
    fam[np.arange(n), d.family] = 1.0
    ven = np.zeros((n, d.n_vendor))
    ven[np.arange(n), d.vendor] = 1.0
    return np.hstack([d.fixed, fam, ven])


def fit_prior(d: Design, g_hat: Floats, g_var: Floats, previous: PriorFit | None) -> PriorFit:
    """Prior mean and variance of every model's general ability from the measured models' own general
    abilities `g_hat` (with variances `g_var`; inf = unmeasured), by EM from `previous`."""
    x = _full_design(d)
    p = x.shape[1]
    nf = d.fixed.shape[1]
    fam_cols = slice(nf, nf + d.n_family)
    ven_cols = slice(nf + d.n_family, p)
    measured = np.isfinite(g_var)
    resid_var = previous.resid_var if previous else _START_GROUP_VAR
    family_var = previous.family_var if previous else _START_GROUP_VAR
    vendor_var = previous.vendor_var if previous else _START_GROUP_VAR
    xm, ym = x[measured], g_hat[measured]
    fam_seen = np.unique(d.family[measured]) + nf
    ven_seen = np.unique(d.vendor[measured]) + nf + d.n_family
    k: Floats = np.zeros((p, p))
    b: Floats = np.zeros(p)
    for _ in range(_EM_STEPS if measured.any() else 1):
        lam = np.full(p, _FIXED_PRIOR_VAR)
        lam[fam_cols] = family_var
        lam[ven_cols] = vendor_var
        s = resid_var + g_var[measured]
        a = np.diag(1.0 / lam) + (xm / s[:, None]).T @ xm
        b = (xm * (ym / s)[:, None]).sum(axis=0)
        k = np.asarray(np.linalg.inv(a), dtype=np.float64)
        beta = k @ b
        if not measured.any():
            break
        if len(fam_seen):
            family_var = max(_MIN_VAR, float(np.mean(beta[fam_seen] ** 2 + np.diag(k)[fam_seen])))
        if len(ven_seen):
            vendor_var = max(_MIN_VAR, float(np.mean(beta[ven_seen] ** 2 + np.diag(k)[ven_seen])))
        q_m = np.einsum("ij,jk,ik->i", xm, k, xm)
        r = ym - xm @ beta
        resid_var = max(_MIN_VAR, float(np.mean(r * r + q_m - g_var[measured])))
    q = np.einsum("ij,jk,ik->i", x, k, x)
    mean = x @ (k @ b)
    var = q + resid_var
    if measured.any():  # leave each measured model's own results out of its prior (Sherman-Morrison)
        s_all = np.where(measured, resid_var + np.where(measured, g_var, 0.0), 1.0)
        denom = np.maximum(s_all - q, 1e-9)
        loo_mean = (mean - q * g_hat / s_all) * s_all / denom
        loo_var = q * s_all / denom + resid_var
        mean = np.where(measured, loo_mean, mean)
        var = np.where(measured, loo_var, var)
    return PriorFit(mean=mean, var=np.maximum(var, _MIN_VAR), resid_var=resid_var, family_var=family_var,
                    vendor_var=vendor_var, basis=_basis(d, measured))


def _basis(d: Design, measured: npt.NDArray[np.bool_]) -> tuple[str, ...]:
    """Per model, what its prior rests on, in words."""
    fam_n = np.bincount(d.family[measured], minlength=d.n_family)
    ven_n = np.bincount(d.vendor[measured], minlength=d.n_vendor)
    out = []
    for i in range(len(d.family)):
        own = 1 if measured[i] else 0
        parts = []
        f = int(fam_n[d.family[i]]) - own
        v = int(ven_n[d.vendor[i]]) - own
        if f > 0:
            parts.append(f"{f} measured model(s) of its family")
        if v > 0:
            parts.append(f"{v} of its vendor")
        parts.extend(d.known[i])
        out.append(", ".join(parts) if parts else "nothing but the catalog's average")
    return tuple(out)
