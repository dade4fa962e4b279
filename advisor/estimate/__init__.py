"""Memory, speed and cost estimates for running a model on given hardware."""

from advisor.catalog.quant import KV_TYPES, QUANTS
from advisor.estimate.core import (
    Sized,
    best_quant,
    best_size,
    estimate,
    finish,
    memory_needed_gb,
    size,
)
from advisor.estimate.cost import Cost, CostSettings, Usage, api_monthly_cost
from advisor.estimate.format import format_estimate
from advisor.estimate.memory import EstimateError, footprint
from advisor.estimate.planner import plan_hardware
from advisor.estimate.result import Estimate, EstimateSettings, Range, RunOptions

__all__ = [
    "KV_TYPES",
    "QUANTS",
    "Cost",
    "CostSettings",
    "Estimate",
    "EstimateError",
    "EstimateSettings",
    "Range",
    "RunOptions",
    "Sized",
    "Usage",
    "api_monthly_cost",
    "best_quant",
    "best_size",
    "estimate",
    "finish",
    "footprint",
    "format_estimate",
    "memory_needed_gb",
    "plan_hardware",
    "size",
]
