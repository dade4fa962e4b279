"""Sentences: why each model ranks where it does, what it assumes, where its facts come from."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from advisor.catalog.schema import License, Model
from advisor.estimate.cost import Usage
from advisor.recommend.constraints import Constraints, Factor
from advisor.recommend.deploy import assumptions
from advisor.recommend.filters import undocumented_languages
from advisor.recommend.plan_notes import (
    floor_sentence,
    speed_sentence,
    terms_sentence,
    thinking_sentence,
    unstated_terms,
)
from advisor.recommend.result import DeploymentPlan, Recommendation

if TYPE_CHECKING:
    from advisor.catalog.store import Catalog
    from advisor.recommend.deploy import PlanSettings
    from advisor.recommend.ranked import Scored

FACTORS = tuple(Factor)
FACTOR_WORDS = {
    Factor.QUALITY: "quality", Factor.COST: "cost", Factor.SPEED: "speed",
    Factor.FIT: "memory headroom", Factor.CONTEXT: "context", Factor.LANGUAGE: "language support",
    Factor.LICENSE: "licence openness", Factor.MATURITY: "maturity",
}
LEVEL_POINTS = 0.05
"""Scores closer than this are called level: the one-decimal score cannot tell them apart."""
SPREAD = "small differences spread over several factors"
SLOW_TOKENS_PER_S = 5.0
"""Below this, reading speed outpaces generation: warn that answers will feel slow."""


def how_it_runs(plan: DeploymentPlan) -> str:
    """One sentence on the deployment."""
    if plan.mode == "api":
        price = ""
        if plan.price_input_usd_per_mtok is not None and plan.price_output_usd_per_mtok is not None:
            price = (f" (${plan.price_input_usd_per_mtok:g} in / ${plan.price_output_usd_per_mtok:g} "
                     f"out per 1M tokens, prices as of {plan.prices_as_of})")
        return f"Runs via {plan.provider} for about ${plan.monthly_cost_usd:,.2f}/month{price}."
    where = {"gpu": "fully on the GPU", "gpu+cpu": (f"with {plan.gpu_layers} of {plan.total_layers} "
                                                    "layers on the GPU and the rest in system RAM"),
             "cpu": "on the CPU"}.get(plan.placement or "", plan.placement or "")
    mem = ""
    if plan.memory_gb is not None and plan.available_gb:
        mem = f", using {plan.memory_gb:.1f} of {plan.available_gb:.1f} GB"
    speed = ""
    if plan.decode_tokens_per_s is not None:
        rng = ""
        if plan.decode_low is not None and plan.decode_high is not None:
            rng = f" ({plan.decode_low:.0f}-{plan.decode_high:.0f})"
        speed = f", about {plan.decode_tokens_per_s:.0f} tokens/s{rng}"
    if not plan.cost_known:
        why = next((n.split(": ", 1)[1] for n in plan.cost_notes if n.startswith("electricity unknown")),
                   "it could not be computed")
        running = f"the running cost is unknown ({why})"
        bound = next((n for n in plan.cost_notes if n.startswith("scored at no more than")), None)
        if plan.cost_bound_usd is not None and bound is not None:
            running += f", {bound}"
    else:
        running = f"about ${plan.monthly_cost_usd:,.2f}/month {_cost_words(plan)}"
    place = "on rented GPUs" if plan.mode == "rented" else "locally"
    machines = f" on {plan.machines_needed} machines" if (plan.machines_needed or 1) > 1 else ""
    under = {"vllm": " under vLLM", "mlx": " under MLX (mlx-lm)"}.get(plan.runtime or "", "")
    measured = f" {plan.speed_note}" if plan.speed_note else ""
    return f"Runs {place}{under} at {plan.quantization} {where}{machines}{mem}{speed}; {running}.{measured}"


def _cost_words(plan: DeploymentPlan) -> str:
    """What a self-hosted plan's monthly cost is made of."""
    parts = plan.cost_breakdown or {}
    named = [name for name in ("rent", "hardware") if parts.get(name)]
    if plan.mode == "rented":
        return "in rent"
    return "in electricity" + (" and hardware write-off" if "hardware" in named else "")


def _gaps(a: Scored, b: Scored) -> list[tuple[float, Factor]]:
    """Factors where `a` earns more points than `b`, largest first."""
    gaps = [(a.points[f] - b.points[f], f) for f in FACTORS]
    return sorted((g for g in gaps if g[0] > 0.05), reverse=True)


