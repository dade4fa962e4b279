"""The ranking over a whole catalog at once: hard filters, deployments and scores as array operations.

For each model: the model-level filters (licence, languages, modalities, vendor, country, context);
its local deployments (the best quantization that fits, and faster common quantizations that also
fit on the GPU); every API offering with its bill and data rules; the eight factor values of every
acceptable deployment, its score, and the best deployment. `engine.py` turns the arrays into the
`Scored` and `Rejected` objects that explanations and reports read, only for the models asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from advisor.catalog.quant import KV_TYPES
from advisor.catalog.schema import SupportLevel
from advisor.estimate.batch import (
    GPU,
    NO_FIT,
    OFFLOAD,
    SizedColumns,
    choose,
    prefill_tokens_per_s,
    size_columns,
    time_to_first_token,
)
from advisor.estimate.calibration import SpeedCorrections, corrections
from advisor.estimate.capacity import SelfHostCost, Serving, self_host
from advisor.estimate.cost import CostSettings, Usage, generated_per_answer_token
from advisor.estimate.footprints import FootprintColumns
from advisor.estimate.memory import GB
from advisor.estimate.physics import default_backend
from advisor.estimate.result import EstimateSettings, RunOptions
from advisor.recommend.api_options import ApiOptions, api_options
from advisor.recommend.columns import (
    ALWAYS_THINKING,
    HYBRID_THINKING,
    LEVEL_VALUE,
    QUANT_NAMES,
    QUANT_QUALITY,
    Columns,
)
from advisor.recommend.constraints import Constraints, Factor
from advisor.recommend.deploy import ALTERNATIVE_QUANTS, MLX_QUANTS, PlanSettings
from advisor.recommend.filters import ASSUMED_LANGUAGES, model_ok
from advisor.recommend.quality import weight_vector, weighted_ability
from advisor.recommend.scoring import (
    RISK_AVERSION,
    UNKNOWN_COST,
    UNKNOWN_LANGUAGE,
    combine,
    context_value,
    cost_value,
    factor_shares,
    fit_value,
    maturity_value,
    quality_value,
    speed_value,
    task_weights,
)
from advisor.recommend.serving import cost_settings_for, serving_for, team_backend

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

CLOSED_WEIGHTS, LOCAL_CONTEXT, NOT_ESTIMABLE, NO_RENTAL = 1, 2, 3, 4
"""Why a model has no local plan at all (`Evaluation.local_block`; 0 = it has one)."""
OTHER_MODE_KIND = len(ALTERNATIVE_QUANTS) + 1
MLX_KIND = OTHER_MODE_KIND + 1
API_KIND = MLX_KIND + len(MLX_QUANTS)
"""Deployment kinds: 0 = best local quantization, 1.. = the alternatives, OTHER_MODE_KIND = the best
quantization with a hybrid model's other thinking mode, MLX_KIND.. = the MLX conversions (Apple
silicon only), API_KIND = an API offering."""


@dataclass(frozen=True)
class LocalOption:
    """One local deployment of every evaluated model (the best quantization, or an alternative)."""

    present: Bools  # the option exists (an alternative only when it fits on the GPU)
    quant: Ints  # index into QUANT_NAMES
    thinks: Bools  # generates thinking tokens (a reasoning model, or a hybrid one with thinking on)
    preferred: Bools  # in the thinking mode the tasks call for
    sized: SizedColumns
    answer_speed: Floats  # answer tokens/s per stream: decode speed / tokens generated per answer token
    ttft: Floats  # seconds to the first token of a typical prompt; NaN = unknown
    aggregate: Floats  # tokens/s of all streams together (= decode at one stream)
    prefill: Floats  # prompt tokens/s; NaN = unknown
    serve: SelfHostCost  # busy hours, machines and the cost parts, per row
    cost: Floats
    cost_known: Bools
    fail_memory: Bools
    fail_speed: Bools
    fail_licence: Bools  # the weights licence does not allow the commercial self-hosting asked for
    fail_capacity: Bools  # needs more machines than allowed to serve the volume
    speed_notes: tuple[str | None, ...] = ()  # per row: how this machine's measured speed corrected it
    runtime: str = "llama.cpp"  # what serves it: llama.cpp (GGUF), vllm (team serving) or mlx (Apple)

    @property
    def ok(self) -> Bools:
        """Present and failing no deployment constraint."""
        result: Bools = (self.present & ~self.fail_memory & ~self.fail_speed & ~self.fail_licence
                         & ~self.fail_capacity)
        return result


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


def preferred_thinking(cols: Columns, c: Constraints, idx: Ints) -> tuple[Bools, Bools]:
    """Per model: whether its preferred plan thinks (always-thinking models; hybrid ones when the
    tasks call for it), and whether it is hybrid (so the other mode is a plan too)."""
    mode = cols.thinking[idx]
    hybrid = mode == HYBRID_THINKING
    thinks: Bools = (mode == ALWAYS_THINKING) | (hybrid & c.thinking_wanted)
    return thinks, hybrid


def evaluate(cols: Columns, c: Constraints, settings: PlanSettings, today: date, idx: Ints) -> Evaluation:
    """Filter, plan and score the models at catalog positions `idx` under the constraints."""
    usage = usage_of(c)
    passes = model_ok(cols, c, idx)
    thinks, hybrid = preferred_thinking(cols, c, idx)
    cost_settings = cost_settings_for(settings.cost, c)
    serving = serving_for(c, settings.rental)
    if c.local_allowed:
        local_block, local = _local_options(cols, c, settings, usage, idx, thinks, hybrid, cost_settings,
                                            serving)
    else:
        local_block, local = np.full(len(idx), -1, dtype=np.int64), ()
    api = api_options(cols, c, usage, idx, thinks, hybrid)
    quality = _quality(cols, c, idx)
    shares = factor_shares(c.factor_weights())
    options = _score(cols, c, today, idx, passes, local, api, quality, shares)
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
                      api, quality, shares, options, best, order)


def _local_options(cols: Columns, c: Constraints, settings: PlanSettings, usage: Usage, idx: Ints,
                   thinks: Bools | None = None, hybrid: Bools | None = None,
                   cost_settings: CostSettings | None = None,
                   serving: Serving | None = None) -> tuple[Ints, tuple[LocalOption, ...]]:
    """The best quantization that fits (on the GPU, then with offload of layers or MoE experts, then
    on the CPU, else the smallest), plus the alternative quantizations (Q5_K_M, Q4_K_M) that run: on
    the GPU beside a GPU plan, and with offload or on the CPU beside such a plan; all in the
    preferred thinking mode, and the best quantization in a hybrid model's other mode."""
    hw = c.hardware
    assert hw is not None
    if thinks is None or hybrid is None:
        thinks, hybrid = preferred_thinking(cols, c, idx)
    cost_settings = cost_settings or cost_settings_for(settings.cost, c)
    serving = serving or serving_for(c, settings.rental)
    n = len(idx)
    native = cols.context[idx]
    block = np.zeros(n, dtype=np.int64)
    block[~cols.estimable[idx]] = NOT_ESTIMABLE
    block[(native > 0) & (native < c.min_context_tokens)] = LOCAL_CONTEXT
    block[~cols.open_weights[idx]] = CLOSED_WEIGHTS
    if c.rented and (settings.rental is None or settings.rental.price is None):
        block[block == 0] = NO_RENTAL
    fp = cols.footprints.take(idx)
    kv_elem = KV_TYPES[c.kv_cache_type]
    est = settings.estimate
    # A team on datacenter GPUs is served by vLLM on its own ladder (BF16, FP8, AWQ); else llama.cpp.
    team = team_backend(hw, c.concurrency)
    run = RunOptions(backend=team)
    ladder = ((cols.vllm_quants, cols.vllm_weights, cols.vllm_experts) if team
              else (cols.quants, cols.quant_weights, cols.quant_experts))
    quants, weights = ladder[0][idx], ladder[1][idx]
    k = weights.shape[1]
    flat = size_columns(fp.take(np.repeat(np.arange(n), k)), hw, weights.reshape(-1), c.min_context_tokens,
                        kv_elem, est, c.concurrency, run, expert_bytes=ladder[2][idx].reshape(-1))
    choice = choose(flat.placement.reshape(n, k), quants >= 0)
    best_sized = flat.take(np.arange(n) * k + choice)
    best_quant = quants[np.arange(n), choice]
    has_plan = block == 0
    ttft = time_to_first_token(fp, hw, est)
    prefill_triple = prefill_tokens_per_s(fp, hw)
    prefill = prefill_triple[1] if prefill_triple is not None else np.full(n, np.nan)
    licence = _self_hosting_licence_fails(cols, c)[cols.license[idx]]
    yes = np.ones(n, dtype=np.bool_)

    measured = (corrections(hw, settings.calibrations, {m.id: m for m in cols.models})
                if settings.calibrations else None)

    def option(present: Bools, quant: Ints, sized: SizedColumns, think: Bools,
               preferred: Bools, runtime: str = team or "llama.cpp") -> LocalOption:
        notes: tuple[str | None, ...] = ()
        if measured is not None:
            sized, notes = _measured_speed(sized, measured, [cols.models[i].id for i in idx.tolist()], quant)
        opt = _local_option(c, cost_settings=cost_settings, serving=serving, usage=usage, present=present,
                            quant=quant, sized=sized, ttft=ttft, prefill=prefill, thinks=think,
                            preferred=preferred, fail_licence=licence)
        return replace(opt, speed_notes=notes, runtime=runtime)

    options = [option(has_plan, best_quant, best_sized, thinks, yes)]
    q_pos = {q: i for i, q in enumerate(QUANT_NAMES)}
    for j, name in enumerate(ALTERNATIVE_QUANTS):
        alt = size_columns(fp, hw, cols.alternative_weights[idx, j], c.min_context_tokens, kv_elem, est,
                           c.concurrency, expert_bytes=cols.alternative_experts[idx, j])
        # Offered whenever it runs: on the GPU beside a GPU plan, and also where the best plan needs
        # offload or the CPU (a smaller file read from RAM may be much faster); the score decides.
        # (GGUF files: none beside a vLLM plan.)
        present = has_plan & (best_sized.placement != NO_FIT) & (best_quant != q_pos[name]) & (
            (alt.placement == GPU) | (best_sized.placement != GPU) & (alt.placement != NO_FIT))
        present &= team is None
        options.append(option(present, np.full(n, q_pos[name], dtype=np.int64), alt, thinks, yes))
    options.append(option(has_plan & hybrid, best_quant, best_sized, ~thinks, ~yes))
    mlx_plans = _mlx_sized(cols, c, idx, fp, est, has_plan & (team is None), best_sized)
    for name, (present, mlx) in zip(MLX_QUANTS, mlx_plans, strict=True):
        options.append(option(present, np.full(n, q_pos[name], dtype=np.int64), mlx, thinks, yes, "mlx"))
    return block, tuple(options)


