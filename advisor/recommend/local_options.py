"""Every local deployment of every evaluated model, as arrays: the best quantization that fits, the
faster common ones beside it, a hybrid model's other thinking mode and, on Apple silicon, the MLX
conversions the catalog names; each sized, timed, costed and checked against the deployment rules.
`batch.py` scores them beside the API offerings."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from advisor.arrays import Bools, Floats, Ints
from advisor.catalog.quant import KV_TYPES
from advisor.estimate.batch import (
    GPU,
    NO_FIT,
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
from advisor.estimate.physics import default_backend
from advisor.estimate.result import EstimateSettings, RunOptions
from advisor.recommend.columns import ALWAYS_THINKING, HYBRID_THINKING, QUANT_NAMES, Columns
from advisor.recommend.constraints import Constraints
from advisor.recommend.deploy import ALTERNATIVE_QUANTS, MLX_QUANTS, PlanSettings
from advisor.recommend.serving import cost_settings_for, serving_for, team_backend

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
    cost_bound: Floats  # where cost_known is False: the cost at the power bound (NaN: no bound)
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


def preferred_thinking(cols: Columns, c: Constraints, idx: Ints) -> tuple[Bools, Bools]:
    """Per model: whether its preferred plan thinks (always-thinking models; hybrid ones when the
    tasks call for it), and whether it is hybrid (so the other mode is a plan too)."""
    mode = cols.thinking[idx]
    hybrid = mode == HYBRID_THINKING
    thinks: Bools = (mode == ALWAYS_THINKING) | (hybrid & c.thinking_wanted)
    return thinks, hybrid


def local_options(cols: Columns, c: Constraints, settings: PlanSettings, usage: Usage, idx: Ints,
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
                            preferred=preferred, fail_licence=licence, power_bound=settings.power_bound)
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
                  thinks: Bools, preferred: Bools, fail_licence: Bools,
                  power_bound: tuple[float, str] | None = None) -> LocalOption:
    hw = c.hardware
    assert hw is not None
    speed = sized.decode[1]
    answer_speed = speed / generated_per_answer_token(usage, thinks)
    aggregate = speed if sized.aggregate is None else sized.aggregate[1]
    serve = self_host(aggregate, prefill, usage, hw, cost_settings, serving, thinks)
    cost = np.asarray(serve.total, dtype=np.float64)
    cost_known = np.asarray(serve.known, dtype=np.bool_)
    cost_bound = np.full(len(cost), np.nan)
    if power_bound is not None and not cost_known.all():
        bounded = self_host(aggregate, prefill, usage, hw.model_copy(update={"power_watts": power_bound[0]}),
                            cost_settings, serving, thinks)
        cost_bound = np.where(~cost_known & np.asarray(bounded.known, dtype=np.bool_),
                              np.asarray(bounded.total, dtype=np.float64), np.nan)
    fail_speed = np.zeros(len(speed), dtype=np.bool_)
    if c.min_tokens_per_s:
        fail_speed = ~np.isnan(speed) & (speed < c.min_tokens_per_s)
    ttft = np.where(sized.placement == NO_FIT, np.nan, ttft)
    fail_capacity = ~np.asarray(serve.capacity_ok, dtype=np.bool_) & (sized.placement != NO_FIT)
    return LocalOption(present, quant, thinks, preferred, sized, answer_speed, ttft, aggregate, prefill,
                       serve, cost, cost_known, cost_bound, sized.placement == NO_FIT, fail_speed,
                       fail_licence, fail_capacity)


__all__ = ["API_KIND", "CLOSED_WEIGHTS", "LOCAL_CONTEXT", "MLX_KIND", "NOT_ESTIMABLE", "NO_RENTAL",
           "OTHER_MODE_KIND", "LocalOption", "local_options", "preferred_thinking"]