def _tie_break(first: Scored, second: Scored) -> str:
    """Why `first` is listed before `second` when their scores are level (the ranking's tie-break:
    quality, then monthly cost, then id)."""
    if round(first.score, 6) != round(second.score, 6):
        diffs = sorted(((first.points[f] - second.points[f], f) for f in FACTORS), key=lambda d: -abs(d[0]))
        words = ", ".join(f"{FACTOR_WORDS[f]} {d:+.2f}" for d, f in diffs[:3] if abs(d) >= 0.005)
        return (f"{first.model.name} stays ahead by {first.score - second.score:.3f} points"
                + (f" ({words})" if words else ""))
    if first.quality.value != second.quality.value:
        return f"{first.model.name} goes first on the tie-break, higher task quality"
    if first.plan.monthly_cost_usd != second.plan.monthly_cost_usd:
        return f"{first.model.name} goes first on the tie-break, lower monthly cost"
    return f"{first.model.name} goes first only by the order of their ids"


def _gap_words(gaps: list[tuple[float, Factor]], limit: int = 3) -> str:
    return ", ".join(f"{FACTOR_WORDS[f]} (+{g:.1f})" for g, f in gaps[:limit])


def _quality_sentence(s: Scored, c: Constraints) -> str:
    tasks = ", ".join(t.value.replace("_", " ") for t, w in sorted(c.tasks.items()) if w > 0)
    if s.quality.display is None:
        return f"No quality estimate for {tasks or 'the tasks'}: it is scored as an unmeasured model."
    scored = ""
    if abs(s.quality.value * 100 - s.quality.display) >= 0.5:
        scored = (f" It is scored as {s.quality.value * 100:.0f}, the estimate less the "
                  f"{c.profile.value} profile's allowance for that uncertainty.")
    return (f"Quality {s.quality.display:.0f}/100 for {tasks} ({s.quality.confidence.level} "
            f"confidence: {s.quality.confidence.note}).{scored}")


def _ordered_by_floor(s: Scored, rank_no: int, ranked: Sequence[Scored]) -> str | None:
    """The first sentence when a tier, not the score, decides the order against the model it would
    be compared with: the usability floor first, then terms that leave a stated rule unsaid."""
    tiers: tuple[tuple[Callable[[DeploymentPlan], bool], str, str], ...] = (
        (lambda p: p.below_usable_floor,
         "answers slower than the usability floor, so every usable plan ranks before it",
         "it is below the usability floor"),
        (lambda p: p.terms_unstated,
         "its provider's terms leave one of your rules unstated, so plans documented to meet them "
         "rank before it",
         "its provider's terms leave one of your rules unstated"))
    for behind, why_first, why_later in tiers:
        if rank_no == 1 and len(ranked) > 1:
            runner = ranked[1]
            if behind(runner.plan) and not behind(s.plan) and runner.score > s.score:
                return (f"Ranks first with {s.score:.1f}/100: {runner.model.name} scores higher "
                        f"({runner.score:.1f}) but {why_first}.")
            continue
        top = ranked[0]
        if rank_no > 1 and behind(s.plan) and not behind(top.plan) and s.score > top.score:
            return (f"Ranks #{rank_no} with {s.score:.1f}/100, after {top.model.name} ({top.score:.1f}) "
                    f"although it scores higher: {why_later}.")
    return None


def explain(s: Scored, rank_no: int, ranked: Sequence[Scored], c: Constraints,
            lic: License | None = None) -> list[str]:
    """Why this model ranks here, in a few sentences."""
    lines = _standing(s, rank_no, ranked)
    floor = floor_sentence(s.plan, c)
    if floor:
        lines.insert(1, floor)
    lines.append(how_it_runs(s.plan))
    lines.extend(x for x in (thinking_sentence(s.plan, s.alternatives, c), speed_sentence(s.plan))
                 if x)
    lines.append(_quality_sentence(s, c))
    if s.language_notes:
        lines.append("Languages: " + "; ".join(s.language_notes) + ".")
    lines.append(terms_sentence(s.model, lic, s.plan))
    return lines


