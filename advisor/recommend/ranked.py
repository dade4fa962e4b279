"""The objects of a ranking, made from its arrays when they are read: each passing model in its
best deployment (`Scored`), each failing one with every failure in words (`Rejected`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar, overload

import numpy as np

from advisor.catalog.schema import Model, OfferingStatus
from advisor.estimate.batch import PLACEMENTS
from advisor.estimate.capacity import cost_breakdown, self_host_notes
from advisor.estimate.cost import api_cost_notes
from advisor.estimate.memory import GB
from advisor.recommend.batch import Evaluation
from advisor.recommend.columns import ALWAYS_THINKING, HYBRID_THINKING, NO_THINKING, QUANT_NAMES
from advisor.recommend.constraints import Deployment, Factor
from advisor.recommend.deploy import tokens_text
from advisor.recommend.filters import Failure, language_notes, model_failures
from advisor.recommend.local_options import API_KIND, CLOSED_WEIGHTS, LOCAL_CONTEXT, NO_RENTAL
from advisor.recommend.plan_notes import offering_name
from advisor.recommend.quality import QualityTable
from advisor.recommend.result import DeploymentPlan, Thinking
from advisor.recommend.scoring import QualityAssessment, assess_quality


@dataclass(frozen=True)
class Scored:
    """A model that passed every hard constraint, in its best deployment. The other deployments
    (`alternatives`) are made from the arrays when first read: most ranked models are only counted,
    sorted and charted, never explained."""

    model: Model
    score: float
    points: dict[Factor, float]
    values: dict[Factor, float]
    shares: dict[Factor, float]
    quality: QualityAssessment
    plan: DeploymentPlan
    make_alternatives: Callable[[], tuple[DeploymentPlan, ...]]
    language_notes: tuple[str, ...]

    @cached_property
    def alternatives(self) -> tuple[DeploymentPlan, ...]:
        """The model's other deployments, best first."""
        return self.make_alternatives()

    def sort_key(self) -> tuple[bool, bool, float, float, float, str]:
        """Usable plans first, then plans whose terms are documented to meet the rules, then higher
        score; ties by quality, then lower cost, then id."""
        return (self.plan.below_usable_floor, self.plan.terms_unstated, -round(self.score, 6),
                -self.quality.value, self.plan.monthly_cost_usd, self.model.id)


@dataclass(frozen=True)
class Rejected:
    """A model that failed a hard constraint, with every failure."""

    model: Model
    failures: tuple[Failure, ...]
    best_plan: DeploymentPlan | None  # the closest deployment (for counterfactuals)


T = TypeVar("T")


class LazyList(Sequence[T]):
    """A read-only list whose items are made on first access."""

    def __init__(self, length: int, make: Callable[[int], T]) -> None:
        self._items: list[T | None] = [None] * length
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._items)))]
        item = self._items[i]
        if item is None:
            item = self._items[i] = self._make(i if i >= 0 else len(self._items) + i)
        return item


def scored_at(ev: Evaluation, at: int, table: QualityTable) -> Scored:
    """The passing model at position `at`, in its best deployment, from the arrays."""
    model = ev.cols.models[int(ev.idx[at])]
    opts = ev.options
    first = int(ev.best[at])
    end = int(np.searchsorted(opts.at, at, side="right"))

    def others() -> tuple[DeploymentPlan, ...]:
        return tuple(_plan(ev, at, int(opts.kind[r]), int(opts.api[r])) for r in range(first + 1, end))

    return Scored(
        model=model, score=float(opts.score[first]),
        points={f: float(v[first]) for f, v in opts.points.items()},
        values={f: float(v[first]) for f, v in opts.values.items()},
        shares=dict(ev.shares), quality=assess_quality(model, table, ev.c),
        plan=_plan(ev, at, int(opts.kind[first]), int(opts.api[first])), make_alternatives=others,
        language_notes=tuple(language_notes(model, ev.c.languages)))


def price_dates(ev: Evaluation) -> set[str]:
    """The dates of the prices (`DeploymentPlan.prices_as_of`) of the passing models' best plans that
    are API plans, read from the arrays without making the plans."""
    first = ev.best[ev.order]
    offs = ev.cols.offerings
    rows = ev.api.row[ev.options.api[first[ev.options.kind[first] == API_KIND]]]
    return {ev.cols.models[int(offs.model[r])].offerings[int(offs.position[r])].as_of.isoformat()
            for r in rows.tolist()}


