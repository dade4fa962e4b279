"""Self-hosting against the API bill: where their monthly costs cross (break-even), and hybrid plans
that keep a sensitive share (or what the local machines can serve) local and send the rest to an API.

Both reuse the ranking: a self-hosted plan's cost at another volume comes from the same
`capacity.self_host` the ranking used, and an API bill is linear in the volume at a fixed mix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from advisor.estimate.capacity import SelfHostCost, Serving, self_host
from advisor.estimate.cost import Usage
from advisor.recommend.constraints import Constraints, Deployment, Factor
from advisor.recommend.deploy import PlanSettings
from advisor.recommend.ranked import Scored
from advisor.recommend.result import BreakEven, BreakEvenPoint, DeploymentPlan
from advisor.recommend.scoring import cost_value
from advisor.recommend.serving import cost_settings_for, serving_for


@dataclass(frozen=True)
class LocalCostModel:
    """What a self-hosted plan costs at any volume (the ranking's own function, re-run)."""

    plan: DeploymentPlan
    c: Constraints
    settings: PlanSettings

    def usage(self, tokens: float) -> Usage:
        c = self.c
        base = Usage(tokens_per_month=max(0, int(tokens)), output_share=c.output_share,
                     cached_input_share=c.cached_input_share)
        if c.reasoning_overhead is not None:
            base = base.model_copy(update={"reasoning_overhead": c.reasoning_overhead})
        return base

    def serving(self) -> Serving:
        return replace(serving_for(self.c, self.settings.rental), max_machines=10**9)

    def served(self, tokens: float) -> SelfHostCost:
        """The ranking's serving figures at `tokens` a month, with as many machines as needed."""
        plan = self.plan
        assert plan.source is not None
        return self_host(plan.aggregate_tokens_per_s or math.nan, plan.prefill_tokens_per_s or math.nan,
                         self.usage(tokens), plan.source[1], cost_settings_for(self.settings.cost, self.c),
                         self.serving(), plan.thinking in ("on", "always"))

    def cost(self, tokens: float) -> float:
        """Monthly cost in USD at `tokens` a month, with as many machines as the volume needs."""
        return float(self.served(tokens).total)

    def capacity(self) -> float | None:
        """Tokens a month one machine serves in the allowed hours (None: speed unknown)."""
        probe = 1e9
        served = self.served(probe)
        if not served.speed_known or not served.busy_hours:
            return None
        return probe * self.c.hours_per_month / float(served.busy_hours)


KindFinder = Callable[[bool, bool], int | None]
"""(self_hosted, any_plan) -> the first place after the pick whose best plan (any_plan: any of its
plans) is of that kind, or None."""


def break_even(scored: Sequence[Scored], c: Constraints, settings: PlanSettings,
               find: KindFinder | None = None) -> BreakEven | None:
    """The pick against the best-ranked plan of the other kind, when the ranking has both and the
    self-hosted one's speed and cost are known. `find` (`ranked.first_of_kind` over the ranking's
    arrays) saves making a Scored for every model above the other kind's best."""
    if not scored or c.tokens_per_month <= 0:
        return None
    pick = scored[0]
    if pick.plan.mode == "hybrid":
        return None
    other_api = pick.plan.self_hosted  # the other plan is an API one
    find = find or (lambda self_hosted, any_plan: _first_of_kind(scored, self_hosted, any_plan))
    at = find(not other_api, False)
    if at is None:
        at = find(not other_api, True)
    if at is None:
        return None
    other = scored[at]
    local_s, api_s = (pick, other) if other_api else (other, pick)
    local_plan = _plan_of_kind(local_s, self_hosted=True)
    api_plan = _plan_of_kind(api_s, self_hosted=False)
    if (local_plan is None or api_plan is None or local_plan.source is None or not local_plan.cost_known
            or local_plan.aggregate_tokens_per_s is None):
        return None
    model = LocalCostModel(local_plan, c, settings)
    api_per_token = api_plan.monthly_cost_usd / c.tokens_per_month
    capacity = model.capacity()
    if capacity is None:
        return None
    fixed = model.cost(0)
    step = capacity * 0.5
    per_token = (model.cost(step) - fixed) / step
    crossing: int | None
    if fixed <= 1e-9 and per_token < api_per_token:
        crossing = 0
    elif api_per_token > per_token and fixed / (api_per_token - per_token) <= capacity:
        crossing = math.ceil(fixed / (api_per_token - per_token))
    else:
        crossing = None
    local_words = f"self-hosting {local_s.model.name} ({local_plan.quantization})"
    api_words = f"{api_s.model.name} via {api_plan.provider}"
    if crossing is None:
        note = (f"The API is cheaper at every volume: {api_words} costs ${api_per_token * 1e6:,.2f} per 1M "
                f"tokens, and {local_words} costs ${fixed:,.0f}/month per machine plus "
                f"${per_token * 1e6:,.2f} per 1M tokens in electricity.")
    elif crossing == 0:
        note = (f"{_sentence(local_words)} is cheaper than {api_words} at every volume up to what the "
                f"machines serve: owned hardware with no write-off or idle power counted costs only its "
                f"electricity (${per_token * 1e6:,.2f} vs ${api_per_token * 1e6:,.2f} per 1M tokens).")
    else:
        note = (f"{_sentence(local_words)} is cheaper than {api_words} above {volume_text(crossing)} "
                f"tokens/month (at your {1 - c.output_share:.0%}/{c.output_share:.0%} input/output mix); "
                f"below that the API is cheaper.")
    top = max(c.tokens_per_month, crossing or 0, 1) * 10
    points = [int(top * 10 ** (-3 + 3 * i / 23)) for i in range(24)]
    curve = tuple(BreakEvenPoint(tokens_per_month=t, local_usd=model.cost(t), api_usd=api_per_token * t)
                  for t in dict.fromkeys(points))
    return BreakEven(local_model_id=local_s.model.id, local_name=local_s.model.name,
                     local_summary=local_plan.summary(), api_model_id=api_s.model.id,
                     api_name=api_s.model.name, api_summary=api_plan.summary(),
                     tokens_per_month=crossing, local_fixed_usd=fixed, local_usd_per_mtok=per_token * 1e6,
                     api_usd_per_mtok=api_per_token * 1e6, note=note, curve=curve)


def volume_text(tokens: float) -> str:
    """A monthly volume for people: 410M, 1.2B, 85k."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if tokens >= size:
            return f"{tokens / size:.3g}{unit}"
    return f"{tokens:,.0f}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first_of_kind(scored: Sequence[Scored], self_hosted: bool, any_plan: bool) -> int | None:
    """`KindFinder` over the objects."""
    for at in range(1, len(scored)):
        s = scored[at]
        if (_plan_of_kind(s, self_hosted) is not None if any_plan
                else s.plan.self_hosted == self_hosted and s.plan.mode != "hybrid"):
            return at
    return None


def _plan_of_kind(s: Scored, self_hosted: bool) -> DeploymentPlan | None:
    """The model's best plan (or alternative) of the kind asked for."""
    for plan in (s.plan, *s.alternatives):
        if plan.self_hosted == self_hosted and plan.mode != "hybrid":
            return plan
    return None


# --- hybrid plans --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A hybrid plan: a self-hosted part and an API part, each with its share of the tokens."""

    local: Scored
    api: Scored
    share: float  # the self-hosted part's share
    reason: str  # "sensitive" or "overflow"
    score: float
    points: dict[Factor, float]
    values: dict[Factor, float]
    plan: DeploymentPlan


def part_constraints(c: Constraints, share: float, self_hosted: bool) -> Constraints:
    """The constraints of one part of a pair: its share of the volume, its kind of deployment."""
    tokens = round(c.tokens_per_month * (share if self_hosted else 1 - share))
    if self_hosted:
        deployment = Deployment.RENTED if c.rented else Deployment.LOCAL
        update: dict[str, object] = {"deployment": deployment}
    else:
        update = {"deployment": Deployment.API, "hardware": None, "concurrency": 1}
    update.update(tokens_per_month=tokens, sensitive_share=0.0)
    if c.budget_usd_month is not None and not self_hosted:
        update["budget_usd_month"] = None  # the pair's total is held to the budget, not each part
    return c.model_copy(update=update)


def make_pair(local: Scored, api: Scored, share: float, reason: str, c: Constraints,
              cost_reference: float) -> Pair | None:
    """The pair's plan and score: each factor share-weighted over the parts, except cost, which is
    judged on the pair's total bill; None when the total exceeds the budget."""
    total = local.plan.monthly_cost_usd + api.plan.monthly_cost_usd
    if c.budget_usd_month is not None and total > c.budget_usd_month + 1e-9:
        return None
    values = {f: share * local.values.get(f, 0.0) + (1 - share) * api.values.get(f, 0.0) for f in Factor}
    values[Factor.COST] = (float(cost_value(total, cost_reference)) if local.plan.cost_known
                           else local.values[Factor.COST])
    shares = local.shares
    points = {f: 100 * shares.get(f, 0.0) * values[f] for f in Factor}
    rationale = (f"{share:.0%} of the tokens are sensitive and stay on your hardware with "
                 f"{local.model.name}; "
                 f"the other {1 - share:.0%} go to {api.model.name} via {api.plan.provider}."
                 if reason == "sensitive" else
                 f"Your machines serve {share:.0%} of the volume with {local.model.name} (their capacity); "
                 f"the overflow, {1 - share:.0%}, goes to {api.model.name} via {api.plan.provider}.")
    parts = (local.plan.model_copy(update={"share": share, "model_id": local.model.id}),
             api.plan.model_copy(update={"share": 1 - share, "model_id": api.model.id}))
    plan = DeploymentPlan(mode="hybrid", monthly_cost_usd=total, parts=parts, rationale=rationale,
                cost_known=local.plan.cost_known and api.plan.cost_known,
                cost_notes=(f"self-hosted part ${local.plan.monthly_cost_usd:,.2f} + API part "
                            f"${api.plan.monthly_cost_usd:,.2f}",),
                context_tokens=c.min_context_tokens, model_id=local.model.id,
                # the people whose requests a slow part serves wait as long as on a single slow plan
                below_usable_floor=local.plan.below_usable_floor or api.plan.below_usable_floor,
                terms_unstated=api.plan.terms_unstated)
    return Pair(local, api, share, reason, sum(points.values()), points, values, plan)


__all__ = ["BreakEven", "BreakEvenPoint", "LocalCostModel", "Pair", "break_even", "make_pair",
           "part_constraints", "volume_text"]
