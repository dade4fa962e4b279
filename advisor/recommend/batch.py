"""The ranking over a whole catalog at once: hard filters, deployments and scores as array operations.

For each model: the model-level filters (licence, languages, modalities, vendor, country, context);
its local deployments (`local_options.py`: the best quantization that fits, faster common ones, the
other thinking mode, MLX on Apple silicon); every API offering with its bill and data rules; the
eight factor values of every acceptable deployment, its score, and the best deployment. `engine.py`
turns the arrays into the `Scored` and `Rejected` objects that explanations and reports read, only
for the models asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from advisor.arrays import Bools, Floats, Ints
from advisor.catalog.schema import SupportLevel
from advisor.estimate.batch import (
    OFFLOAD,
    OS_RESERVE_GB,
)
from advisor.estimate.capacity import Serving
from advisor.estimate.cost import CostSettings, Usage
from advisor.estimate.memory import GB
from advisor.recommend.api_options import ApiOptions, api_options
from advisor.recommend.columns import (
    LEVEL_VALUE,
    QUANT_QUALITY,
    Columns,
)
from advisor.recommend.constraints import Constraints, Factor
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.filters import ASSUMED_LANGUAGES, model_ok
from advisor.recommend.local_options import API_KIND, LocalOption, local_options, preferred_thinking
from advisor.recommend.quality import weight_vector, weighted_ability
from advisor.recommend.scoring import (
    RISK_AVERSION,
    UNKNOWN_COST,
    UNKNOWN_LANGUAGE,
    combine,
    context_value,
    cost_reference,
    cost_value,
    factor_shares,
    fit_value,
    maturity_value,
    quality_value,
    speed_value,
    task_weights,
)
from advisor.recommend.serving import cost_settings_for, serving_for


@dataclass(frozen=True)
class Options:
    """Every acceptable deployment of a model that passed the model-level filters, scored, sorted
    by model and then best first (score, then lower cost, then provider name, then catalog order)."""

    at: Ints
    kind: Ints  # 0..API_KIND-1 local option, API_KIND an API offering
    api: Ints  # index into ApiOptions rows (-1 for local)
    slow: Bools  # answer speed below the usability floor: ranked after every usable plan
    unstated: Bools  # hosted terms leave a stated rule unsaid: ranked after documented plans
    speed: Floats  # answer tokens/s the speed factor used (NaN = unknown)
    score: Floats
    values: dict[Factor, Floats]
    points: dict[Factor, Floats]
    cost: Floats
    cost_known: Bools  # False: a local plan whose electricity is unknown (cost is what was counted)


@dataclass(frozen=True)
class Evaluation:
    """Everything the ranking computed for one set of constraints, as arrays over `idx`."""

    cols: Columns
    c: Constraints
    settings: PlanSettings
    usage: Usage
    cost_settings: CostSettings  # the defaults with the user's electricity price and write-off
    serving: Serving
    idx: Ints  # catalog positions of the evaluated models
    model_ok: Bools  # passes every model-level filter
    local_block: Ints  # 0, or why there is no local plan; -1 when local deployment is not allowed
    local: tuple[LocalOption, ...]
    api: ApiOptions
    quality: Floats  # task quality before the quantization discount
    shares: dict[Factor, float]
    cost_reference: float  # monthly USD at which the cost value is 0.5 (scoring.cost_reference)
    options: Options
    best: Ints  # per model: index into options of its best deployment; -1 = rejected
    order: Ints  # positions (into idx) of the passing models, best first


def usage_of(c: Constraints) -> Usage:
    """The monthly usage the constraints describe."""
    if c.reasoning_overhead is None:
        return Usage(tokens_per_month=c.tokens_per_month, output_share=c.output_share,
                     cached_input_share=c.cached_input_share)
    return Usage(tokens_per_month=c.tokens_per_month, output_share=c.output_share,
                 reasoning_overhead=c.reasoning_overhead, cached_input_share=c.cached_input_share)


def evaluate(cols: Columns, c: Constraints, settings: PlanSettings, today: date, idx: Ints) -> Evaluation:
    """Filter, plan and score the models at catalog positions `idx` under the constraints."""
    usage = usage_of(c)
    passes = model_ok(cols, c, idx)
    thinks, hybrid = preferred_thinking(cols, c, idx)
    cost_settings = cost_settings_for(settings.cost, c)
    serving = serving_for(c, settings.rental)
    if c.local_allowed:
        local_block, local = local_options(cols, c, settings, usage, idx, thinks, hybrid, cost_settings,
                                           serving)
    else:
        local_block, local = np.full(len(idx), -1, dtype=np.int64), ()
    api = api_options(cols, c, usage, idx, thinks, hybrid)
    quality = _quality(cols, c, idx)
    shares = factor_shares(c.factor_weights())
    reference = cost_reference(c, cols.offerings.price_in, cols.offerings.price_out)
    options = _score(cols, c, today, idx, passes, local, api, quality, shares, reference)
    best = np.full(len(idx), -1, dtype=np.int64)
    if len(options.at):
        first = np.ones(len(options.at), dtype=np.bool_)
        first[1:] = options.at[1:] != options.at[:-1]
        best[options.at[first]] = np.flatnonzero(first)
    passed = np.flatnonzero(best >= 0)
    chosen = best[passed]
    rounded = np.array([round(s, 6) for s in options.score[chosen].tolist()])
    keys = (cols.id_rank[idx[passed]], options.cost[chosen], -quality[passed], -rounded,
            options.unstated[chosen], options.slow[chosen])
    order = passed[np.lexsort(keys)] if len(passed) else passed
    return Evaluation(cols, c, settings, usage, cost_settings, serving, idx, passes, local_block, local,
                      api, quality, shares, reference, options, best, order)


def _quality(cols: Columns, c: Constraints, idx: Ints) -> Floats:
    """`scoring.assess_quality`'s value for every model: the weighted ability's estimate less the
    profile's risk allowance, as a catalog share."""
    weights, _ = task_weights(c)
    q = cols.quality
    mean, sd = weighted_ability(q.mean[idx], q.cov[idx], weight_vector(weights))
    return quality_value(mean, sd, RISK_AVERSION[c.profile])