def first_of_kind(ev: Evaluation, self_hosted: bool, any_plan: bool) -> int | None:
    """The first place after the pick in the ranking (`ev.order`) whose best plan, or with
    `any_plan` any of its plans, is self-hosted (or an API plan), from the arrays (`tco.KindFinder`)."""
    opts = ev.options
    if any_plan:
        has = np.zeros(len(ev.idx), dtype=np.bool_)
        has[opts.at[(opts.kind != API_KIND) == self_hosted]] = True
        match = has[ev.order]
    else:
        match = (opts.kind[ev.best[ev.order]] != API_KIND) == self_hosted
    found = np.flatnonzero(match[1:])
    return int(found[0]) + 1 if len(found) else None


def thinking_word(mode: int, thinks: bool) -> Thinking:
    """on / off / always for a plan of a model with thinking mode `mode`."""
    if mode == ALWAYS_THINKING:
        return "always"
    return "on" if thinks and mode != NO_THINKING else "off"


def _below_floor(ev: Evaluation, speed: float) -> bool:
    floor = ev.c.usable_floor_tokens_per_s
    return floor > 0 and not math.isnan(speed) and speed < floor


def _plan(ev: Evaluation, at: int, kind: int, api_row: int) -> DeploymentPlan:
    """The deployment `kind` (a local option, or API offering row `api_row`) of the model at `at`."""
    c = ev.c
    model = ev.cols.models[int(ev.idx[at])]
    mode = int(ev.cols.thinking[int(ev.idx[at])])
    if kind == API_KIND:
        api = ev.api
        row = int(api.row[api_row])
        position = int(ev.cols.offerings.position[row])
        offering = model.offerings[position]
        thinks = bool(api.thinks[api_row])
        batch = bool(api.batch_priced[api_row])
        notes = api_cost_notes(offering, ev.usage, reasoning=thinks, batch=c.batch)
        ctx = int(ev.cols.offerings.context[row])
        answer = float(api.answer_speed[api_row])
        return DeploymentPlan(
            mode="api", provider=offering.provider, monthly_cost_usd=float(api.cost[api_row]),
            cost_notes=tuple(notes),
            price_input_usd_per_mtok=(offering.price_batch_input_usd_per_mtok if batch
                                      else offering.price_input_usd_per_mtok),
            price_output_usd_per_mtok=(offering.price_batch_output_usd_per_mtok if batch
                                       else offering.price_output_usd_per_mtok),
            prices_as_of=offering.as_of.isoformat(), context_tokens=ctx or None,
            provider_model_id=offering.provider_model_id, offering_status=offering.status.value,
            shutdown_date=offering.shutdown_date.isoformat() if offering.shutdown_date else None,
            thinking=thinking_word(mode, thinks), hybrid_thinking=mode == HYBRID_THINKING,
            api_tokens_per_s=offering.output_tokens_per_s,
            answer_tokens_per_s=(answer if thinks and ev.usage.reasoning_overhead > 0
                                 and not math.isnan(answer) else None),
            below_usable_floor=_below_floor(ev, answer), batch_priced=batch, offering_position=position,
            terms_unstated=bool(api.unstated_region[api_row] | api.unstated_training[api_row]
                                | api.unstated_commercial[api_row]))
    opt = ev.local[kind]
    hw = c.hardware
    assert hw is not None
    s = opt.sized
    decode = [float(d[at]) for d in s.decode]
    known = not math.isnan(decode[1])
    reasoning = bool(opt.thinks[at])
    aggregate = float(opt.aggregate[at])
    serve = opt.serve.row(at)  # the figures the ranking computed for this row
    notes = self_host_notes(serve, hw, ev.cost_settings, ev.serving, ev.usage, reasoning)
    bound = float(opt.cost_bound[at])
    if math.isfinite(bound) and ev.settings.power_bound is not None:
        watts, preset = ev.settings.power_bound
        notes.append(f"scored at no more than ${bound:,.2f}/month: the electricity if it drew {watts:g} W, "
                     f"the most of the catalog's machines of its kind ({preset})")
    answer = float(opt.answer_speed[at])
    ttft = float(opt.ttft[at])
    return DeploymentPlan(
        mode="rented" if c.rented else "local", quantization=QUANT_NAMES[int(opt.quant[at])],
        runtime=opt.runtime,
        placement=PLACEMENTS[int(s.placement[at])], memory_gb=float(s.total[at]) / GB,
        available_gb=s.available / GB, weights_gb=float(s.weights[at]) / GB, kv_cache_gb=float(s.kv[at]) / GB,
        overhead_gb=float(s.overhead[at]) / GB, gpu_layers=int(s.gpu_layers[at]),
        total_layers=int(ev.cols.footprints.layers[int(ev.idx[at])]),
        decode_tokens_per_s=decode[1] if known else None, decode_low=decode[0] if known else None,
        decode_high=decode[2] if known else None,
        answer_tokens_per_s=answer if known and reasoning and ev.usage.reasoning_overhead > 0 else None,
        time_to_first_token_s=None if math.isnan(ttft) else ttft,
        monthly_cost_usd=float(serve.total), cost_notes=tuple(notes),
        cost_known=bool(serve.known), cost_bound_usd=bound if math.isfinite(bound) else None,
        context_tokens=c.min_context_tokens,
        thinking=thinking_word(mode, reasoning), hybrid_thinking=mode == HYBRID_THINKING,
        below_usable_floor=known and _below_floor(ev, answer),
        aggregate_tokens_per_s=aggregate if known else None, concurrency=c.concurrency,
        prefill_tokens_per_s=None if math.isnan(float(opt.prefill[at])) else float(opt.prefill[at]),
        busy_hours_per_month=float(serve.busy_hours) if serve.speed_known else None,
        capacity_ok=bool(serve.capacity_ok),
        machines_needed=int(serve.machines) if serve.speed_known else None,
        cost_breakdown=cost_breakdown(serve, c.rented), model_id=model.id,
        speed_note=opt.speed_notes[at] if opt.speed_notes and known else None,
        source=(model, hw))