def _mlx_sized(cols: Columns, c: Constraints, idx: Ints, fp: FootprintColumns, est: EstimateSettings,
               has_plan: Bools, unused: SizedColumns) -> list[tuple[Bools, SizedColumns]]:
    """Per MLX_QUANTS entry: where it is a plan (Apple silicon, a repository the catalog names, fully
    in the GPU's share of memory) and its sizing; off Apple `unused` stands in, present nowhere."""
    hw = c.hardware
    assert hw is not None
    apple = default_backend(hw) == "metal"
    out = []
    for j in range(len(MLX_QUANTS)):
        published = cols.mlx_weights[idx, j] < np.inf
        if not (apple and (published & has_plan).any()):
            out.append((np.zeros(len(idx), dtype=np.bool_), unused))
            continue
        mlx = size_columns(fp, hw, cols.mlx_weights[idx, j], c.min_context_tokens, KV_TYPES[c.kv_cache_type],
                           est, c.concurrency, RunOptions(backend="mlx"),
                           expert_bytes=cols.mlx_experts[idx, j])
        out.append((has_plan & published & (mlx.placement == GPU), mlx))
    return out


def _measured_speed(sized: SizedColumns, measured: SpeedCorrections, ids: list[str],
                    quant: Ints) -> tuple[SizedColumns, tuple[str | None, ...]]:
    """The rows' speeds corrected by this machine's measured / estimated ratio (of the same model and
    quantization, else the median of what was measured here), and the sentence saying so per row."""
    found = [measured.lookup(mid, QUANT_NAMES[int(q)]) for mid, q in zip(ids, quant.tolist(), strict=True)]
    if not any(found):
        return sized, ()
    ratio = np.array([f[0] if f else 1.0 for f in found])
    low, mid, high = sized.decode
    agg = None if sized.aggregate is None else (
        sized.aggregate[0] * ratio, sized.aggregate[1] * ratio, sized.aggregate[2] * ratio)
    return (replace(sized, decode=(low * ratio, mid * ratio, high * ratio), aggregate=agg),
            tuple(f[1] if f else None for f in found))