def _language(cols: Columns, c: Constraints, idx: Ints) -> Floats:
    """0-1 support for the languages asked for (1 when none): must-haves count twice. A language the
    catalog does not document counts `UNKNOWN_LANGUAGE` (uncertain, not absent); English, which
    every general-purpose model is built for, counts as officially supported when unlisted."""
    if not c.languages:
        return np.ones(len(idx))
    total = np.zeros(len(idx))
    weight = 0.0
    for need in c.languages:
        w = 2.0 if need.required else 1.0
        weight += w
        have = cols.languages.get(need.code)
        values = np.full(len(idx), np.nan) if have is None else have[idx]
        unknown = ASSUMED_LANGUAGE_VALUE if need.code in ASSUMED_LANGUAGES else UNKNOWN_LANGUAGE
        total = total + w * np.where(np.isnan(values), unknown, values)
    result: Floats = total / weight
    return result


def _score(cols: Columns, c: Constraints, today: date, idx: Ints, model_ok: Bools,
           local: tuple[LocalOption, ...], api: ApiOptions, quality: Floats,
           shares: dict[Factor, float], reference: float) -> Options:
    """Factor values and scores of every acceptable deployment of the models that pass."""
    parts_at: list[Ints] = []
    parts_kind: list[Ints] = []
    gather: list[tuple[Ints, Floats, Floats, Floats, Bools, Floats, Bools, Bools, Floats]] = []
    for option_kind, opt in enumerate(local):
        rows = np.flatnonzero(opt.ok & model_ok)
        s = opt.sized
        parts_at.append(rows)
        parts_kind.append(np.full(len(rows), option_kind, dtype=np.int64))
        gather.append((rows, QUANT_QUALITY[opt.quant[rows]], opt.answer_speed[rows], opt.cost[rows],
                       opt.cost_known[rows], s.total[rows] / GB, s.placement[rows] == OFFLOAD,
                       opt.preferred[rows], opt.cost_bound[rows]))
    api_pick = (np.flatnonzero(api.ok & model_ok[api.at]) if c.api_allowed  # else only half of a pair
                else np.zeros(0, dtype=np.int64))
    api_at = api.at[api_pick]
    parts_at.append(api_at)
    parts_kind.append(np.full(len(api_pick), API_KIND, dtype=np.int64))
    at = np.concatenate(parts_at)
    kind = np.concatenate(parts_kind)
    n_local = len(at) - len(api_pick)
    nan_api = np.full(len(api_pick), np.nan)
    q_mult = np.concatenate([g[1] for g in gather] + [np.ones(len(api_pick))])
    speed = np.concatenate([g[2] for g in gather] + [api.answer_speed[api_pick]])
    cost = np.concatenate([g[3] for g in gather] + [api.cost[api_pick]])
    known = np.concatenate([g[4] for g in gather] + [np.ones(len(api_pick), dtype=np.bool_)])
    memory = np.concatenate([g[5] for g in gather] + [nan_api])
    offload = np.concatenate([g[6] for g in gather] + [np.zeros(len(api_pick), dtype=np.bool_)])
    preferred = np.concatenate([g[7] for g in gather] + [api.preferred[api_pick]])
    bound = np.concatenate([g[8] for g in gather] + [nan_api])
    floor = c.usable_floor_tokens_per_s
    with np.errstate(invalid="ignore"):
        slow = (speed < floor) if floor > 0 else np.zeros(len(at), dtype=np.bool_)
    # A rule the user stated (region, no training, commercial use) that the offering's terms leave
    # unsaid: an expert takes a plan documented to meet it first; the score is unchanged.
    unsaid = api.unstated_region | api.unstated_training | api.unstated_commercial
    unstated = np.concatenate([np.zeros(n_local, dtype=np.bool_), unsaid[api_pick]])
    available = (local[0].sized.available / GB) if local else 0.0
    # A plan that spills to system RAM is judged on the room left in the GPU's memory and the RAM
    # together (less what the OS keeps): 30 GB of experts in 32 GB of RAM leave the user's other
    # programs nothing, where a smaller file leaves half of it free.
    hw = c.hardware
    ram_free = max(0.0, hw.cpu_memory_gb - OS_RESERVE_GB) if hw is not None else 0.0
    pool = np.where(offload, available + ram_free, available)
    model_pos = idx[at]
    ctx = np.concatenate([cols.context[model_pos[:n_local]],
                          cols.offerings.context[api.row[api_pick]]])
    ctx = np.where(ctx > 0, ctx, cols.context[model_pos])
    values = {
        Factor.QUALITY: quality[at] * q_mult,
        # A local plan whose power draw is unknown is scored at the most it could cost (the power
        # bound, PlanSettings.power_bound), else neutrally.
        Factor.COST: np.where(known, cost_value(cost, reference),
                              np.where(np.isfinite(bound), cost_value(np.nan_to_num(bound), reference),
                                       UNKNOWN_COST)),
        Factor.SPEED: speed_value(speed, c),
        Factor.FIT: fit_value(memory, pool, offload),
        Factor.CONTEXT: context_value(ctx, c),
        Factor.LANGUAGE: _language(cols, c, idx)[at],
        Factor.LICENSE: cols.license_value[model_pos],
        Factor.MATURITY: maturity_value(cols.release_ordinal[model_pos], cols.providers[model_pos],
                                        cols.has_artifacts[model_pos], cols.open_weights[model_pos], today),
    }
    score, points = combine(values, shares)
    provider = np.concatenate([np.full(n_local, -1, dtype=np.int64),
                               cols.offerings.provider_rank[api.row[api_pick]]])
    position = np.concatenate([kind[:n_local], API_KIND + cols.offerings.position[api.row[api_pick]]])
    # Per model: usable plans first, then documented terms, then the thinking mode the tasks call
    # for, then the score.
    order = np.lexsort((position, provider, cost, -score, ~preferred, unstated, slow, at))
    api_index = np.concatenate([np.full(n_local, -1, dtype=np.int64), api_pick])
    return Options(at[order], kind[order], api_index[order], slow[order], unstated[order], speed[order],
                   score[order],
                   {f: v[order] for f, v in values.items()}, {f: p[order] for f, p in points.items()},
                   cost[order], known[order])


ASSUMED_LANGUAGE_VALUE = LEVEL_VALUE[SupportLevel.OFFICIAL]

__all__ = ["Evaluation", "evaluate", "usage_of"]