def _outcomes(ev: Evaluation, at: int) -> list[tuple[DeploymentPlan | None, tuple[Failure, ...]]]:
    """Every deployment of the model at `at` with the rules it fails, local first, in catalog order."""
    c = ev.c
    model = ev.cols.models[int(ev.idx[at])]
    out: list[tuple[DeploymentPlan | None, tuple[Failure, ...]]] = []
    block = int(ev.local_block[at])
    if block > 0:
        out.append((None, (_block_failure(ev, at, block),)))
    elif block == 0:
        for kind, opt in enumerate(ev.local):
            if not opt.present[at]:
                continue
            plan = _plan(ev, at, kind, -1)
            failures = _local_failures(ev, at, kind, plan)
            out.append((plan, tuple(failures)))
    elif c.deployment in (Deployment.LOCAL, Deployment.RENTED) or c.data_must_stay_local:
        reason = ("no local hardware described" if c.hardware is None or c.hardware.api_only
                  else "local deployment is not allowed")
        out.append((None, (Failure("deployment", reason),)))
    api = ev.api
    for r in np.flatnonzero(api.at == at).tolist():
        plan = _plan(ev, at, API_KIND, r)
        out.append((plan, tuple(api_failures(ev, r, plan))))
    if c.api_allowed and not c.local_allowed:
        live = [o for o in model.offerings if o.status is not OfferingStatus.RETIRED]
        trials = [o for o in live if o.trial_only]
        if not model.offerings:
            out.append((None, (Failure("deployment", "no hosted API serves it in the catalog"),)))
        elif trials and len(trials) == len(live):
            named = ", ".join(offering_name(o) for o in trials)
            out.append((None, (Failure("deployment", f"only a free trial serves it ({named}): prototyping "
                                       "credits, not a service to deploy on"),)))
        elif not live:
            gone = ", ".join(f"{o.provider} ({o.shutdown_date.isoformat() if o.shutdown_date else 'retired'})"
                             for o in model.offerings)
            out.append((None, (Failure("deployment", f"every hosted offering is retired: {gone}"),)))
    return out


def _local_failures(ev: Evaluation, at: int, kind: int, plan: DeploymentPlan) -> list[Failure]:
    """The memory, speed, capacity and licence rules local option `kind` of the model at `at` fails."""
    c = ev.c
    opt = ev.local[kind]
    model = ev.cols.models[int(ev.idx[at])]
    failures = []
    if opt.fail_memory[at]:
        failures.append(Failure(
            "memory", f"needs {plan.memory_gb:.1f} GB at {plan.quantization} with "
                      f"{tokens_text(c.min_context_tokens)} context; you have "
                      f"{plan.available_gb:.1f} GB"))
    if opt.fail_speed[at]:
        failures.append(Failure(
            "speed", f"about {plan.decode_tokens_per_s:.1f} tokens/s at {plan.quantization} "
                     f"({plan.placement}); you need {c.min_tokens_per_s:g}"))
    if opt.fail_capacity[at]:
        failures.append(Failure("capacity", capacity_sentence(ev, plan)))
    if opt.fail_licence[at]:
        lic = ev.cols.license_objects[int(ev.cols.license[int(ev.idx[at])])]
        failures.append(Failure(
            "licence", "self-hosting is governed by the weights licence, and licence "
                       + (f"{lic.name} does not allow commercial use" if lic is not None else
                          f"'{model.license}' is not in the catalog, so nothing says it "
                          "allows commercial use")))
    return failures


