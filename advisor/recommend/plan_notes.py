"""Sentences about how a plan was judged: whose terms applied, the thinking mode, the speed used,
the usability floor, and what an offering's terms leave unsaid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.catalog.schema import License, Model, Offering
from advisor.recommend.constraints import Constraints
from advisor.recommend.scoring import UNMEASURED_SPEED

if TYPE_CHECKING:
    from advisor.recommend.result import DeploymentPlan


def plan_offering(model: Model, plan: DeploymentPlan) -> Offering | None:
    """The offering an API plan uses."""
    if plan.mode != "api" or plan.offering_position is None:
        return None
    return model.offerings[plan.offering_position]


def offering_name(offering: Offering) -> str:
    """Provider and the model's name there."""
    if offering.provider_model_id:
        return f"{offering.provider} ({offering.provider_model_id})"
    return offering.provider


def terms_sentence(model: Model, lic: License | None, plan: DeploymentPlan) -> str:
    """Which terms govern this plan: the provider's for hosted use, the weights licence for
    self-hosting."""
    licence = lic.name if lic else model.license
    offering = plan_offering(model, plan)
    if offering is None:
        use = ("allows commercial use" if lic and lic.commercial_use
               else "does not allow commercial use" if lic else "is not in the catalog")
        return f"Terms: self-hosted, so the weights licence {licence} applies (it {use})."
    parts = []
    parts.append({True: "commercial use allowed", False: "commercial use not allowed",
                  None: "commercial use not stated"}[offering.commercial_use])
    parts.append({True: "may train on your data", False: "does not train on your data",
                  None: "training on your data not stated"}[offering.trains_on_data])
    parts.append("retention not stated" if offering.retention_days is None
                 else "no retention" if offering.retention_days == 0
                 else f"retains data {offering.retention_days} days")
    parts.append(f"processes data in {', '.join(offering.regions)}" if offering.regions
                 else "processing region not stated")
    weights = (f"; the weights licence ({licence}) governs only self-hosting" if model.open_weights
               else "")
    return f"Terms: hosted, so {offering.provider}'s API terms apply ({'; '.join(parts)}){weights}."


def unstated_terms(model: Model, plan: DeploymentPlan, c: Constraints) -> list[str]:
    """Warnings for the rules the plan's offering neither meets nor breaks by its stated terms."""
    offering = plan_offering(model, plan)
    if offering is None:
        return []
    who = offering_name(offering)
    out = []
    if c.allowed_regions and not offering.regions:
        out.append(f"{who} does not state where data is processed; check it meets your region rule "
                   f"({', '.join(c.allowed_regions)}), or use --documented-only to exclude such offerings.")
    if c.no_training_on_data and offering.trains_on_data is None:
        out.append(f"{who} does not state whether it trains on API data; check its terms, or use "
                   "--documented-only to exclude such offerings.")
    if c.commercial_use_required and offering.commercial_use is None:
        out.append(f"{who}: the catalog does not record whether its terms allow commercial use; check "
                   "them, or use --documented-only to exclude such offerings.")
    return out


def _mode_text(plan: DeploymentPlan) -> str:
    speed = plan.answer_tokens_per_s or plan.api_tokens_per_s or plan.decode_tokens_per_s
    place = "on rented GPUs" if plan.mode == "rented" else "locally"
    where = f"via {plan.provider}" if plan.mode == "api" else f"{place} at {plan.quantization}"
    fast = f", about {speed:.0f} tokens/s" if speed else ""
    cost = f"${plan.monthly_cost_usd:,.2f}/month" if plan.cost_known else "running cost unknown"
    return f"{where}: {cost}{fast}"


def thinking_sentence(plan: DeploymentPlan, alternatives: tuple[DeploymentPlan, ...],
                      c: Constraints) -> str | None:
    """Which thinking mode the plan uses and why, with the other mode as the alternative."""
    if not plan.hybrid_thinking:
        return None
    other = next((a for a in alternatives if a.thinking not in (None, plan.thinking, "always")
                  and a.mode == plan.mode and a.provider == plan.provider
                  and a.provider_model_id == plan.provider_model_id), None)
    named = ", ".join(sorted(t.value for t, w in c.tasks.items() if w > 0))
    why = (f"your tasks ({named}) weight reasoning" if c.thinking_wanted
           else f"your tasks ({named}) weight no reasoning, so it answers directly: cheaper and faster")
    if (plan.thinking == "on") != c.thinking_wanted:
        why = f"the other mode fails a constraint or the usability floor here, although {why}"
    if other is None:
        return f"Thinking {plan.thinking}: a hybrid model, and {why}."
    return (f"Thinking {plan.thinking}: a hybrid model, and {why}. With thinking {other.thinking} "
            f"{_mode_text(other)}.")


def speed_sentence(plan: DeploymentPlan) -> str | None:
    """How the speed factor judged a hosted plan."""
    if plan.mode != "api":
        return None
    if plan.api_tokens_per_s is None:
        return (f"Speed: {plan.provider} publishes no output speed in the catalog, so the speed score "
                f"is neutral ({UNMEASURED_SPEED:g}) and a speed minimum cannot rule it out.")
    answer = (f"; the answer arrives at about {plan.answer_tokens_per_s:.0f} tokens/s after its "
              "thinking" if plan.answer_tokens_per_s else "")
    return f"Speed: {plan.provider} publishes about {plan.api_tokens_per_s:.0f} output tokens/s{answer}."


def floor_sentence(plan: DeploymentPlan, c: Constraints) -> str | None:
    """Why a plan slower than the usability floor ranks after every usable one."""
    if not plan.below_usable_floor:
        return None
    speed = plan.answer_tokens_per_s or plan.decode_tokens_per_s or plan.api_tokens_per_s or 0.0
    floor = c.usable_floor_tokens_per_s
    whose = "your" if c.min_usable_tokens_per_s is not None else "the default"
    return (f"Ranked after every usable plan: answers arrive at about {speed:.1f} tokens/s, below "
            f"{whose} usability floor of {floor:g} tokens/s (--min-usable-tokens-per-s), slower than "
            "people read.")
