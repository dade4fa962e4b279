"""Settings every plan is made with, and what a local plan's estimate assumes.

The ranking (`batch.py`) works out every deployment of every model in arrays; ranked.py makes a
`DeploymentPlan` (result.py, the one plan type) from them for the models an answer holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from advisor.estimate import CostSettings, EstimateSettings, finish, size
from advisor.recommend.result import DeploymentPlan

if TYPE_CHECKING:
    from advisor.estimate.calibration import Calibration
    from advisor.recommend.serving import RentalChoice


@dataclass(frozen=True)
class PlanSettings:
    """Estimator and cost defaults used for every plan (visible in the result's assumptions)."""

    estimate: EstimateSettings = field(default_factory=EstimateSettings)
    cost: CostSettings = field(default_factory=CostSettings)
    rental: RentalChoice | None = None  # rented hardware: the price it is costed at (engine picks it)
    # This machine's measured speeds (`advisor measure`, the window's Measure button): every local
    # speed on the hardware they were measured on is corrected by them, and says so.
    calibrations: tuple[Calibration, ...] = ()
    # The machine's power draw when its profile does not give one (a GPU typed in by its numbers):
    # the largest of the catalog's presets of its device class, in watts, and that preset's name.
    # It bounds the electricity a plan can cost, and the score takes that bound (engine picks it).
    power_bound: tuple[float, str] | None = None


def assumptions(plan: DeploymentPlan, settings: EstimateSettings | None = None) -> tuple[str, ...]:
    """The estimator's assumptions for a local plan (the single-model estimator states them)."""
    if plan.source is None or plan.quantization is None or plan.context_tokens is None:
        return ()
    model, hardware = plan.source
    sized = size(model, hardware, plan.quantization, plan.context_tokens, settings=settings)
    return finish(sized, settings).assumptions


ALTERNATIVE_QUANTS = ("Q5_K_M", "Q4_K_M")
"""Besides the highest-quality quantization that fits, these are scored too, so the ranking can
trade a little quality for speed (the score, not the estimator, makes that call)."""
MLX_QUANTS = ("MLX-8bit", "MLX-4bit")
"""On Apple silicon, a model with an MLX repository in the catalog is also planned under mlx-lm at
these (where that repository is published): MLX decodes faster than llama.cpp's Metal backend on the
same chip (docs/estimation.md), and the score weighs it against the GGUF plans."""


def tokens_text(n: int) -> str:
    """A token count for people: 32k, 1M, 1.5k."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1024 == 0:
        return f"{n // 1024}k"
    if n >= 1000:
        return f"{n / 1000:g}k"
    return str(n)