def _standing(s: Scored, rank_no: int, ranked: Sequence[Scored]) -> list[str]:
    """Where it stands against the pick (or the runner-up), in a sentence or three."""
    lines = [f"Score {s.score:.1f}/100."]
    order_by_floor = _ordered_by_floor(s, rank_no, ranked)
    if order_by_floor:
        lines[0] = order_by_floor
    elif rank_no == 1 and len(ranked) > 1:
        runner = ranked[1]
        if s.score - runner.score >= LEVEL_POINTS:
            lines[0] = (f"Ranks first with {s.score:.1f}/100, {s.score - runner.score:.1f} points ahead "
                        f"of {runner.model.name}; it wins on {_gap_words(_gaps(s, runner)) or SPREAD}.")
        else:
            lines[0] = (f"Ranks first with {s.score:.1f}/100, level with {runner.model.name} (less "
                        f"than {LEVEL_POINTS:g} points apart); {_tie_break(s, runner)}.")
        behind = _gaps(runner, s)
        if behind:
            lines.append(f"{runner.model.name} is better on {_gap_words(behind)}, which is not "
                         "enough to overtake it.")
    elif rank_no == 1:
        lines[0] = f"The only model that meets every constraint ({s.score:.1f}/100)."
    else:
        top = ranked[0]
        if top.score - s.score >= LEVEL_POINTS:
            lines[0] = (f"Ranks #{rank_no} with {s.score:.1f}/100, {top.score - s.score:.1f} points "
                        f"behind {top.model.name}, which is better on "
                        f"{_gap_words(_gaps(top, s)) or SPREAD}.")
        else:
            lines[0] = (f"Ranks #{rank_no} with {s.score:.1f}/100, level with {top.model.name} (less "
                        f"than {LEVEL_POINTS:g} points apart); {_tie_break(top, s)}.")
        above = ranked[rank_no - 2]
        if above is not top:
            lines.append(f"Just above it, {above.model.name} leads on "
                         f"{_gap_words(_gaps(above, s), 2) or SPREAD}.")
        ahead = _gaps(s, top)
        if ahead:
            lines.append(f"It beats the pick on {_gap_words(ahead, 2)}.")
    return lines


def warnings_for(s: Scored, lic: License | None, c: Constraints) -> list[str]:
    """What to know before choosing it."""
    out: list[str] = []
    plan = s.plan
    if plan.mode == "api" and plan.offering_status == "deprecated":
        when = f"on {plan.shutdown_date}" if plan.shutdown_date else "on a date not yet announced"
        out.append(f"Deprecated: {plan.provider} stops serving {plan.provider_model_id or s.model.name} "
                   f"{when}; plan a move to its successor.")
    if plan.self_hosted and plan.decode_tokens_per_s is not None:
        if plan.decode_tokens_per_s < SLOW_TOKENS_PER_S:
            out.append(f"Slow: about {plan.decode_tokens_per_s:.1f} tokens/s on this hardware; a "
                       "long answer takes minutes.")
        if plan.placement == "gpu+cpu":
            out.append("Part of the model runs from system RAM, which is several times slower "
                       "than GPU memory.")
        if plan.placement == "cpu":
            out.append("Runs on the CPU only: expect modest speed and long prompt processing.")
    out.extend(capacity_warnings(plan, c))
    from advisor.recommend.scoring import quantization_factor  # noqa: PLC0415

    _, quant_note = quantization_factor(plan)
    if quant_note:
        out.append(quant_note[0].upper() + quant_note[1:] + ".")
    if s.quality.confidence.level == "low":
        span = (f" (90 % interval {s.quality.interval[0]:.0f}-{s.quality.interval[1]:.0f})"
                if s.quality.interval else "")
        out.append(f"Little benchmark evidence for your tasks: treat its quality as uncertain{span}.")
    if plan.thinking in ("on", "always") and plan.mode == "api":
        out.append("Thinking " + plan.thinking + ": thinking tokens are billed as output and included "
                   "in the cost estimate.")
    if plan.self_hosted and plan.answer_tokens_per_s is not None:
        out.append(f"A reasoning model: it generates its thinking before the answer, so at about "
                   f"{plan.decode_tokens_per_s or 0:.0f} tokens/s the answer itself arrives at about "
                   f"{plan.answer_tokens_per_s:.0f} tokens/s; the speed score and the electricity "
                   "count the thinking tokens.")
    if lic and lic.conditions and lic.license_class.value != "permissive":
        if plan.self_hosted:
            out.append(f"Licence conditions ({lic.name}): " + " ".join(lic.conditions))
        elif s.model.open_weights:
            out.append(f"If you self-host it instead, the weights licence applies ({lic.name}): "
                       + " ".join(lic.conditions))
    out.extend(undocumented_languages(s.model, c.languages))
    out.extend(unstated_terms(s.model, plan, c))
    return out