def capacity_sentence(ev: Evaluation, plan: DeploymentPlan) -> str:
    """Why a plan cannot serve the volume, with the numbers."""
    c = ev.c
    streams = f" at {c.concurrency} streams" if c.concurrency > 1 else ""
    return (f"serving {tokens_text(c.tokens_per_month)} tokens a month at {plan.quantization} keeps "
            f"one machine busy {plan.busy_hours_per_month or 0:,.0f} h "
            f"(about {plan.aggregate_tokens_per_s or 0:,.0f} "
            f"tokens/s{streams}) of the {c.hours_per_month:,.0f} h you allow: it needs "
            f"{plan.machines_needed} machines and you allow {c.max_machines} (--max-machines)")


def _block_failure(ev: Evaluation, at: int, block: int) -> Failure:
    c = ev.c
    if block == NO_RENTAL:
        problem = ev.settings.rental.problem if ev.settings.rental is not None else "no rental price"
        return Failure("rent", problem)
    if block == CLOSED_WEIGHTS:
        return Failure("deployment", "weights are not published, so it cannot run on your hardware")
    if block == LOCAL_CONTEXT:
        native = int(ev.cols.context[int(ev.idx[at])])
        return Failure("context", f"runs locally with at most {native:,} tokens of context; you need "
                                  f"{c.min_context_tokens:,}")
    return Failure("architecture", f"cannot estimate memory: {ev.cols.estimate_error[int(ev.idx[at])]}")


def api_failures(ev: Evaluation, r: int, plan: DeploymentPlan) -> list[Failure]:
    """The region, training, context and budget rules API offering row `r` fails, in words."""
    c, api = ev.c, ev.api
    row = int(api.row[r])
    model = ev.cols.models[int(ev.cols.offerings.model[row])]
    offering = model.offerings[int(ev.cols.offerings.position[row])]
    who = offering_name(offering)
    documented = " (you asked for documented terms only)"
    failures: list[Failure] = []
    if api.fail_region[r]:
        if not offering.regions:
            failures.append(Failure("region", f"{who} does not state where data is processed{documented}"))
        else:
            failures.append(Failure("region", f"{who} processes data in {', '.join(offering.regions)}, not "
                                              f"in {', '.join(sorted(set(c.allowed_regions)))}"))
    if api.fail_training[r]:
        state = ("may train on API data by its terms" if offering.trains_on_data
                 else f"does not state whether it trains on API data{documented}")
        failures.append(Failure("training", f"{who} {state}"))
    if api.fail_commercial[r]:
        state = ("terms do not allow commercial use" if offering.commercial_use is False
                 else f"terms in the catalog do not say whether commercial use is allowed{documented}")
        failures.append(Failure("terms", f"{who}: hosted use is governed by the provider's terms, and its "
                                         f"{state}"))
    if api.fail_context[r]:
        failures.append(Failure("context", f"{who} serves {plan.context_tokens:,} tokens of "
                                           f"context; you need {c.min_context_tokens:,}"))
    if api.fail_speed[r]:
        failures.append(Failure("speed", f"{who} publishes about {offering.output_tokens_per_s:g} output "
                                         f"tokens/s; you need {c.min_tokens_per_s:g}"))
    if api.fail_budget[r]:
        mode = f", thinking {plan.thinking}" if plan.thinking in ("on", "always") else ""
        failures.append(Failure("budget", f"costs about ${plan.monthly_cost_usd:,.2f}/month via "
                                          f"{who}{mode} for {tokens_text(c.tokens_per_month)} "
                                          f"tokens; your budget is ${c.budget_usd_month:,.2f}"))
    return failures


def rejected_at(ev: Evaluation, at: int) -> Rejected:
    """The failing model at `at` with every failure, worded."""
    model = ev.cols.models[int(ev.idx[at])]
    all_failures = model_failures(ev.cols, ev.c, int(ev.idx[at]))
    outcomes = _outcomes(ev, at)
    best_plan: DeploymentPlan | None = None
    # Every deployment's failures, each sentence naming the offering it is about (said once).
    local = [o for o in outcomes if o[0] is not None and o[0].self_hosted]
    apis = sorted((o for o in outcomes if o[0] is not None and o[0].mode == "api"),
                  key=lambda o: o[0].monthly_cost_usd if o[0] else 0.0)
    seen: set[str] = {f.reason for f in all_failures}
    for plan, failures in [*local, *apis, *(o for o in outcomes if o[0] is None)]:
        for f in failures:
            if f.reason not in seen:
                all_failures.append(f)
                seen.add(f.reason)
        if best_plan is None and plan is not None:
            best_plan = plan
    return Rejected(model, tuple(all_failures), best_plan)


__all__ = ["LazyList", "Rejected", "Scored", "api_failures", "rejected_at", "scored_at",
           "thinking_word"]