def _self_hosting_licence_fails(cols: Columns, c: Constraints) -> Bools:
    """Per licence: self-hosting fails the commercial-use rule (the licence forbids it, or is not in
    the catalog so nothing says it allows it)."""
    if not c.commercial_use_required:
        return np.zeros(len(cols.license_ids), dtype=np.bool_)
    return np.array([obj is None or not obj.commercial_use for obj in cols.license_objects], dtype=np.bool_)


def _local_option(c: Constraints, *, cost_settings: CostSettings, serving: Serving, usage: Usage,
                  present: Bools, quant: Ints, sized: SizedColumns, ttft: Floats, prefill: Floats,
                  thinks: Bools, preferred: Bools, fail_licence: Bools) -> LocalOption:
    hw = c.hardware
    assert hw is not None
    speed = sized.decode[1]
    answer_speed = speed / generated_per_answer_token(usage, thinks)
    aggregate = speed if sized.aggregate is None else sized.aggregate[1]
    serve = self_host(aggregate, prefill, usage, hw, cost_settings, serving, thinks)
    cost = np.asarray(serve.total, dtype=np.float64)
    cost_known = np.asarray(serve.known, dtype=np.bool_)
    fail_speed = np.zeros(len(speed), dtype=np.bool_)
    if c.min_tokens_per_s:
        fail_speed = ~np.isnan(speed) & (speed < c.min_tokens_per_s)
    ttft = np.where(sized.placement == NO_FIT, np.nan, ttft)
    fail_capacity = ~np.asarray(serve.capacity_ok, dtype=np.bool_) & (sized.placement != NO_FIT)
    return LocalOption(present, quant, thinks, preferred, sized, answer_speed, ttft, aggregate, prefill,
                       serve, cost, cost_known, sized.placement == NO_FIT, fail_speed, fail_licence,
                       fail_capacity)


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
           shares: dict[Factor, float]) -> Options:
    """Factor values and scores of every acceptable deployment of the models that pass."""
    parts_at: list[Ints] = []
    parts_kind: list[Ints] = []
    gather: list[tuple[Ints, Floats, Floats, Floats, Bools, Floats, Bools, Bools]] = []
    for option_kind, opt in enumerate(local):
        rows = np.flatnonzero(opt.ok & model_ok)
        s = opt.sized
        parts_at.append(rows)
        parts_kind.append(np.full(len(rows), option_kind, dtype=np.int64))
        gather.append((rows, QUANT_QUALITY[opt.quant[rows]], opt.answer_speed[rows], opt.cost[rows],
                       opt.cost_known[rows], s.total[rows] / GB, s.placement[rows] == OFFLOAD,
                       opt.preferred[rows]))
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
    floor = c.usable_floor_tokens_per_s
    with np.errstate(invalid="ignore"):
        slow = (speed < floor) if floor > 0 else np.zeros(len(at), dtype=np.bool_)
    # A rule the user stated (region, no training, commercial use) that the offering's terms leave
    # unsaid: an expert takes a plan documented to meet it first; the score is unchanged.
    unsaid = api.unstated_region | api.unstated_training | api.unstated_commercial
    unstated = np.concatenate([np.zeros(n_local, dtype=np.bool_), unsaid[api_pick]])
    available = (local[0].sized.available / GB) if local else 0.0
    model_pos = idx[at]
    ctx = np.concatenate([cols.context[model_pos[:n_local]],
                          cols.offerings.context[api.row[api_pick]]])
    ctx = np.where(ctx > 0, ctx, cols.context[model_pos])
    values = {
        Factor.QUALITY: quality[at] * q_mult,
        Factor.COST: np.where(known, cost_value(cost, c), UNKNOWN_COST),
        Factor.SPEED: speed_value(speed, c),
        Factor.FIT: fit_value(memory, np.full(len(at), available), offload),
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
                   cost[order])


ASSUMED_LANGUAGE_VALUE = LEVEL_VALUE[SupportLevel.OFFICIAL]

__all__ = ["API_KIND", "MLX_KIND", "OTHER_MODE_KIND", "Evaluation", "evaluate", "usage_of"]