def capacity_warnings(plan: DeploymentPlan, c: Constraints) -> list[str]:
    """A self-hosted plan's capacity in one sentence when the volume needs more than one machine,
    and how to serve several streams."""
    out: list[str] = []
    if not plan.self_hosted or plan.machines_needed is None:
        return out
    if plan.machines_needed > 1:
        out.append(f"Capacity: {c.tokens_per_month / 1e6:,.0f}M tokens a month keep it busy "
                   f"{plan.busy_hours_per_month or 0:,.0f} machine-hours at about "
                   f"{plan.aggregate_tokens_per_s or 0:,.0f} tokens/s, more than the "
                   f"{c.hours_per_month:,.0f} h "
                   f"one machine has: sized as {plan.machines_needed} machines.")
    if c.concurrency > 1:
        streams = (f"{c.concurrency} streams share the machine: about {plan.decode_tokens_per_s or 0:,.0f} "
                   f"tokens/s each, {plan.aggregate_tokens_per_s or 0:,.0f} together, with a KV cache for "
                   f"each ({plan.kv_cache_gb or 0:,.1f} GB in all)")
        if plan.runtime == "vllm":
            out.append(f"{streams} under vLLM: tensor parallel over the GPUs, continuous batching and "
                       "sampling on the GPU, as datacenter GPUs serve a team.")
        else:
            out.append(f"{streams} under llama.cpp's server with --parallel {c.concurrency}; on NVIDIA/AMD "
                       "datacenter GPUs vLLM or SGLang batch sampling on the GPU and split layers across "
                       "GPUs, usually faster ('advisor estimate --backend vllm').")
    return out


def sources_of(model: Model, lic: License | None, plan: DeploymentPlan) -> list[str]:
    """Sources with dates behind this model's facts, most important first, without repeats."""
    out = [f"{model.facts.source} (as of {model.facts.as_of})"]
    if model.architecture is not None:
        out.append(f"Architecture: {model.architecture.source} (as of {model.architecture.as_of})")
    if plan.mode == "api":
        for off in model.offerings:
            if off.provider == plan.provider:
                out.append(f"Prices ({off.provider}): {off.source} (as of {off.as_of})")
    out.extend(f"{ev.benchmark}: {ev.source} (as of {ev.as_of})" for ev in model.evidence)
    if lic is not None:
        out.append(f"Licence: {lic.url or lic.source} (as of {lic.as_of})")
    return list(dict.fromkeys(out))


def build_recommendations(scored: Sequence[Scored], catalog: Catalog, c: Constraints,
                          limit: int | None = None) -> list[Recommendation]:
    """Explained `Recommendation`s for every ranked model, or for the first `limit`."""
    recs: list[Recommendation] = []
    shown = scored if limit is None else scored[:limit]
    for i, s in enumerate(shown, start=1):
        lic = catalog.license_of(s.model)
        recs.append(Recommendation(
            rank=i, model_id=s.model.id, name=s.model.name, vendor=s.model.vendor,
            open_weights=s.model.open_weights, score=min(100.0, max(0.0, s.score)),
            score_breakdown=s.points, factor_values=s.values, weights=s.shares,
            quality=s.quality.display, quality_interval=s.quality.interval, deployment=s.plan,
            alternatives=s.alternatives,
            license_id=s.model.license, license_name=lic.name if lic else s.model.license,
            license_class=lic.license_class.value if lic else "unknown",
            confidence=s.quality.confidence, explanation=tuple(explain(s, i, scored, c, lic)),
            warnings=tuple(warnings_for(s, lic, c)), sources=tuple(sources_of(s.model, lic, s.plan)),
        ))
    return recs


def serving_assumptions(c: Constraints, settings: PlanSettings) -> list[str]:
    """How self-hosted plans serve and are costed, and what the sensitive share means."""
    lines: list[str] = []
    if c.local_allowed:
        streams = f"{c.concurrency} simultaneous streams" if c.concurrency > 1 else "one stream at a time"
        lines.append(f"Self-hosted plans serve {streams} for up to {c.hours_per_month:,.0f} h a month per "
                     f"machine, on at most {c.max_machines} machine(s); electricity counts the busy hours "
                     "at load power and the rest of those hours at idle power where the catalog has it.")
        if c.rented and settings.rental is not None and settings.rental.price is not None:
            lines.append(f"Rented GPUs: {settings.rental.label}; paid for every hour the machine serves "
                         f"({settings.rental.price.source}).")
    if c.electricity_region and c.electricity_usd_kwh is None:
        from advisor.estimate.electricity import price_for  # noqa: PLC0415

        p = price_for(c.electricity_region)
        lines.append(f"Electricity at ${p.usd_per_kwh:.4f}/kWh: the {p.kind} average in {p.region} for "
                     f"{p.as_of} ({p.source}{'; ' + p.note if p.note else ''}).")
    if c.sensitive_share:
        lines.append(f"{c.sensitive_share:.0%} of the tokens are sensitive and stay on your hardware; hosted "
                     "APIs take only the rest, as half of a hybrid plan.")
    return lines


def assumptions_for(c: Constraints, settings: PlanSettings, scored: Sequence[Scored],
                    price_dates: Iterable[str], cost_reference: float) -> list[str]:
    """The defaults and assumptions behind every number in the result; `price_dates`: those of the
    ranked models' best plans (`ranked.price_dates`); `cost_reference`: the monthly cost at which
    the cost value is 0.5 (`scoring.cost_reference`)."""
    out_share = c.output_share
    ratio = (1 - out_share) / out_share if out_share > 0 else float("inf")
    lines = [
        f"Monthly volume {c.tokens_per_month:,} tokens, {1 - out_share:.0%} input and "
        f"{out_share:.0%} output (about {ratio:.1f}:1).",
        f"Local memory and speed are estimated at {c.min_context_tokens:,} tokens of context.",
        "Budget limits hosted API bills; running on your own hardware is costed as electricity "
        "and scored under cost, not excluded by the budget.",
        (f"Cost scores half its points at the budget, ${cost_reference:,.0f} a month." if c.budget_usd_month
         else f"Cost scores half its points at ${cost_reference:,.0f} a month: what this volume costs at the "
              "median price of the catalog's hosted offerings (at least $50), so a price difference counts "
              "at any volume."),
    ]
    overhead = (c.reasoning_overhead if c.reasoning_overhead is not None
                else Usage.model_fields["reasoning_overhead"].default)
    lines.append(f"A plan that thinks spends {overhead:g}x the answer tokens on thinking: billed as output "
                 "by hosted APIs, and counted in the answer speed and the electricity of a local run.")
    mode = "on" if c.thinking_wanted else "off"
    why = "reasoning is weighted" if c.thinking_wanted else "no reasoning is weighted"
    lines.append(f"Hybrid thinking models (thinking switched per request) run with thinking {mode} because "
                 f"{why}; the other mode is shown as an alternative. Models that always think are "
                 "billed and timed with their thinking.")
    if c.cached_input_share:
        lines.append(f"{c.cached_input_share:.0%} of input tokens are billed at the provider's cached-input "
                     "price where it has one.")
    if c.batch:
        lines.append("Hosted bills use the provider's batch price where it has one (answers within its "
                     "batch window, not live).")
    floor = c.usable_floor_tokens_per_s
    if floor:
        lines.append(f"Plans whose answers arrive slower than {floor:g} tokens/s rank after every faster "
                     "plan (usability floor); their scores are unchanged.")
    lines.append("Hosted use is judged by the provider's terms (commercial use, region, training), "
                 "self-hosting by the weights licence; terms the catalog does not state are kept with a "
                 + ("warning, and rank after plans documented to meet your rules." if not c.documented_only
                    else "warning, and excluded as you asked (documented only)."))
    from advisor.recommend.serving import cost_settings_for  # noqa: PLC0415

    cost = cost_settings_for(settings.cost, c)
    lines.extend(serving_assumptions(c, settings))
    for name, info in type(cost).model_fields.items():
        lines.append(f"{info.description or name}: {getattr(cost, name)}")
    for name, info in type(settings.estimate).model_fields.items():
        lines.append(f"{info.description or name}: {getattr(settings.estimate, name)}")
    dates = sorted(set(price_dates))
    if dates:
        lines.append(f"API prices as of {dates[0]}" + (f" to {dates[-1]}." if len(dates) > 1 else "."))
    seen: set[str] = set()
    for s in scored[:3]:
        for a in assumptions(s.plan, settings.estimate):
            if a not in seen:
                seen.add(a)
                lines.append(a)
    return lines
